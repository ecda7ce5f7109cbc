// Segment builder: an expression over tags → its count and group portrait; export the first
// page of user ids; save it, and follow a saved segment's size over time.
import { el } from './dom.js';
import { get, post, put, del, path, isMissingRoute } from './api.js';
import { navigate } from './state.js';
import { panel, table, errorBox, notAvailable, loading, fill, notice } from './ui.js';
import { lineChart } from './charts.js';
import { portraitSection, savedSegmentsTable } from './portrait.js';
import * as format from './format.js';

const EXPORT_PAGE = 100;

export async function renderSegment(root, params) {
  const expression = params.get('expr') ?? '';
  const saved = params.get('saved') ?? '';
  const textarea = el('textarea', { id: 'expression', rows: 3, spellcheck: 'false', value: expression,
    placeholder: 'tag.frequent_buyer and not tag.high_value   ·   tag.value_tier in ["gold", "silver"]' });
  const run = (event) => { event?.preventDefault(); navigate({ view: 'segment', expr: textarea.value.trim(), saved }); };
  textarea.addEventListener('keydown', (event) => { if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run(event); });

  const exportSlot = el('div', { id: 'export' });
  const saveSlot = el('div', { class: 'save' });
  root.append(
    el('h1', { text: 'Segments' }),
    panel('Expression',
      el('form', { class: 'segment', onsubmit: run },
        el('label', { for: 'expression', text: 'Tag expression (tag.x, tag.x == "v", in, not, and, or, parentheses; Ctrl+Enter runs)' }),
        textarea,
        el('div', { class: 'buttons' },
          el('button', { type: 'submit', text: 'Count and portrait' }),
          el('button', { type: 'button', class: 'secondary', text: `Export first ${EXPORT_PAGE} ids`,
            onclick: () => exportIds(textarea.value.trim(), exportSlot) }),
          el('button', { type: 'button', class: 'secondary', text: 'Save as segment…',
            onclick: () => saveSlot.replaceChildren(saveForm(textarea.value.trim(), saved)) }))),
      saveSlot, exportSlot));

  const results = el('div', { id: 'segment-results' });
  const savedSlot = el('div', { id: 'saved-segments' }, loading());
  root.append(results, panel('Saved segments', savedSlot));
  if (saved) root.append(savedDetail(saved));

  const loadSaved = fill(savedSlot, async () => {
    const answer = await get('/v1/segments');
    return savedSegmentsTable(answer.segments ?? [], saved,
      (segment) => navigate({ view: 'segment', expr: segment.expression, saved: segment.name }));
  }, { what: 'Saved segments' });

  if (!expression) {
    results.append(notice('Write an expression and press "Count and portrait".'));
    await loadSaved;
    return;
  }
  const countSlot = el('div', { id: 'segment-count-panel' }, loading('Counting…'));
  const portraitSlot = el('div', {}, loading('Drawing the group portrait…'));
  results.append(panel('Count', countSlot), portraitSlot);
  await Promise.all([loadSaved, showCount(expression, countSlot), showPortrait(expression, portraitSlot)]);
}

async function showCount(expression, slot) {
  try {
    const answer = await post('/v1/segments:count', { expression });
    slot.replaceChildren(el('p', { class: 'count' },
      el('span', { id: 'segment-count', class: 'big', dataset: { count: answer.count }, text: format.number(answer.count) }),
      ` users match (counted in ${format.duration(answer.took_ms)}).`));
  } catch (error) {
    slot.replaceChildren(errorBox(error, { source: expression, context: 'count' }));
  }
}

async function showPortrait(expression, slot) {
  try {
    slot.replaceChildren(portraitSection(await post('/v1/segments:portrait', { expression })));
  } catch (error) {
    // An invalid expression is already explained next to the count.
    if (error.code === 'invalid_expression') slot.replaceChildren();
    else slot.replaceChildren(panel('Group portrait', isMissingRoute(error) ? notAvailable('The group portrait', error) : errorBox(error)));
  }
}

