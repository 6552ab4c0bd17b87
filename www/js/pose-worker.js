// Pose worker: MediaPipe PoseLandmarker (tasks-vision 1.1.0) in a module Web Worker.
//
// Start it as a MODULE worker:  new Worker('/js/pose-worker.js', { type: 'module' })
// (tasks-vision's wasm loader is loaded with import(): in a module worker importScripts()
// throws, and tasks-vision then falls back to dynamic import of the ES-module loader
// `vision_wasm_module_internal.js`, which sets globalThis.ModuleFactory.)
//
// Protocol (all messages are plain objects with a `type`):
//   page → worker
//     { type: 'init', model: 'lite'|'full', delegate: 'auto'|'CPU'|'GPU',
//       numPoses?: 2, masks?: 0|1|2, wasmBase?: URL string, modelBase?: URL string }
//     { type: 'frame', id, bitmap: ImageBitmap (transferred), timestampMs, width, height }
//     { type: 'masks', every: 0|1|2 }      (the mask rate, changed without reloading the model)
//     { type: 'close' }
//   worker → page
//     { type: 'ready', model, delegate: 'CPU'|'GPU', loadMs, renderer, note, masks }
//     { type: 'result', id, timestampMs, width, height, poses: [Float32Array(33*4)],
//       inferenceMs, timestampAdjusted, mask: { box: Float32Array(4), data: Uint8Array(128*128) }
//       | null, maskMs }
//     { type: 'masks', every }             (the rate now in force)
//     { type: 'error', id?, fatal, message }
//   poses[i] holds x, y, z, visibility per landmark (x, y normalised to the image, as
//   MediaPipe gives them). Their ArrayBuffers are transferred. The bitmap is always closed by
//   the worker. Messages are handled one at a time, in order (a mask-rate change waits for the
//   frame before it, and the next frame for the change).
//
//   Masks: with `masks` n > 0 the model also gives its person mask, and on every n-th frame with
//   a person the worker cuts pose 0's crop around the trunk (mask-crop.js) inside MediaPipe's
//   callback (no copy of the full mask); null when the hips and shoulders are not clearly seen.
//   `inferenceMs` excludes the crop, `maskMs` is the crop's (NaN: none), `maskError` why one
//   failed (the frame goes on without it).
//
//   Depth crosses as each landmark's z (scaled like x, relative to the hips), which the
//   analysis reads to put an oblique view back in the lifter's side view (z is about five
//   times noisier than x on real tracks). MediaPipe's world landmarks (metres, hip-centred)
//   are not sent: they come from the same depth estimate and add nothing the z does not.

import { cropMask } from './mask-crop.js';

const DEFAULT_WASM_BASE = new URL('../vendor/tasks-vision/', import.meta.url).href;
const DEFAULT_MODEL_BASE = new URL('../models/', import.meta.url).href;
const MODELS = { lite: 'pose_landmarker_lite.task', full: 'pose_landmarker_full.task' };
const N_LANDMARKS = 33;
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

// tasks-vision 1.1.0 sends usage telemetry (task name, running mode, timings) by fetch() to
// https://odml.pa.googleapis.com/v1/log, every 60 s and when a task is closed, and has no
// option to turn it off. Nothing may leave the user's device, so this worker refuses every
// request to another origin (allowed: this origin and the origins of wasmBase/modelBase).
// The logger's fetch then fails, and it stops trying.
const allowedOrigins = new Set([self.location.origin]);
const blockedOrigins = new Set();
const nativeFetch = self.fetch.bind(self);
function offOrigin(input) {
  let url;
  try {
    url = new URL(typeof input === 'object' && input && 'url' in input ? input.url : String(input), self.location.href);
  } catch {
    return null; // let fetch report the bad URL itself
  }
  if (url.protocol === 'data:' || url.protocol === 'blob:' || allowedOrigins.has(url.origin)) return null;
  return url.origin;
}
self.fetch = function guardedFetch(input, init) {
  const origin = offOrigin(input);
  if (origin) {
    if (!blockedOrigins.has(origin)) {
      blockedOrigins.add(origin);
      console.info(`pose worker: blocked a request to ${origin} (nothing leaves this device)`);
    }
    return Promise.reject(new TypeError(`pose worker: request to ${origin} blocked`));
  }
  return nativeFetch(input, init);
};
if (typeof XMLHttpRequest !== 'undefined') {
  const nativeOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function guardedOpen(method, url, ...rest) {
    const origin = offOrigin(url);
    if (origin) throw new TypeError(`pose worker: request to ${origin} blocked`);
    return nativeOpen.call(this, method, url, ...rest);
  };
}

let landmarker = null;
let initStarted = false;
let lastMpTs = -Infinity; // last timestamp (ms) handed to MediaPipe
let tsOffset = 0;         // added to media time to keep MediaPipe's clock strictly increasing
let maskEvery = 0;        // crop a mask on every n-th frame (0: masks off)
let maskGraph = false;    // the model was set up to give masks
let maskCount = 0;        // frames with a person since masks were turned on

