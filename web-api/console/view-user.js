// User view: one profile (attributes, metrics with sparklines, tags with explanations) and
// the behaviour timeline (events, counts, metric history, tag changes).
import { el } from './dom.js';
import { get, path, isMissingRoute } from './api.js';
import { navigate } from './state.js';
import { panel, table, errorBox, notAvailable, loading, tagBadge, notice } from './ui.js';
import { barChart, sparkline } from './charts.js';
import * as format from './format.js';

export async function renderUser(root, params) {
  const userId = (params.get('user') ?? '').trim();
  const input = el('input', { id: 'user-id', type: 'search', value: userId, placeholder: 'user id, e.g. 42', required: true });
  root.append(
    el('h1', { text: 'User' }),
    el('form', { class: 'inline', onsubmit: (event) => { event.preventDefault(); navigate({ view: 'user', user: input.value.trim() }); } },
      el('label', { for: 'user-id', text: 'User id' }), input, el('button', { type: 'submit', text: 'Look up' })));
  if (!userId) {
    root.append(notice('Enter a user id to see the profile (the demo has users 1 to 1000).'));
    return;
  }
  const slot = el('div', { id: 'user-profile', dataset: { userId } }, loading(`Loading user ${userId}…`));
  root.append(slot);

  const [profile, timeline, tagDefinitions, metricDefinitions] = await Promise.allSettled([
    get(path`/v1/profiles/${userId}`),
    get(path`/v1/profiles/${userId}/timeline` + '?limit=100'),
    get('/v1/tags?status=active'),
    get('/v1/metrics?status=active'),
  ]);
  if (profile.status === 'rejected') {
    slot.replaceChildren(errorBox(profile.reason, { context: `user ${userId}` }));
    return;
  }
  const tagInfo = byName(tagDefinitions.value?.tags);
  const metricInfo = byName(metricDefinitions.value?.metrics);
  const history = timeline.status === 'fulfilled' ? timeline.value.metric_history ?? {} : {};
  const doc = profile.value;
  slot.replaceChildren(
    el('div', { class: 'profile-head' },
      el('h2', {}, 'User ', el('span', { class: 'user-id', text: doc.user_id })),
      el('span', { class: 'muted', text: `updated ${format.time(doc.updated_at)}` })),
    el('div', { class: 'grid profile' },
      panel('Attributes', attributesTable(doc.attributes ?? {})),
      panel('Metrics', metricsTable(doc.metrics ?? {}, history, metricInfo, timeline)),
      panel('Tags', tagsTable(userId, doc.tags ?? {}, tagInfo))),
    timelinePanel(timeline));
}

function byName(items) {
  return new Map((items ?? []).map((item) => [item.name, item.definition ?? {}]));
}

function attributesTable(attributes) {
  const rows = Object.keys(attributes).sort().map((name) => [el('code', { text: name }), format.stored(attributes[name])]);
  return table(['attribute', 'value'], rows, { empty: 'no attributes' });
}

function metricsTable(metrics, history, info, timeline) {
  const names = [...new Set([...Object.keys(metrics), ...Object.keys(history)])].sort();
  const rows = names.map((name) => [
    el('code', { text: name, title: info.get(name)?.description ?? '' }),
    el('td', { class: 'num', text: format.stored(metrics[name]) }),
    sparkline((history[name] ?? []).map((point) => point.value), { title: `${name}: ${(history[name] ?? []).length} points` }),
  ]);
  const note = timeline.status === 'rejected'
    ? el('p', { class: 'muted', text: 'Sparklines need the timeline (not available).' }) : null;
  return [table(['metric', 'value', 'history'], rows, { empty: 'no metrics' }), note];
}

