// The benchmark page's work (loaded by tests/bench/page-bench.mjs in headless Chromium):
//   calls(): how many calls into wasm the page makes per frame: every export of the wasm
//     instance is wrapped (WebAssembly.instantiate is patched before the core loads), so
//     wasm-bindgen's own helpers (malloc, free, externref slots) count too;
//   analysis(): a long simulated session fed as fast as possible through the page's own
//     Session (one HingeCheck.feed a frame + what the page stores and tells its listeners),
//     and the same frames through a bare Analyser (HingeCheck.feed alone), the overlay drawn on
//     a canvas, timed per frame; wasm and JS memory sampled every simulated minute;
//   reps(): the cost of a rep (the frames its analysis and its event take) at rep 10 and at
//     rep 2,000 of one long session, beside what building the whole report costs there;
//   pose(): the pose model's own inference time on real video frames (lite and full, CPU),
//     with and without the segmentation mask and its crop;
//   maskFeed(): the analysis per frame (Session.feed) with and without the frames' person-mask
//     crops, on a real posetrack with masks (tools/mask-track.mjs): what a mask costs the core.
import { loadCore, simulate, Analyser } from '/app/core.js';
import { readPosetrack } from '/app/posetrack.js';
import { Session } from '/app/session.js';
import { createPoseClient } from '/js/pose-client.js';

// ---- count every call into wasm (patched before loadCore instantiates the module) ----
const calls = { on: false, total: 0, by: {} };
function counted(instance) {
  const exports = {};
  for (const [name, v] of Object.entries(instance.exports)) {
    exports[name] = typeof v !== 'function' ? v : (...args) => {
      if (calls.on) { calls.total++; calls.by[name] = (calls.by[name] ?? 0) + 1; }
      return v(...args);
    };
  }
  return { exports };
}
const realInstantiate = WebAssembly.instantiate;
const realStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async (source, imports) => {
  const r = await realStreaming(source, imports);
  return { module: r.module, instance: counted(r.instance) };
};
WebAssembly.instantiate = async (source, imports) => {
  const r = await realInstantiate(source, imports);
  return r instanceof WebAssembly.Instance ? counted(r) : { module: r.module, instance: counted(r.instance) };
};
const exportsP = loadCore('/pkg/hingecheck_bg.wasm');

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
let parts = null;
function* simulatedFrames(minutes, fps = 30) {
  parts ??= [['swing-good', 120], ['swing-back-led', 60], ['deadlift-good', 40], ['swing-fatigue', 0]]
    .map(([name, reps], k) => simulate(name, reps, 100 + k));
  const total = minutes * 60 * 1000;
  let base = 0;
  for (let k = 0; ; k++) {
    const p = parts[k % parts.length];
    const t0 = p.times[0];
    for (let i = 0; i < p.times.length; i++) {
      const t = base + p.times[i] - t0;
      if (t > total) return;
      yield { t, width: p.width, height: p.height, landmarks: p.lms[i], people: 1 };
    }
    base += p.times[p.times.length - 1] - t0 + 1000 / fps;
  }
}