function post(msg, transfer = []) {
  self.postMessage(msg, transfer);
}

function errorText(e) {
  if (e == null) return 'unknown error';
  if (typeof e === 'string') return e;
  if (e instanceof Event) return `${e.type} event`;
  return e.message || String(e);
}

// Is there a real (hardware) GPU behind WebGL2 here?
function probeGpu() {
  try {
    if (typeof OffscreenCanvas === 'undefined') return { hardware: false, renderer: 'no OffscreenCanvas' };
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return { hardware: false, renderer: 'no WebGL2' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { hardware: !SOFTWARE_GL.test(renderer), renderer };
  } catch (e) {
    return { hardware: false, renderer: `WebGL2 probe failed: ${errorText(e)}` };
  }
}

async function fetchModel(url) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`cannot fetch pose model ${url}: ${errorText(e)}`, { cause: e });
  }
  if (!res.ok) throw new Error(`cannot fetch pose model ${url}: HTTP ${res.status}`);
  const buf = new Uint8Array(await res.arrayBuffer());
  // A .task file is a zip: it ends with an end-of-central-directory record "PK\5\6".
  const tail = buf.subarray(Math.max(0, buf.length - 22 - 0xffff));
  let isZip = false;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 5 && tail[i + 3] === 6) { isZip = true; break; }
  }
  if (!isZip) throw new Error(`pose model ${url} is not a .task (zip) file (${buf.length} bytes)`);
  return buf;
}

async function init(msg) {
  if (initStarted) throw new Error('init sent twice');
  initStarted = true;
  const t0 = performance.now();
  const model = msg.model ?? 'lite';
  if (!(model in MODELS)) throw new Error(`unknown model "${model}" (expected "lite" or "full")`);
  const want = msg.delegate ?? 'auto';
  if (!['auto', 'CPU', 'GPU'].includes(want)) throw new Error(`unknown delegate "${want}" (expected auto, CPU or GPU)`);
  const numPoses = msg.numPoses ?? 2;
  maskEvery = maskRate(msg.masks ?? 0);
  const wasmBase = new URL(msg.wasmBase ?? DEFAULT_WASM_BASE, self.location.href).href.replace(/\/?$/, '/');
  const modelUrl = new URL(MODELS[model], new URL(msg.modelBase ?? DEFAULT_MODEL_BASE, self.location.href).href.replace(/\/?$/, '/')).href;
  allowedOrigins.add(new URL(wasmBase).origin);
  allowedOrigins.add(new URL(modelUrl).origin);

  let vision;
  try {
    vision = await import(wasmBase + 'vision_bundle.mjs');
  } catch (e) {
    throw new Error(`cannot load MediaPipe tasks-vision from ${wasmBase}: ${errorText(e)}`, { cause: e });
  }
  const [modelBuffer, fileset] = await Promise.all([
    fetchModel(modelUrl),
    vision.FilesetResolver.forVisionTasks(wasmBase + 'wasm', /* useModule= */ true),
  ]);

  const gpu = probeGpu();
  let delegate = want === 'auto' ? (gpu.hardware ? 'GPU' : 'CPU') : want;
  let note = want === 'auto' ? `auto: ${gpu.hardware ? 'hardware' : 'no hardware'} GPU (${gpu.renderer})` : `forced ${want}`;

  const create = (d) => vision.PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetBuffer: modelBuffer, delegate: d },
    runningMode: 'VIDEO',
    numPoses,
    minPoseDetectionConfidence: 0.5,
    minPosePresenceConfidence: 0.5,
    minTrackingConfidence: 0.5,
    outputSegmentationMasks: maskEvery > 0,
  });
  try {
    landmarker = await create(delegate);
  } catch (e) {
    if (delegate !== 'GPU') throw new Error(`pose model ${model} failed to load: ${errorText(e)}`, { cause: e });
    // GPU init can fail on odd drivers: fall back to CPU rather than leave the page without a model.
    note += `; GPU failed (${errorText(e)}), fell back to CPU`;
    delegate = 'CPU';
    try {
      landmarker = await create('CPU');
    } catch (e2) {
      throw new Error(`pose model ${model} failed to load: ${errorText(e2)}`, { cause: e2 });
    }
  }
  maskGraph = maskEvery > 0;
  post({ type: 'ready', model, delegate, loadMs: performance.now() - t0, renderer: gpu.renderer, note, masks: maskEvery });
}

function maskRate(n) {
  if (![0, 1, 2].includes(n)) throw new Error(`unknown mask rate ${n} (expected 0: off, 1: every frame, 2: every 2nd frame)`);
  return n;
}

/** A new mask rate: the model gives masks only while they are wanted (setOptions rebuilds its graph). */
async function setMasks(every) {
  maskEvery = maskRate(every);
  maskCount = 0;
  if (landmarker && (maskEvery > 0) !== maskGraph) {
    await landmarker.setOptions({ outputSegmentationMasks: maskEvery > 0 });
    maskGraph = maskEvery > 0;
  }
  post({ type: 'masks', every: maskEvery });
}

