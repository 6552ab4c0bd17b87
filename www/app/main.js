// Hinge Check page: wires the modes (Live / Drill / Clip / Review / Demo / History, one entry
// each in MODES) to the analysis core, the pose model, the stage, the voice and the review, and
// the services that make it a phone's: the logbook (every set kept, a cut-off set offered back),
// the screen kept awake, the hand-over QR code, install and updates between sets.
// `app` is the registry of the page's parts (services, no state); the page's state is in the
// store (store.js). The session on show is followed here, once for every source: its frames go
// to the HUD and the stage, its reps to the voice (`setSession`).
// `window.hingecheck` gives automation and tests the current report, the page's state and the
// stored sessions' summaries (`history()`).

import { $, h, banner, clearBanner, setStatus, messageLog, hud } from './ui.js';
import { loadCore, version } from './core.js';
import { store } from './store.js';
import { createPose } from './pose.js';
import { createVoice } from './audio.js';
import { createFeedback } from './feedback.js';
import { createLive } from './live.js';
import { createClip } from './clip.js';
import { createDemo } from './demo.js';
import { createReview } from './review.js';
import { createWorkshop } from './workshop.js';
import { createDrill, storedLimit } from './drill.js';
import { listCameras } from './camera.js';
import { layout, clearOverlay, show } from './stage.js';
import { createLogbook } from './logbook.js';
import { createHistory } from './history.js';
import { createAwake } from './awake.js';
import { createHandover } from './handover.js';
import { createUpdates } from './update.js';
import { features, featureNotes } from './features.js';

// The modes: a tab each, and a panel (<section data-mode="…">) in index.html; setMode() below
// says what entering and leaving one does, toggleRun() what Space does in it.
const MODES = [
  { id: 'live', label: 'Live' },
  { id: 'drill', label: 'Drill' },
  { id: 'clip', label: 'Clip' },
  { id: 'review', label: 'Review' },
  { id: 'demo', label: 'Demo' },
  { id: 'history', label: 'History' },
];

