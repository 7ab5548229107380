// The status page: builds its DOM from the server's JSON with text nodes only (names are data,
// never markup), asks again whenever the server says the fleet changed (server-sent events).
'use strict';

const STATES = ['offline', 'failed', 'service_down', 'pending_reboot', 'patching', 'healthy', 'unknown'];
const FILTERS = ['state', 'tenant', 'site', 'ring', 'kb', 'q'];
let selected = null;
let pending = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function label(state) {
  return state.replace('_', ' ');
}

function query() {
  const p = new URLSearchParams();
  for (const f of FILTERS) {
    const v = document.getElementById('f-' + f).value.trim();
    if (v) p.set(f, v);
  }
  return p.toString();
}

async function getJson(url) {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(url + ': ' + r.status);
  return r.json();
}

function renderTotals(summary) {
  const box = document.getElementById('totals');
  box.replaceChildren();
  const all = el('div', null, 'tile');
  all.dataset.state = '';
  all.append(el('span', summary.devices, 'n'), el('span', 'devices'));
  box.append(all);
  for (const s of STATES) {
    if (s === 'unknown' && !summary.totals[s]) continue;
    const t = el('div', null, 'tile state-' + s);
    t.dataset.state = s;
    t.id = 'total-' + s;
    t.append(el('span', summary.totals[s], 'n'), el('span', label(s)));
    box.append(t);
  }
  const warn = document.getElementById('unreadable');
  warn.hidden = !summary.unreadable;
  warn.textContent = summary.unreadable + ' unreadable record' + (summary.unreadable === 1 ? '' : 's');
}

function renderSummary(summary) {
  const head = document.getElementById('summary-head');
  head.replaceChildren(el('th', 'Tenant'), el('th', 'Site'), el('th', 'Ring'), el('th', 'Devices', 'num'));
  for (const s of STATES) head.append(el('th', label(s), 'num'));
  const body = document.querySelector('#summary tbody');
  body.replaceChildren();
  for (const row of summary.rows) {
    const tr = el('tr');
    tr.append(el('td', row.tenant), el('td', row.site || '-'), el('td', row.ring), el('td', row.devices, 'num'));
    for (const s of STATES) tr.append(el('td', row.states[s], 'num'));
    body.append(tr);
  }
}

function renderDevices(result) {
  const body = document.querySelector('#devices tbody');
  body.replaceChildren();
  for (const d of result.devices) {
    const tr = el('tr');
    tr.dataset.key = d.key;
    tr.append(el('td', d.device), el('td', d.tenant), el('td', d.site || '-'), el('td', d.ring),
      el('td', label(d.state), 'state state-' + d.state), el('td', d.ts), el('td', d.summary));
    tr.addEventListener('click', () => { selected = d.key; refreshDevice(); });
    body.append(tr);
  }
  const shown = result.devices.length;
  document.getElementById('matched').textContent = result.matched === shown
    ? result.matched + ' device' + (result.matched === 1 ? '' : 's')
    : 'showing ' + shown + ' of ' + result.matched + ' devices';
}

async function refreshDevice() {
  const box = document.getElementById('device');
  if (!selected) { box.hidden = true; return; }
  let d;
  try {
    d = await getJson('api/device?key=' + encodeURIComponent(selected));
  } catch (e) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  document.getElementById('device-title').textContent = d.device + ' (' + d.tenant + (d.site ? ', ' + d.site : '') + '): ' + label(d.state);
  const parts = [];
  if (d.session) parts.push('session opened ' + d.session.opened + (d.session.closed ? ', closed ' + d.session.closed : ''));
  parts.push('reboot ' + d.reboot);
  if (d.last_seen) parts.push('last seen ' + d.last_seen);
  document.getElementById('device-summary').textContent = parts.join('; ');
  const list = document.getElementById('timeline');
  list.replaceChildren();
  for (const step of d.timeline) {
    const li = el('li');
    li.append(el('time', step.ts), el('span', step.what.replace(/_/g, ' ') + (step.detail ? ': ' + step.detail : '')));
    list.append(li);
  }
}

async function refresh() {
  const q = query();
  try {
    const [summary, devices] = await Promise.all([getJson('api/summary?' + q), getJson('api/devices?' + q)]);
    renderTotals(summary);
    renderSummary(summary);
    renderDevices(devices);
    document.body.dataset.changes = summary.changes;
    // When the page first showed the fleet, in ms since navigation (the status benchmark reads it).
    if (!document.body.dataset.firstRenderMs) document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
    if (selected) await refreshDevice();
  } catch (e) {
    document.getElementById('live').textContent = 'error: ' + e.message;
  }
}

// Several changes in a burst: one refresh.
function soon() {
  if (pending) return;
  pending = setTimeout(() => { pending = null; refresh(); }, 100);
}

function connect() {
  const live = document.getElementById('live');
  const events = new EventSource('api/events');
  events.addEventListener('change', () => { live.textContent = 'live'; live.className = 'live on'; soon(); });
  events.onerror = () => { live.textContent = 'reconnecting'; live.className = 'live'; };
}

document.addEventListener('DOMContentLoaded', () => {
  const select = document.getElementById('f-state');
  for (const s of STATES) {
    const o = el('option', label(s));
    o.value = s;
    select.append(o);
  }
  const params = new URLSearchParams(location.search);
  for (const f of FILTERS) {
    if (params.get(f)) document.getElementById('f-' + f).value = params.get(f);
  }
  document.getElementById('filters').addEventListener('input', soon);
  document.getElementById('filters').addEventListener('submit', e => { e.preventDefault(); soon(); });
  document.getElementById('totals').addEventListener('click', e => {
    const tile = e.target.closest('.tile');
    if (tile) { select.value = tile.dataset.state; soon(); }
  });
  refresh();
  connect();
});
