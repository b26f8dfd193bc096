// app.js: the page's DOM and events, nothing else. Reading files, the
// statistics, the plots and the stored sessions all live in Go, in the
// dedicated worker (worker.js runs app.wasm). Text that comes from files
// (labels, problem ids, error messages) only ever reaches the page through
// textContent or attribute values, never as markup; the plot is SVG that Go
// escaped, parsed as XML and imported as nodes.
//
// Messages (protocol version 1), all small:
//   page → worker  {v: 1, id, op, args, files?}
//   worker → page  {v: 1, id, ok: true, result} | {v: 1, id, ok: false, error}
//                  {v: 1, event, data}   (ready, file, storage, fatal)

const PROTOCOL = 1;
const $ = (sel) => document.querySelector(sel);

// ---- the worker ----------------------------------------------------------

const worker = new Worker('worker.js');
const pending = new Map();
let nextId = 1;

function call(op, args = {}, files) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const msg = { v: PROTOCOL, id, op, args };
    if (files) msg.files = files;
    worker.postMessage(msg);
  });
}

worker.onmessage = (e) => {
  const m = e.data;
  if (!m || m.v !== PROTOCOL) {
    fatal(`The worker speaks protocol ${m && m.v}, this page ${PROTOCOL}: reload the page.`);
    return;
  }
  if (m.id) {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(m.error));
    return;
  }
  onEvent(m.event, m.data || {});
};
worker.onerror = (e) => fatal(`The app's worker failed: ${e.message || 'unknown error'}`);

// ---- state ---------------------------------------------------------------

let ready = false;
let view = null;          // the last view the worker sent
let hoverIndex = -1;      // index into view.plot.hover.k
let busyCount = 0;
const fileItems = new Map(); // page file id → {li, progress, status}
let nextFile = 1;

function setBusy(delta, text) {
  busyCount += delta;
  document.documentElement.dataset.busy = busyCount > 0 ? '1' : '0';
  $('#busy').hidden = busyCount === 0;
  if (text) setStatus(text);
  else if (busyCount === 0 && ready) setStatus('Ready.');
}

function setStatus(text) { $('#status').textContent = text; }

function fatal(text) {
  const n = $('#notice');
  n.textContent = text;
  n.hidden = false;
  setStatus('Stopped.');
  document.documentElement.dataset.state = 'failed';
}

function onEvent(name, data) {
  switch (name) {
    case 'ready':
      ready = true;
      performance.mark('passk-ready');
      document.documentElement.dataset.state = 'ready';
      showStorage(data.storage);
      setBusy(1);
      refresh().then(() => listSessions()).finally(() => setBusy(-1));
      break;
    case 'file':
      updateFile(data);
      break;
    case 'storage':
      showStorage(data);
      break;
    case 'fatal':
      fatal(data.error || 'The app stopped.');
      break;
  }
}

function showStorage(s) {
  if (!s) return;
  const note = $('#storage-note');
  note.textContent = s.persistent ? 'Sessions are kept in this browser.' : s.note;
  note.classList.toggle('error', !s.persistent);
  const banner = $('#storage-banner');
  banner.textContent = s.persistent ? '' : s.note;
  banner.hidden = s.persistent;
  document.documentElement.dataset.storage = s.persistent ? 'persistent' : 'memory';
}

// ---- files ---------------------------------------------------------------

function addFiles(list) {
  const files = Array.from(list || []);
  if (!files.length || !ready) return;
  const ids = files.map((f) => {
    const id = nextFile++;
    const li = document.createElement('li');
    li.dataset.file = f.name;
    li.dataset.state = 'queued';
    const name = document.createElement('span');
    name.className = 'fname';
    name.textContent = f.name;
    const progress = document.createElement('progress');
    progress.max = Math.max(f.size, 1);
    progress.value = 0;
    progress.setAttribute('aria-label', `Bytes read of ${f.name}`);
    const status = document.createElement('span');
    status.className = 'fstatus';
    status.textContent = `${formatBytes(f.size)}, waiting`;
    li.append(name, progress, status);
    $('#filelist').append(li);
    fileItems.set(id, { li, progress, status, size: f.size });
    return id;
  });
  performance.mark('passk-files');
  setBusy(1, `Reading ${files.length} file${files.length > 1 ? 's' : ''}…`);
  call('add', { files: ids }, files)
    .then(() => refresh())
    .then(() => { performance.mark('passk-plot'); return listSessions(); })
    .catch((err) => setStatus(`Reading failed: ${err.message}`))
    .finally(() => setBusy(-1));
}

