// A session: one set being analysed (live camera, clip, demo or imported posetrack), and the
// page's one per-frame tail. `feed(frame)` hands a pose frame to the analyser (core.js: one call
// into wasm), reads the frame record, stores what review needs, and tells its listeners:
// 'frame' (detail: the frame record) after every frame, 'rep' (detail: the rep event, words
// included) when a rep arrived or the latest was judged again (`revised`: its back's outline
// read once the lifter's standing was seen, or at the end; same index, new verdict and words). Live, clip, demo and import only feed it; the HUD, the voice and
// the stage listen (main.js wires them to the session on show).
//
// It keeps the frames themselves (so a replay re-draws the overlay without re-running the pose
// model, and the posetrack can be exported), the chart's signals and phases, and the
// calibrations. Landmarks are stored normalised to the session's picture size (W × H); a frame
// from a picture of another size is rescaled so its pixel geometry is the same, so replay and
// export (which use W × H) analyse exactly what the live path analysed.
//
// Memory stays flat in long sessions: the stored frames are kept for the last KEEP_FRAMES (20
// minutes at 30 fps); older ones are dropped a chunk at a time (the analysis itself has seen
// them all, and the report keeps every rep).
//
// Person-mask crops (the back's contour, issue 10) come with some frames (16 KB each) and are
// kept with them for replay, re-analysis and the posetrack export, but only the last MASK_KEEP
// (48 MiB: 100 s of masks at 30 a second, over 3 minutes at 15); older ones are dropped one by
// one, and their frames are replayed and exported without a mask. A mask the core would refuse
// (core.js validMask) is neither analysed nor kept.
//
// The logbook (logbook.js) saves a session as it goes: `framesSlice(from, to)` hands it the
// frames since its last write, and `Session.restore(info, slices)` re-analyses saved frames into
// a session again (resuming a set after a reload or a crash, opening a past one in Review).

import { Analyser, WORDS, framingList, drillInstruction, MASK_BYTES } from './core.js';
import { writePosetrack } from './posetrack.js';

const LM = 33 * 4;
const CHUNK = 4096; // frames per storage chunk (4096 × 528 B ≈ 2 MB)
export const KEEP_FRAMES = 20 * 60 * 30;
const KEEP_CHUNKS = Math.ceil(KEEP_FRAMES / CHUNK) + 1;
/** Mask crops kept (16 KB each: 48 MiB). */
export const MASK_KEEP = 3072;
const EMPTY = new Float32Array(0);

/** A growing column of numbers in chunks; `base` frames have been dropped from the front. */
class Column {
  constructor(Type) { this.Type = Type; this.chunks = []; this.n = 0; this.base = 0; }
  push(v) {
    const k = this.n % CHUNK;
    if (k === 0) this.chunks.push(new this.Type(CHUNK));
    this.chunks[this.chunks.length - 1][k] = v;
    this.n++;
  }
  get(i) { const j = i - this.base; return this.chunks[(j / CHUNK) | 0][j % CHUNK]; }
  dropChunk() { this.chunks.shift(); this.base += CHUNK; }
  /** The kept values, oldest first. */
  toArray() {
    const kept = this.n - this.base;
    const out = new this.Type(kept);
    this.chunks.forEach((c, j) => out.set(c.subarray(0, Math.min(CHUNK, kept - j * CHUNK)), j * CHUNK));
    return out;
  }
}

export class Session extends EventTarget {
  /**
   * @param {object} o
   * @param {object} o.settings  { exercise, pelvicLimitDeg? } for the analyser
   * @param {string} o.source    'live' | 'clip' | 'demo' | 'import'
   * @param {string} [o.name]    clip or file name
   * @param {object} [o.meta]    shown in the report's `session` block (grip, model, ...)
   */
  constructor({ settings, source, name = '', meta = {} }) {
    super();
    this.settings = { ...settings };
    this.source = source;
    this.name = name;
    this.meta = { ...meta };
    this.W = 0;
    this.H = 0;
    this.analyser = new Analyser(this.settings);
    this.lm = []; // Float32Array chunks of CHUNK × 132
    this.t = new Column(Float64Array); // ms
    this.people = new Column(Uint8Array);
    this.sig = [new Column(Float32Array), new Column(Float32Array), new Column(Float32Array)]; // trunk, hip, knee
    this.phase = new Column(Uint8Array);
    this.calibrations = []; // frame counts after which calibrate() succeeded
    /** Mask crops kept, by frame index, oldest first: { box: Float32Array(4), data: Uint8Array }. */
    this.masks = new Map();
    /** Masks analysed, masks left out as broken, masks dropped past MASK_KEEP. */
    this.maskStats = { fed: 0, broken: 0, dropped: 0 };
    this.rejected = 0;
    this.lastError = null;
    this.finished = null;
    this.created = new Date();
    /** The frame record after the latest frame (core.js Analyser.frame()). */
    this.frame = this.analyser.frame();
    /** The latest frame fed: { t, width, height, people, landmarks }. */
    this.lastFrame = null;
    /** Framing advice now: [{ code, message }]. */
    this.framing = [];
    /** The latest rep event (see repEvent), or null. */
    this.rep = null;
  }