async function exportIds(expression, slot) {
  if (!expression) { slot.replaceChildren(notice('Write an expression first.')); return; }
  await fill(slot, async () => {
    const answer = await post('/v1/segments:export', { expression, limit: EXPORT_PAGE });
    const ids = answer.user_ids ?? [];
    return el('div', { class: 'export' },
      el('h3', { text: `First ${ids.length} user ids${answer.next_cursor ? ' (more follow)' : ''}` }),
      el('textarea', { class: 'ids', rows: 4, readonly: true, value: ids.join('\n') }),
      el('p', { class: 'muted' }, 'Open one: ', ids.slice(0, 10).map((id) => [el('a', { href: `#view=user&user=${encodeURIComponent(id)}`, text: String(id) }), ' '])));
  }, { what: 'Export', source: expression });
}

function saveForm(expression, saved) {
  const name = el('input', { id: 'segment-name', required: true, pattern: '[a-z][a-z0-9_]*', maxlength: 128, placeholder: 'lower_case_name', value: saved });
  const description = el('input', { id: 'segment-description', placeholder: 'what it is for' });
  const result = el('div');
  const submit = async (event) => {
    event.preventDefault();
    const body = { expression };
    if (description.value.trim()) body.description = description.value.trim();
    result.replaceChildren(loading('Saving…'));
    try {
      const segmentName = name.value.trim();
      if (segmentName === saved) await put(path`/v1/segments/${segmentName}`, body);
      else await post('/v1/segments', { name: segmentName, ...body });
      navigate({ view: 'segment', expr: expression, saved: segmentName });
    } catch (error) {
      result.replaceChildren(isMissingRoute(error) ? notAvailable('Saving segments', error) : errorBox(error, { source: expression }));
    }
  };
  return el('form', { class: 'inline', onsubmit: submit },
    el('label', { for: 'segment-name', text: 'Name' }), name,
    el('label', { for: 'segment-description', text: 'Description' }), description,
    el('button', { type: 'submit', text: saved && name.value === saved ? 'Save new version' : 'Save' }), result);
}

/** One saved segment: its versions and its size over time, with "measure now". */
function savedDetail(name) {
  const slot = el('div', {}, loading());
  const section = panel(`Saved segment ${name}`, slot);
  fill(slot, async () => {
    const segment = await get(path`/v1/segments/${name}`);
    const sizes = (segment.sizes ?? []).slice().sort((a, b) => format.parseTime(a.measured_at) - format.parseTime(b.measured_at));
    const status = el('div');
    return el('div', {},
      el('p', {}, el('code', { text: segment.expression ?? '' }), segment.description ? ` — ${segment.description}` : ''),
      sizes.length
        ? lineChart({ title: 'Size over time', labels: sizes.map((s) => format.time(s.measured_at)), series: [{ label: 'users', data: sizes.map((s) => s.size) }] })
        : el('p', { class: 'muted', text: 'No size measured yet.' }),
      el('div', { class: 'buttons' },
        el('button', { type: 'button', text: 'Measure now', onclick: async () => {
          status.replaceChildren(loading('Measuring…'));
          try { await post(path`/v1/segments/${name}/sizes`); navigate({ view: 'segment', saved: name, expr: segment.expression }); }
          catch (error) { status.replaceChildren(errorBox(error)); }
        } }),
        el('button', { type: 'button', class: 'danger', text: 'Delete', onclick: async () => {
          if (!window.confirm(`Delete the saved segment ${name}?`)) return;
          try { await del(path`/v1/segments/${name}`); navigate({ view: 'segment', expr: segment.expression }); }
          catch (error) { status.replaceChildren(errorBox(error)); }
        } })),
      status,
      el('h3', { text: 'Versions' }),
      table(['version', 'expression', 'author', 'created'], (segment.versions ?? []).slice().reverse().map((v) => [
        v.version, el('code', { class: 'clip', text: v.expression ?? '' }), v.author ?? '', format.time(v.created_at)])));
  }, { what: 'Saved segments' });
  return section;
}