function tagsTable(userId, tags, info) {
  const names = Object.keys(tags).sort();
  if (!names.length) return el('p', { class: 'muted', text: 'no tags' });
  const list = el('table', { class: 'data tags' },
    el('thead', {}, el('tr', {}, ['tag', 'value', 'category', ''].map((h) => el('th', { text: h })))));
  const body = el('tbody');
  for (const name of names) {
    const explanation = el('tr', { class: 'explanation', hidden: true }, el('td', { colspan: 4 }));
    const button = el('button', { type: 'button', class: 'small secondary', text: 'explain',
      onclick: () => explain(userId, name, explanation, button) });
    body.append(
      el('tr', { dataset: { tag: name } },
        el('td', {}, el('code', { text: name, title: info.get(name)?.description ?? '' })),
        el('td', {}, tagBadge(tags[name])),
        el('td', { class: 'muted', text: info.get(name)?.category ?? '' }),
        el('td', {}, button)),
      explanation);
  }
  list.append(body);
  return list;
}

/** `?explain=tag`: each sub-expression with the value it had for this user. */
async function explain(userId, tag, row, button) {
  const cell = row.firstChild;
  if (!row.hidden && cell.dataset.loaded) { row.hidden = true; button.textContent = 'explain'; return; }
  row.hidden = false;
  button.textContent = 'hide';
  cell.replaceChildren(loading(`Explaining ${tag}…`));
  try {
    const answer = await get(path`/v1/profiles/${userId}` + `?fields=tags&explain=${encodeURIComponent(tag)}`);
    cell.replaceChildren(answer.explanation
      ? el('ul', { class: 'explain' }, explanationNode(answer.explanation))
      : el('p', { class: 'muted', text: 'No stored state for this user: nothing to explain yet.' }));
    cell.dataset.loaded = 'yes';
  } catch (error) {
    cell.replaceChildren(errorBox(error, { context: `explain ${tag}` }));
  }
}

function explanationNode(node) {
  const valueClass = node.value === true ? 'yes' : node.value === false ? 'no' : 'value';
  return el('li', {},
    el('code', { text: node.text }), ' → ', el('span', { class: `badge ${valueClass}`, text: format.value(node.value) }),
    node.children?.length ? el('ul', {}, node.children.map(explanationNode)) : null);
}

function timelinePanel(timeline) {
  if (timeline.status === 'rejected') {
    const error = timeline.reason;
    return panel('Behaviour timeline', isMissingRoute(error) ? notAvailable('The behaviour timeline', error) : errorBox(error));
  }
  const { events = [], counts = {}, tag_changes: changes = [] } = timeline.value;
  const countCharts = ['by_type', 'by_category'].map((key) => {
    const entries = Object.entries(counts[key] ?? {}).sort((a, b) => b[1] - a[1]);
    return entries.length
      ? barChart({ title: `Events ${key.replace('_', ' ')}`, labels: entries.map((e) => e[0]), series: [{ label: 'events', data: entries.map((e) => e[1]) }], horizontal: true, integers: true })
      : null;
  });
  const eventRows = events.map((event) => [
    format.time(event.time_ms),
    el('code', { text: event.fields?.type ?? '' }),
    // type has its column and ts is the time shown; the rest as key=value.
    Object.entries(event.fields ?? {}).filter(([key]) => !['type', 'user_id', 'ts'].includes(key))
      .map(([key, value]) => `${key}=${format.stored(value)}`).join('  '),
  ]);
  const changeRows = changes.map((change) => [
    format.time(change.time_ms), el('code', { text: change.tag }), tagBadge(change.from), '→', tagBadge(change.to), change.version ?? '—',
  ]);
  return panel('Behaviour timeline',
    el('div', { class: 'grid two' }, countCharts),
    el('div', { class: 'grid two' },
      el('div', {}, el('h3', { text: `Events (${events.length}, newest first)` }), table(['time', 'type', 'fields'], eventRows, { empty: 'no events' })),
      el('div', {}, el('h3', { text: 'Tag changes' }), table(['time', 'tag', 'from', '', 'to', 'version'], changeRows, { empty: 'no tag changes' }))));
}
