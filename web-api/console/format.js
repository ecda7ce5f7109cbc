// How numbers, shares, times and JSON values are written in the console (en-US, UTC).

export function number(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(value) ? 0 : 2 });
}

export function share(value) {
  return typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : '—';
}

/** Epoch milliseconds or an ISO 8601 text as `2026-01-02 03:04:05Z`. */
export function time(value) {
  if (value === null || value === undefined || value === '') return '—';
  const date = new Date(typeof value === 'number' ? value : Date.parse(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
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
  if (typeof item === 'number' && Number.isInteger(item) && item > 946_684_800_000 && item < 4_102_444_800_000) return time(item);
  if (typeof item === 'number') return Number.isInteger(item) ? String(item) : String(Number(item.toFixed(4)));
  return value(item);
}