function updateFile(d) {
  const it = fileItems.get(d.file);
  if (!it) return;
  it.li.dataset.state = d.state;
  it.progress.value = d.read;
  if (d.state === 'reading') {
    it.status.textContent = `${formatBytes(d.read)} of ${formatBytes(it.size)}`;
  } else if (d.state === 'done') {
    it.progress.value = it.progress.max;
    const labels = d.models || [];
    it.status.textContent = `${d.format}: ${labels.length} model${labels.length === 1 ? '' : 's'} (${labels.join(', ')}); ${formatBytes(d.read)} read in ${(d.ms / 1000).toFixed(1)} s`;
    it.li.dataset.ms = String(d.ms);
    it.status.classList.remove('error');
  } else if (d.state === 'error') {
    it.status.textContent = d.error;
    it.status.classList.add('error');
    it.status.setAttribute('role', 'alert');
  }
}

const input = $('#files');
input.addEventListener('change', () => { addFiles(input.files); input.value = ''; });

const drop = $('#drop');
for (const t of [document.body]) {
  t.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  t.addEventListener('dragleave', (e) => { if (e.target === drop || !e.relatedTarget) drop.classList.remove('over'); });
  t.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    addFiles(e.dataTransfer && e.dataTransfer.files);
  });
}

// ---- the view --------------------------------------------------------------

function plotSize() {
  // Before the plot's section is shown, its width is the page's.
  const avail = $('#plot').clientWidth || ($('#main').clientWidth - 34) || 800;
  const w = Math.max(300, Math.min(1400, Math.round(avail)));
  const h = Math.round(Math.max(260, Math.min(520, w * 0.58)));
  return { width: w, height: h };
}

let refreshing = null;
let again = false;
function refresh() {
  // Coalesce: at most one view request in flight, and one more after it.
  if (refreshing) { again = true; return refreshing; }
  refreshing = call('view', plotSize())
    .then((v) => render(v))
    .catch((err) => setStatus(`Could not draw the view: ${err.message}`))
    .finally(() => {
      refreshing = null;
      if (again) { again = false; return refresh(); }
    });
  return refreshing;
}

function render(v) {
  view = v;
  const has = v.rows.length > 0;
  for (const id of ['#models-section', '#plot-section', '#problems-section', '#export-section']) $(id).hidden = !has;
  renderRows(v.rows);
  renderWarnings(v.warnings || []);
  for (const r of document.querySelectorAll('input[name=metric]')) r.checked = r.value === v.metric;
  $('#bands').checked = v.bands;
  renderPlot(v.plot);
  renderCrossovers(v.crossovers || [], v.rows);
  renderProblemControls(v.rows);
  showStorage(v.storage);
  document.documentElement.dataset.views = String(Number(document.documentElement.dataset.views || 0) + 1);
}

function renderRows(rows) {
  const body = $('#model-rows');
  const keep = new Set(rows.map((r) => r.key));
  for (const tr of Array.from(body.children)) if (!keep.has(tr.dataset.key)) tr.remove();
  rows.forEach((r, i) => {
    let tr = body.querySelector(`tr[data-key="${CSS.escape(r.key)}"]`);
    if (!tr) tr = newRow(r.key);
    body.append(tr); // keeps the worker's order
    tr.dataset.model = r.label;
    const c = tr.cells;
    const show = c[0].querySelector('input');
    show.checked = r.visible;
    show.setAttribute('aria-label', `Show ${r.label}`);
    c[0].querySelector('.swatch').className = `swatch c${r.color}`;
    const label = c[1].querySelector('input');
    if (document.activeElement !== label) label.value = r.label;
    label.setAttribute('aria-label', `Label of model ${i + 1}`);
    c[2].textContent = String(r.problems);
    c[3].textContent = r.nMin === r.nMax ? String(r.nMin) : `${r.nMin}–${r.nMax}`;
    c[4].textContent = fmt(r.pass1);
    c[5].textContent = r.passMax == null ? '–' : `${fmt(r.passMax)} (k = ${r.kMax})`;
    c[6].textContent = r.format || '';
    c[6].title = r.source || '';
    const ws = r.warnings || [];
    c[7].textContent = ws.length ? ws.join('; ') : '—';
    c[7].classList.toggle('warn', ws.length > 0);
    c[8].querySelector('button').setAttribute('aria-label', `Remove ${r.label}`);
  });
}

