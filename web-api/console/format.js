// How numbers, shares, times and JSON values are written in the console (en-US, UTC).

export function number(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(value) ? 0 : 2 });
}

export function share(value) {
  return typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : '—';
}

/** Epoch milliseconds from a number, an ISO 8601 text, or MySQL's `2026-01-02 03:04:05.123`
 *  (UTC, as the server stores it); NaN when it is none of these. */
export function parseTime(value) {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  const mysql = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value);
  return Date.parse(mysql ? value.replace(' ', 'T') + 'Z' : value);
}

/** Any time `parseTime` reads, as `2026-01-02 03:04:05Z`. */
export function time(value) {
  if (value === null || value === undefined || value === '') return '—';
  const ms = parseTime(value);
  if (Number.isNaN(ms)) return String(value);
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** How long ago a time was: `3.1 s ago`. */
export function ago(value, now = Date.now()) {
  const ms = parseTime(value);
  return Number.isNaN(ms) ? '—' : `${duration(Math.max(0, now - ms))} ago`;
}

/** Milliseconds as `850 ms`, `12.5 s`, `3.2 min`. */
export function duration(ms) {
  if (typeof ms !== 'number') return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Any JSON value as short text. */
export function value(item) {
  if (item === null || item === undefined) return '—';
  if (typeof item === 'number') return number(item);
  if (typeof item === 'object') return JSON.stringify(item);
  return String(item);
}

/** A profile value as stored: numbers ungrouped (a birth year is no quantity), epoch
 *  milliseconds (last_order, registered_at and the like) as their date. */
export function stored(item) {
  if (isEpochMs(item)) return time(Math.round(item));
  if (typeof item === 'number') return Number.isInteger(item) ? String(item) : String(Number(item.toFixed(4)));
  return value(item);
}

/** Between 2000 and 2100 as epoch milliseconds: a time (metrics like last_order hold one). */
export function isEpochMs(item) {
  return typeof item === 'number' && item > 946_684_800_000 && item < 4_102_444_800_000;
}