  /** Frames analysed in this session; the kept ones are first..frames−1. */
  get frames() { return this.t.n; }
  get first() { return this.t.base; }
  get lastT() { return this.t.n ? this.t.get(this.t.n - 1) : -Infinity; }
  get durationS() { return this.t.n > this.first ? (this.lastT - this.t.get(this.first)) / 1000 : 0; }

  /** Landmarks of kept frame i (a view into storage; all zero = nobody). */
  landmarks(i) {
    const j = i - this.first;
    const c = this.lm[(j / CHUNK) | 0];
    const k = (j % CHUNK) * LM;
    return c.subarray(k, k + LM);
  }
  time(i) { return this.t.get(i); }

  /**
   * One pose frame: { t (media time, ms), width, height (the picture), landmarks (132 numbers,
   * or none when nobody was found), people (how many the model saw), mask (the person-mask
   * crop, { box, data }, or none) }. Returns the frame record; a refused frame (status
   * 'rejected', this.lastError says why) is not stored.
   */
  feed({ t, width, height, landmarks = null, people = landmarks?.length ? 1 : 0, mask = null }) {
    if (this.finished) this.reopen();
    let lm = landmarks && landmarks.length ? landmarks : EMPTY;
    if (!this.W && width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height)) {
      this.W = width;
      this.H = height;
    }
    let m = mask;
    if (this.W && (width !== this.W || height !== this.H)) {
      if (lm.length === LM) lm = rescale(lm, width / this.W, height / this.H);
      if (m?.box?.length === 4) m = { box: rescaleBox(m.box, width / this.W, height / this.H), data: m.data };
    }
    const code = this.analyser.feed(t, this.W || width, this.H || height, lm, people, m);
    const used = this.analyser.maskUsed;
    if (m && lm.length && code >= 0) { if (used) this.maskStats.fed++; else this.maskStats.broken++; }
    const f = this.analyser.frame();
    this.frame = f;
    if (code < 0) {
      this.rejected++;
      this.lastError = this.analyser.error();
    } else {
      this.store(t, lm, people, f, used ? m : null);
    }
    this.lastFrame = { t, width, height, people, landmarks: landmarks?.length ? landmarks : null };
    if (f.framing !== this.framingBits) {
      this.framingBits = f.framing;
      this.framing = framingList(f.framing);
    }
    this.dispatchEvent(new CustomEvent('frame', { detail: f }));
    if (code === 1 || code === 2) this.announce(f, code === 2);
    return f;
  }

  announce(f, revised) {
    this.rep = { ...this.repEvent(f), revised };
    this.dispatchEvent(new CustomEvent('rep', { detail: this.rep }));
  }

  /** The rep event: what the record holds about the latest rep, and its words (fetched now). */
  repEvent(f) {
    return {
      index: f.repIndex, verdict: f.repVerdict, confidence: f.repConfidence, cueFault: f.repCue, lockoutS: f.repLockoutS,
      fatigue: { level: f.fatigueLevel, onsetRep: f.fatigueOnsetRep || null },
      ...this.analyser.words(),
    };
  }

  store(tMs, lm, people, f, mask = null) {
    const n = this.t.n;
    if (mask) {
      this.masks.set(n, { box: Float32Array.from(mask.box), data: mask.data });
      if (this.masks.size > MASK_KEEP) {
        this.masks.delete(this.masks.keys().next().value);
        this.maskStats.dropped++;
      }
    }
    if (n % CHUNK === 0) this.lm.push(new Float32Array(CHUNK * LM));
    if (lm.length === LM) this.lm[this.lm.length - 1].set(lm, (n % CHUNK) * LM);
    this.t.push(tMs);
    this.people.push(Math.min(255, people));
    this.sig[0].push(f.trunkDeg);
    this.sig[1].push(f.hipDeg);
    this.sig[2].push(f.kneeDeg);
    this.phase.push(WORDS.Phase.indexOf(f.phase));
    // Flat memory: past KEEP_FRAMES, drop the oldest chunk of every column together.
    if (this.t.chunks.length > KEEP_CHUNKS) {
      for (const col of [this.t, this.people, this.phase, ...this.sig]) col.dropChunk();
      this.lm.shift();
      for (const k of this.masks.keys()) {
        if (k >= this.t.base) break;
        this.masks.delete(k);
        this.maskStats.dropped++;
      }
    }
  }

  /** The kept mask crop of frame i, or null. */
  mask(i) { return this.masks.get(i) ?? null; }

  /** Standing calibration (the countdown's end). Throws the core's message when not still. */
  calibrate() {
    this.analyser.calibrate();
    this.calibrations.push(this.frames);
  }

  /** The report so far, or the final one after finish(). */
  report() { return this.decorate(this.finished ?? this.analyser.report()); }

  /** Ends the recording: a rep cut at its lockout counts. Idempotent. */
  finish({ quiet = false } = {}) {
    if (!this.finished) {
      this.finished = this.analyser.finish();
      this.frame = this.analyser.frame();
      // A rep cut at its lockout, or the latest judged again at the end: told like any other.
      if (!quiet && (this.frame.newRep || this.frame.repRevised)) this.announce(this.frame, !this.frame.newRep);
    }
    return this.report();
  }

  /** More frames after finish() (a resumed set): re-run the analysis so the set goes on. */
  reopen() {
    this.finished = null;
    this.rebuild(this.settings);
  }

  /** The drill's report (movements, calibration with the pelvic limit θ_T*), or null. */
  drillReport() { return this.analyser.drillReport(); }
  drillSkip() { this.analyser.drillSkip(); }
  /** What the lifter reads at a drill step (a word of the record's drillStage). */
  drillInstruction(stage) { return drillInstruction(stage); }

  /** Paints the overlay for the latest frame (see core.js Analyser.draw). */
  draw(ctx, w, h, opts) { this.analyser.draw(ctx, w, h, opts); }

  decorate(r) {
    return {
      ...r,
      session: {
        source: this.source,
        name: this.name || undefined,
        started: this.created.toISOString(),
        frames: this.frames,
        // Replay and export keep the last KEEP_FRAMES frames (memory stays flat).
        kept_from_frame: this.first || undefined,
        duration_s: Math.round(this.durationS * 1000) / 1000,
        settings: this.settings,
        ...this.meta,
      },
    };
  }

  /** New settings (another lift): re-analyse every stored frame; nothing is lost. */
  rebuild(settings) {
    const wasFinished = !!this.finished;
    this.settings = { ...settings };
    const old = this.analyser;
    this.analyser = new Analyser(this.settings);
    old.free();
    const n = this.frames;
    const first = this.first;
    this.sig = [new Column(Float32Array), new Column(Float32Array), new Column(Float32Array)];
    this.phase = new Column(Uint8Array);
    const people = this.people;
    const times = this.t;
    this.t = new Column(Float64Array);
    this.people = new Column(Uint8Array);
    const lm = this.lm;
    this.lm = [];
    const masks = this.masks;
    this.masks = new Map();
    let cal = 0;
    // Re-analysed from the first kept frame (older ones were dropped in a very long session).
    for (let i = first; i < n; i++) {
      const c = lm[((i - first) / CHUNK) | 0];
      const k = ((i - first) % CHUNK) * LM;
      const f = c.subarray(k, k + LM);
      const flat = isEmpty(f) ? EMPTY : f;
      const mask = masks.get(i) ?? null;
      this.analyser.feed(times.get(i), this.W, this.H, flat, people.get(i), mask);
      this.store(times.get(i), flat, people.get(i), this.analyser.frame(), mask);
      while (cal < this.calibrations.length && this.calibrations[cal] <= i + 1) {
        if (this.calibrations[cal] === i + 1) {
          try { this.analyser.calibrate(); } catch { /* it was still then; keep going */ }
        }
        cal++;
      }
    }
    this.calibrations = this.calibrations.filter((c) => c > first).map((c) => c - first);
    this.frame = this.analyser.frame();
    this.finished = null;
    if (wasFinished) this.finish({ quiet: true });
  }

  /** Chart data: times (s), trunk/hip/knee (deg), phases. */
  series() {
    const t = this.t.toArray();
    const t0 = t.length ? t[0] : 0;
    const ts = Float64Array.from(t, (v) => (v - t0) / 1000);
    const [trunk, hip, knee] = this.sig.map((c) => c.toArray());
    const sig = new Float32Array(3 * t.length); // trunk, hip, knee interleaved: 3 per frame
    for (let i = 0; i < t.length; i++) { sig[3 * i] = trunk[i]; sig[3 * i + 1] = hip[i]; sig[3 * i + 2] = knee[i]; }
    return { t0: t0 / 1000, t: ts, sig, phase: this.phase.toArray(), phaseWords: WORDS.Phase };
  }

  /** The session as posetrack JSON (posetrack.js writes it; the CLI and other tools read it). */
  posetrackJson() {
    const n = this.frames - this.first;
    const flat = new Float32Array(n * LM);
    for (let j = 0; j < this.lm.length; j++) {
      const frames = Math.min(CHUNK, n - j * CHUNK);
      flat.set(this.lm[j].subarray(0, frames * LM), j * CHUNK * LM);
    }
    return writePosetrack(flat, this.t.toArray(), this.W, this.H, this.fps(), this.masksBlock());
  }

  /** The kept masks as writePosetrack wants them: frame indices from the first kept frame. */
  masksBlock() {
    const keys = [...this.masks.keys()].filter((k) => k >= this.first);
    const frames = new Uint32Array(keys.length);
    const boxes = new Float32Array(keys.length * 4);
    const data = new Uint8Array(keys.length * MASK_BYTES);
    keys.forEach((k, j) => {
      const m = this.masks.get(k);
      frames[j] = k - this.first;
      boxes.set(m.box, j * 4);
      data.set(m.data, j * MASK_BYTES);
    });
    return { frames, boxes, data };
  }

  /** Frame rate from the median frame interval (what the page processed, not the camera's). */
  fps() {
    const a = this.first;
    const n = Math.min(this.frames, a + 600);
    if (n - a < 2) return 30;
    const d = [];
    for (let i = a + 1; i < n; i++) d.push(this.t.get(i) - this.t.get(i - 1));
    d.sort((a, b) => a - b);
    const med = d[d.length >> 1];
    return med > 0 ? Math.round((1000 / med) * 100) / 100 : 30;
  }

  /** Index of the last frame at or before time tMs (−1 if none). */
  indexAt(tMs) {
    let lo = this.first;
    let hi = this.frames - 1;
    if (hi < lo || this.t.get(lo) > tMs) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.t.get(mid) <= tMs) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Kept frames [from, to) as plain arrays, for saving: { from, n, t (ms), lm (132 a frame, all
   * zero = nobody), people }. `from` is raised to the first kept frame.
   */
  framesSlice(from, to = this.frames) {
    from = Math.max(from, this.first);
    const n = Math.max(0, to - from);
    const t = new Float64Array(n);
    const lm = new Float32Array(n * LM);
    const people = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      t[k] = this.t.get(from + k);
      people[k] = this.people.get(from + k);
      lm.set(this.landmarks(from + k), k * LM);
    }
    return { from, n, t, lm, people };
  }

  /**
   * A saved session analysed again from its frames: `info` { settings, source, name, meta,
   * started (ISO), W, H, calibrations (frame counts) }, `slices` framesSlice()'s, oldest first
   * (they must follow on from each other; a gap ends the frames read). Throws the core's message
   * for settings it refuses.
   */
  static restore(info, slices) {
    const s = new Session({ settings: info.settings, source: info.source, name: info.name ?? '', meta: info.meta ?? {} });
    const started = new Date(info.started);
    if (Number.isFinite(started.getTime())) s.created = started;
    if (info.W > 0 && info.H > 0) { s.W = info.W; s.H = info.H; }
    const from0 = slices[0]?.from ?? 0;
    const cals = (info.calibrations ?? []).filter((c) => c > from0).map((c) => c - from0).sort((a, b) => a - b);
    let cal = 0;
    let next = from0;
    for (const sl of slices) {
      if (sl.from !== next) break;
      next += sl.n;
      for (let k = 0; k < sl.n; k++) {
        const f = sl.lm.subarray(k * LM, (k + 1) * LM);
        s.feed({ t: sl.t[k], width: s.W, height: s.H, landmarks: isEmpty(f) ? null : f, people: sl.people[k] });
        while (cal < cals.length && cals[cal] <= s.frames) {
          if (cals[cal] === s.frames) {
            try { s.calibrate(); } catch { /* it was still then; the same frames say the same */ }
          }
          cal++;
        }
      }
    }
    return s;
  }

  free() { this.analyser?.free(); this.analyser = null; }
}

