// Charts: Chart.js (served from Debian's libjs-chart.js) when it loaded, otherwise a table of
// the same numbers, so a view is never blank. Sparklines are small hand-drawn SVGs.
import { el, svg } from './dom.js';
import { number, share } from './format.js';

export const SEGMENT_COLOR = '#2563eb';
export const POPULATION_COLOR = '#a3aab5';
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9ca3af'];

const live = new Set();

/** Frees the Chart.js instances of the view being left. */
export function destroyCharts() {
  for (const chart of live) chart.destroy();
  live.clear();
}

export function chartsAvailable() {
  return typeof window.Chart === 'function';
}

if (chartsAvailable()) {
  // Screenshots are taken once the data arrived: no animation to catch half-way.
  window.Chart.defaults.animation = false;
  window.Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font') || 'sans-serif';
}

/**
 * A bar chart in a <figure>: `labels`, `series` [{label, data, color}], `percent` for shares
 * in 0…1, `horizontal` for long label lists, `integers` for counts.
 */
export function barChart({ title, labels, series, percent = false, horizontal = false, integers = false, height }) {
  const boxHeight = height ?? (horizontal ? Math.max(140, 28 * labels.length + 50) : 220);
  return figure('bar', title, boxHeight, labels, series, percent, (canvas) => new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((item, index) => ({
        label: item.label, data: item.data.map((v) => (percent && typeof v === 'number' ? v * 100 : v)),
        backgroundColor: item.color ?? PALETTE[index % PALETTE.length],
      })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: series.length > 1, position: 'bottom' },
        tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${percent ? context.parsed[horizontal ? 'x' : 'y'].toFixed(1) + '%' : number(context.parsed[horizontal ? 'x' : 'y'])}` } },
      },
      scales: {
        [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: percent ? { callback: (v) => `${v}%` } : integers ? { precision: 0 } : {} },
      },
    },
  }));
}

/** A line chart over labelled points (times written as text: no date adapter needed). */
export function lineChart({ title, labels, series, height = 220 }) {
  return figure('line', title, height, labels, series, false, (canvas) => new window.Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: series.map((item, index) => ({
        label: item.label, data: item.data, borderColor: item.color ?? PALETTE[index % PALETTE.length],
        backgroundColor: item.color ?? PALETTE[index % PALETTE.length], tension: 0.2, pointRadius: 3,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: series.length > 1, position: 'bottom' } },
      scales: { y: { beginAtZero: true } },
    },
  }));
}

function figure(kind, title, height, labels, series, percent, create) {
  const box = el('div', { class: 'chart-box', style: `height: ${height}px` });
  const node = el('figure', { class: 'chart', dataset: { chart: kind } }, title ? el('figcaption', { text: title }) : null, box);
  if (!chartsAvailable()) {
    node.dataset.rendered = 'table';
    box.removeAttribute('style');
    box.append(el('p', { class: 'muted', text: 'Chart.js is not loaded (apt-get install libjs-chart.js); the numbers:' }), dataTable(labels, series, percent));
    return node;
  }
  const canvas = el('canvas', { role: 'img', 'aria-label': title ?? kind });
  box.append(canvas);
  try {
    live.add(create(canvas));
    node.dataset.rendered = 'chart';
  } catch (failure) {
    node.dataset.rendered = 'table';
    box.replaceChildren(el('p', { class: 'error', text: `chart failed: ${failure.message}` }), dataTable(labels, series, percent));
  }
  return node;
}

function dataTable(labels, series, percent) {
  const head = el('tr', {}, el('th'), series.map((item) => el('th', { text: item.label })));
  const rows = labels.map((label, index) => el('tr', {}, el('th', { text: label }),
    series.map((item) => el('td', { class: 'num', text: percent ? share(item.data[index]) : number(item.data[index]) }))));
  return el('table', { class: 'data' }, el('thead', {}, head), el('tbody', {}, rows));
}

/** A small line of `values` (numbers), newest last; `—` when there are fewer than two. */
export function sparkline(values, { width = 80, height = 24, title } = {}) {
  const points = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (points.length < 2) return el('span', { class: 'muted', text: points.length ? 'one point' : '—' });
  const min = Math.min(...points), max = Math.max(...points);
  const span = max - min || 1;
  const xy = points.map((v, i) => [
    (i / (points.length - 1)) * (width - 4) + 2,
    height - 2 - ((v - min) / span) * (height - 4),
  ]);
  const [lastX, lastY] = xy[xy.length - 1];
  const line = svg('svg', { class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' },
    svg('title', {}, document.createTextNode(title ?? `${points.length} points, ${number(min)} to ${number(max)}`)),
    svg('polyline', { points: xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), fill: 'none', stroke: SEGMENT_COLOR, 'stroke-width': 1.5 }),
    svg('circle', { cx: lastX.toFixed(1), cy: lastY.toFixed(1), r: 2.5, fill: SEGMENT_COLOR }));
  return line;
}
