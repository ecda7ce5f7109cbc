// Definitions view: list, show, create and change metric and tag definitions. The API
// validates; a refusal is shown next to the form with its field, line and column.
import { el } from './dom.js';
import { get, post, put, del, path } from './api.js';
import { navigate } from './state.js';
import { panel, table, errorBox, loading, badge, fill, notice } from './ui.js';
import * as format from './format.js';

const AGGREGATIONS = ['count', 'sum', 'min', 'max', 'avg', 'distinct', 'first_seen', 'last_seen', 'last_value'];
const STATUSES = ['draft', 'active', 'retired'];

/** The form of each kind: field, label, input type, choices; `source` marks TagLang text. */
const KINDS = {
  metrics: {
    singular: 'metric',
    fields: [
      { name: 'filter', label: 'Filter (TagLang over event.*)', type: 'textarea', source: true, placeholder: 'event.type == "purchase"' },
      { name: 'aggregation', label: 'Aggregation', type: 'select', choices: AGGREGATIONS },
      { name: 'field', label: 'Event field (sum, min, max, avg, distinct, last_value)', placeholder: 'amount' },
      { name: 'window', label: 'Window', placeholder: '30d, 1h, lifetime' },
      { name: 'description', label: 'Description' },
      { name: 'owner', label: 'Owner' },
      { name: 'status', label: 'Status', type: 'select', choices: STATUSES },
    ],
    summary: (d) => `${d.aggregation ?? ''}${d.field ? `(${d.field})` : ''} over ${d.window ?? ''}`,
    source: (d) => d.filter,
  },
  tags: {
    singular: 'tag',
    fields: [
      { name: 'expression', label: 'Expression (TagLang over attr.*, metric.*, tag.*)', type: 'textarea', source: true, placeholder: 'metric.orders_30d >= 3' },
      { name: 'kind', label: 'Kind', type: 'select', choices: ['boolean', 'enumerated'] },
      { name: 'category', label: 'Category', placeholder: 'commerce/loyalty' },
      { name: 'description', label: 'Description' },
      { name: 'owner', label: 'Owner' },
      { name: 'status', label: 'Status', type: 'select', choices: STATUSES },
    ],
    summary: (d) => `${d.kind ?? 'boolean'}${d.category ? ` · ${d.category}` : ''}`,
    source: (d) => d.expression,
  },
};

export async function renderDefinitions(root, params) {
  const kindName = KINDS[params.get('kind')] ? params.get('kind') : 'tags';
  const kind = KINDS[kindName];
  const status = params.get('status') ?? '';
  const selected = params.get('name');
  const creating = params.get('new') === '1';
  const go = (extra) => navigate({ view: 'definitions', kind: kindName, status, ...extra });

  const statusSelect = el('select', { id: 'status-filter', onchange: () => navigate({ view: 'definitions', kind: kindName, status: statusSelect.value }) },
    el('option', { value: '', text: 'every status' }), STATUSES.map((s) => el('option', { value: s, text: s, selected: s === status })));
  root.append(
    el('h1', { text: 'Definitions' }),
    el('div', { class: 'toolbar' },
      el('nav', { class: 'tabs' }, Object.keys(KINDS).map((name) => el('a', {
        href: `#view=definitions&kind=${name}`, class: name === kindName ? 'active' : '', text: name === 'tags' ? 'Tags' : 'Metrics' }))),
      el('label', { for: 'status-filter', text: 'Status' }), statusSelect,
      el('button', { type: 'button', text: `New ${kind.singular}`, onclick: () => go({ new: '1' }) })));

  const editor = el('div', { class: 'editor' });
  const list = el('div', {}, loading());
  root.append(el('div', { class: 'grid definitions' }, panel(kindName === 'tags' ? 'Tags' : 'Metrics', list), editor));

  if (creating) editor.append(formPanel(kind, kindName, null, go));
  else if (selected) fill(editor, async () => formPanel(kind, kindName, await get(path`/v1/${kindName}/${selected}`), go));
  else editor.append(notice(`Pick a ${kind.singular} to see and change it, or create one.`));

  await fill(list, async () => {
    const answer = await get(`/v1/${kindName}` + (status ? `?status=${status}` : ''));
    const rows = (answer[kindName] ?? []).map((item) => [
      el('a', { href: `#view=definitions&kind=${kindName}&name=${encodeURIComponent(item.name)}${status ? `&status=${status}` : ''}`, text: item.name,
        class: item.name === selected ? 'selected' : '' }),
      item.version, badge(item.status, item.status), kind.summary(item.definition ?? {}),
      el('code', { class: 'clip', text: kind.source(item.definition ?? {}) ?? '' }),
    ]);
    return table(['name', 'version', 'status', 'shape', kindName === 'tags' ? 'expression' : 'filter'], rows, { empty: `no ${kindName}` });
  });
}