function packLandmarks(list) {
  const out = new Float32Array(N_LANDMARKS * 4).fill(NaN);
  const n = Math.min(N_LANDMARKS, list.length);
  for (let i = 0; i < n; i++) {
    const p = list[i];
    out[i * 4] = p.x;
    out[i * 4 + 1] = p.y;
    out[i * 4 + 2] = p.z;
    out[i * 4 + 3] = p.visibility ?? NaN;
  }
  return out;
}

function frame(msg) {
  const { id, bitmap, timestampMs } = msg;
  try {
    if (!landmarker) throw new Error('frame before the pose model is ready');
    if (!(typeof ImageBitmap !== 'undefined' && bitmap instanceof ImageBitmap)) throw new Error('frame.bitmap must be an ImageBitmap');
    if (!(bitmap.width > 0 && bitmap.height > 0)) throw new Error('frame.bitmap is empty (closed or 0x0)');
    if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs)) throw new Error(`frame.timestampMs must be a finite number, got ${timestampMs}`);

    // MediaPipe's VIDEO mode needs strictly increasing timestamps, in whole milliseconds (two
    // frames within one millisecond — a camera switched mid-set — break its graph). Media time
    // can repeat (the same frame twice) or go back (seek, loop): shift our clock so MediaPipe's
    // keeps rising, by 1 ms after the last one, and report that this happened.
    let mpTs = Math.round(timestampMs + tsOffset);
    let timestampAdjusted = false;
    if (!(mpTs > lastMpTs)) {
      tsOffset = lastMpTs + 1 - timestampMs;
      mpTs = lastMpTs + 1;
      timestampAdjusted = true;
    }
    lastMpTs = mpTs;

    const width = bitmap.width;
    const height = bitmap.height;
    let poses = [];
    let mask = null;
    let maskMs = NaN;
    let maskError = null;
    const t0 = performance.now();
    // The callback form: the masks are MediaPipe's own for the callback's duration (no copy).
    landmarker.detectForVideo(bitmap, mpTs, (r) => {
      poses = (r.landmarks ?? []).map(packLandmarks);
      const masks = r.segmentationMasks ?? [];
      if (maskEvery > 0 && poses.length && masks[0] && maskCount++ % maskEvery === 0) {
        const t1 = performance.now();
        try {
          mask = cropMask(masks[0], r.landmarks[0], width, height);
        } catch (e) {
          maskError = errorText(e); // the frame goes on without its mask
        }
        maskMs = performance.now() - t1;
      }
      for (const m of masks) { try { m.close(); } catch { /* owned by the task */ } }
    });
    const inferenceMs = performance.now() - t0 - (Number.isFinite(maskMs) ? maskMs : 0);
    const transfer = poses.map((a) => a.buffer);
    if (mask) transfer.push(mask.box.buffer, mask.data.buffer);
    post({ type: 'result', id, timestampMs, width, height, poses, inferenceMs, timestampAdjusted, mask, maskMs, maskError }, transfer);
  } catch (e) {
    const message = errorText(e);
    // A graph that has refused a packet's timestamp refuses every later one: rebuilt (below).
    if (/timestamp mismatch|Graph has errors/i.test(message)) graphBroken = true;
    post({ type: 'error', id, fatal: false, message });
  } finally {
    try { bitmap?.close?.(); } catch { /* already closed */ }
  }
}

let graphBroken = false;
/** Rebuilds MediaPipe's graph after it broke (setOptions makes a new one; the model stays). */
async function rebuildGraph() {
  graphBroken = false;
  if (!landmarker) return;
  await landmarker.setOptions({ outputSegmentationMasks: maskGraph });
  lastMpTs = -Infinity;
  tsOffset = 0;
}

// One message at a time, in order: a frame waits for a mask-rate change (a graph rebuild) before it.
let queue = Promise.resolve();
self.onmessage = (ev) => {
  queue = queue.then(() => handle(ev.data ?? {})).catch((e) => post({ type: 'error', fatal: false, message: errorText(e) }));
};

async function handle(msg) {
  switch (msg.type) {
    case 'init':
      try {
        await init(msg);
      } catch (e) {
        post({ type: 'error', fatal: true, message: errorText(e) });
      }
      break;
    case 'frame':
      frame(msg);
      if (graphBroken) {
        try {
          await rebuildGraph();
        } catch (e) {
          post({ type: 'error', fatal: false, message: `rebuilding the pose graph: ${errorText(e)}` });
        }
      }
      break;
    case 'masks':
      try {
        await setMasks(msg.every);
      } catch (e) {
        post({ type: 'error', fatal: false, message: `mask rate: ${errorText(e)}` });
      }
      break;
    case 'close':
      try { landmarker?.close(); } catch { /* ignore */ }
      landmarker = null;
      self.close();
      break;
    default:
      msg.bitmap?.close?.();
      post({ type: 'error', id: msg.id, fatal: false, message: `unknown message type "${msg.type}"` });
  }
}