function isEmpty(f) {
  for (let i = 0; i < f.length; i++) if (f[i] !== 0) return false;
  return true;
}

function rescaleBox(b, sx, sy) {
  return Float32Array.of(b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy);
}

function rescale(lm, sx, sy) {
  const out = Float32Array.from(lm);
  for (let i = 0; i < 33; i++) { out[i * 4] *= sx; out[i * 4 + 1] *= sy; }
  return out;
}

/**
 * Replays a session's stored frames through a second analyser, so any moment can be drawn
 * with the overlay exactly as it was live (no pose model involved). Seeking backwards starts
 * over (≈ 50 µs a frame), from 30 s before the target on long sessions.
 */
export class Replayer {
  constructor(session) {
    this.s = session;
    this.analyser = null;
    this.next = 0; // next stored frame to push
  }
  reset(from = this.s.first) {
    this.analyser?.free();
    this.analyser = new Analyser(this.s.settings);
    from = Math.max(from, this.s.first);
    this.next = from;
    this.cal = this.s.calibrations.findIndex((c) => c > from);
    if (this.cal < 0) this.cal = this.s.calibrations.length;
  }
  /** Advances to the last frame at or before tMs; returns the stored frame index (or −1). */
  seek(tMs) {
    const i = this.s.indexAt(tMs);
    if (i < 0) { if (!this.analyser || this.next > this.s.first) this.reset(); return -1; }
    if (!this.analyser || i < this.next - 1) {
      const from = this.s.frames - this.s.first > 20000 ? Math.max(this.s.first, this.s.indexAt(tMs - 30000)) : this.s.first;
      this.reset(from);
    }
    for (; this.next <= i; this.next++) {
      const f = this.s.landmarks(this.next);
      this.analyser.feed(this.s.time(this.next), this.s.W, this.s.H, isEmpty(f) ? EMPTY : f, this.s.people.get(this.next), this.s.mask(this.next));
      while (this.cal < this.s.calibrations.length && this.s.calibrations[this.cal] === this.next + 1) {
        try { this.analyser.calibrate(); } catch { /* as it was */ }
        this.cal++;
      }
    }
    return i;
  }
  /** The frame record at the replayed moment (null before the first seek). */
  get frame() { return this.analyser?.frame() ?? null; }
  get framing() { return framingList(this.frame?.framing ?? 0); }
  draw(ctx, w, h, opts) { this.analyser?.draw(ctx, w, h, opts); }
  /**
   * Kept frames [from, to) as plain arrays, for saving: { from, n, t (ms), lm (132 a frame, all
   * zero = nobody), people }. `from` is raised to the first kept frame.
   */
  framesSlice(from, to = this.frames) {
    from = Math.max(from, this.first);
    const n = Math.max(0, to - from);
    const t = new Float64Array(n);
    const lm = new Float32Array(n * LM);
    const people = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      t[k] = this.t.get(from + k);
      people[k] = this.people.get(from + k);
      lm.set(this.landmarks(from + k), k * LM);
    }
    return { from, n, t, lm, people };
  }

  /**
   * A saved session analysed again from its frames: `info` { settings, source, name, meta,
   * started (ISO), W, H, calibrations (frame counts) }, `slices` framesSlice()'s, oldest first
   * (they must follow on from each other; a gap ends the frames read). Throws the core's message
   * for settings it refuses.
   */
  static restore(info, slices) {
    const s = new Session({ settings: info.settings, source: info.source, name: info.name ?? '', meta: info.meta ?? {} });
    const started = new Date(info.started);
    if (Number.isFinite(started.getTime())) s.created = started;
    if (info.W > 0 && info.H > 0) { s.W = info.W; s.H = info.H; }
    const from0 = slices[0]?.from ?? 0;
    const cals = (info.calibrations ?? []).filter((c) => c > from0).map((c) => c - from0).sort((a, b) => a - b);
    let cal = 0;
    let next = from0;
    for (const sl of slices) {
      if (sl.from !== next) break;
      next += sl.n;
      for (let k = 0; k < sl.n; k++) {
        const f = sl.lm.subarray(k * LM, (k + 1) * LM);
        s.feed({ t: sl.t[k], width: s.W, height: s.H, landmarks: isEmpty(f) ? null : f, people: sl.people[k] });
        while (cal < cals.length && cals[cal] <= s.frames) {
          if (cals[cal] === s.frames) {
            try { s.calibrate(); } catch { /* it was still then; the same frames say the same */ }
          }
          cal++;
        }
      }
    }
    return s;
  }

  free() { this.analyser?.free(); this.analyser = null; }
}
