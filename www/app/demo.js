// Demo: no camera needed. The core's simulated lifter (core.js simulate) does good reps, then
// back-led reps, looping, drawn as a figure on a dark canvas, with the same analysis, overlay
// and feedback as live: the demo only feeds its session, whose listeners do the rest. The demo
// is a session like any other (review, compare, export).

import { $, h, setStatus } from './ui.js';
import { simulate } from './core.js';
import { Session } from './session.js';
import { store } from './store.js';

export const PROGRAMS = {
  swing: { exercise: 'swing', parts: [['swing-good', 4, 'Engine: the hips drive'], ['swing-back-led', 4, 'Crane pulled: the back leads']] },
  // (The simulated lifter pulls a kettlebell from between the feet.)
  deadlift: { exercise: 'kettlebell-deadlift', parts: [['deadlift-good', 3, 'Engine: the hips drive'], ['deadlift-hips-shoot-up', 3, 'Crane pulled: hips shoot up, the back finishes']] },
  // The thumb-and-finger drill, once through (Drill mode's "watch it simulated").
  drill: { exercise: 'drill', once: true, parts: [['drill', 0, 'The drill']] },
};
const MAX_SESSION_MS = 10 * 60 * 1000; // a demo left running starts a fresh session every 10 min

// The simulated camera is wide (1280 × 720) with a small lifter in it: the demo looks through
// a virtual camera framed on the lifter (4:3, 30 % margin). Cropping only translates the
// pixels, so the analysis is the same; the figure is just bigger.
function frameOn(lms, W, H) {
  let x0 = Infinity; let x1 = -Infinity; let y0 = Infinity; let y1 = -Infinity;
  for (const lm of lms) {
    for (let i = 0; i < lm.length; i += 4) {
      if (lm[i + 3] < 0.3) continue;
      x0 = Math.min(x0, lm[i] * W); x1 = Math.max(x1, lm[i] * W);
      y0 = Math.min(y0, lm[i + 1] * H); y1 = Math.max(y1, lm[i + 1] * H);
    }
  }
  if (!(x1 > x0 && y1 > y0)) return null;
  const h = Math.round((y1 - y0) * 1.3);
  const w = Math.round(Math.max((x1 - x0) * 1.3, (h * 4) / 3));
  return { x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w, h };
}

function load(name, reps, seed) {
  return { name, ...simulate(name, reps, seed) };
}

/** One virtual camera for all the parts (they share the simulated camera). */
function crop(parts) {
  const { width: W, height: H } = parts[0];
  const c = frameOn(parts.flatMap((p) => p.lms), W, H);
  if (!c) return parts;
  for (const p of parts) {
    for (const lm of p.lms) {
      for (let i = 0; i < lm.length; i += 4) {
        lm[i] = (lm[i] * W - c.x) / c.w;
        lm[i + 1] = (lm[i + 1] * H - c.y) / c.h;
      }
    }
    p.width = c.w;
    p.height = c.h;
  }
  return parts;
}

export function createDemo(app) {
  let running = false;
  let raf = 0;
  let session = null;
  let program = null;
  let parts = [];
  let part = 0;
  let idx = 0;
  let base = 0; // session ms at the start of the current part
  let wall0 = 0; // performance.now() at the start of the current part
  let speed = 1;
  let loops = 0;
  let pausedAt = 0;

  function newSession() {
    if (session) { session.finish(); app.setSession(session); }
    const settings = program.exercise === 'drill' ? { exercise: 'drill' } : { ...app.settings(), exercise: program.exercise };
    session = new Session({ settings, source: 'demo', name: `demo: ${program.name}`, meta: { ...app.meta(), simulated: true } });
    app.setSession(session, { speak: true });
    base = 0;
  }

  function start(which = $('demo-program').value) {
    if (running) return;
    app.voice.unlock();
    app.stopOthers('demo');
    program = { name: which, ...(PROGRAMS[which] ?? PROGRAMS.deadlift) };
    try {
      parts = crop(program.parts.map(([name, reps, label], k) => ({ ...load(name, reps, 7 + k), label })));
    } catch (e) {
      setStatus('demo-status', `The demo could not start: ${e.message || e}`, true);
      return;
    }
    running = true;
    if (program.exercise === 'drill') app.awake.hold('drill'); // the drill keeps the screen awake, simulated too
    loops = 0;
    part = 0;
    idx = 0;
    newSession();
    store.set({ source: 'figure', mirror: false, picture: { w: parts[0].width, h: parts[0].height }, figureLabel: `Demo (simulated): ${parts[0].label}` });
    wall0 = performance.now();
    $('demo-start').replaceChildren('Stop', h('span', { class: 'key-hint' }, ' (Space)'));
    $('demo-start').setAttribute('aria-pressed', 'true');
    raf = requestAnimationFrame(tick);
  }

  function tick(now) {
    if (!running) return;
    raf = requestAnimationFrame(tick);
    const p = parts[part];
    const t = p.times[0] + (now - wall0) * speed; // the part's own clock (ms)
    while (idx < p.times.length && p.times[idx] <= t) {
      const lm = p.lms[idx];
      session.feed({ t: base + p.times[idx] - p.times[0], width: p.width, height: p.height, landmarks: lm, people: lm.length ? 1 : 0 });
      idx++;
    }
    setStatus('demo-status', `${p.label}. ${session.frame.repCount} reps so far${loops ? `, loop ${loops + 1}` : ''}.`);
    if (idx >= p.times.length) {
      // Next part, continuing the session's clock one frame later.
      base += p.times[p.times.length - 1] - p.times[0] + 1000 / p.fps;
      part = (part + 1) % parts.length;
      if (part === 0) loops++;
      if (part === 0 && program.once) { stop(); return; }
      store.set({ figureLabel: `Demo (simulated): ${parts[part].label}` });
      idx = 0;
      wall0 = now;
      if (base > MAX_SESSION_MS) newSession();
    }
  }

  function stop() {
    if (!running) return;
    running = false;
    cancelAnimationFrame(raf);
    raf = 0;
    app.awake.release('drill');
    session?.finish();
    if (session) app.setSession(session);
    $('demo-start').replaceChildren('Start', h('span', { class: 'key-hint' }, ' (Space)'));
    $('demo-start').setAttribute('aria-pressed', 'false');
    if (program?.exercise === 'drill') app.drill?.controls(null);
  }

  $('demo-start').addEventListener('click', () => (running ? stop() : start()));
  $('demo-program').addEventListener('change', () => { if (running) { stop(); start(); } });

  return {
    start,
    stop,
    toggle() { if (running) stop(); else start(); },
    // Hidden tab: the clock stops and the set waits (nothing is skipped or lost).
    onHidden() { if (running && raf) { cancelAnimationFrame(raf); raf = 0; pausedAt = performance.now(); } },
    onVisible() { if (running && !raf) { wall0 += performance.now() - pausedAt; raf = requestAnimationFrame(tick); } },
    settingsChanged() {},
    set speed(v) { speed = v; },
    get running() { return running; },
    get session() { return session; },
  };
}
