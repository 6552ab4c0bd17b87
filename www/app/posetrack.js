// Posetrack files in the page: reading an imported track and writing a session's export, in the
// layout the core's reader and the CLI use (crate/src/pose/posetrack.rs: `{metadata: {fps,
// videoWidth, videoHeight, keypointFormat, …}, frames: [{frameIndex, timestamp (ms), videoTime
// (s), keypoints: [{name, x, y, z, score}], mask?}]}`, x/y/z in source pixels). The page does
// this in JS (JSON.parse) rather than in the wasm core, so the core's JSON reader stays out of
// the page's download; the rules are the core's, and the tests hold the two to each other (the
// page's export read by the CLI, real tracks imported here and analysed as the CLI does).
//
// File-level problems (not JSON, no frames, no image size) throw a clear Error. A frame that
// cannot be used (no time, a wrong landmark count, an unknown name, a NaN) is dropped and
// counted, so one bad frame never loses a set; the core refuses anything else it finds wrong
// when the frame is fed.

/** BlazePose's 33 landmark names, in the model's order (crate/src/pose/mod.rs). */
export const BLAZEPOSE_NAMES = [
  'nose', 'left_eye_inner', 'left_eye', 'left_eye_outer', 'right_eye_inner', 'right_eye', 'right_eye_outer',
  'left_ear', 'right_ear', 'mouth_left', 'mouth_right', 'left_shoulder', 'right_shoulder', 'left_elbow',
  'right_elbow', 'left_wrist', 'right_wrist', 'left_pinky', 'right_pinky', 'left_index', 'right_index',
  'left_thumb', 'right_thumb', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle',
  'right_ankle', 'left_heel', 'right_heel', 'left_foot_index', 'right_foot_index',
];
const SLOT = new Map(BLAZEPOSE_NAMES.map((n, i) => [n, i]));
/** COCO-17's keypoints, in order, as BlazePose slots. */
const COCO17 = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28];
const LANDMARKS = 33;
const MAX_PROBLEMS = 20;
const MASK_SIDE = 128;

const finite = (v) => typeof v === 'number' && Number.isFinite(v);
const num = (v) => (finite(v) ? v : undefined);

/**
 * Reads posetrack JSON text: { times (ms), lms (132 numbers a frame — x, y normalised to the
 * picture, z, visibility — or an empty array where nobody was found), width, height, fps,
 * masks (Map frame index → { box, data }) or null, problems (a summary of dropped frames, or
 * null) }. Throws an Error with a clear message when the file is not a usable posetrack.
 */
export function readPosetrack(text) {
  if (!text || !text.trim()) throw new Error('the file is empty');
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(/end of (JSON )?input|Unterminated|Expected/i.test(e.message) && !/Unexpected token/.test(e.message)
      ? `the file is truncated: the JSON ends early (${e.message})`
      : `not a valid posetrack JSON file: ${e.message}`, { cause: e });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not a posetrack: the JSON is not an object');
  const meta = raw.metadata;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new Error('not a posetrack: no "metadata" object');
  if (!Array.isArray(raw.frames)) throw new Error('not a posetrack: no "frames" array');
  const width = num(meta.videoWidth);
  const height = num(meta.videoHeight);
  if (width === undefined) throw new Error('not a posetrack: metadata.videoWidth is missing or not a number');
  if (height === undefined) throw new Error('not a posetrack: metadata.videoHeight is missing or not a number');
  if (!(width >= 16 && width <= 20000 && height >= 16 && height <= 20000)) throw new Error(`not a posetrack: video size ${width}×${height} is not plausible`);
  const fps = finite(meta.fps) && meta.fps > 0 && meta.fps <= 1000 ? meta.fps : null;
  const declared = String(typeof meta.keypointFormat === 'string' ? meta.keypointFormat : 'blazepose-33').toLowerCase();
  const cocoFile = declared.includes('coco') || declared.includes('movenet');
  const frames = raw.frames;
  if (!frames.length) throw new Error('the track has no frames');
  // z comes normalised like x (MediaPipe) or, in some tools' files, in pixels like x and y.
  const firstKps = frames.find((f) => Array.isArray(f?.keypoints) && f.keypoints.length)?.keypoints ?? [];
  const zScale = firstKps.some((k) => finite(k?.z) && Math.abs(k.z) > 3) ? 1 / width : 1;

  const times = [];
  const lms = [];
  const masks = new Map();
  const problems = [];
  let dropped = 0;
  const note = (i, msg) => { dropped++; if (problems.length < MAX_PROBLEMS) problems.push(`frame ${i}: ${msg}`); };
  let lastT = -Infinity;
  frames.forEach((f, i) => {
    const got = frame(f, i, fps, width, height, cocoFile, zScale);
    if (typeof got === 'string') { note(i, got); return; }
    if (got.t <= lastT) { note(i, `time went backwards (${got.t} ms after ${lastT} ms)`); return; }
    lastT = got.t;
    if (got.mask) masks.set(times.length, got.mask);
    times.push(got.t);
    lms.push(got.lm);
  });
  if (!times.length) throw new Error(`not a posetrack: none of its frames could be used (${problems[0] ?? ''})`);
  return {
    times: Float64Array.from(times),
    lms,
    width,
    height,
    fps,
    masks: masks.size ? masks : null,
    problems: dropped ? `${dropped} of ${dropped + times.length} frames were unusable and skipped (first: ${problems[0]})` : null,
  };
}

