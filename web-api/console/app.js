// The console's entry point: takes the key out of the URL, wires the key form, and shows
// the view the fragment names (#view=user|definitions|segment|dashboard) on every change.
import { el } from './dom.js';
import { apiKey, saveKey, keyLabel, readFragment, takeKeyFromFragment, leaveView } from './state.js';
import { destroyCharts, chartsAvailable } from './charts.js';
import { errorBox } from './ui.js';
import { renderUser } from './view-user.js';
import { renderDefinitions } from './view-definitions.js';
import { renderSegment } from './view-segment.js';
import { renderDashboard } from './view-dashboard.js';

const VIEWS = { user: renderUser, definitions: renderDefinitions, segment: renderSegment, dashboard: renderDashboard };
let generation = 0;

async function show() {
  const current = ++generation;
  leaveView();
  destroyCharts();
  const params = readFragment();
  const name = VIEWS[params.get('view')] ? params.get('view') : 'user';
  for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', link.dataset.nav === name);
  const page = el('div', { class: 'page', dataset: { view: name } });
  document.getElementById('view').replaceChildren(page);
  document.body.dataset.state = 'loading';
  try {
    await VIEWS[name](page, params);
    if (current === generation) document.body.dataset.state = 'ready';
  } catch (error) {
    page.append(errorBox(error, { context: `the ${name} view failed` }));
    if (current === generation) document.body.dataset.state = 'error';
  }
}

function showKeyStatus() {
  const key = apiKey();
  document.getElementById('key-status').textContent = key ? `using ${keyLabel(key)}` : 'no key yet';
  document.getElementById('api-key').value = '';
  const banner = document.getElementById('banner');
  if (!key) showBanner('Enter an API key above (portrait keys create --name me --role admin; portrait demo prints one).');
  else if (banner.dataset.kind === 'key') banner.hidden = true;
}

function showBanner(text, kind = 'key') {
  const banner = document.getElementById('banner');
  banner.textContent = text;
  banner.dataset.kind = kind;
  banner.hidden = false;
}

function start() {
  takeKeyFromFragment();
  document.getElementById('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = document.getElementById('api-key').value.trim();
    if (!key) return;
    saveKey(key);
    showKeyStatus();
    show();
  });
  document.getElementById('forget-key').addEventListener('click', () => { saveKey(''); showKeyStatus(); show(); });
  // Errors nobody caught still show up on the page, not only in the browser's console.
  window.addEventListener('error', (event) => showBanner(`Console error: ${event.message}`, 'error'));
  window.addEventListener('unhandledrejection', (event) => showBanner(`Console error: ${event.reason?.message ?? event.reason}`, 'error'));
  window.addEventListener('hashchange', () => { takeKeyFromFragment(); showKeyStatus(); show(); });
  if (!chartsAvailable()) document.body.dataset.charts = 'missing';
  showKeyStatus();
  show();
}

start();
