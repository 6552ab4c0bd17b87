// The analysis core's facade: the ONLY module that imports the wasm package (www/pkg, built by
// tools/build-web.sh) or holds a wasm object. Everything else talks to `Analyser` (one live
// analyser), `session.js` (which builds on it) and the plain helpers below.
//
// The boundary (ARCHITECTURE.md): one call per frame. `feed()` writes the landmarks into the
// analyser's input block in wasm memory and calls HingeCheck.feed; what the page reads back is
// the frame record, a fixed struct in wasm memory read through one DataView (re-made only when
// the memory grows). Its layout comes from the core (frameLayout), and its enums are the ones
// wasm-bindgen exports, so no offset and no name list is kept here. A rep's words (message,
// cue, fatigue advice) are decoded from wasm memory on a rep event; framing advice and drill
// instructions never change and are fetched once at load; reports are built only on demand.

import init, * as wasm from '../pkg/hingecheck.js';

const NUMBERS = 33 * 4;
/** Cells of a person-mask crop (crate/src/pose/mask.rs: 128 × 128, one byte a cell). */
export const MASK_BYTES = 128 * 128;
const UNIT_SEPARATOR = '\x1f';
let memory = null;
/** The frame record's fields: [key, offset, kind, table]. */
let fields = [];
const offsetOf = {};
const utf8 = new TextDecoder();
/** Words that never change, fetched once at load: framing advice by bit, drill instructions. */
const texts = { framing: [], instruction: {} };
const listCache = new Map();

/** 'BackLeadsAscent' → 'back_leads_ascent' (the report's spelling of the same enum). */
const snake = (name) => name.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase());
const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** An exported enum as an array of words: index = the number that crosses the boundary. */
function wordsOf(name) {
  const e = wasm[name];
  if (!e) throw new Error(`the core exports no enum ${name}`);
  const out = [];
  for (const [k, v] of Object.entries(e)) if (typeof v === 'number') out[v] = snake(k);
  return out;
}

/** The words of every enum the frame record carries, by enum name (Phase, Verdict, Fault, …). */
export const WORDS = {};

/**
 * Loads the core once. `source`: where the wasm is (default: next to the glue), or its bytes
 * (the Node tests).
 */
let ready = null;
export function loadCore(source = new URL('../pkg/hingecheck_bg.wasm', import.meta.url)) {
  ready ??= init({ module_or_path: source }).then((exports) => {
    memory = exports.memory;
    fields = wasm.frameLayout().split(';').map((f) => {
      const [name, off, type] = f.split(' ');
      const [kind, enumName] = type.includes(':') ? type.split(':') : [type, null];
      const e = enumName ?? (/^[A-Z]/.test(type) ? type : null);
      if (e) WORDS[e] ??= wordsOf(e);
      offsetOf[camel(name)] = Number(off);
      return [camel(name), Number(off), e && !enumName ? 'enum' : kind, e ? WORDS[e] : null];
    });
    texts.framing = WORDS.Framing.map((_, bit) => wasm.framingMessage(bit));
    for (const [n, stage] of WORDS.DrillStage.entries()) texts.instruction[stage] = wasm.drillInstruction(n);
    return exports;
  });
  return ready;
}

export function version() { return wasm.version(); }

/** Framing advice for a bit set: [{code, message}] in the order to give it (the same list for the same bits). */
export function framingList(bits) {
  let list = listCache.get(bits);
  if (!list) {
    list = [];
    WORDS.Framing.forEach((code, bit) => {
      if (bits & (1 << bit)) list.push({ code, message: texts.framing[bit] });
    });
    listCache.set(bits, list);
  }
  return list;
}

/** What the lifter reads at a drill step (a DrillStage word). */
export function drillInstruction(stage) { return texts.instruction[stage] ?? ''; }

/** One live analyser (a wasm HingeCheck) and its view of the frame record. */
export class Analyser {
  /** settings: { exercise, pelvicLimitDeg?, drillTargets? }. Throws the core's message. */
  constructor(settings) {
    this.hc = new wasm.HingeCheck(settings);
    this.recordAt = this.hc.framePtr();
    this.inputAt = this.hc.inputPtr();
    this.maskAt = this.hc.maskPtr();
    this.maskBoxAt = this.hc.maskBoxPtr();
    this.dv = null;
    this.input = null;
    this.maskCells = null;
    this.maskBox = null;
  }

  /** The typed views over wasm memory, re-made when the memory has grown (its buffer changed). */
  views() {
    if (this.dv?.buffer !== memory.buffer) {
      this.dv = new DataView(memory.buffer);
      this.input = new Float32Array(memory.buffer, this.inputAt, NUMBERS);
      this.maskCells = new Uint8Array(memory.buffer, this.maskAt, MASK_BYTES);
      this.maskBox = new Float32Array(memory.buffer, this.maskBoxAt, 4);
    }
    return this.dv;
  }