function newRow(key) {
  const tr = document.createElement('tr');
  tr.dataset.key = key;
  for (let i = 0; i < 9; i++) tr.append(document.createElement('td'));
  const show = document.createElement('input');
  show.type = 'checkbox';
  show.addEventListener('change', () => act('show', { key, visible: show.checked }));
  const sw = document.createElement('span');
  sw.className = 'swatch';
  sw.setAttribute('aria-hidden', 'true');
  tr.cells[0].append(show, sw);
  const label = document.createElement('input');
  label.type = 'text';
  label.className = 'label';
  label.addEventListener('change', () => {
    act('rename', { key, label: label.value }).then((ok) => {
      label.setAttribute('aria-invalid', ok ? 'false' : 'true');
    });
  });
  label.addEventListener('keydown', (e) => { if (e.key === 'Enter') label.blur(); });
  tr.cells[1].append(label);
  for (const i of [2, 3, 4, 5]) tr.cells[i].className = 'num';
  const rm = document.createElement('button');
  rm.type = 'button';
  rm.className = 'icon';
  rm.textContent = '✕';
  rm.addEventListener('click', () => act('remove', { key }));
  tr.cells[8].append(rm);
  return tr;
}

function renderWarnings(ws) {
  const ul = $('#warnings');
  ul.replaceChildren(...ws.map((w) => { const li = document.createElement('li'); li.textContent = w; return li; }));
}

// act runs an operation that changes the session, then redraws. It
// resolves to false (and says why) when the worker refused it.
function act(op, args) {
  setBusy(1);
  return call(op, args)
    .then(() => refresh().then(() => listSessions()).then(() => true))
    .catch((err) => { setStatus(err.message); refresh(); return false; })
    .finally(() => setBusy(-1));
}

// ---- the plot --------------------------------------------------------------

function parseSVG(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('the plot is not valid SVG');
  return document.importNode(doc.documentElement, true);
}

function renderPlot(p) {
  const box = $('#plot');
  if (!p) { box.replaceChildren(); return; }
  try {
    box.replaceChildren(parseSVG(p.svg));
  } catch (err) {
    box.textContent = err.message;
    return;
  }
  if (hoverIndex >= p.hover.k.length) hoverIndex = -1;
  showHover(hoverIndex);
}

function nearestIndex(ks, k) {
  // ks ascends; nearest in log k.
  let lo = 0, hi = ks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ks[mid] < k) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(Math.log(ks[lo - 1] / k)) <= Math.abs(Math.log(ks[lo] / k))) lo--;
  return lo;
}

function showHover(i) {
  hoverIndex = i;
  const p = view && view.plot;
  const svg = $('#plot svg');
  const layer = svg && svg.querySelector('#hover');
  const readout = $('#readout');
  if (!p || i < 0 || !layer) {
    if (layer) layer.setAttribute('visibility', 'hidden');
    return;
  }
  const g = p.geom;
  const k = p.hover.k[i];
  const x = g.left + (Math.log2(k) - g.lgMin) / ((g.lgMax - g.lgMin) || 1) * (g.right - g.left);
  const line = layer.querySelector('line');
  line.setAttribute('x1', x);
  line.setAttribute('x2', x);
  const parts = [`k = ${k}`];
  for (const s of p.hover.series) {
    const v = s.v[i];
    const dot = layer.querySelector(`circle[data-key="${CSS.escape(s.key)}"]`);
    if (v == null) {
      if (dot) dot.setAttribute('visibility', 'hidden');
      parts.push(`${s.label}: –`);
      continue;
    }
    if (dot) {
      const y = g.bottom - (v - g.yMin) / ((g.yMax - g.yMin) || 1) * (g.bottom - g.top);
      dot.setAttribute('cx', x);
      dot.setAttribute('cy', y);
      dot.setAttribute('visibility', 'visible');
    }
    const band = s.lo && s.lo[i] != null ? ` [${fmt(s.lo[i])}, ${fmt(s.hi[i])}]` : '';
    parts.push(`${s.label}: ${fmt(v)}${band}`);
  }
  layer.setAttribute('visibility', 'visible');
  readout.textContent = parts.join(' · ');
}

const plotBox = $('#plot');
plotBox.addEventListener('mousemove', (e) => {
  const p = view && view.plot;
  const svg = plotBox.querySelector('svg');
  if (!p || !svg || !p.hover.k.length) return;
  const r = svg.getBoundingClientRect();
  const g = p.geom;
  const x = (e.clientX - r.left) * (g.width / r.width);
  if (x < g.left - 8 || x > g.right + 8) return;
  const t = Math.min(1, Math.max(0, (x - g.left) / (g.right - g.left)));
  const k = Math.pow(2, g.lgMin + t * (g.lgMax - g.lgMin));
  showHover(nearestIndex(p.hover.k, k));
});
plotBox.addEventListener('mouseleave', () => showHover(-1));
plotBox.addEventListener('keydown', (e) => {
  const p = view && view.plot;
  if (!p || !p.hover.k.length) return;
  const last = p.hover.k.length - 1;
  let i = hoverIndex < 0 ? 0 : hoverIndex;
  const step = e.shiftKey ? 10 : 1;
  if (e.key === 'ArrowRight') i = Math.min(last, i + step);
  else if (e.key === 'ArrowLeft') i = Math.max(0, i - step);
  else if (e.key === 'Home') i = 0;
  else if (e.key === 'End') i = last;
  else return;
  e.preventDefault();
  showHover(i);
});

