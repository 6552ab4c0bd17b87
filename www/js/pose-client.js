// Page-side wrapper around pose-worker.js.
//
//   import { createPoseClient } from './pose-client.js';
//   const pose = createPoseClient({ model: 'lite', delegate: 'auto', masks: 1 });
//   const info = await pose.ready;            // { model, delegate, loadMs, renderer, note, masks }
//   const r = await pose.detect(bitmap, video.currentTime * 1000);
//   // r === null: frame dropped (a frame was already in flight, or the model is not ready
//   //            yet; the bitmap was closed)
//   // else r = { timestampMs, width, height, poses: [Float32Array(33*4)],
//   //            inferenceMs, timestampAdjusted, dropped,  (dropped: frames dropped since
//   //            the previous result)
//   //            mask: { box: Float32Array(4), data: Uint8Array(128*128) } | null, maskMs,
//   //            maskError }                  (pose 0's person-mask crop: pose-worker.js)
//   pose.setMasks(2);                         // the mask rate: 0 off, 1 every frame, 2 every 2nd
//   pose.droppedFrames;                       // total frames dropped so far
//   pose.close();
//
// detect() takes ownership of the bitmap: it is transferred to the worker (or closed here
// when dropped). One frame is in flight at a time. detect() rejects with an Error when the
// worker reports a problem with that frame, or after the client failed or was closed.

const POSE_LANDMARKS = 33;

export function createPoseClient({
  model = 'lite',
  delegate = 'auto',
  numPoses = 2,
  masks = 0,
  workerUrl = new URL('./pose-worker.js', import.meta.url),
  wasmBase,
  modelBase,
} = {}) {
  let worker;
  let failure = null; // Error once the worker is unusable
  let closed = false;
  let inFlight = null; // { id, resolve, reject }
  let nextId = 1;
  let droppedSinceResult = 0;
  let droppedTotal = 0;
  let readyResolve;
  let readyReject;
  let isReady = false;
  let maskRate = masks;

  const ready = new Promise((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  ready.catch(() => {}); // callers that never await ready must not see an unhandled rejection

  function fail(err) {
    if (failure) return;
    failure = err;
    if (!isReady) readyReject(err);
    if (inFlight) {
      inFlight.reject(err);
      inFlight = null;
    }
    worker?.terminate();
  }

  try {
    worker = new Worker(workerUrl, { type: 'module' });
  } catch (e) {
    fail(new Error(`cannot start the pose worker: ${e?.message ?? e}`));
  }

  if (worker) {
    worker.onmessage = (ev) => {
      const m = ev.data;
      if (m.type === 'ready') {
        isReady = true;
        maskRate = m.masks ?? 0;
        readyResolve({ model: m.model, delegate: m.delegate, loadMs: m.loadMs, renderer: m.renderer, note: m.note, masks: maskRate });
      } else if (m.type === 'masks') {
        maskRate = m.every;
      } else if (m.type === 'result') {
        if (!inFlight || inFlight.id !== m.id) return;
        const { resolve } = inFlight;
        inFlight = null;
        const dropped = droppedSinceResult;
        droppedSinceResult = 0;
        resolve({
          timestampMs: m.timestampMs, width: m.width, height: m.height, poses: m.poses,
          inferenceMs: m.inferenceMs,
          timestampAdjusted: m.timestampAdjusted, dropped,
          mask: m.mask ?? null, maskMs: m.maskMs ?? NaN, maskError: m.maskError ?? null,
        });
      } else if (m.type === 'error') {
        if (m.fatal) {
          fail(new Error(m.message));
        } else if (inFlight && (m.id === undefined || m.id === inFlight.id)) {
          const { reject } = inFlight;
          inFlight = null;
          reject(new Error(m.message));
        }
      }
    };
    worker.onerror = (ev) => {
      ev.preventDefault?.();
      fail(new Error(`pose worker failed: ${ev.message || 'could not load the worker script (module workers unsupported?)'}`));
    };
    worker.onmessageerror = () => fail(new Error('pose worker sent a message that could not be read'));
    worker.postMessage({ type: 'init', model, delegate, numPoses, masks, wasmBase: wasmBase && String(wasmBase), modelBase: modelBase && String(modelBase) });
  }

  function drop(bitmap) {
    try { bitmap?.close?.(); } catch { /* ignore */ }
    droppedSinceResult++;
    droppedTotal++;
    return Promise.resolve(null);
  }

  function detect(bitmap, timestampMs) {
    if (closed) { try { bitmap?.close?.(); } catch { /* ignore */ } return Promise.reject(new Error('pose client is closed')); }
    if (failure) { try { bitmap?.close?.(); } catch { /* ignore */ } return Promise.reject(failure); }
    if (inFlight || !isReady) return drop(bitmap);
    if (!(typeof ImageBitmap !== 'undefined' && bitmap instanceof ImageBitmap)) {
      return Promise.reject(new TypeError('detect(bitmap, timestampMs): bitmap must be an ImageBitmap'));
    }
    if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs)) {
      bitmap.close();
      return Promise.reject(new TypeError(`detect(bitmap, timestampMs): timestampMs must be a finite number, got ${timestampMs}`));
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      inFlight = { id, resolve, reject };
      worker.postMessage({ type: 'frame', id, bitmap, timestampMs, width: bitmap.width, height: bitmap.height }, [bitmap]);
    });
  }

  /** The mask rate from the next frame on: 0 off, 1 every frame, 2 every 2nd frame. */
  function setMasks(every) {
    if (closed || failure) return;
    maskRate = every;
    worker.postMessage({ type: 'masks', every });
  }

  function close() {
    if (closed) return;
    closed = true;
    if (inFlight) {
      inFlight.reject(new Error('pose client is closed'));
      inFlight = null;
    }
    if (!isReady && !failure) readyReject(new Error('pose client is closed'));
    if (worker && !failure) {
      worker.postMessage({ type: 'close' });
      // The worker closes itself; terminate in case it is stuck in a long call.
      setTimeout(() => worker.terminate(), 1000);
    }
  }

  return {
    ready,
    detect,
    setMasks,
    close,
    get masks() { return maskRate; },
    get droppedFrames() { return droppedTotal; },
    get busy() { return inFlight !== null; },
    landmarkCount: POSE_LANDMARKS,
  };
}
