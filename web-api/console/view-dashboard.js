// Dashboard: tag coverage (GET /v1/tags/{name}/stats for every active tag) and pipeline
// health (GET /v1/pipeline, /readyz), refreshed every few seconds while the view is open.
// Throughput is the processor's inputs per second (or the change in inputs_total between refreshes).
import { el } from './dom.js';
import { get, path, isMissingRoute, ApiError } from './api.js';
import { onLeave } from './state.js';
import { panel, table, errorBox, notAvailable, loading, badge, fill } from './ui.js';
import { barChart, sparkline } from './charts.js';
import * as format from './format.js';

const REFRESH_MS = 5_000;
const KEPT_SAMPLES = 60;
/** Samples per processor and ingest name, kept across refreshes (and visits) for rates and sparklines. */
const samples = new Map();

export async function renderDashboard(root) {
  const health = el('div', { id: 'pipeline-health' }, loading());
  const coverage = el('div', { id: 'tag-coverage' }, loading());
  root.append(el('h1', { text: 'Dashboard' }),
    el('div', { class: 'grid dashboard' }, panel('Pipeline health', health), panel('Tag coverage', coverage)));
  const refresh = () => showHealth(health);
  const timer = setInterval(refresh, REFRESH_MS);
  onLeave(() => clearInterval(timer));
  await Promise.all([refresh(), fill(coverage, tagCoverage)]);
}

async function tagCoverage() {
  const tags = (await get('/v1/tags?status=active')).tags ?? [];
  if (!tags.length) return el('p', { class: 'muted', text: 'No active tags.' });
  const answers = await Promise.allSettled(tags.map((tag) => get(path`/v1/tags/${tag.name}/stats`)));
  const missing = answers.find((a) => a.status === 'rejected' && isMissingRoute(a.reason));
  if (missing) return notAvailable('Tag statistics', missing.reason);
  const stats = answers.filter((a) => a.status === 'fulfilled').map((a) => a.value);
  const failures = answers.map((a, i) => (a.status === 'rejected' ? errorBox(a.reason, { context: `tag ${tags[i].name}` }) : null));
  const population = stats.find((s) => typeof s.population === 'number')?.population;
  const enumerated = stats.filter((s) => (s.values ?? []).length);
  return el('div', {},
    el('p', { class: 'muted', text: `Share of the ${format.number(population)} users that have each tag (enumerated tags: any value).` }),
    barChart({ title: 'Coverage', labels: stats.map((s) => s.tag), series: [{ label: 'users with the tag', data: stats.map((s) => s.share) }], percent: true, horizontal: true }),
    enumerated.map((s) => el('div', { class: 'values' },
      el('h3', {}, el('code', { text: s.tag }), ` (${format.number(s.count)} users)`),
      table(['value', 'users', 'share', ''], s.values.map((v) => [
        el('code', { text: format.value(v.value) }), el('td', { class: 'num', text: format.number(v.count) }),
        el('td', { class: 'num', text: format.share(v.share) }), shareBar(v.share)])))),
    failures);
}

function shareBar(share) {
  const width = typeof share === 'number' ? Math.max(0, Math.min(100, share * 100)) : 0;
  return el('span', { class: 'bar' }, el('span', { style: `width: ${width.toFixed(1)}%` }));
}

async function showHealth(slot) {
  const [pipeline, ready] = await Promise.allSettled([get('/v1/pipeline'), get('/readyz')]);
  const now = Date.now();
  const parts = [readiness(ready), el('p', { class: 'muted', text: `refreshed ${format.time(now)}, every ${REFRESH_MS / 1000} s` })];
  if (pipeline.status === 'rejected') {
    parts.push(isMissingRoute(pipeline.reason) ? notAvailable('Pipeline health', pipeline.reason) : errorBox(pipeline.reason));
    slot.replaceChildren(...parts);
    return;
  }
  const { population, processors = [], ingest = [] } = pipeline.value;
  parts.push(el('p', {}, 'Population: ', el('strong', { text: format.number(population) }), ' users'));
  parts.push(el('h3', { text: 'Processors' }), table(
    ['name', 'inputs', 'writes', 'throughput', '', 'freshness p50', 'p99', 'updated'],
    processors.map((p) => {
      const rates = throughput(p, now);
      return [el('code', { text: p.name }), el('td', { class: 'num', text: format.number(p.inputs_total) }),
        el('td', { class: 'num', text: format.number(p.writes_total) }),
        el('td', { class: 'num', text: rates.length ? `${format.number(rates[rates.length - 1])}/s` : 'measuring…' }),
        sparkline(rates, { title: 'inputs per second' }),
        el('td', { class: 'num', text: format.duration(p.freshness_ms_p50) }), el('td', { class: 'num', text: format.duration(p.freshness_ms_p99) }),
        el('span', { title: format.time(p.updated_at ?? p.updated_ms), text: format.ago(p.updated_at ?? p.updated_ms, now) })];
    }), { empty: 'no processor has reported' }));
  parts.push(el('h3', { text: 'Ingest' }), table(['name', 'position', 'lag', '', 'updated'],
    ingest.map((i) => {
      const history = remember(`ingest:${i.name}`, now, i.lag_seconds);
      return [el('code', { text: i.name }), el('code', { class: 'clip', text: format.value(i.position) }),
        el('td', {}, lagBadge(i.lag_seconds)), sparkline(history.map((s) => s.value), { title: 'lag in seconds' }),
        el('span', { title: format.time(i.updated_at), text: format.ago(i.updated_at, now) })];
    }), { empty: 'no ingest has reported' }));
  slot.replaceChildren(...parts);
}

function readiness(result) {
  // /readyz answers 503 with the same body when a dependency is down.
  const body = result.status === 'fulfilled' ? result.value : result.reason instanceof ApiError ? result.reason.body : null;
  if (!body?.status) return errorBox(result.reason);
  return el('p', {}, 'Ready: ', badge(body.status, body.status === 'ready' ? 'yes' : 'no'),
    ` redis ${body.redis ?? '?'} · mysql ${body.mysql ?? '?'}`);
}

function lagBadge(seconds) {
  if (typeof seconds !== 'number') return badge('—');
  const kind = seconds < 5 ? 'yes' : seconds < 60 ? 'value' : 'no';
  return badge(format.duration(seconds * 1000), kind);
}

function remember(key, time, value) {
  const history = samples.get(key) ?? [];
  if (typeof value === 'number') history.push({ time, value });
  while (history.length > KEPT_SAMPLES) history.shift();
  samples.set(key, history);
  return history;
}

/** Inputs per second so far: the processor's own figure when it reports one, else the
 *  increase of inputs_total between refreshes. */
function throughput(processor, now) {
  if (typeof processor.inputs_per_second === 'number') {
    return remember(`processor-rate:${processor.name}`, now, processor.inputs_per_second).map((s) => s.value);
  }
  return ratesOf(remember(`processor:${processor.name}`, now, processor.inputs_total));
}

/** Per-second increases between consecutive samples (a counter that went back restarted: skipped). */
function ratesOf(history) {
  const rates = [];
  for (let i = 1; i < history.length; i++) {
    const seconds = (history[i].time - history[i - 1].time) / 1000;
    const delta = history[i].value - history[i - 1].value;
    if (seconds > 0 && delta >= 0) rates.push(delta / seconds);
  }
  return rates;
}
