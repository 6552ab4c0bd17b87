// History: your sets over weeks, from the logbook (logbook.js). A chart over the days (per set:
// reps as a bar split into engine, crane and unclear; the engine's share as a line; the rep where
// the engine tired as a mark on its bar), and the sets listed by day (time, lift, reps, engine /
// crane / unclear, where the engine tired), each one opened in Review or deleted; delete all;
// export the whole history as one file and import it back (nothing half-imported, nothing
// overwritten). And, at load, the offer to resume or keep a set that a reload, a crash or a
// closed tab cut off.

import { $, h, banner, clearBanner, setStatus } from './ui.js';
import { download, readText, stamp } from './files.js';
import { version } from './core.js';
import { store } from './store.js';

const COLORS = { engine: '#22c55e', crane: '#ef4444', unclear: '#64748b', share: '#facc15', tired: '#f8fafc' };
const LIFT = { swing: 'Swing', deadlift: 'Deadlift', kettlebell_deadlift: 'KB deadlift', 'kettlebell-deadlift': 'KB deadlift', clean: 'Clean', rdl: 'RDL', drill: 'Drill', auto: 'Lift', not_hinge: 'Not a hinge', unknown: 'Lift' };
const liftName = (l) => LIFT[l] ?? String(l ?? '').replace(/_/g, ' ');