async function boot() {
  try {
    await loadCore();
  } catch (e) {
    banner('core', `The analysis module could not load (${e.message || e}). Reload the page; if it keeps failing, this browser may not support WebAssembly.`, { kind: 'error', actions: [{ label: 'Reload', run: () => location.reload() }] });
    return;
  }

  const voice = createVoice();
  let unfollow = () => {};
  let noteTimer = 0;
  const app = {
    voice,
    /** The session on show, the mode, and whether a rep is being replayed (read from the store). */
    get session() { return store.get().session; },
    get mode() { return store.get().mode; },
    get replaying() { return store.get().replaying; },
    /** The lifts' settings: the chosen lift, and the pelvic limit from the drill if kept. */
    settings() {
      const limit = storedLimit();
      return { exercise: $('exercise').value, ...(limit ? { pelvicLimitDeg: limit } : {}) };
    },
    meta() {
      const ex = $('exercise').value;
      return {
        grip: ex === 'swing' || ex === 'auto' ? $('grip').value : undefined,
        model: $('model').value,
        delegate: app.pose.info?.delegate ?? $('delegate').value,
        app_version: version(),
      };
    },
    /**
     * Puts a session on show. `follow` (a running source's): its frames update the HUD and the
     * stage from now on, and its reps are spoken when `follow.speak`; framing advice is spoken
     * when `follow.coach` (live).
     */
    setSession(s, follow = null) {
      if (s !== store.get().session) clearBanner('fatigue');
      store.set({ session: s });
      if (follow) {
        unfollow();
        app.feedback.reset();
        const onFrame = (e) => { app.feedback.frame(s, e.detail, follow); show(s); };
        const onRep = (e) => app.feedback.rep(e.detail, follow);
        s.addEventListener('frame', onFrame);
        s.addEventListener('rep', onRep);
        unfollow = () => { s.removeEventListener('frame', onFrame); s.removeEventListener('rep', onRep); };
      }
      if (store.get().mode === 'review') app.review.show(s);
    },
    loadModel(opts) { return app.pose.load($('model').value, $('delegate').value, opts); },
    showNote(text, ms = 2000) {
      const el = $('stage-note');
      el.textContent = text;
      el.hidden = false;
      clearTimeout(noteTimer);
      noteTimer = setTimeout(() => { el.hidden = true; }, ms);
    },
    // Only one thing drives the stage at a time.
    stopOthers(keep) {
      app.review?.stopReplay();
      if (keep !== 'live' && (app.live.running || app.live.paused)) app.live.stop();
      if (keep !== 'clip') app.clip.stop();
      if (keep !== 'demo' && app.demo.running) app.demo.stop();
    },
    toggleRun() {
      const mode = store.get().mode;
      if (mode === 'drill') app.drillToggle('camera');
      else if (mode === 'live') app.live.toggle();
      else if (mode === 'clip') app.clip.toggle();
      else if (mode === 'demo') app.demo.toggle();
    },
    setMode,
    /** The drill running now: 'camera' | 'sim' | null. */
    drillRunning() {
      if (app.session?.settings.exercise !== 'drill') return null;
      if (app.live.running || app.live.paused) return 'camera';
      return app.demo.running ? 'sim' : null;
    },
    drillToggle(source) {
      const running = app.drillRunning();
      if (running === 'camera') app.live.stop();
      if (running === 'sim') app.demo.stop();
      app.drill.controls(null);
      if (running === source) return;
      app.stopOthers('none');
      app.drill.reset();
      store.set({ source: source === 'camera' ? 'video' : 'figure' });
      if (source === 'camera') app.live.start({ exercise: 'drill' }).then((ok) => app.drill.controls(ok ? 'camera' : null));
      else { app.demo.start('drill'); app.drill.controls('sim'); }
    },
  };

  app.features = features();
  app.logbook = createLogbook({ onProblem: storageProblem });
  app.awake = createAwake();
  app.pose = createPose({ onStatus: modelStatus });
  app.feedback = createFeedback(voice);
  app.live = createLive(app);
  app.clip = createClip(app);
  app.demo = createDemo(app);
  app.review = createReview(app);
  app.workshop = createWorkshop(app);
  app.drill = createDrill(app);
  app.history = createHistory(app);
  app.handover = createHandover();
  app.updates = createUpdates(app);
  app.feedback.onDrill = (s, f) => app.drill.update(s, f);

  // ---- modes ----
  const tabs = $('modes');
  for (const m of MODES) {
    tabs.append(h('button', { type: 'button', role: 'tab', id: `tab-${m.id}`, 'aria-selected': 'false', 'aria-controls': 'controls', 'data-mode': m.id, onclick: () => setMode(m.id) }, m.label));
  }
  tabs.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = MODES.findIndex((m) => m.id === store.get().mode);
    const next = MODES[(i + (e.key === 'ArrowRight' ? 1 : MODES.length - 1)) % MODES.length];
    setMode(next.id);
    $(`tab-${next.id}`).focus();
  });

  function setMode(id, { start = false } = {}) {
    if (!MODES.some((m) => m.id === id)) return;
    const prev = store.get().mode;
    store.set({ mode: id });
    for (const b of tabs.children) {
      const sel = b.dataset.mode === id;
      b.setAttribute('aria-selected', String(sel));
      b.tabIndex = sel ? 0 : -1;
    }
    for (const p of document.querySelectorAll('.mode-panel')) p.hidden = p.dataset.mode !== id;
    document.body.className = document.body.className.replace(/\bmode-\w+/g, '').trim();
    document.body.classList.add(`mode-${id}`);
    $('review').hidden = id !== 'review';
    $('history').hidden = id !== 'history';
    if (prev === 'review' && id !== 'review') app.review.leave();
    if (prev === 'drill' && id !== 'drill' && app.drillRunning()) app.drillToggle(app.drillRunning());
    if (id === 'drill' && prev !== 'drill') { app.stopOthers('none'); app.loadModel().catch(() => {}); }
    // Leaving a mode that drives the stage stops it (a live set keeps going in Review).
    if (id === 'demo' && prev !== 'demo') { app.stopOthers('demo'); store.set({ source: 'figure' }); }
    if (id === 'live' && prev !== 'live') { app.stopOthers('live'); store.set({ source: 'video' }); if (!app.live.running) clearOverlay(); app.loadModel().catch(() => {}); }
    if (id === 'clip' && prev !== 'clip') { if (app.demo.running) app.demo.stop(); if (app.live.running || app.live.paused) app.live.stop(); store.set({ source: 'video' }); app.loadModel().catch(() => {}); }
    if (id === 'review') app.review.show(app.session);
    if (id === 'history') app.history.show();
    if (id === 'demo' && start) app.demo.start();
    layout();
  }

  // ---- settings ----
  function gripVisible() {
    const ex = $('exercise').value;
    $('grip-row').hidden = !(ex === 'swing' || ex === 'auto');
  }
  $('exercise').addEventListener('change', () => {
    gripVisible();
    app.live.settingsChanged();
    app.clip.settingsChanged();
    if (store.get().mode === 'review' && app.session && app.session.source === 'import') {
      app.session.rebuild(app.settings());
      app.review.show(app.session);
    }
  });
  $('grip').addEventListener('change', () => { if (app.session) app.session.meta.grip = $('grip').value; });
  gripVisible();
  for (const id of ['model', 'delegate']) {
    $(id).addEventListener('change', () => {
      const mode = store.get().mode;
      if (mode === 'live' || mode === 'clip' || app.pose.info || app.pose.loading) app.loadModel().catch(() => {});
    });
  }

  function modelStatus(s) {
    if (s.state === 'loading') setStatus('model-status', `Pose model: loading ${s.model} (${s.delegate})…`);
    else if (s.state === 'ready') {
      clearBanner('model');
      setStatus('model-status', `Pose model: ${s.model} on ${s.delegate}, ready in ${(s.loadMs / 1000).toFixed(1)} s.`);
    } else if (s.state === 'failed') {
      setStatus('model-status', `Pose model: failed to load (${s.message}).`, true);
      banner('model', `The pose model did not load: ${s.message}. The demo and posetrack review still work.`, {
        kind: 'error',
        actions: [
          { label: 'Try again', run: () => app.loadModel({ force: true }).catch(() => {}) },
          ...(s.model !== 'lite' ? [{ label: 'Use the lite model', run: () => { $('model').value = 'lite'; app.loadModel().catch(() => {}); } }] : []),
          ...(s.delegate !== 'CPU' ? [{ label: 'Run it on the CPU', run: () => { $('delegate').value = 'CPU'; app.loadModel().catch(() => {}); } }] : []),
          { label: 'Watch the demo', run: () => setMode('demo', { start: true }) },
        ],
      });
    }
  }

  // ---- storage (the logbook): a clear message when sets cannot be kept; the set goes on ----
  function storageProblem({ problem, message }) {
    store.set({ storage: Object.freeze({ ok: !problem, problem: problem ?? null, message: message ?? '' }) });
    if (problem) banner('storage', message, { kind: problem === 'unavailable' ? 'info' : 'warn' });
    else if (messageLog.some((m) => m.id === 'storage')) { clearBanner('storage'); banner('storage', 'Sets are being kept again.', { kind: 'info', timeoutMs: 6000 }); }
  }

  // ---- sound ----
  voice.onMute((m) => {
    $('mute').setAttribute('aria-pressed', String(m));
    $('mute').textContent = m ? 'Muted' : 'Sound on';
  });
  $('mute').addEventListener('click', () => voice.toggle());

  // ---- drag and drop: a video opens as a clip, a posetrack is imported ----
  let dragDepth = 0;
  window.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; document.body.classList.add('dragging'); });
  window.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; document.body.classList.remove('dragging'); } });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    dragDepth = 0;
    document.body.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    if (file.type.startsWith('video/') || /\.(mp4|webm|mov|m4v|mkv)$/i.test(file.name)) { setMode('clip'); app.clip.open(file); }
    else app.review.importFile(file);
  });

  // ---- a hidden tab pauses; coming back resumes (the session is kept) ----
  document.addEventListener('visibilitychange', () => {
    const hidden = document.visibilityState === 'hidden';
    if (hidden) app.live.saveNow(); // a phone switching apps may never come back to this page
    for (const m of [app.live, app.clip, app.demo]) (hidden ? m.onHidden : m.onVisible)();
  });
  window.addEventListener('pagehide', () => app.live.saveNow());

  window.addEventListener('resize', () => layout());
  window.addEventListener('error', (e) => banner('error', `Something went wrong: ${e.message}. Your session is kept; export it from Review if in doubt.`, { kind: 'error' }));
  window.addEventListener('unhandledrejection', (e) => {
    const msg = e.reason?.message ?? String(e.reason);
    banner('error', `Something went wrong: ${msg}.`, { kind: 'error' });
  });

  // ---- automation and tests ----
  window.hingecheck = {
    version: version(),
    /** The current session's report (docs/product.md schema, plus a `session` block). */
    report() { return app.session ? app.session.report() : null; },
    state() {
      const s = app.session;
      return {
        mode: store.get().mode,
        source: s?.source ?? null,
        live: { running: app.live.running, paused: app.live.paused, ...app.live.stats },
        clip: { analysing: app.clip.analysing, ...app.clip.stats },
        demo: { running: app.demo.running },
        frames: s?.frames ?? 0,
        rejected: s?.rejected ?? 0,
        lastT: s && s.frames ? s.lastT : null,
        reps: s?.frame.repCount ?? 0,
        phase: s?.frame.phase ?? null,
        calibrated: s?.frame.calibrated ?? false,
        framing: app.feedback.framing,
        model: app.pose.info,
        modelError: app.pose.error?.message ?? null,
        inferenceMs: app.pose.medianMs(),
        dropped: app.pose.dropped,
        muted: voice.muted,
        spoken: voice.log.map((l) => l.text),
        messages: messageLog.map((m) => `${m.kind}: ${m.text}`),
        workshop: store.get().workshop,
        crossOriginIsolated: window.crossOriginIsolated,
        features: app.features,
        camera: app.live.camera,
        mirror: store.get().mirror,
        audio: voice.audioState,
        awake: store.get().awake,
        storage: store.get().storage,
        update: store.get().update,
        logId: s?.logId ?? null,
      };
    },
    /** The stored sessions' summaries, newest first (a Promise). */
    history() { return app.logbook.list(); },
    /** The latest frame the page analysed: { t, width, height, people, landmarks }. */
    lastFrame() { const f = app.session?.lastFrame; return f && { ...f, landmarks: f.landmarks ? Array.from(f.landmarks) : null }; },
    setMode,
    start() { app.toggleRun(); },
    finish() { if (app.live.running || app.live.paused) app.live.stop(); else app.session?.finish(); return window.hingecheck.report(); },
    calibrate() { app.live.calibrate(); },
    app,
  };

  // ---- start ----
  for (const note of featureNotes(app.features)) banner('features', note, { kind: 'info', timeoutMs: 20000 });
  const cams = await listCameras();
  app.live.refreshCameras();
  if (!cams.length) {
    setMode('demo');
    banner('camera', 'No camera found: here is the demo. Open a recorded clip or import a posetrack any time.', {
      kind: 'info', actions: [{ label: 'Open a clip', run: () => setMode('clip') }], timeoutMs: 15000,
    });
    app.demo.start();
  } else {
    setMode('live');
  }
  hud.reset();
  document.documentElement.dataset.ready = 'true';

  app.history.offerUnfinished();
  app.updates.register();
}

boot();