/** A bitmap of the video's frame; right after a seek the frame may not be decodable yet: retry. */
async function bitmapOf(v) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await createImageBitmap(v);
    } catch (e) {
      if (attempt >= 40) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function canvas(w, h) {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  document.body.append(c);
  return c.getContext('2d');
}

window.bench = {
  /** Calls into wasm per frame, as the page makes them: feed every frame, draw every frame. */
  async calls({ minutes = 4 } = {}) {
    await exportsP;
    const ctx = canvas(640, 360);
    const session = new Session({ settings: { exercise: 'auto' }, source: 'bench' });
    let frames = 0;
    let repFrames = 0;
    const feed = { total: 0, rep: 0 };
    let draw = 0;
    calls.by = {};
    for (const f of simulatedFrames(minutes)) {
      calls.on = true;
      let n = calls.total;
      const r = session.feed(f);
      const fed = calls.total - n;
      feed.total += fed;
      if (r.newRep) { repFrames++; feed.rep += fed; }
      n = calls.total;
      session.draw(ctx, 640, 360, { clock: f.t / 1000 });
      draw += calls.total - n;
      calls.on = false;
      frames++;
    }
    const plain = frames - repFrames;
    const out = {
      frames, reps: repFrames,
      perFrame: (feed.total + draw) / frames,
      feedPerFrame: feed.total / frames,
      feedPerPlainFrame: (feed.total - feed.rep) / plain,
      feedPerRepFrame: repFrames ? feed.rep / repFrames : 0,
      drawPerFrame: draw / frames,
      by: { ...calls.by },
    };
    session.free();
    return out;
  },

  async analysis({ minutes = 60, drawEvery = 4, canvasW = 640, canvasH = 360 } = {}) {
    const wasm = await exportsP;
    const ctx = canvas(canvasW, canvasH);
    const push = [];
    const rawPush = [];
    const draw = [];
    const drawFlushed = [];
    const memory = [];
    // Per 10 simulated minutes, to see whether the per-frame costs grow with the session.
    const buckets = [];
    const bucket = (t) => (buckets[Math.floor(t / 600000)] ??= { push: [], draw: [] });
    const session = new Session({ settings: { exercise: 'auto' }, source: 'bench' });
    const raw = new Analyser({ exercise: 'auto' });
    let frames = 0;
    let nextMinute = 0;
    const ua0 = await uaMemory();
    const wall0 = performance.now();
    for (const f of simulatedFrames(minutes)) {
      if (f.t >= nextMinute * 60000) {
        memory.push({ minute: nextMinute, wasmBytes: wasm.memory.buffer.byteLength, jsHeap: performance.memory?.usedJSHeapSize ?? null, frames });
        nextMinute++;
      }
      // The page's per-frame analysis: Session.feed (HingeCheck.feed + the record read + storage + events).
      let a = performance.now();
      const r = session.feed(f);
      let b = performance.now();
      push.push((b - a) * 1000);
      bucket(f.t).push.push((b - a) * 1000);
      if (r.status === 'rejected') throw new Error(`frame refused: ${session.lastError}`);
      // HingeCheck.feed alone (a second analyser, same frames: the landmarks copied in, one call).
      a = performance.now();
      raw.feed(f.t, f.width, f.height, f.landmarks, 1);
      b = performance.now();
      rawPush.push((b - a) * 1000);
      if (frames % drawEvery === 0) {
        ctx.clearRect(0, 0, canvasW, canvasH);
        a = performance.now();
        session.draw(ctx, canvasW, canvasH, { clock: f.t / 1000 });
        b = performance.now();
        draw.push((b - a) * 1000);
        bucket(f.t).draw.push((b - a) * 1000);
        if (frames % (drawEvery * 50) === 0) {
          // With the canvas flushed (reading a pixel forces the raster work).
          ctx.clearRect(0, 0, canvasW, canvasH);
          a = performance.now();
          session.draw(ctx, canvasW, canvasH, { clock: f.t / 1000 });
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

  /**
   * The cost of a rep at rep `early` and at rep `late` of one long session: the two frames its
   * analysis is split over, the second of which carries the rep event (Session.feed, words
   * fetched). Beside it: what building the whole report costs at the same reps (what the page
   * paid on every rep before the frame record).
   */
  async reps({ early = 10, late = 2000, around = 5 } = {}) {
    await exportsP;
    const session = new Session({ settings: { exercise: 'auto' }, source: 'bench' });
    const perRep = [];
    const report = {};
    let prev = 0;
    for (const f of simulatedFrames(24 * 60)) {
      const a = performance.now();
      const r = session.feed(f);
      const d = (performance.now() - a) * 1000;
      if (r.newRep) {
        perRep.push({ index: r.repIndex, us: d + prev, event: d });
        for (const at of [early, late]) {
          if (r.repIndex >= at && report[at] == null) {
            const b = performance.now();
            session.report();
            report[at] = (performance.now() - b) * 1000;
          }
        }
        if (r.repIndex > late + around) break;
      }
      prev = d;
    }
    const near = (at) => perRep.filter((x) => Math.abs(x.index - at) <= around);
    const out = {
      reps: session.frame.repCount,
      minutes: session.lastT / 60000,
      early: { at: early, ...stats(near(early).map((x) => x.us)), event: stats(near(early).map((x) => x.event)), report: report[early] },
      late: { at: late, ...stats(near(late).map((x) => x.us)), event: stats(near(late).map((x) => x.event)), report: report[late] },
    };
    session.free();
    return out;
  },

  /**
   * Session.feed per frame on a real posetrack's frames, fed `loops` times over (the clock
   * carried on), with its mask crops and without them, interleaved frame by frame in two
   * sessions so both see the same machine. Also the calls into wasm per masked frame.
   */
  async maskFeed({ url, loops = 4 }) {
    await exportsP;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const text = await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).text();
    const track = readPosetrack(text);
    const masks = track.masks;
    const n = track.times.length;
    const span = track.times[n - 1] - track.times[0] + 1000 / (track.fps || 30);
    const withM = new Session({ settings: { exercise: 'auto' }, source: 'bench' });
    const without = new Session({ settings: { exercise: 'auto' }, source: 'bench' });
    const tWith = [];
    const tWithout = [];
    let masked = 0;
    let callsMasked = 0;
    calls.by = {};
    for (let k = 0; k < loops; k++) {
      for (let i = 0; i < n; i++) {
        const lm = track.lms[i];
        const t = track.times[i] + k * span;
        const f = { t, width: track.width, height: track.height, landmarks: lm, people: lm.length ? 1 : 0 };
        const m = masks?.get(i) ?? null;
        let a = performance.now();
        without.feed(f);
        tWithout.push((performance.now() - a) * 1000);
        calls.on = true;
        const c0 = calls.total;
        a = performance.now();
        withM.feed({ ...f, mask: m });
        tWith.push((performance.now() - a) * 1000);
        calls.on = false;
        if (m) { masked++; callsMasked += calls.total - c0; }
      }
    }
    const out = {
      frames: n * loops, masked, fed: withM.maskStats.fed, broken: withM.maskStats.broken,
      with: stats(tWith), without: stats(tWithout), callsPerMaskedFrame: masked ? callsMasked / masked : NaN,
      reps: { with: withM.finish().summary.rep_count, without: without.finish().summary.rep_count },
    };
    withM.free();
    without.free();
    return out;
  },

  /**
   * Inference time of the pose model on frames of a real clip (or a drawn figure); with
   * `masks` (1: every frame) the model also gives its segmentation mask and the worker cuts
   * the crop: its time apart (maskMs), and the whole round trip per frame (detect() awaited).
   */
  async pose({ model, delegate = 'CPU', video = null, frames = 60, masks = 0 }) {
    const client = createPoseClient({ model, delegate, numPoses: 2, masks });
    const info = await client.ready;
    const inference = [];
    const bitmapMs = [];
    const maskMs = [];
    const roundTrip = [];
    let people = 0;
    let crops = 0;
    let coverage = 0; // mean person share of the crops' cells (a sanity check)
    const detect = async (bmp, t) => {
      const a = performance.now();
      const r = await client.detect(bmp, t);
      roundTrip.push(performance.now() - a);
      inference.push(r.inferenceMs);
      people += r.poses.length;
      if (Number.isFinite(r.maskMs)) maskMs.push(r.maskMs);
      if (r.mask) {
        crops++;
        let on = 0;
        for (const v of r.mask.data) if (v >= 128) on++;
        coverage += on / r.mask.data.length;
      }
    };
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
          const bmp = await bitmapOf(v);
          bitmapMs.push(performance.now() - a);
          await detect(bmp, i * 33.4);
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
          await detect(bmp, i * 33.4);
        }
      }
    } finally {
      client.close();
    }
    return {
      info, masks, inference: stats(inference.slice(1)), roundTrip: stats(roundTrip.slice(1)), bitmap: stats(bitmapMs), people,
      mask: maskMs.length ? stats(maskMs) : null, crops, coverage: crops ? coverage / crops : NaN,
    };
  },
};
window.benchReady = true;