/** One frame: { t, lm, mask } or why it cannot be used. */
function frame(f, i, fps, w, h, cocoFile, zScale) {
  if (!f || typeof f !== 'object') return 'not a frame object';
  const t = num(f.timestamp) ?? (finite(f.videoTime) ? f.videoTime * 1000 : undefined)
    ?? (fps ? (num(f.frameIndex) ?? i) * 1000 / fps : undefined);
  if (t === undefined) return 'no timestamp, videoTime or fps to time it by';
  const kps = Array.isArray(f.keypoints) ? f.keypoints : [];
  const mask = readMask(f.mask);
  if (typeof mask === 'string') return mask;
  if (!kps.length) return { t, lm: new Float32Array(0), mask: null };
  const coco = cocoFile || kps.length === 17;
  const expected = coco ? 17 : LANDMARKS;
  if (kps.length !== expected) return `${kps.length} landmarks, expected ${expected}`;
  const lm = new Float32Array(LANDMARKS * 4);
  const filled = new Uint8Array(LANDMARKS);
  for (let k = 0; k < kps.length; k++) {
    const kp = kps[k] ?? {};
    let slot;
    if (typeof kp.name === 'string') {
      slot = SLOT.get(kp.name);
      if (slot === undefined) return `unknown landmark name "${kp.name}"`;
    } else {
      slot = coco ? COCO17[k] : k;
    }
    if (coco && !COCO17.includes(slot)) return `"${BLAZEPOSE_NAMES[slot]}" is not a COCO-17 keypoint`;
    if (filled[slot]) return `landmark "${BLAZEPOSE_NAMES[slot]}" appears twice`;
    filled[slot] = 1;
    if (!finite(kp.x) || !finite(kp.y)) return `landmark "${BLAZEPOSE_NAMES[slot]}" has no x or y`;
    const vis = num(kp.score) ?? num(kp.visibility) ?? 1;
    const z = (num(kp.z) ?? 0) * zScale;
    if (!(vis >= -0.01 && vis <= 1.01)) return `landmark ${slot}: visibility ${vis} is outside 0…1`;
    lm.set([kp.x / w, kp.y / h, z, vis], slot * 4);
  }
  return { t, lm, mask };
}

/** A frame's person-mask crop ({ box, side, data: base64 }), null, or why it is broken. */
function readMask(m) {
  if (m == null) return null;
  if (typeof m !== 'object' || !Array.isArray(m.box) || m.box.length !== 4 || !m.box.every(finite)) return 'the mask has no box of 4 numbers';
  if (m.side !== MASK_SIDE) return `the mask is ${m.side} cells a side, expected ${MASK_SIDE}`;
  let data;
  try {
    data = Uint8Array.from(atob(String(m.data)), (c) => c.charCodeAt(0));
  } catch {
    return 'the mask is not base64';
  }
  if (data.length !== MASK_SIDE * MASK_SIDE) return `the mask has ${data.length} cells, expected ${MASK_SIDE * MASK_SIDE}`;
  return { box: Float32Array.from(m.box), data };
}

/**
 * Posetrack JSON from recorded frames: `flat` 132 numbers a frame (x, y normalised, z,
 * visibility; all zero = nobody), `times` (ms) one a frame, the picture's size, fps (or 0), and
 * the kept masks ({ frames: frame indices ascending, boxes: 4 numbers each, data: 128 × 128
 * cells each }). Throws on inconsistent input.
 */
export function writePosetrack(flat, times, width, height, fps, masks = null) {
  const n = times.length;
  if (flat.length !== n * LANDMARKS * 4) throw new Error(`${flat.length} numbers for ${n} frames: expected ${LANDMARKS * 4} per frame`);
  const maskAt = new Map();
  if (masks) {
    if (masks.boxes.length !== masks.frames.length * 4 || masks.data.length !== masks.frames.length * MASK_SIDE * MASK_SIDE) {
      throw new Error(`${masks.frames.length} masked frames with ${masks.boxes.length} box numbers and ${masks.data.length} mask bytes`);
    }
    masks.frames.forEach((k, j) => maskAt.set(k, j));
  }
  const frames = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (!finite(t)) throw new Error(`frame ${i}: time ${t} is not a number`);
    const base = i * LANDMARKS * 4;
    let person = false;
    for (let k = 0; k < LANDMARKS * 4; k++) {
      const v = flat[base + k];
      if (!Number.isFinite(v)) throw new Error(`frame ${i}: landmark ${(k / 4) | 0} is not a number`);
      if (v !== 0) person = true;
    }
    const keypoints = [];
    if (person) {
      for (let s = 0; s < LANDMARKS; s++) {
        const o = base + s * 4;
        keypoints.push({ name: BLAZEPOSE_NAMES[s], x: flat[o] * width, y: flat[o + 1] * height, z: flat[o + 2] * width, score: flat[o + 3] });
      }
    }
    const out = { frameIndex: i, timestamp: t, videoTime: t / 1000, keypoints };
    const j = maskAt.get(i);
    if (person && j !== undefined) {
      out.mask = {
        box: Array.from(masks.boxes.subarray(4 * j, 4 * j + 4)),
        side: MASK_SIDE,
        data: base64(masks.data.subarray(j * MASK_SIDE * MASK_SIDE, (j + 1) * MASK_SIDE * MASK_SIDE)),
      };
    }
    frames[i] = out;
  }
  const metadata = {
    source: 'Hinge Check session', keypointCount: LANDMARKS, keypointFormat: 'blazepose-33',
    videoWidth: width, videoHeight: height, frameCount: n,
  };
  if (finite(fps) && fps > 0) metadata.fps = fps;
  return JSON.stringify({ metadata, frames });
}

function base64(bytes) {
  let s = '';
  for (let k = 0; k < bytes.length; k += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(k, k + 0x8000));
  return btoa(s);
}
