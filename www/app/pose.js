// The pose model, as the page uses it: one PoseLandmarker worker at a time (lite or full,
// auto/CPU/GPU), reloaded when the choice changes, with its status and inference times.

import { createPoseClient } from '../js/pose-client.js';

export function createPose({ onStatus = () => {} } = {}) {
  let client = null;
  let choice = null;
  let info = null;
  let error = null;
  let loading = null;
  const inference = []; // recent inference times (ms)

  function load(model = 'lite', delegate = 'auto', { force = false } = {}) {
    const key = `${model}/${delegate}`;
    if (!force && choice === key && (loading || info)) return loading ?? Promise.resolve(info);
    client?.close();
    choice = key;
    info = null;
    error = null;
    inference.length = 0;
    onStatus({ state: 'loading', model, delegate });
    const c = createPoseClient({ model, delegate, numPoses: 2 });
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
    /** Median of the recent inference times (ms). */
    medianMs() {
      if (!inference.length) return NaN;
      const s = [...inference].sort((a, b) => a - b);
      return s[s.length >> 1];
    },
    close() { client?.close(); client = null; info = null; choice = null; },
  };
}
