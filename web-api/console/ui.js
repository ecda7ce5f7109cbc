// Building blocks every view shares: panels, tables, notices, and errors shown where they
// happened (with line and column, and a caret under the expression when the API gives one).
import { el } from './dom.js';
import { ApiError, isMissingRoute } from './api.js';

export function panel(title, ...children) {
  return el('section', { class: 'panel' }, title ? el('h2', { text: title }) : null, children);
}

/** `rows` are arrays of cells: nodes, or anything written as text. */
export function table(headers, rows, { empty = 'nothing yet', className = 'data' } = {}) {
  if (!rows.length) return el('p', { class: 'muted', text: empty });
  return el('table', { class: className },
    el('thead', {}, el('tr', {}, headers.map((header) => el('th', { text: header })))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell) => (cell instanceof Node && cell.nodeName === 'TD' ? cell : el('td', {}, cell)))))));
}

export function notice(text) {
  return el('p', { class: 'notice', text });
}

export function loading(text = 'Loading…') {
  return el('p', { class: 'muted loading', text });
}

/** "… is not available": for endpoints an older server does not have. */
export function notAvailable(what, error) {
  return el('p', { class: 'notice unavailable', dataset: { unavailable: what } },
    `${what}: not available on this server`, error?.request ? ` (${error.request} answered ${error.status}).` : '.');
}

/** An error as a box: code, message, where; `source` is the text the line and column point into. */
export function errorBox(error, { source, context } = {}) {
  const box = el('div', { class: 'error', role: 'alert' });
  const title = error instanceof ApiError
    ? [el('strong', { text: error.code }), error.status ? ` (HTTP ${error.status})` : '', ': ', error.message]
    : [el('strong', { text: 'error' }), ': ', error?.message ?? String(error)];
  box.append(el('p', {}, context ? `${context} — ` : '', title));
  if (error?.line || error?.field) {
    const where = [error.field ? `field ${error.field}` : null, error.line ? `line ${error.line}, column ${error.column}` : null].filter(Boolean).join(', ');
    box.append(el('p', { class: 'where', text: where }));
  }
  if (source && error?.line && error?.column) {
    const line = String(source).split('\n')[error.line - 1] ?? '';
    box.append(el('pre', { class: 'caret', text: `${line}\n${' '.repeat(Math.max(0, error.column - 1))}^` }));
  }
  if (error?.status === 401) box.append(el('p', { class: 'hint', text: 'Enter a valid API key at the top (portrait keys create; the demo prints one).' }));
  if (error?.status === 403) box.append(el('p', { class: 'hint', text: 'This needs an admin key.' }));
  return box;
}

/** Fills `slot` with what `load` returns, or with the error (or a not-available notice). */
export async function fill(slot, load, { what, source } = {}) {
  slot.replaceChildren(loading());
  try {
    slot.replaceChildren(await load());
  } catch (error) {
    slot.replaceChildren(what && isMissingRoute(error) ? notAvailable(what, error) : errorBox(error, { source }));
  }
}

export function badge(text, kind = '') {
  return el('span', { class: `badge ${kind}`.trim(), text });
}

/** A tag value as a badge: yes/no for booleans, the value for enumerated tags. */
export function tagBadge(value) {
  if (value === true) return badge('yes', 'yes');
  if (value === false) return badge('no', 'no');
  if (value === null || value === undefined) return badge('—', 'no');
  return badge(String(value), 'value');
}
