// Live mode: camera → createImageBitmap → pose worker → session.feed (timestamped with the
// frame's own media time from requestVideoFrameCallback); the session's listeners (main.js)
// update the HUD, speak, and paint the overlay. One frame is with the model at a time; frames
// that arrive meanwhile are skipped (the analysis is timestamp-based, so a lower analysis rate
// is fine).
//
// Nothing is lost when the camera is unplugged mid-set, the tab is hidden, or the model
// stops: the session is paused with a message and a way forward, and resumes where it was.
// Nor when the page itself goes (a reload, a crash, a closed tab): the logbook records the set
// as it goes (app.logbook.record), and a cut-off set comes back through `adopt`.
//
// On a phone: the front or rear camera (the switch button), the preview mirrored for the front
// camera only, and the screen kept awake while the set runs (app.awake).

import { $, h, banner, clearBanner, setStatus } from './ui.js';
import { listCameras, openCamera, stopStream, facingOf } from './camera.js';
import { Session } from './session.js';
import { layout, clearOverlay } from './stage.js';
import { store } from './store.js';

const COUNTDOWN_S = 3;

export function createLive(app) {
  const video = $('video');
  let stream = null;
  let session = null;
  let running = false; // frames are being analysed
  let paused = null; // null | 'hidden' | 'camera-lost' | 'model'
  let rvfc = 0;
  let inflight = false;
  let inflightSince = 0;
  // A frame whose picture or pose never came back (a camera switched under it) must not stop
  // the set: past this, the next frame goes out anyway.
  const STALL_MS = 2000;
  let seg = null; // clock segment: { base (session ms), media0 (ms) }
  let lastSent = -Infinity;
  let lastFrameWall = 0;
  let countdown = null;
  let nextExercise = null;
  let recorder = null; // the logbook's, for this session
  let facing = 'user'; // the camera asked for when none is chosen: 'user' (front) | 'environment' (rear)
  let facingChosen = false; // the lifter switched: what was asked is what it faces, when the browser does not say
  let faces; // which way the open camera faces: 'user' | 'environment' | null (not known)
  const stats = { frames: 0, errors: 0, lastError: null, stalls: 0 };

  async function refreshCameras() {
    const sel = $('camera');
    const cams = await listCameras();
    const keep = sel.value;
    sel.replaceChildren(new Option('Default camera', ''));
    cams.forEach((c, i) => { if (c.deviceId) sel.add(new Option(c.label || `Camera ${i + 1}`, c.deviceId)); });
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
    return cams;
  }

  function controls() {
    $('live-start').replaceChildren(running || paused ? 'Stop' : session?.frames ? 'Go on' : 'Start', h('span', { class: 'key-hint' }, ' (Space)'));
    $('live-start').setAttribute('aria-pressed', String(!!(running || paused)));
    $('calibrate').disabled = !running;
    $('live-new').disabled = !running;
    $('camera-flip').textContent = facing === 'user' ? 'Rear camera' : 'Front camera';
    $('camera-flip').setAttribute('aria-label', `Switch to the ${facing === 'user' ? 'rear' : 'front'} camera`);
  }

  /**
   * The preview is mirrored for the front camera only: set when the camera opened faces
   * another way than the last one (the checkbox stays the lifter's to change).
   */
  function followFacing() {
    const now = facingOf(stream) ?? (facingChosen && !$('camera').value ? facing : null);
    if (now && now !== faces) $('mirror').checked = now === 'user';
    faces = now;
  }

  // opts.exercise: 'drill' runs the drill on the camera (the lifts use the settings' lift).
  // opts.resuming: the same set after a pause (whatever kind it is).
  async function start(opts = {}) {
    if (running) return false;
    app.voice.unlock(); // first, inside the tap or key press: the browser then lets the page speak
    // A kept set of the other kind (a resumed drill, and a lift asked for) is ended first.
    if (!opts.resuming && session && (session.settings.exercise === 'drill') !== (opts.exercise === 'drill')) stop();
    if (opts.exercise) nextExercise = opts.exercise;
    clearBanner('camera');
    app.stopOthers('live');
    const model = app.loadModel();
    try {
      stream = await openCamera($('camera').value || undefined, facing);
    } catch (e) {
      cameraProblem(e);
      return false;
    }
    refreshCameras();
    watchTrack();
    followFacing();
    video.srcObject = stream;
    video.muted = true;
    try { await video.play(); } catch { /* autoplay of a muted camera stream is allowed */ }
    if (!session) {
      const settings = nextExercise === 'drill' ? { exercise: 'drill' } : app.settings();
      session = new Session({ settings, source: 'live', meta: app.meta() });
      recorder = app.logbook.record(session);
      setStatus('calibration-status', 'Standing: not calibrated. Press "Calibrate standing" and stand tall and still.');
    }
    if (app.session !== session) app.setSession(session, { speak: true, coach: true });
    seg = null;
    paused = null;
    running = true;
    app.awake.hold('live');
    store.set({ source: 'video', mirror: $('mirror').checked });
    controls();
    rvfc = video.requestVideoFrameCallback(onFrame);
    model.catch(() => {}); // the model's own status banner says what went wrong
    if (!app.pose.ready) {
      $('stage-note').hidden = false;
      $('stage-note').textContent = 'Loading the pose model…';
      model.then(() => { $('stage-note').hidden = true; }, () => { $('stage-note').hidden = true; });
    }
    return true;
  }

  function cameraProblem(e) {
    const actions = [{ label: 'Try again', run: start }, { label: 'Watch the demo', run: () => app.setMode('demo', { start: true }) },
      { label: 'Open a clip', run: () => app.setMode('clip') }];
    banner('camera', e.message, { kind: 'error', actions });
    app.voice.say(e.reason === 'denied' ? 'Camera access was refused.' : 'No camera.', 'info');
    controls();
  }

  function watchTrack() {
    const track = stream?.getVideoTracks()[0];
    if (!track) return;
    track.onended = () => {
      if (stream?.getVideoTracks()[0] !== track) return;
      pause('camera-lost');
      const reps = session?.frame.repCount ?? 0;
      banner('camera', `The camera stopped (unplugged?). Your set is kept (${reps} rep${reps === 1 ? '' : 's'}). Reconnect it and press Resume, or finish the set.`, {
        kind: 'error',
        actions: [{ label: 'Resume', run: resume }, { label: 'Finish the set', run: () => stop({ review: true }) }],
      });
      app.voice.say('The camera stopped.', 'info');
    };
    track.onmute = () => { if (running) app.showNote('The camera sent no picture for a moment…', 1500); };
  }

  // The session's clock: media time within one camera stream, continued across streams
  // (after a reconnect or a camera switch) by the wall-clock gap, so it always increases.
  function clock(now, meta) {
    const media = Number.isFinite(meta?.mediaTime) && meta.mediaTime > 0 ? meta.mediaTime * 1000 : now;
    if (!seg) {
      const last = session?.lastT ?? -Infinity;
      const base = Number.isFinite(last) ? last + Math.max(1, now - lastFrameWall) : media;
      seg = { base, media0: media };
    }
    return seg.base + (media - seg.media0);
  }

  function onFrame(now, meta) {
    if (!running || video.srcObject !== stream) return;
    rvfc = video.requestVideoFrameCallback(onFrame);
    const t = clock(now, meta);
    lastFrameWall = now;
    if (inflight && now - inflightSince > STALL_MS) { inflight = false; stats.stalls++; }
    if (inflight || !app.pose.ready || !(t > lastSent)) return;
    inflight = true;
    inflightSince = now;
    const mine = inflightSince;
    lastSent = t;
    const s = session;
    createImageBitmap(video)
      .then((bmp) => app.pose.detect(bmp, t))
      .then((r) => {
        if (!r || s !== session || !running) return;
        const f = s.feed({ t: r.timestampMs, width: r.width, height: r.height, landmarks: r.poses[0], people: r.poses.length, mask: r.mask });
        stats.frames++;
        if (f.status === 'rejected') { stats.errors++; stats.lastError = s.lastError; }
      })
      .catch((e) => {
        stats.errors++;
        stats.lastError = e.message;
        if (!app.pose.ready && app.pose.error) modelStopped(e);
      })
      .finally(() => { if (inflightSince === mine) inflight = false; });
  }

  function modelStopped(e) {
    pause('model');
    banner('model', `The pose model stopped: ${e.message}. Your set is kept. Reload the model, or try the other model.`, {
      kind: 'error',
      actions: [{ label: 'Reload the model', run: () => { app.loadModel({ force: true }).then(resume, () => {}); } }],
    });
  }

  function pause(reason) {
    if (!running) return;
    running = false;
    paused = reason;
    if (rvfc) video.cancelVideoFrameCallback?.(rvfc);
    rvfc = 0;
    seg = null;
    cancelCountdown();
    if (reason !== 'hidden') { stopStream(stream); stream = null; }
    controls();
  }

  async function resume() {
    if (running || !paused) return;
    const why = paused;
    clearBanner('camera');
    clearBanner('model');
    if (why === 'hidden' && stream && stream.getVideoTracks()[0]?.readyState === 'live') {
      paused = null;
      running = true;
      seg = null;
      controls();
      rvfc = video.requestVideoFrameCallback(onFrame);
      return;
    }
    paused = null;
    stopStream(stream);
    stream = null;
    if (!(await start({ resuming: true }))) paused = why; // still paused: the banner says what to do
    controls();
  }

  /** Ends the set: the camera goes off, the report is final; `review` opens the review. */
  function stop({ review = false } = {}) {
    const was = running || paused;
    running = false;
    paused = null;
    if (rvfc) video.cancelVideoFrameCallback?.(rvfc);
    rvfc = 0;
    cancelCountdown();
    stopStream(stream);
    stream = null;
    if (video.srcObject) video.srcObject = null;
    clearOverlay();
    clearBanner('camera');
    if (session && (was || session.frames)) {
      const r = session.finish();
      app.setSession(session);
      if (r.summary.rep_count > 0) {
        banner('set-done', `Set done: ${r.summary.rep_count} reps (engine ${r.summary.engine}, crane ${r.summary.crane}, unclear ${r.summary.unclear}). Kept in History.`, {
          kind: 'info', actions: [{ label: 'Review', run: () => app.setMode('review') }, { label: 'History', run: () => app.setMode('history') }], timeoutMs: 20000,
        });
      }
    }
    recorder?.finish();
    recorder = null;
    app.awake.release('live');
    session = null;
    nextExercise = null;
    controls();
    if (review) app.setMode('review');
  }

  function newSet() {
    if (!running) return;
    const s = session;
    s.finish();
    recorder?.finish();
    app.setSession(s);
    session = new Session({ settings: app.settings(), source: 'live', meta: app.meta() });
    recorder = app.logbook.record(session);
    app.setSession(session, { speak: true, coach: true });
    seg = null;
    lastSent = -Infinity;
    app.showNote('New set', 1200);
  }

  // Standing calibration: a visible countdown, then the core checks the last second was still.
  function calibrate() {
    if (!running || countdown) return;
    const el = $('countdown');
    let n = COUNTDOWN_S;
    app.voice.say('Stand tall and still.', 'info');
    const tick = () => {
      if (n > 0) {
        el.hidden = false;
        el.replaceChildren(document.createTextNode(String(n)), Object.assign(document.createElement('small'), { textContent: 'Stand tall and still, side-on' }));
        n--;
        countdown = setTimeout(tick, 1000);
        return;
      }
      el.hidden = true;
      countdown = null;
      try {
        session.calibrate();
        setStatus('calibration-status', 'Standing: calibrated (still).');
        app.showNote('Standing calibrated', 1500);
        app.voice.say('Calibrated.', 'info');
      } catch (e) {
        const msg = e?.message || String(e);
        setStatus('calibration-status', `Standing: not calibrated: ${msg}`, true);
        banner('calibration', `Calibration did not take: ${msg}`, { kind: 'warn', actions: [{ label: 'Try again', run: calibrate }] });
        app.voice.say('Not calibrated. Stand still and try again.', 'info');
      }
    };
    tick();
  }

  function cancelCountdown() {
    if (countdown) clearTimeout(countdown);
    countdown = null;
    $('countdown').hidden = true;
  }

  function onHidden() {
    if (running) pause('hidden');
  }
  function onVisible() {
    if (paused === 'hidden') {
      resume();
      banner('hidden', 'Paused while the page was hidden; resumed. Your set goes on.', { kind: 'info', timeoutMs: 8000 });
    }
  }

  function setMirror(m) {
    store.set({ mirror: m });
    if (running) layout();
  }

  // Another lift chosen mid-set: re-analyse the stored frames with it (nothing is lost).
  function settingsChanged() {
    if (session && session.settings.exercise !== 'drill') session.rebuild(app.settings());
  }

  $('live-start').addEventListener('click', () => toggle());
  $('calibrate').addEventListener('click', calibrate);
  $('live-new').addEventListener('click', newSet);
  $('mirror').addEventListener('change', (e) => setMirror(e.target.checked));
  $('camera').addEventListener('change', async () => {
    if (!running) return;
    pause('switch');
    await resume();
  });
  // Front ↔ rear (a phone): the default camera facing the other way.
  $('camera-flip').addEventListener('click', async () => {
    facing = facing === 'user' ? 'environment' : 'user';
    facingChosen = true;
    $('camera').value = '';
    controls();
    if (running) {
      pause('switch');
      await resume();
    }
    store.set({ mirror: $('mirror').checked });
    layout();
  });
  navigator.mediaDevices?.addEventListener?.('devicechange', () => {
    refreshCameras().then((cams) => {
      if (paused === 'camera-lost' && cams.length) banner('camera', 'A camera is available again.', { kind: 'info', actions: [{ label: 'Resume', run: resume }] });
    });
  });

  function toggle() {
    if (running || paused) stop({ review: false }); else start();
  }

  /**
   * Takes back a set cut off by a reload or a crash (history.js, from the logbook): it is on
   * show, and Start goes on with it (its reps, its clock, the same logbook entry).
   */
  function adopt(s, rec) {
    if (running || paused) stop();
    else if (session && session !== s) { session.finish(); recorder?.finish(); }
    session = s;
    recorder = rec;
    seg = null;
    lastSent = -Infinity;
    app.setSession(s, { speak: true, coach: true });
    app.feedback.frame(s, s.frame);
    if (s.rep) app.feedback.rep(s.rep, { speak: false });
    setStatus('calibration-status', s.calibrations.length ? 'Standing: calibrated (kept from before).' : 'Standing: not calibrated.');
    controls();
  }

  /** Writes what is not yet in the logbook now (the page is being hidden or left). */
  function saveNow() {
    if (recorder && !recorder.ended) recorder.chain = recorder.chain.then(() => recorder.write(false));
  }

  controls();
  return {
    start, stop, toggle, pause, resume, calibrate, newSet, refreshCameras, onHidden, onVisible, settingsChanged, adopt, saveNow,
    get running() { return running; },
    get paused() { return paused; },
    get session() { return session; },
    get stream() { return stream; },
    /** The camera: which way it was asked to face, and which way it faces (null: not known). */
    get camera() { return { asked: facing, faces: faces ?? null }; },
    stats,
  };
}