function dayTitle(day) {
  const d = new Date(`${day}T12:00:00`);
  return Number.isFinite(d.getTime()) ? d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }) : day;
}
const timeOf = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export function createHistory(app) {
  let sets = [];

  async function show() {
    try {
      sets = await app.logbook.list();
    } catch (e) {
      sets = [];
      setStatus('history-status', `The history could not be read: ${e.message || e}`, true);
    }
    render();
    return sets;
  }

  function render() {
    const lifts = sets.filter((s) => s.lift !== 'drill');
    const problem = app.logbook.problem;
    setStatus('history-status', problem === 'unavailable'
      ? 'This browser does not let the page keep sets (a private window?): nothing is stored here.'
      : sets.length ? `${sets.length} session${sets.length === 1 ? '' : 's'} kept on this device (${lifts.reduce((a, s) => a + s.reps, 0)} reps).` : 'No sets kept yet: every live set is kept here as you lift.');
    $('history-export').disabled = !sets.length;
    $('history-delete-all').disabled = !sets.length;
    const byDay = new Map();
    for (const s of sets) {
      if (!byDay.has(s.day)) byDay.set(s.day, []);
      byDay.get(s.day).push(s);
    }
    $('history-days').replaceChildren(...[...byDay.entries()].map(([day, list]) => h('section', { class: 'day', 'data-day': day },
      h('h3', {}, dayTitle(day)),
      h('div', { class: 'table-wrap' }, h('table', { class: 'sets' },
        h('thead', {}, h('tr', {}, ...['Time', 'Lift', 'Reps', 'Engine', 'Crane', 'Unclear', 'Engine tired at', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...list.map(row)))))));
    chart();
  }

  function row(s) {
    const drill = s.lift === 'drill';
    return h('tr', { 'data-id': s.id, 'data-state': s.state },
      h('td', {}, timeOf(s.started), s.state === 'recording' ? h('span', { class: 'tag' }, ' recording') : null),
      h('td', {}, liftName(s.lift), s.source === 'clip' ? h('span', { class: 'tag' }, ' clip') : null),
      h('td', { class: 'num', 'data-k': 'reps', 'data-label': 'Reps' }, drill ? '–' : String(s.reps)),
      h('td', { class: 'num v-engine', 'data-k': 'engine', 'data-label': 'Engine' }, drill ? '–' : String(s.engine)),
      h('td', { class: 'num v-crane', 'data-k': 'crane', 'data-label': 'Crane' }, drill ? '–' : String(s.crane)),
      h('td', { class: 'num v-unclear', 'data-k': 'unclear', 'data-label': 'Unclear' }, drill ? '–' : String(s.unclear)),
      h('td', { class: 'num', 'data-k': 'tired', 'data-label': 'Tired at' }, s.fatigueOnset ? `rep ${s.fatigueOnset}` : '–'),
      h('td', { class: 'acts' },
        h('button', { type: 'button', 'aria-label': `Open the ${timeOf(s.started)} set in Review`, onclick: () => openInReview(s.id) }, 'Review'),
        h('button', { type: 'button', 'aria-label': `Delete the ${timeOf(s.started)} set`, onclick: (e) => removeOne(s, e.currentTarget) }, 'Delete')));
  }

  async function openInReview(id) {
    try {
      app.stopOthers('review');
      const s = await app.logbook.open(id);
      app.setSession(s);
      app.setMode('review');
      return true;
    } catch (e) {
      banner('history', `That set could not be opened: ${e.message || e}`, { kind: 'error' });
      return false;
    }
  }

  // A second press within 4 s deletes (no dialog: a phone's thumb, a test's click).
  function removeOne(s, button) {
    if (button.dataset.armed !== 'yes') {
      button.dataset.armed = 'yes';
      button.textContent = 'Delete it?';
      setTimeout(() => { if (button.isConnected) { button.dataset.armed = ''; button.textContent = 'Delete'; } }, 4000);
      return;
    }
    app.logbook.remove(s.id).then(show, (e) => banner('history', `Not deleted: ${e.message || e}`, { kind: 'error' }));
  }

  function removeAll() {
    banner('history-delete', `Delete all ${sets.length} sessions kept on this device? This cannot be undone (export the history first to keep a copy).`, {
      kind: 'warn',
      actions: [{ label: 'Delete all', run: () => app.logbook.clear().then(show, (e) => banner('history', `Not deleted: ${e.message || e}`, { kind: 'error' })) }, { label: 'Cancel', run: () => {} }],
    });
  }

  async function exportAll() {
    try {
      const { parts, count } = await app.logbook.exportParts(version());
      let blob = new Blob(parts, { type: 'application/json' });
      let name = `hingecheck-history-${stamp()}.json`;
      if (typeof CompressionStream !== 'undefined') {
        blob = await new Response(blob.stream().pipeThrough(new CompressionStream('gzip'))).blob();
        name += '.gz';
      }
      download(name, blob, blob.type || 'application/gzip');
      setStatus('history-status', `Exported ${count} session${count === 1 ? '' : 's'} to ${name}.`);
    } catch (e) {
      banner('history', `The history could not be exported: ${e.message || e}`, { kind: 'error' });
    }
  }

  async function importFile(file) {
    if (!file) return;
    clearBanner('history');
    try {
      const text = await readText(file);
      const { added, skipped } = await app.logbook.importHistory(text, file.name);
      banner('history', `Imported ${added} session${added === 1 ? '' : 's'} from ${file.name}${skipped ? ` (${skipped} already here, kept as they were)` : ''}.`, { kind: 'info', timeoutMs: 10000 });
    } catch (e) {
      banner('history', `Nothing was imported: ${e.message || e}. Your history is as it was.`, { kind: 'error' });
    }
    await show();
  }

  // ---- the chart over days ----
  function chart() {
    const canvas = $('history-chart');
    const lifts = sets.filter((s) => s.lift !== 'drill').slice().reverse(); // oldest first
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const cssW = canvas.clientWidth || 600;
    const cssH = canvas.clientHeight || 220;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#0b1120';
    ctx.fillRect(0, 0, cssW, cssH);
    ctx.font = '11px system-ui, sans-serif';
    if (!lifts.length) {
      ctx.fillStyle = '#94a3b8';
      ctx.textAlign = 'center';
      ctx.fillText('Your sets will show here, day by day.', cssW / 2, cssH / 2);
      return;
    }
    const pad = { l: 34, r: 38, t: 14, b: 30 };
    const w = cssW - pad.l - pad.r;
    const hh = cssH - pad.t - pad.b;
    const maxReps = Math.max(5, ...lifts.map((s) => s.reps));
    const slot = w / lifts.length;
    const bar = Math.max(2, Math.min(28, slot * 0.7));
    const X = (i) => pad.l + slot * (i + 0.5);
    const Y = (reps) => pad.t + hh - (reps / maxReps) * hh;
    const S = (share) => pad.t + hh - share * hh;
    // Axes: reps on the left, the engine's share on the right.
    ctx.strokeStyle = '#1e293b';
    ctx.fillStyle = '#94a3b8';
    ctx.textAlign = 'right';
    const step = maxReps > 20 ? 10 : 5;
    for (let r = 0; r <= maxReps; r += step) {
      ctx.beginPath(); ctx.moveTo(pad.l, Y(r)); ctx.lineTo(pad.l + w, Y(r)); ctx.stroke();
      ctx.fillText(String(r), pad.l - 4, Y(r) + 4);
    }
    ctx.textAlign = 'left';
    ctx.fillStyle = COLORS.share;
    for (const p of [0, 0.5, 1]) ctx.fillText(`${p * 100}%`, pad.l + w + 4, S(p) + 4);
    // Bars: engine at the bottom, then crane, then unclear; the fatigue onset as a mark.
    let lastDay = null;
    lifts.forEach((s, i) => {
      let base = Y(0);
      for (const k of ['engine', 'crane', 'unclear']) {
        const height = (s[k] / maxReps) * hh;
        ctx.fillStyle = COLORS[k];
        ctx.fillRect(X(i) - bar / 2, base - height, bar, height);
        base -= height;
      }
      if (s.fatigueOnset) {
        const ty = Y(s.fatigueOnset - 0.5);
        ctx.strokeStyle = COLORS.tired;
        ctx.lineWidth = 2;
        ctx.beginPath(); ctx.moveTo(X(i) - bar / 2 - 3, ty); ctx.lineTo(X(i) + bar / 2 + 3, ty); ctx.stroke();
      }
      if (s.day !== lastDay) {
        lastDay = s.day;
        ctx.fillStyle = '#94a3b8';
        ctx.textAlign = 'left';
        ctx.fillText(s.day.slice(5), X(i) - slot / 2 + 1, cssH - 10);
        if (i) { ctx.strokeStyle = '#334155'; ctx.beginPath(); ctx.moveTo(X(i) - slot / 2, pad.t); ctx.lineTo(X(i) - slot / 2, pad.t + hh + 6); ctx.stroke(); }
      }
    });
    // The engine's share of the judged reps, set to set.
    ctx.strokeStyle = COLORS.share;
    ctx.fillStyle = COLORS.share;
    ctx.lineWidth = 2;
    ctx.beginPath();
    let pen = false;
    lifts.forEach((s, i) => {
      const judged = s.engine + s.crane;
      if (!judged) { pen = false; return; }
      const y = S(s.engine / judged);
      if (pen) ctx.lineTo(X(i), y); else ctx.moveTo(X(i), y);
      pen = true;
    });
    ctx.stroke();
    lifts.forEach((s, i) => {
      const judged = s.engine + s.crane;
      if (judged) { ctx.beginPath(); ctx.arc(X(i), S(s.engine / judged), 3, 0, Math.PI * 2); ctx.fill(); }
    });
  }

  // ---- a set cut off by a reload, a crash or a closed tab ----
  async function offerUnfinished() {
    let cut;
    try { cut = await app.logbook.unfinished(); } catch { return; }
    const s = cut[0];
    if (!s) return;
    const reps = s.lift === 'drill' ? 'the drill' : `${s.reps} rep${s.reps === 1 ? '' : 's'} (engine ${s.engine}, crane ${s.crane}, unclear ${s.unclear})`;
    banner('resume', `A set was cut off (${timeOf(s.started)}, ${liftName(s.lift)}): ${reps} kept. Resume it, or keep it as it is?`, {
      kind: 'info',
      actions: [
        { label: 'Resume the set', run: () => resume(s) },
        { label: 'Keep it as it is', run: () => keep(s) },
      ],
    });
  }

  async function resume(s) {
    try {
      const { session, recorder } = await app.logbook.resume(s.id);
      app.live.adopt(session, recorder);
      app.setMode(session.settings.exercise === 'drill' ? 'drill' : 'live');
      banner('resumed', `Set resumed: ${session.frame.repCount} reps kept. Press Start to go on.`, { kind: 'info', timeoutMs: 10000 });
    } catch (e) {
      banner('resume', `The set could not be resumed (${e.message || e}); it is still kept.`, { kind: 'error' });
    }
    offerUnfinished();
  }

  async function keep(s) {
    try {
      const k = await app.logbook.keepUnfinished(s.id);
      banner('resumed', `Kept: ${k.reps} reps (engine ${k.engine}, crane ${k.crane}, unclear ${k.unclear}). See History.`, {
        kind: 'info', actions: [{ label: 'History', run: () => app.setMode('history') }], timeoutMs: 10000,
      });
    } catch (e) {
      banner('resume', `The set could not be kept (${e.message || e}).`, { kind: 'error' });
    }
    if (store.get().mode === 'history') show();
    offerUnfinished();
  }

  $('history-export').addEventListener('click', exportAll);
  $('history-delete-all').addEventListener('click', removeAll);
  $('history-import-file').addEventListener('change', (e) => { importFile(e.target.files[0]); e.target.value = ''; });
  window.addEventListener('resize', () => { if (!$('history').hidden) chart(); });

  return { show, openInReview, importFile, offerUnfinished, get sets() { return sets; } };
}
