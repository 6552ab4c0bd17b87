// Review: the set's summary and honesty notes, the per-rep table (verdict, lead time, depth,
// faults), the angle chart, replay of a chosen rep on the stage, two reps side by side, and
// export / import.

import { $, h, banner, fmt } from './ui.js';
import { Replayer } from './session.js';
import { drawChart } from './chart.js';
import { layout, drawOverlay, drawFigure, pictureRect } from './stage.js';
import { store } from './store.js';
import { download, repsCsv, stamp, importPosetrack } from './files.js';

const SOURCE = { live: 'Live camera', clip: 'Clip', demo: 'Demo (simulated lifter)', import: 'Imported posetrack' };

export function createReview(app) {
  let session = null;
  let report = null;
  let series = null;
  let selected = null;
  let zoom = null;
  let toTime = null;
  let compare = null; // { raf, a, b }
  let replay = null; // { raf, replayer, restore }

  function show(s) {
    session = s;
    report = s ? s.report() : null;
    series = s ? s.series() : null;
    selected = null;
    zoom = null;
    closeCompare();
    render();
  }

  function render() {
    const has = !!report;
    for (const id of ['export-json', 'export-csv', 'export-posetrack']) $(id).disabled = !has || !session.frames;
    if (!has) {
      $('review-source').textContent = 'No session yet: lift live, open a clip, run the demo, or import a posetrack.';
      $('review-summary').replaceChildren();
      $('reps-table').tBodies[0].replaceChildren();
      $('review-notes').replaceChildren();
      return;
    }
    const r = report;
    $('review-source').textContent = `${SOURCE[session.source] ?? session.source}${session.name ? `: ${session.name}` : ''} · ${session.frames} frames, ${session.durationS.toFixed(1)} s${session.finished ? '' : ' (still running: press Review again for the latest)'}`;
    const grip = r.exercise === 'swing' && session.meta.grip ? ` (${session.meta.grip})` : '';
    $('review-summary').replaceChildren(...[
      h('span', { class: 'big' }, `${r.summary.rep_count} reps of ${r.exercise}${grip}: `),
      h('span', { class: 'v-engine' }, `engine ${r.summary.engine}`), ' · ',
      h('span', { class: 'v-crane' }, `crane ${r.summary.crane}`), ' · ',
      h('span', { class: 'v-unclear' }, `unclear ${r.summary.unclear}`),
      h('div', {}, `View: ${r.view.kind}${r.view.yaw_deg != null ? ` (yaw ${fmt(r.view.yaw_deg)}°)` : ''}${r.view.camera_side ? `, ${r.view.camera_side} side to the camera` : ''}.`),
      r.fatigue?.advice ? h('div', {}, `Fatigue: ${r.fatigue.advice}`) : null,
      r.drill?.summary ? h('div', {}, `Drill: ${r.drill.summary}`) : null,
    ].filter(Boolean));
    const body = $('reps-table').tBodies[0];
    body.replaceChildren(...r.reps.map((rep) => h('tr', { 'data-rep': rep.index, class: rep.index === selected ? 'selected' : null },
      h('th', { scope: 'row' }, String(rep.index)),
      h('td', { class: `v-${rep.verdict}` }, rep.verdict),
      h('td', {}, fmt(rep.confidence * 100) + ' %'),
      h('td', {}, fmt(rep.metrics?.hips_lead_ms ?? rep.metrics?.lead_ms)),
      h('td', {}, rep.metrics?.trunk_at_bottom_deg != null ? `${fmt(rep.metrics.trunk_at_bottom_deg)}°` : '–'),
      h('td', {}, rep.faults?.length ? rep.faults.map((f) => h('span', { class: `fault fault-${f.severity}`, title: f.trusted_to_yaw_deg ? `${f.message} (filmed at an angle: trusted to ${f.trusted_to_yaw_deg}° off side-on)` : f.message }, `${f.code.replace(/_/g, ' ')}${f.severity === 'fault' ? '!' : '?'}`)) : '–'),
      h('td', {}, h('button', { type: 'button', 'aria-label': `Replay rep ${rep.index}`, onclick: () => { select(rep.index); replayRep(rep); } }, 'Replay')),
      h('td', {}, h('input', { type: 'checkbox', 'aria-label': `Compare rep ${rep.index}`, 'data-compare': rep.index, onchange: onCompareToggle })),
    )));
    const notes = [...(r.notes ?? [])];
    if (session.problems) notes.push(session.problems);
    $('review-notes').replaceChildren(...notes.map((n) => h('p', {}, n)));
    chart();
  }

  function chart() {
    if (!series) return;
    const rep = report?.reps.find((r) => r.index === selected);
    const opts = zoom && rep ? { from: rep.start_s - series.t0 - 1, to: rep.end_s - series.t0 + 1, selected } : { selected };
    toTime = drawChart($('chart'), series, report.reps, opts);
  }

  function select(i) {
    selected = i;
    zoom = true;
    for (const tr of $('reps-table').tBodies[0].rows) tr.classList.toggle('selected', Number(tr.dataset.rep) === i);
    chart();
  }

  $('chart').addEventListener('click', (e) => {
    if (!report || !toTime) return;
    const t = toTime(e.offsetX);
    const rep = report.reps.find((r) => t >= r.start_s && t <= r.end_s)
      ?? report.reps.reduce((best, r) => (!best || Math.abs(r.lockout_s - t) < Math.abs(best.lockout_s - t) ? r : best), null);
    if (rep) select(rep.index);
  });
  $('chart-all').addEventListener('click', () => { zoom = null; chart(); });
  window.addEventListener('resize', () => { if (!$('review').hidden) chart(); });

  // ---- replay a rep on the stage ----

  /** Replays a rep: on the clip's own video when there is one, else as the drawn figure. */
  function replayRep(rep, s = session) {
    if (!s || !rep) return;
    stopReplay();
    const from = rep.start_s - 0.5;
    const to = rep.end_s + 0.5;
    store.set({ replaying: true });
    document.body.classList.add('replaying');
    const end = () => { store.set({ replaying: false }); document.body.classList.remove('replaying'); };
    if (s.source === 'clip' && app.clip.replayRange(from, to, end)) return;
    const replayer = new Replayer(s);
    const { source, picture } = store.get();
    store.set({ source: 'figure', picture: { w: s.W || 640, h: s.H || 480 } });
    const wall0 = performance.now();
    const speed = 0.5;
    const tick = (now) => {
      const t = (from + ((now - wall0) / 1000) * speed) * 1000;
      layout();
      const i = replayer.seek(t);
      drawFigure(i >= 0 ? s.landmarks(i) : null, { label: `Replay: rep ${rep.index} (${rep.verdict}), half speed`, bell: s.settings.exercise !== 'drill' });
      drawOverlay(replayer, { drill: s.settings.exercise === 'drill' });
      if (t / 1000 >= to) { stopReplay(); return; }
      replay.raf = requestAnimationFrame(tick);
    };
    replay = { raf: requestAnimationFrame(tick), replayer, restore: { source, picture } };
  }

  function stopReplay() {
    if (!replay) return;
    cancelAnimationFrame(replay.raf);
    replay.replayer.free();
    store.set({ ...replay.restore, replaying: false });
    replay = null;
    document.body.classList.remove('replaying');
    layout();
  }

  /** R: the last rep of the current set (live, clip, demo or import). */
  function replayLast() {
    const s = store.get().session;
    if (!s) return false;
    const r = s.report();
    const rep = r.reps[r.reps.length - 1];
    if (!rep) { banner('replay', 'No rep to replay yet.', { kind: 'info', timeoutMs: 3000 }); return false; }
    replayRep(rep, s);
    return true;
  }

  // ---- compare two reps side by side ----

  function onCompareToggle() {
    const boxes = [...document.querySelectorAll('[data-compare]')];
    const on = boxes.filter((b) => b.checked);
    if (on.length > 2) { on[0].checked = false; on.shift(); }
    if (on.length === 2) startCompare(Number(on[0].dataset.compare), Number(on[1].dataset.compare));
    else closeCompare();
  }

  function startCompare(ia, ib) {
    closeCompare();
    const reps = [ia, ib].map((i) => report.reps.find((r) => r.index === i));
    if (reps.some((r) => !r)) return;
    $('compare').hidden = false;
    const sides = reps.map((rep, k) => {
      const canvas = $(k ? 'compare-b' : 'compare-a');
      const m = rep.metrics ?? {};
      $(k ? 'compare-b-cap' : 'compare-a-cap').textContent = `Rep ${rep.index}: ${rep.verdict} · hips lead by ${fmt(m.hips_lead_ms ?? m.lead_ms)} ms · trunk at bottom ${fmt(m.trunk_at_bottom_deg)}° · ${rep.faults.map((f) => f.code).join(', ') || 'no faults'}`;
      return { rep, canvas, replayer: new Replayer(session), from: rep.start_s - 0.3, to: rep.end_s + 0.3 };
    });
    const longest = Math.max(...sides.map((s) => s.to - s.from));
    const wall0 = performance.now();
    const tick = (now) => {
      // Both reps on one normalised clock, so their phases line up; half speed, looping.
      const p = (((now - wall0) / 1000) * 0.5 / longest) % 1;
      for (const s of sides) {
        fit(s.canvas);
        const i = s.replayer.seek((s.from + p * (s.to - s.from)) * 1000);
        drawFigure(i >= 0 ? session.landmarks(i) : null, { canvas: s.canvas, label: `rep ${s.rep.index}` });
        drawOverlay(s.replayer, { canvas: s.canvas, mirror: false, textScale: 1, hud: false, clear: false });
      }
      compare.raf = requestAnimationFrame(tick);
    };
    compare = { raf: requestAnimationFrame(tick), sides };
  }

  // The compare canvases keep the session's picture aspect inside their box.
  function fit(canvas) {
    const r = pictureRect(canvas.clientWidth, canvas.clientHeight, session.W || 4, session.H || 3);
    const w = Math.round(r.w);
    const hh = Math.round(r.h);
    canvas.style.aspectRatio = `${session.W || 4} / ${session.H || 3}`;
    if (canvas.width !== w || canvas.height !== hh) { canvas.width = w; canvas.height = hh; }
  }

  function closeCompare() {
    if (!compare) { $('compare').hidden = true; return; }
    cancelAnimationFrame(compare.raf);
    for (const s of compare.sides) s.replayer.free();
    compare = null;
    $('compare').hidden = true;
  }
  $('compare-close').addEventListener('click', () => {
    closeCompare();
    for (const b of document.querySelectorAll('[data-compare]')) b.checked = false;
  });

  // ---- export / import ----

  function exportReport() {
    if (!session) return;
    download(`hingecheck-report-${stamp(session.created)}.json`, JSON.stringify(session.report(), null, 2) + '\n', 'application/json');
  }
  function exportCsv() {
    if (!session) return;
    download(`hingecheck-reps-${stamp(session.created)}.csv`, repsCsv(session.report()), 'text/csv');
  }
  function exportPosetrack() {
    if (!session) return;
    try {
      download(`hingecheck-${stamp(session.created)}.posetrack.json`, session.posetrackJson(), 'application/json');
    } catch (e) {
      banner('export', `The posetrack could not be written: ${e.message || e}`, { kind: 'error' });
    }
  }

  async function importFile(file) {
    if (!file) return;
    app.stopOthers('review');
    $('review-source').textContent = `Reading ${file.name}…`;
    try {
      const s = await importPosetrack(file, { settings: app.settings(), meta: app.meta() });
      app.setSession(s);
      app.setMode('review');
      show(s);
      banner('import', `Imported ${file.name}: ${s.frames} frames, ${s.report().summary.rep_count} reps.`, { kind: 'info', timeoutMs: 8000 });
    } catch (e) {
      banner('import', `Could not import: ${e.message || e}`, { kind: 'error' });
      render();
    }
  }

  $('export-json').addEventListener('click', exportReport);
  $('export-csv').addEventListener('click', exportCsv);
  $('export-posetrack').addEventListener('click', exportPosetrack);
  $('import-file').addEventListener('change', (e) => { importFile(e.target.files[0]); e.target.value = ''; });

  return {
    show,
    refresh() { if (session) show(session); },
    replayRep,
    replayLast,
    stopReplay,
    importFile,
    leave() { closeCompare(); },
    get session() { return session; },
  };
}
