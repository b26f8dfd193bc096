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
//                  {v: 1, event, data}   (ready, file, storage, changed, warm, fatal)
// "changed" says another tab (or storage opening late) changed the stored
// sessions: the list is read again, and the view too when data.view is set.

const PROTOCOL = 1;
const $ = (sel) => document.querySelector(sel);

// ---- the worker ----------------------------------------------------------

// Resolved against this module, not the page: the page is also served at
// /s/<id> (short links).
const worker = new Worker(new URL('worker.js', import.meta.url));
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

// Registers the service worker (set below where there is one).
let registerSW = null;

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
      if (registerSW) registerSW();
      showStorage(data.storage);
      setBusy(1);
      // A shared link (#s=… or /s/<id>) opens before the first view.
      openFromURL().then(() => refresh()).then(() => listSessions()).finally(() => setBusy(-1));
      break;
    case 'file':
      updateFile(data);
      break;
    case 'storage':
      showStorage(data);
      break;
    case 'changed':
      if (!ready) break;
      if (data.view) refresh();
      listSessions();
      break;
    case 'warm':
      // The readers are warmed up (app.WarmUp): the browser tests see it.
      document.documentElement.dataset.warmMs = String(data.ms);
      break;
    case 'fatal':
      fatal(data.error || 'The app stopped.');
      break;
  }
}

// The storage state shown last: its reason ('' while sessions are kept).
let storageReason = null;