for (const r of document.querySelectorAll('input[name=metric]')) {
  r.addEventListener('change', () => { if (r.checked) act('settings', { metric: r.value }); });
}
$('#bands').addEventListener('change', (e) => act('settings', { bands: e.target.checked }));

let resizeTimer = 0;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (view && view.plot && Math.abs(plotSize().width - view.plot.geom.width) > 8) refresh(); }, 150);
}).observe(plotBox);

// ---- crossovers ------------------------------------------------------------

function renderCrossovers(list, rows) {
  const box = $('#crossover');
  if (!list.length) {
    const p = document.createElement('p');
    p.textContent = rows.filter((r) => r.visible).length < 2
      ? 'Show two or more models to compare their curves.'
      : 'No pair of models shares a problem.';
    box.replaceChildren(p);
    return;
  }
  box.replaceChildren(...list.map((c) => {
    const p = document.createElement('p');
    p.className = 'pair';
    p.dataset.a = c.aLabel;
    p.dataset.b = c.bLabel;
    if (c.k != null) p.dataset.kstar = String(c.k);
    p.textContent = c.text;
    return p;
  }));
}

// ---- per problem -----------------------------------------------------------

let pickedB = false; // the user chose model B (else it follows the models shown)
let pickedK = false; // the user chose k (else it is the largest k)
function renderProblemControls(rows) {
  const visible = rows.filter((r) => r.visible);
  const options = (extra) => [...extra, ...visible.map((r) => {
    const o = document.createElement('option');
    o.value = r.key;
    o.textContent = r.label;
    return o;
  })];
  const pa = $('#pa'), pb = $('#pb');
  const oldA = pa.value, oldB = pb.value;
  pa.replaceChildren(...options([]));
  const alone = document.createElement('option');
  alone.value = '';
  alone.textContent = '(A alone)';
  pb.replaceChildren(...options([alone]));
  if (visible.some((r) => r.key === oldA)) pa.value = oldA;
  else if (visible[0]) pa.value = visible[0].key;
  if (pickedB && (oldB === '' || visible.some((r) => r.key === oldB))) {
    pb.value = oldB;
  } else {
    const other = visible.find((r) => r.key !== pa.value);
    pb.value = other ? other.key : '';
  }
  const kmax = Math.max(1, ...visible.map((r) => r.kMax || 1));
  $('#pk').max = String(kmax);
  if (!pickedK) $('#pk').value = String(kmax);
  if (!$('#problems-section').hidden) loadProblems();
}

let problemsSeq = 0;
function loadProblems() {
  const a = $('#pa').value, b = $('#pb').value;
  const k = Math.max(1, parseInt($('#pk').value, 10) || 1);
  if (!a) return;
  const seq = ++problemsSeq;
  const width = Math.max(320, Math.min(900, $('#main').clientWidth - 32));
  call('problems', { a, b, k, width }).then((res) => {
    if (seq !== problemsSeq) return;
    renderProblems(res);
  }).catch((err) => { $('#coverage-note').textContent = err.message; });
}

let problems = null;
function renderProblems(res) {
  problems = res;
  $('#coverage-note').textContent = res.note || '';
  try {
    $('#histogram').replaceChildren(parseSVG(res.histogram));
  } catch (err) {
    $('#histogram').textContent = err.message;
  }
  filterProblems();
}

const LIST_LIMIT = 400;
function filterProblems() {
  if (!problems) return;
  const q = $('#psearch').value.trim().toLowerCase();
  const box = $('#coverage');
  box.replaceChildren(...problems.sets.map((set) => {
    const ids = q ? set.ids.filter((id) => id.toLowerCase().includes(q)) : set.ids;
    const div = document.createElement('div');
    div.className = 'set';
    div.dataset.set = set.name;
    const h = document.createElement('h4');
    h.textContent = q ? `${set.name}: ${ids.length} of ${set.ids.length}` : `${set.name}: ${set.ids.length}`;
    const ul = document.createElement('ul');
    for (const id of ids.slice(0, LIST_LIMIT)) {
      const li = document.createElement('li');
      li.textContent = id;
      ul.append(li);
    }
    div.append(h, ul);
    if (ids.length > LIST_LIMIT) {
      const more = document.createElement('p');
      more.className = 'hint';
      more.textContent = `… and ${ids.length - LIST_LIMIT} more; search to narrow the list.`;
      div.append(more);
    }
    return div;
  }));
}

