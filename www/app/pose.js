// The pose model, as the page uses it: one PoseLandmarker worker at a time (lite or full,
// auto/CPU/GPU), reloaded when the choice changes, with its status and inference times. The
// mask rate (the person-segmentation crop for the back's contour: 0 off, 1 every frame, 2 every
// 2nd frame) is changed in the running worker, without reloading the model.

import { createPoseClient } from '../js/pose-client.js';

export function createPose({ onStatus = () => {} } = {}) {
  let client = null;
  let choice = null;
  let info = null;
  let error = null;
  let loading = null;
  const inference = []; // recent inference times (ms)
  const cropping = []; // recent mask-crop times (ms)

  function load(model = 'lite', delegate = 'auto', { force = false, masks = 0 } = {}) {
    const key = `${model}/${delegate}`;
    if (!force && choice === key && (loading || info)) {
      if (client.masks !== masks) { client.setMasks(masks); cropping.length = 0; }
      return loading ?? Promise.resolve(info);
    }
    client?.close();
    choice = key;
    info = null;
    error = null;
    inference.length = 0;
    cropping.length = 0;
    onStatus({ state: 'loading', model, delegate });
    const c = createPoseClient({ model, delegate, numPoses: 2, masks });
    client = c;
    loading = c.ready.then(
      (i) => {
        if (client !== c) return i;
        info = i;
        loading = null;
        onStatus({ state: 'ready', ...i });
        return i;
      },
      (e) => {
        if (client !== c) throw e;
        error = e;
        loading = null;
        onStatus({ state: 'failed', model, delegate, message: e.message });
        throw e;
      });
    loading.catch(() => {});
    return loading;
  }

  /** Runs the model on a bitmap (ownership passes here). Null when dropped (busy/not ready). */
  async function detect(bitmap, timestampMs) {
    if (!client || !info) { bitmap.close(); return null; }
    const r = await client.detect(bitmap, timestampMs);
    if (r) {
      inference.push(r.inferenceMs);
      if (inference.length > 300) inference.shift();
      if (Number.isFinite(r.maskMs)) {
        cropping.push(r.maskMs);
        if (cropping.length > 300) cropping.shift();
      }
    }
    return r;
  }

  return {
    load,
    detect,
    get ready() { return !!info; },
    get busy() { return client?.busy ?? false; },
    get info() { return info; },
    get error() { return error; },
    get loading() { return loading; },
    get dropped() { return client?.droppedFrames ?? 0; },
    /** The mask rate in force: 0 off, 1 every frame, 2 every 2nd frame. */
    get masks() { return client?.masks ?? 0; },
    /** Median of the recent inference times (ms). */
    medianMs() { return median(inference); },
    /** Median of the recent mask-crop times (ms; NaN when no crop was made). */
    medianMaskMs() { return median(cropping); },
    close() { client?.close(); client = null; info = null; choice = null; },
  };
}

function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