/** The form for one definition (`stored` null: a new one). */
function formPanel(kind, kindName, stored, go) {
  const definition = stored?.definition ?? {};
  const inputs = {};
  const form = el('form', { class: 'definition', novalidate: true });
  if (!stored) {
    inputs.name = el('input', { id: 'def-name', required: true, pattern: '[a-z][a-z0-9_]*', placeholder: 'lower_case_name' });
    form.append(el('label', { for: 'def-name', text: 'Name' }), inputs.name);
  }
  for (const field of kind.fields) {
    const id = `def-${field.name}`;
    const current = definition[field.name] ?? (field.name === 'filter' && !stored ? 'true' : '');
    const input = field.type === 'select'
      ? el('select', { id }, field.choices.map((choice) => el('option', { value: choice, text: choice, selected: choice === current })))
      : field.type === 'textarea'
        ? el('textarea', { id, rows: 4, spellcheck: 'false', placeholder: field.placeholder ?? '', value: current })
        : el('input', { id, value: current, placeholder: field.placeholder ?? '' });
    inputs[field.name] = input;
    form.append(el('label', { for: id, text: field.label }), input);
  }
  const result = el('div', { class: 'result' });
  const note = el('input', { id: 'def-note', placeholder: 'why (kept in the history)' });
  if (stored) form.append(el('label', { for: 'def-note', text: 'Note' }), note);
  form.append(el('div', { class: 'buttons' },
    el('button', { type: 'submit', text: stored ? `Save version ${stored.version + 1}` : `Create ${kind.singular}` }),
    stored ? el('button', { type: 'button', class: 'secondary', text: 'History', onclick: () => showHistory(kind, kindName, stored.name, result) }) : null,
    stored && stored.status !== 'retired'
      ? el('button', { type: 'button', class: 'danger', text: 'Retire', onclick: () => retire(kindName, stored.name, result, go) }) : null),
    result);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const input of Object.values(inputs)) input.classList.remove('invalid');
    const body = {};
    for (const [name, input] of Object.entries(inputs)) {
      const text = input.value.trim();
      if (text !== '') body[name] = text;  // left empty: the server's default (or, on a change, the current value)
    }
    result.replaceChildren(loading('Saving…'));
    try {
      const saved = stored
        ? await put(path`/v1/${kindName}/${stored.name}` + (note.value.trim() ? `?note=${encodeURIComponent(note.value.trim())}` : ''), body)
        : await post(`/v1/${kindName}`, body);
      const published = saved.published === true ? 'published to the processors' : saved.published === false ? 'saved, publishing will be retried' : 'publishing is off';
      result.replaceChildren(el('p', { class: 'ok', text: `Saved ${saved.name} version ${saved.version} (${saved.status}); ${published}.` }));
      setTimeout(() => go({ name: saved.name }), 600);
    } catch (error) {
      // Line and column point into the TagLang text (the filter or the expression).
      const sourceName = kind.fields.find((f) => f.source).name;
      const target = inputs[error.field] ?? (error.line ? inputs[sourceName] : null);
      target?.classList.add('invalid');
      const source = error.line && (!error.field || error.field === sourceName) ? inputs[sourceName].value : undefined;
      result.replaceChildren(errorBox(error, { source }));
    }
  });
  const title = stored ? `${kind.singular} ${stored.name}` : `New ${kind.singular}`;
  const meta = stored ? el('p', { class: 'muted', text: `version ${stored.version} · ${stored.status} · by ${stored.author} · ${format.time(stored.created_at)}` }) : null;
  return panel(title, meta, form);
}

async function showHistory(kind, kindName, name, slot) {
  await fill(slot, async () => {
    const answer = await get(path`/v1/${kindName}/${name}/history`);
    const rows = (answer.versions ?? []).slice().reverse().map((v) => [
      v.version, badge(v.status, v.status), v.author, format.time(v.created_at), v.note ?? '', el('code', { class: 'clip', text: kind.source(v.definition ?? {}) ?? '' }),
    ]);
    return el('div', {}, el('h3', { text: 'History (newest first)' }), table(['version', 'status', 'author', 'at', 'note', 'text'], rows));
  });
}

async function retire(kindName, name, slot, go) {
  if (!window.confirm(`Retire ${name}? Its history is kept.`)) return;
  try {
    await del(path`/v1/${kindName}/${name}`);
    go({ name });
  } catch (error) {
    slot.replaceChildren(errorBox(error));
  }
}
