// The console's state lives in the URL fragment (`#view=user&user=42`), so any view can be
// opened directly, bookmarked, or loaded by a headless browser. The API key is the exception:
// a `key=` in the fragment is moved into local storage and taken out of the visible URL.

const KEY_STORAGE = 'portrait.apiKey';
let memoryKey = '';  // when local storage is unavailable (private modes, file:// pages)

export function readFragment() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

/** `#a=1&b=2` from an object; empty and null values are left out. */
export function fragmentFor(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  return '#' + search.toString();
}

/** Goes to another state; re-renders even when the fragment is already that one. */
export function navigate(params) {
  const hash = fragmentFor(params);
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

export function takeKeyFromFragment() {
  const params = readFragment();
  if (!params.has('key')) return;
  const key = params.get('key').trim();
  params.delete('key');
  if (key) saveKey(key);
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
}

export function apiKey() {
  try { return localStorage.getItem(KEY_STORAGE) ?? memoryKey; } catch { return memoryKey; }
}

export function saveKey(key) {
  memoryKey = key;
  try { if (key) localStorage.setItem(KEY_STORAGE, key); else localStorage.removeItem(KEY_STORAGE); } catch { /* memory only */ }
}

/** `pk_abcd…`: enough to tell keys apart, never the secret. */
export function keyLabel(key) {
  const match = /^(pk_[^_]+_)/.exec(key);
  return match ? match[1] + '…' : key.slice(0, 6) + '…';
}

// Work a view leaves behind (timers) is stopped when another view is shown.
const leaveHooks = [];
export function onLeave(hook) { leaveHooks.push(hook); }
export function leaveView() { while (leaveHooks.length) leaveHooks.pop()(); }
