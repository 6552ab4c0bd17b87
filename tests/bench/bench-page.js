// The benchmark page's work (loaded by tests/bench/page-bench.mjs in headless Chromium):
//   analysis(): a long simulated session pushed as fast as possible through the page's own
//     Session (HingeCheck.push + what the page stores per frame), the overlay drawn on a canvas,
//     timed per frame; wasm and JS memory sampled every simulated minute.
//   pose(): the pose model's own inference time on real video frames (lite and full, CPU).
import init, { HingeCheck, simulatePreset } from '/pkg/hingecheck.js';
import { Session } from '/app/session.js';
import { createPoseClient } from '/js/pose-client.js';

const exportsP = init({ module_or_path: '/pkg/hingecheck_bg.wasm' });

function stats(xs) {
  const s = Float64Array.from(xs).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, median: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1], mean: sum / s.length };
}

async function uaMemory() {
  if (!window.crossOriginIsolated || !performance.measureUserAgentSpecificMemory) return null;
  try {
    const m = await Promise.race([performance.measureUserAgentSpecificMemory(), new Promise((r) => setTimeout(() => r(null), 30000))]);
    return m ? m.bytes : null;
  } catch {
    return null;
  }
}

/** Frames of a simulated lifter, looped (with the clock carried on) to `minutes`. */
function* simulatedFrames(minutes, fps = 30) {
  const parts = [['swing-good', 120], ['swing-back-led', 60], ['deadlift-good', 40], ['swing-fatigue', 0]].map(([name, reps], k) => {
    const t = simulatePreset(name, reps, 100 + k);
    const out = { w: t.width(), h: t.height(), times: [], lms: [] };
    for (let i = 0; i < t.len(); i++) { out.times.push(t.timeMs(i)); out.lms.push(t.landmarks(i)); }
    t.free();
    return out;
  });
  const total = minutes * 60 * 1000;
  let base = 0;
  for (let k = 0; ; k++) {
    const p = parts[k % parts.length];
    const t0 = p.times[0];
    for (let i = 0; i < p.times.length; i++) {
      const t = base + p.times[i] - t0;
      if (t > total) return;
      yield { t, w: p.w, h: p.h, lm: p.lms[i] };
    }
    base += p.times[p.times.length - 1] - t0 + 1000 / fps;
  }
}

window.bench = {
  async analysis({ minutes = 60, drawEvery = 4, canvasW = 640, canvasH = 360 } = {}) {
    const wasm = await exportsP;
    const canvas = document.createElement('canvas');
    canvas.width = canvasW;
    canvas.height = canvasH;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    const push = [];
    const rawPush = [];
    const draw = [];
    const drawFlushed = [];
    const memory = [];
    // Per 10 simulated minutes, to see whether the per-frame costs grow with the session.
    const buckets = [];
    const bucket = (t) => (buckets[Math.floor(t / 600000)] ??= { push: [], draw: [] });
    const session = new Session({ settings: { exercise: 'auto' }, source: 'bench' });
    const raw = new HingeCheck({ exercise: 'auto' });
    let frames = 0;
    let nextMinute = 0;
    const ua0 = await uaMemory();
    const wall0 = performance.now();
    for (const f of simulatedFrames(minutes)) {
      if (f.t >= nextMinute * 60000) {
        memory.push({ minute: nextMinute, wasmBytes: wasm.memory.buffer.byteLength, jsHeap: performance.memory?.usedJSHeapSize ?? null, frames });
        nextMinute++;
      }
      // The page's per-frame analysis: Session.push (HingeCheck.push + signals + phase + storage).
      let a = performance.now();
      const code = session.push(f.t, f.w, f.h, f.lm, 1);
      let b = performance.now();
      push.push((b - a) * 1000);
      bucket(f.t).push.push((b - a) * 1000);
      if (code < 0) throw new Error(`frame refused: ${session.lastError}`);
      // HingeCheck.push alone (a second analyser, same frames).
      a = performance.now();
      raw.push(f.t, f.w, f.h, f.lm, 1);
      b = performance.now();
      rawPush.push((b - a) * 1000);
      if (frames % drawEvery === 0) {
        ctx.clearRect(0, 0, canvasW, canvasH);
        a = performance.now();
        session.hc.draw(ctx, canvasW, canvasH, false, 1, f.t / 1000, false, false);
        b = performance.now();
        draw.push((b - a) * 1000);
        bucket(f.t).draw.push((b - a) * 1000);
        if (frames % (drawEvery * 50) === 0) {
          // With the canvas flushed (reading a pixel forces the raster work).
          ctx.clearRect(0, 0, canvasW, canvasH);
          a = performance.now();
          session.hc.draw(ctx, canvasW, canvasH, false, 1, f.t / 1000, false, false);
          ctx.getImageData(0, 0, 1, 1);
          b = performance.now();
          drawFlushed.push((b - a) * 1000);
        }
      }
      frames++;
    }
    const wallMs = performance.now() - wall0;
    memory.push({ minute: nextMinute, wasmBytes: wasm.memory.buffer.byteLength, jsHeap: performance.memory?.usedJSHeapSize ?? null, frames });
    const report = session.finish();
    const ua1 = await uaMemory();
    const out = {
      frames, wallMs, minutes, reps: report.summary.rep_count,
      push: stats(push), rawPush: stats(rawPush), draw: stats(draw), drawFlushed: stats(drawFlushed),
      buckets: buckets.map((x, i) => ({ from: i * 10, push: stats(x.push), draw: stats(x.draw) })),
      memory, uaMemory: { start: ua0, end: ua1 }, storedBytes: session.lm.length * session.lm[0].byteLength,
      crossOriginIsolated: window.crossOriginIsolated,
    };
    session.free();
    raw.free();
    return out;
  },

  /** Inference time of the pose model on frames of a real clip (or a drawn figure). */
  async pose({ model, delegate = 'CPU', video = null, frames = 60 }) {
    const client = createPoseClient({ model, delegate, numPoses: 2 });
    const info = await client.ready;
    const inference = [];
    const bitmapMs = [];
    let people = 0;
    try {
      if (video) {
        const v = document.createElement('video');
        v.muted = true;
        v.src = video;
        await new Promise((r, j) => { v.onloadeddata = r; v.onerror = () => j(new Error('video')); });
        for (let i = 0; i < frames; i++) {
          const t = (i / frames) * (v.duration - 0.1);
          await new Promise((r) => { v.onseeked = r; v.currentTime = t; });
          const a = performance.now();
          const bmp = await createImageBitmap(v);
          bitmapMs.push(performance.now() - a);
          const r = await client.detect(bmp, i * 33.4);
          inference.push(r.inferenceMs);
          people += r.poses.length;
        }
      } else {
        const c = new OffscreenCanvas(640, 480);
        const g = c.getContext('2d');
        for (let i = 0; i < frames; i++) {
          g.fillStyle = '#888';
          g.fillRect(0, 0, 640, 480);
          g.fillStyle = '#222';
          g.fillRect(300 + (i % 10), 80, 40, 300);
          const a = performance.now();
          const bmp = await createImageBitmap(c);
          bitmapMs.push(performance.now() - a);
          const r = await client.detect(bmp, i * 33.4);
          inference.push(r.inferenceMs);
          people += r.poses.length;
        }
      }
    } finally {
      client.close();
    }
    return { info, inference: stats(inference.slice(1)), bitmap: stats(bitmapMs), people };
  },
};
window.benchReady = true;