  /**
   * One frame (the one call into wasm): media time (ms), picture size, 132 landmark numbers
   * (or none: nobody in view), how many people the model saw, and the frame's person-mask crop
   * when it has one: { box: [x0, y0, x1, y1] (normalised), data: Uint8Array(128 × 128) }. The
   * crop is written into the analyser's mask block; one that is not a crop (validMask) is left
   * out and the frame analysed without it (`maskUsed` says which). Returns 1 when a rep
   * arrived, 2 when the latest rep was judged again (REP_REVISED), 0, or −1 when refused
   * (error() says why).
   */
  feed(tMs, width, height, landmarks, people, mask = null) {
    this.views();
    const n = landmarks ? Math.min(landmarks.length, NUMBERS + 1) : 0;
    if (n) this.input.set(n > NUMBERS ? landmarks.slice(0, NUMBERS) : landmarks);
    this.maskUsed = n > 0 && mask != null && validMask(mask);
    if (this.maskUsed) {
      this.maskCells.set(mask.data);
      this.maskBox.set(mask.box);
    }
    return this.hc.feed(tMs, width, height, n, people, this.maskUsed ? 1 : 0);
  }

  /** The frame record now, as a plain object (words for enums, one boolean per flag). */
  frame() {
    const dv = this.views();
    const at = this.recordAt;
    const f = {};
    for (const [key, off, kind, table] of fields) {
      const o = at + off;
      switch (kind) {
        case 'f64': f[key] = dv.getFloat64(o, true); break;
        case 'f32': f[key] = dv.getFloat32(o, true); break;
        case 'u32': f[key] = dv.getUint32(o, true); break;
        case 'u8': f[key] = dv.getUint8(o); break;
        case 'enum': f[key] = table[dv.getUint8(o)]; break;
        case 'bits': f[key] = dv.getUint32(o, true); break;
        case 'flags': { const b = dv.getUint8(o); table.forEach((w, i) => { f[camel(w)] = !!(b & (1 << i)); }); break; }
        default: break; // text (read on demand: text()) and the reserved blocks (depth, mask)
      }
    }
    return f;
  }

  /** A text field of the record (UTF-8 in wasm memory), decoded: no call into wasm. */
  text(key) {
    const dv = this.views();
    const at = this.recordAt + offsetOf[key];
    const ptr = dv.getUint32(at, true);
    const len = dv.getUint32(at + 4, true);
    return len ? utf8.decode(new Uint8Array(memory.buffer, ptr, len)) : '';
  }

  error() { return this.hc.lastError(); }
  /** The latest rep's words: { message, cue, advice } (read on a rep event). */
  words() { const [message = '', cue = '', advice = ''] = this.text('repWords').split(UNIT_SEPARATOR); return { message, cue, advice }; }
  calibrate() { this.hc.calibrate(); }
  report() { return this.hc.report(); }
  finish() { return this.hc.finish(); }
  drillReport() { return this.hc.drillReport(); }
  drillSkip() { this.hc.drillSkip(); }
  /** Paints the overlay on a 2D context of a canvas w × h covering the picture exactly. */
  draw(ctx, w, h, { mirror = false, textScale = 1, clock = 0, hud = false, drill = false } = {}) {
    this.hc.draw(ctx, w, h, mirror, textScale, clock, hud, drill);
  }
  free() { this.hc?.free(); this.hc = null; }
}

/**
 * Whether `mask` is a person-mask crop the core takes (the checks of MaskCrop::new in
 * crate/src/pose/mask.rs): 128 × 128 cells, a box of four finite numbers within ±2 pictures
 * with x0 < x1 and y0 < y1. The page checks before it keeps a mask, so that a broken one
 * (a worker bug, a bad import) neither reaches the analysis nor breaks the posetrack export.
 */
export function validMask(mask) {
  const d = mask?.data;
  const b = mask?.box;
  if (!(d instanceof Uint8Array) || d.length !== MASK_BYTES || !b || b.length !== 4) return false;
  const f = Float32Array.from(b); // as the boundary's box block holds it
  for (let k = 0; k < 4; k++) if (!(Number.isFinite(f[k]) && f[k] >= -2 && f[k] <= 3)) return false;
  return f[2] - f[0] > 1e-4 && f[3] - f[1] > 1e-4;
}

/** A track's frames as plain data: { times (ms), lms: [Float32Array(132) | empty], width, height, fps, problems }. */
function framesOf(track) {
  try {
    const n = track.len();
    const times = new Float64Array(n);
    const lms = new Array(n);
    for (let i = 0; i < n; i++) { times[i] = track.timeMs(i); lms[i] = track.landmarks(i); }
    return { times, lms, width: track.width(), height: track.height(), fps: track.fps(), problems: track.problems() ?? null };
  } finally {
    track.free();
  }
}

/** A simulated lifter (the demo): a preset, how many reps, a seed. */
export function simulate(name, reps, seed) { return framesOf(wasm.simulatePreset(name, reps, seed)); }