for (const id of ['#pa', '#pb', '#pk']) $(id).addEventListener('change', loadProblems);
$('#pb').addEventListener('change', () => { pickedB = true; });
$('#pk').addEventListener('change', () => { pickedK = true; });
$('#psearch').addEventListener('input', filterProblems);

// ---- export and import -----------------------------------------------------

function download(name, mime, data) {
  const url = URL.createObjectURL(new Blob([data], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

for (const b of document.querySelectorAll('button[data-export]')) {
  b.addEventListener('click', () => {
    setBusy(1, 'Exporting…');
    call('export', { kind: b.dataset.export })
      .then((res) => { download(res.name, res.mime, res.bytes || res.text); setStatus(`Saved ${res.name}.`); })
      .catch((err) => setStatus(`Export failed: ${err.message}`))
      .finally(() => setBusy(-1));
  });
}

const importInput = $('#import');
importInput.addEventListener('change', () => {
  const f = importInput.files[0];
  importInput.value = '';
  if (!f) return;
  $('#import-error').textContent = '';
  setBusy(1, `Importing ${f.name}…`);
  call('import', {}, [f])
    .then(() => refresh())
    .then(() => listSessions())
    .catch((err) => { $('#import-error').textContent = err.message; })
    .finally(() => setBusy(-1));
});

// ---- sessions --------------------------------------------------------------

function listSessions() {
  return call('sessions').then(renderSessions).catch((err) => setStatus(err.message));
}

function renderSessions(res) {
  const ul = $('#sessions');
  ul.replaceChildren(...res.list.map((s) => {
    const li = document.createElement('li');
    li.dataset.session = s.id;
    const current = s.id === res.current;
    if (current) li.className = 'current';
    const name = document.createElement('span');
    name.className = 'sname';
    name.textContent = s.name;
    const info = document.createElement('span');
    info.className = 'hint';
    info.textContent = `${s.models.length} model${s.models.length === 1 ? '' : 's'}, ${new Date(s.updated).toLocaleString()}${current ? ' (open)' : ''}`;
    const open = button('Open', `Open session ${s.name}`, () => act('open', { id: s.id }));
    open.disabled = current;
    const rename = button('Rename', `Rename session ${s.name}`, () => startRename(li, s));
    const del = button('Delete', `Delete session ${s.name}`, () => {
      if (del.dataset.confirm) { act('deleteSession', { id: s.id }); return; }
      del.dataset.confirm = '1';
      del.textContent = 'Confirm delete';
      setTimeout(() => { delete del.dataset.confirm; del.textContent = 'Delete'; }, 4000);
    });
    li.append(name, info, open, rename, del);
    return li;
  }));
  if (!res.list.length) {
    const li = document.createElement('li');
    li.className = 'hint';
    li.textContent = 'No saved sessions yet: drop files to start one.';
    ul.append(li);
  }
}

function startRename(li, s) {
  const form = document.createElement('span');
  const inp = document.createElement('input');
  inp.type = 'text';
  inp.value = s.name;
  inp.setAttribute('aria-label', 'New session name');
  const save = button('Save', 'Save the new name', () => act('renameSession', { id: s.id, name: inp.value }));
  inp.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') save.click();
    if (e.key === 'Escape') listSessions();
  });
  form.append(inp, save);
  li.querySelector('.sname').replaceWith(form);
  inp.focus();
}

function button(text, label, onclick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onclick);
  return b;
}

$('#new-session').addEventListener('click', () => {
  for (const it of fileItems.values()) it.li.remove();
  fileItems.clear();
  act('newSession', {});
});

// ---- service worker: offline after the first visit -------------------------

if ('serviceWorker' in navigator) {
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // A new build took over; this page still runs the old one.
    if (hadController) $('#update').hidden = false;
  });
  navigator.serviceWorker.register('sw.js').catch((err) => console.warn('service worker:', err));
}
$('#update-reload').addEventListener('click', () => location.reload());

// ---- formatting --------------------------------------------------------------

function fmt(x) {
  if (x == null || Number.isNaN(x)) return '–';
  return x.toFixed(3);
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