function showStorage(s) {
  if (!s) return;
  const reason = s.persistent ? '' : (s.reason || 'none');
  if (reason === '' && (storageReason === 'blocked' || storageReason === 'waiting')) {
    setStatus('Storage opened: what you did meanwhile is saved in this browser.');
  }
  storageReason = reason;
  document.documentElement.dataset.storageReason = reason;
  // Another tab runs a newer passk: reloading gets it, and storage back.
  if (reason === 'updated' || reason === 'newer') $('#update').hidden = false;
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
  if (importing && d.file === importing) {
    setStatus(`Importing ${d.name}: ${formatBytes(d.read)} of ${formatBytes(d.size)} read…`);
    return;
  }
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
    it.li.dataset.waitMs = String(d.waitMs);
    it.li.dataset.inflated = String(d.inflated || 0);
    it.li.dataset.raw = String(d.raw || 0);
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
  for (const id of ['#models-section', '#plot-section', '#problems-section', '#export-section', '#share-section']) $(id).hidden = !has;
  renderRows(v.rows);
  renderWarnings(v.warnings || []);
  renderMetric(v);
  $('#bands').checked = v.bands;
  renderPlot(v.plot);
  renderCrossovers(v.crossovers || [], v.rows);
  renderFits(v);
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
  let failure = '';
  return call(op, args)
    .then(() => refresh().then(() => listSessions()).then(() => true))
    .catch((err) => {
      failure = err.message;
      // Redraw: the list may now mark a session unreadable.
      return refresh().then(() => listSessions()).catch(() => {}).then(() => false);
    })
    // The failure is said last: going idle sets the status to "Ready."
    .finally(() => { setBusy(-1); if (failure) setStatus(failure); });
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
    const predicted = s.p && s.p[i] ? ' (predicted)' : '';
    parts.push(`${s.label}: ${fmt(v)}${band}${predicted}`);
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

// The G-Pass@k radio stands for g-pass@k:τ with the τ picked beside it.
const GPASS = 'g-pass@k';
function chosenMetric(value) { return value === GPASS ? `${GPASS}:${$('#tau').value}` : value; }
for (const r of document.querySelectorAll('input[name=metric]')) {
  r.addEventListener('change', () => { if (r.checked) act('settings', { metric: chosenMetric(r.value) }); });
}
$('#tau').addEventListener('change', () => {
  const g = document.querySelector(`input[name=metric][value="${GPASS}"]`);
  if (g.checked) act('settings', { metric: chosenMetric(GPASS) });
});
$('#bands').addEventListener('change', (e) => act('settings', { bands: e.target.checked }));

// "Predict up to k": presets, or any k typed after "other…".
const PRESETS = ['0', '1024', '16384', '1000000'];
$('#extrapolate').addEventListener('change', (e) => {
  const v = e.target.value;
  $('#extrapolate-other').hidden = v !== 'other';
  if (v === 'other') { $('#extrapolate-k').focus(); return; }
  act('settings', { extrapolate: Number(v) });
});
$('#extrapolate-k').addEventListener('change', (e) => {
  const k = Math.round(Number(e.target.value));
  if (Number.isFinite(k) && k >= 1) act('settings', { extrapolate: k });
});

function renderMetric(v) {
  const gpass = v.metric.startsWith(`${GPASS}:`);
  const unavailable = v.unavailable || {};
  for (const r of document.querySelectorAll('input[name=metric]')) {
    r.checked = gpass ? r.value === GPASS : r.value === v.metric;
    const why = unavailable[r.value];
    r.disabled = !!why;
    r.closest('label').title = why || '';
  }
  if (gpass) $('#tau').value = v.metric.slice(GPASS.length + 1);
  // Why a metric is off (maj@k without extracted answers), as passk says it.
  const notes = [];
  if (v.metricNote) notes.push(v.metricNote);
  else for (const [m, why] of Object.entries(unavailable)) notes.push(`${m} is unavailable: ${why}`);
  const note = $('#metric-note');
  note.textContent = notes.join(' ');
  note.hidden = notes.length === 0;

  const sel = $('#extrapolate');
  const k = String(v.extrapolate || 0);
  if (document.activeElement !== $('#extrapolate-k')) {
    if (PRESETS.includes(k)) {
      sel.value = k;
      $('#extrapolate-other').hidden = true;
    } else {
      sel.value = 'other';
      $('#extrapolate-k').value = k;
      $('#extrapolate-other').hidden = false;
    }
  }
  sel.disabled = !!v.predictNote;
  $('#extrapolate-k').disabled = !!v.predictNote;
  const pn = $('#predict-note');
  if (v.predictNote) pn.textContent = v.predictNote;
  else if (v.predicting) pn.textContent = `Dashed: predicted beyond each model's n from its fitted prior (below), with bands from ${v.fitBoot} fit bootstrap replicates. A prediction, not data.`;
  else pn.textContent = '';
  document.documentElement.dataset.predicting = v.predicting ? '1' : '0';
}

function renderFits(v) {
  const fits = v.predicting ? (v.fits || []) : [];
  $('#fits-panel').hidden = fits.length === 0;
  const rows = [];
  const notes = [];
  const param = (x) => {
    if (x == null) return '—';
    let t = Number(x).toPrecision(4);
    if (t.includes('.')) t = t.replace(/0+(e|$)/, '$1').replace(/\.(e|$)/, '$1');
    return t;
  };
  const stat = (x) => (x == null ? '—' : x.toFixed(2));
  const interval = (lo, hi) => (lo == null || hi == null ? '' : ` [${param(lo)}, ${param(hi)}]`);
  for (const mf of fits) {
    const f = mf.fit;
    for (const [name, fit] of [['beta-binomial', f.beta_binomial], ['zero-inflated', f.zero_inflated]]) {
      const used = name === f.chosen;
      const tr = document.createElement('tr');
      tr.dataset.model = mf.label;
      tr.dataset.prior = name;
      if (used) tr.className = 'used';
      const cells = [mf.label, name,
        param(fit.alpha) + (used ? interval(f.alpha_lo, f.alpha_hi) : ''),
        param(fit.beta) + (used ? interval(f.beta_lo, f.beta_hi) : ''),
        param(fit.pi) + (used && name === 'zero-inflated' ? interval(f.pi_lo, f.pi_hi) : ''),
        stat(fit.log_lik), stat(fit.aic), used ? 'yes' : ''];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i >= 2 && i <= 6) td.className = 'num';
        tr.append(td);
      });
      rows.push(tr);
    }
    if (f.note) notes.push(`${mf.label}: ${f.note}`);
  }
  $('#fit-rows').replaceChildren(...rows);
  $('#fit-notes').replaceChildren(...notes.map((n) => { const li = document.createElement('li'); li.textContent = n; return li; }));
}

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
  box.replaceChildren(...list.flatMap((c) => {
    const p = document.createElement('p');
    p.className = 'pair';
    p.dataset.a = c.aLabel;
    p.dataset.b = c.bLabel;
    if (c.k != null) p.dataset.kstar = String(c.k);
    p.textContent = c.text;
    if (!c.predicted) return [p];
    // The predicted crossover: its own, clearly labelled sentence.
    const q = document.createElement('p');
    q.className = 'predicted';
    q.dataset.a = c.aLabel;
    q.dataset.b = c.bLabel;
    if (c.predicted.k != null) q.dataset.kstar = String(c.predicted.k);
    q.textContent = c.predictedText;
    return [p, q];
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
let importing = 0; // the page's file id of the session file being imported
importInput.addEventListener('change', () => {
  const f = importInput.files[0];
  importInput.value = '';
  if (!f) return;
  $('#import-error').textContent = '';
  setBusy(1, `Importing ${f.name}…`);
  const id = nextFile++;
  importing = id;
  call('import', { file: id }, [f])
    .then(() => refresh())
    .then(() => listSessions())
    .catch((err) => { $('#import-error').textContent = err.message; })
    .finally(() => { if (importing === id) importing = 0; setBusy(-1); });
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
    if (s.unreadable) {
      // A session this version cannot read (newer passk, or damaged): it
      // is listed and kept as it is; it can only be deleted.
      li.classList.add('unreadable');
      name.textContent = s.name || `Session ${s.id}`;
      info.textContent = s.unreadable;
      info.className = 'hint unreadable-note';
      li.append(name, info, del);
      return li;
    }
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

// ---- sharing ----------------------------------------------------------------
//
// A link carries the session in its fragment (#s=v1.…): the browser never
// sends a fragment to the server. A short link (/s/<id>) carries an id; the
// share itself is uploaded to this server's /api/share, after the user has
// read what is uploaded and confirmed. Opening either decodes and checks
// the share in the worker (Go, package web/share): a bad link says what is
// wrong, and the open session stays as it was.

const SHORT_PATH = /^\/s\/([A-Za-z0-9_-]{1,64})$/;

function shareNotice(text, isError) {
  const n = $('#share-notice');
  n.textContent = text;
  n.hidden = !text;
  n.classList.toggle('error', !!isError);
  n.setAttribute('role', isError ? 'alert' : 'status');
  document.documentElement.dataset.share = isError ? 'error' : (text ? 'opened' : '');
}

// openFromURL opens the share the page's address names, if any, and
// resolves once it is open (or has been refused, and says why).
async function openFromURL() {
  const short = location.pathname.match(SHORT_PATH);
  let payload = null;
  if (location.hash.startsWith('#s=')) {
    payload = location.hash.slice(3);
  } else if (short) {
    setStatus('Loading the shared session…');
    let resp;
    try {
      resp = await fetch(`/api/share/${short[1]}`, { headers: { Accept: 'application/json' } });
    } catch (err) {
      shareNotice(`This short link could not be loaded: the server did not answer (${err.message}).`, true);
      return;
    }
    const body = await resp.json().catch(() => null);
    if (!resp.ok || !body || typeof body.payload !== 'string') {
      const why = body && body.error ? body.error : `the server answered ${resp.status}`;
      shareNotice(resp.status === 404
        ? `This short link does not exist: ${why}.`
        : `This short link could not be loaded: ${why}.`, true);
      return;
    }
    payload = body.payload;
  } else {
    return;
  }
  try {
    const o = await call('openShare', { payload });
    const n = o.models.length;
    shareNotice(`Opened a shared session: ${n} model${n === 1 ? '' : 's'} (${o.models.join(', ')}) on ${o.problems} problem${o.problems === 1 ? '' : 's'}${o.ids ? '' : ', numbered in id order'}. It is kept in this browser as “${o.name}”.`, false);
    // The session is open and kept: the address no longer needs to carry it.
    history.replaceState(null, '', '/');
  } catch (err) {
    const msg = err.message || String(err);
    shareNotice(msg.charAt(0).toUpperCase() + msg.slice(1), true);
  }
}

// A link pasted into the address bar of a tab already on the app changes
// only the fragment: the page is not reloaded.
window.addEventListener('hashchange', () => {
  if (!ready || !location.hash.startsWith('#s=')) return;
  setBusy(1);
  openFromURL().then(() => refresh()).then(() => listSessions()).finally(() => setBusy(-1));
});

let shareInfo = null; // what the confirmation describes, and what is uploaded

function shareStatus(text, isError) {
  const s = $('#share-status');
  s.textContent = text;
  s.classList.toggle('error', !!isError);
}

function showShareURL(url) {
  const box = $('#share-result');
  const inp = $('#share-url');
  inp.value = url;
  box.hidden = false;
  inp.focus();
  inp.select();
  return copyText(url);
}

// copyText copies text to the clipboard, resolving to whether it could.
function copyText(text) {
  if (!navigator.clipboard || !navigator.clipboard.writeText) return Promise.resolve(false);
  return navigator.clipboard.writeText(text).then(() => true, () => false);
}

function formatKB(bytes) { return `${(bytes / 1024).toFixed(1)} KB`; }

$('#share-link').addEventListener('click', () => {
  $('#share-confirm').hidden = true;
  setBusy(1);
  call('share', { ids: $('#share-ids').checked })
    .then((info) => {
      if (!info.fits) {
        $('#share-result').hidden = true;
        shareStatus(`This session encodes to ${formatKB(info.bytes)}, more than the ${formatKB(info.limit)} a link should carry (longer links are cut by some chat apps and mail clients). Create a short link instead.`, true);
        $('#share-short').focus();
        return null;
      }
      const url = `${location.origin}/#s=${info.payload}`;
      return showShareURL(url).then((copied) => {
        shareStatus(`${copied ? 'Link copied' : 'Link ready: copy it from the box'} (${formatKB(info.bytes)}). It carries the data itself; no server sees it.${info.note ? ` ${info.note}` : ''}`);
      });
    })
    .catch((err) => shareStatus(err.message, true))
    .finally(() => setBusy(-1));
});

function describeUpload(info) {
  const n = info.models.length;
  const hidden = info.hidden ? `, ${info.hidden} of them hidden` : '';
  const ids = info.ids ? ', and the problem ids' : '; not the problem ids (problems are numbered in id order)';
  return `Uploading stores on ${location.host} the labels of ${n} model${n === 1 ? '' : 's'} (${info.models.join(', ')}${hidden}) and, for each model, n and c on each of its problems (${info.problems} in all)${ids}, with the plot's settings: ${formatKB(info.bytes)} in all. Not uploaded: your files, completions, extracted answers, file names, the session's name. Anyone with the short link can open it, and it cannot be withdrawn from this page.${info.note ? ` ${info.note}` : ''}`;
}

$('#share-short').addEventListener('click', () => {
  setBusy(1);
  call('share', { ids: $('#share-ids').checked })
    .then((info) => {
      shareInfo = info;
      $('#share-result').hidden = true;
      $('#share-upload-what').textContent = describeUpload(info);
      $('#share-confirm').hidden = false;
      shareStatus('');
      $('#share-upload').focus();
    })
    .catch((err) => shareStatus(err.message, true))
    .finally(() => setBusy(-1));
});

$('#share-cancel').addEventListener('click', () => {
  shareInfo = null;
  $('#share-confirm').hidden = true;
  shareStatus('Nothing was uploaded.');
});

$('#share-ids').addEventListener('change', () => {
  // What was described is no longer what would be uploaded.
  shareInfo = null;
  $('#share-confirm').hidden = true;
  $('#share-result').hidden = true;
});

$('#share-upload').addEventListener('click', async () => {
  const info = shareInfo;
  if (!info) return;
  shareInfo = null;
  $('#share-confirm').hidden = true;
  setBusy(1);
  shareStatus('Uploading…');
  try {
    const resp = await fetch('/api/share', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ payload: info.payload }),
    });
    const body = await resp.json().catch(() => null);
    if (!resp.ok || !body || !body.id) {
      shareStatus(`The short link could not be created: ${body && body.error ? body.error : `the server answered ${resp.status}`}`, true);
      return;
    }
    const copied = await showShareURL(`${location.origin}/s/${body.id}`);
    shareStatus(`Short link ${copied ? 'created and copied' : 'created: copy it from the box'}.`);
  } catch (err) {
    shareStatus(`The short link could not be created: the server did not answer (${err.message}).`, true);
  } finally {
    setBusy(-1);
  }
});

$('#share-copy').addEventListener('click', () => {
  const inp = $('#share-url');
  inp.select();
  copyText(inp.value).then((ok) => shareStatus(ok ? 'Copied.' : 'Copy it from the box (the browser refused the clipboard).'));
});

// ---- service worker: offline after the first visit -------------------------

if ('serviceWorker' in navigator) {
  // On a first visit the first worker to take over serves this very
  // build; any later one is a new build, while this page runs the old one.
  let controlled = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled) $('#update').hidden = false;
    controlled = true;
  });
  // Registered once the app is ready: on a first visit the worker's
  // install fetches app.wasm again, which would compete with the page's own
  // download and compile.
  registerSW = () => {
    registerSW = null;
    navigator.serviceWorker.register(new URL('sw.js', import.meta.url)).catch((err) => console.warn('service worker:', err));
  };
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
