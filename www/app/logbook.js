// The logbook: every set kept on this device (IndexedDB), written as it goes, so a reload, a
// crash or a closed tab never loses a set, and past sets can be seen over weeks (history.js).
//
// A Recorder follows one session (a live set or a camera drill; a clip when its analysis is
// done) and writes, per rep (never per frame): the session's record (settings, meta, standing
// calibrations, a summary; the report at most every REPORT_EVERY_MS and at the end; the drill's
// report with its pelvic limit), the rep's record (verdict, confidence, cue, fatigue, words), and
// the frames since its last write (landmarks, times, people: what Session.restore re-analyses),
// capped as the session caps them (KEEP_FRAMES). Frames without a rep are written at most every
// IDLE_FLUSH_MS. While a set is being recorded its Web Lock is held, so a second tab does not
// take it for an interrupted one; a set still marked 'recording' with no lock held was cut off
// (reload, crash, closed tab) and the page offers to resume it or keep it.
//
// Nothing is lost when storing fails: the session goes on in memory, a clear message says why
// (private windows that refuse storage, a full quota), and every later write retries from the
// first unsaved frame. Only the frames of the newest KEEP_FRAMES_OF sessions are kept; older
// sessions keep their record, report and reps.
//
// Stores (database 'hingecheck', version 1):
//   sessions  key id:             the session record (see record() below)
//   reps      key [session, index]: one per rep
//   frames    key [session, from]:  { session, from, n, t: Float64Array, lm: Float32Array (132 a frame), people: Uint8Array }
// The whole history moves as one file: exportHistory() / importHistory() (format FORMAT).

import { Session, KEEP_FRAMES } from './session.js';

const DB_NAME = 'hingecheck';
const DB_VERSION = 1;
const REPORT_EVERY_MS = 15000;
const IDLE_FLUSH_MS = 20000;
const KEEP_FRAMES_OF = 30;
const RETRY_MS = 10000;
const LM = 33 * 4;
export const FORMAT = 'hingecheck-history';
const FORMAT_VERSION = 1;
const VERDICTS = new Set(['engine', 'crane', 'unclear']);

const asPromise = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
const completion = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onabort = () => reject(tx.error ?? new DOMException('the write was cut short', 'AbortError'));
});

/** 'YYYY-MM-DD' of a date, in local time (the day a lifter would name). */
export function dayOf(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function newId() {
  try { return crypto.randomUUID(); } catch { return `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`; }
}

/** What the History lists of a session: from its report when there is one, else from its reps. */
function summaryOf(session, reps, report) {
  const count = (v) => reps.filter((r) => r.verdict === v).length;
  const last = reps[reps.length - 1];
  return report
    ? {
      lift: report.exercise, reps: report.summary.rep_count, engine: report.summary.engine, crane: report.summary.crane,
      unclear: report.summary.unclear, fatigueOnset: report.fatigue?.onset_rep ?? null,
      durationS: Math.round(session.durationS * 10) / 10, frames: session.frames,
    }
    : {
      lift: session.settings.exercise, reps: reps.length, engine: count('engine'), crane: count('crane'), unclear: count('unclear'),
      fatigueOnset: last?.fatigue?.onsetRep ?? null, durationS: Math.round(session.durationS * 10) / 10, frames: session.frames,
    };
}

/** The summary History and window.hingecheck.history() give of a record. */
export function listed(rec) {
  return {
    id: rec.id, started: rec.started, day: rec.day, state: rec.state, source: rec.source, name: rec.name || undefined,
    framesKept: rec.frames ? rec.frames.to - rec.frames.from : 0, ...rec.summary,
  };
}

/**
 * The logbook. `onProblem({ problem, message })` is told when storing stops working
 * ('unavailable': the browser refuses storage; 'quota': it is full; 'failed': another error)
 * and `{ problem: null }` when it works again.
 */
export function createLogbook({ onProblem = () => {} } = {}) {
  let db = null;
  let opening = null;
  let problem = undefined; // undefined: not known yet; null: fine

  function setProblem(p, message = '') {
    if (p === problem) return;
    problem = p;
    onProblem({ problem: p, message });
  }

  function explain(e) {
    const name = e?.name ?? '';
    if (name === 'QuotaExceededError' || /quota/i.test(e?.message ?? '')) {
      return ['quota', 'The storage this browser gives the page is full, so this set is not being saved: it goes on in memory. Delete or export old sessions in History; saving starts again with the next rep.'];
    }
    return ['failed', `Saving the set failed (${e?.message || name || e}); it goes on in memory and saving is tried again with the next rep.`];
  }

  /** Opens the database once; null (with the reason told) when the browser refuses it. */
  function open() {
    opening ??= new Promise((resolve) => {
      const refuse = (e) => {
        setProblem('unavailable', `This browser does not let the page keep sets (${e?.name || 'storage refused'}${e?.message ? `: ${e.message}` : ''}; a private window?). This session goes on in memory: export it from Review to keep it.`);
        resolve(null);
      };
      let r;
      try {
        if (typeof indexedDB === 'undefined' || !indexedDB) throw new DOMException('IndexedDB is not available', 'NotSupportedError');
        r = indexedDB.open(DB_NAME, DB_VERSION);
      } catch (e) {
        refuse(e);
        return;
      }
      r.onupgradeneeded = () => {
        const d = r.result;
        if (!d.objectStoreNames.contains('sessions')) d.createObjectStore('sessions', { keyPath: 'id' });
        if (!d.objectStoreNames.contains('reps')) d.createObjectStore('reps', { keyPath: ['session', 'index'] });
        if (!d.objectStoreNames.contains('frames')) d.createObjectStore('frames', { keyPath: ['session', 'from'] });
      };
      r.onblocked = () => refuse(new DOMException('another tab holds an older version of the store open', 'BlockedError'));
      r.onerror = () => refuse(r.error);
      r.onsuccess = () => {
        db = r.result;
        db.onversionchange = () => { db.close(); db = null; };
        if (problem === undefined) setProblem(null);
        resolve(db);
      };
    });
    return opening;
  }

  async function tx(stores, mode, fn) {
    const d = await open();
    if (!d) throw new DOMException('storage is not available in this browser', 'NotSupportedError');
    const t = d.transaction(stores, mode);
    fn(t);
    await completion(t);
  }

  async function getAll(store, range) {
    const d = await open();
    if (!d) return [];
    return asPromise(d.transaction(store).objectStore(store).getAll(range));
  }
  const rangeOf = (id) => IDBKeyRange.bound([id, -Infinity], [id, Infinity]);

  /** Follows a session and writes it as it goes (see the module comment). */
  class Recorder {
    constructor(session, { id = newId(), savedTo = null, chunks = [], reps = [] } = {}) {
      this.session = session;
      this.id = id;
      session.logId = id;
      this.savedTo = savedTo ?? session.first; // frames before this index are saved
      this.chunks = chunks; // saved frame chunks [{ from, n }], oldest first
      this.reps = reps; // rep records so far
      this.unsavedReps = [];
      this.report = null;
      this.reportAt = -Infinity;
      this.flushedAt = performance.now();
      this.chain = Promise.resolve();
      this.queued = false;
      this.ended = false;
      this.retryAt = -Infinity;
      this.onRep = (e) => {
        const r = e.detail;
        const rec = { session: this.id, index: r.index, verdict: r.verdict, confidence: r.confidence, cueFault: r.cueFault, lockoutS: r.lockoutS, fatigue: r.fatigue, message: r.message, cue: r.cue, advice: r.advice };
        this.reps = this.reps.filter((x) => x.index !== r.index).concat(rec);
        this.unsavedReps.push(rec);
        this.flush();
      };
      this.onFrame = (e) => {
        const f = e.detail;
        if (f.drillMovement || (f.drillStageChanged && f.drillStage === 'done') || performance.now() - this.flushedAt > IDLE_FLUSH_MS) this.flush();
      };
      session.addEventListener('rep', this.onRep);
      session.addEventListener('frame', this.onFrame);
      // Held while this page records the set: a second tab does not offer it for resuming.
      navigator.locks?.request(`hingecheck-recording-${id}`, () => (this.ended ? null : new Promise((r) => { this.unlock = r; }))).catch(() => {});
    }

    /** Writes soon (after the frame that asked: a rep's frame costs no more than before). */
    flush({ final = false } = {}) {
      this.flushedAt = performance.now();
      if (final) {
        this.chain = this.chain.then(() => this.write(true));
        return this.chain;
      }
      if (this.queued) return this.chain;
      this.queued = true;
      this.chain = this.chain.then(() => new Promise((r) => setTimeout(r, 0))).then(() => { this.queued = false; return this.write(false); });
      return this.chain;
    }

    record(final) {
      const s = this.session;
      const now = performance.now();
      if (final || now - this.reportAt > REPORT_EVERY_MS) {
        try { this.report = s.report(); } catch { /* keep the last one */ }
        this.reportAt = now;
      }
      let drill = null;
      if (s.settings.exercise === 'drill') {
        try { drill = s.drillReport(); } catch { drill = null; }
      }
      const summary = summaryOf(s, this.reps, final || s.finished ? this.report : null);
      if (!final && !s.finished && this.report) { summary.lift = this.report.exercise; }
      return {
        id: this.id, format: FORMAT_VERSION, started: s.created.toISOString(), day: dayOf(s.created), updated: new Date().toISOString(),
        state: final ? 'done' : 'recording', source: s.source, name: s.name || '', settings: { ...s.settings }, meta: { ...s.meta },
        W: s.W, H: s.H, calibrations: [...s.calibrations], summary, report: this.report, drill,
        frames: this.chunks.length ? { from: this.chunks[0].from, to: this.savedTo } : (this.savedTo > s.first ? { from: s.first, to: this.savedTo } : null),
      };
    }

    async write(final) {
      const s = this.session;
      // Storage refused for good (a private window): the set lives in memory only. After a
      // failed write, the next try waits a little (a full disk does not empty itself per rep).
      if (problem === 'unavailable' || (!final && performance.now() < this.retryAt)) {
        if (final) this.end();
        return;
      }
      const slice = s.frames > this.savedTo ? s.framesSlice(this.savedTo, s.frames) : null;
      const reps = this.unsavedReps;
      this.unsavedReps = [];
      // The frames of this session past the cap go, oldest chunk first.
      const chunks = slice?.n ? [...this.chunks, { from: slice.from, n: slice.n }] : [...this.chunks];
      const drop = [];
      while (chunks.length > 1 && chunks[chunks.length - 1].from + chunks[chunks.length - 1].n - chunks[1].from >= KEEP_FRAMES) drop.push(chunks.shift());
      const savedTo = slice?.n ? slice.from + slice.n : this.savedTo;
      const before = { chunks: this.chunks, savedTo: this.savedTo };
      this.chunks = chunks;
      this.savedTo = savedTo;
      const rec = this.record(final);
      if (final && !rec.summary.reps && !rec.drill?.movements?.length) {
        // Started and stopped with no rep (and no drill movement): nothing worth a place in History.
        await tx(['sessions', 'reps', 'frames'], 'readwrite', (t) => {
          t.objectStore('sessions').delete(this.id);
          t.objectStore('reps').delete(rangeOf(this.id));
          t.objectStore('frames').delete(rangeOf(this.id));
        }).catch(() => {});
        this.end();
        return;
      }
      try {
        await tx(['sessions', 'reps', 'frames'], 'readwrite', (t) => {
          t.objectStore('sessions').put(rec);
          for (const r of reps) t.objectStore('reps').put(r);
          if (slice?.n) t.objectStore('frames').put({ session: this.id, ...slice });
          for (const c of drop) t.objectStore('frames').delete([this.id, c.from]);
        });
        setProblem(null);
        if (final) await pruneFrames().catch(() => {});
      } catch (e) {
        // Nothing is lost: the next write starts again from the first unsaved frame and rep.
        this.chunks = before.chunks;
        this.savedTo = before.savedTo;
        this.unsavedReps = reps.concat(this.unsavedReps);
        this.retryAt = performance.now() + RETRY_MS;
        if (db || problem !== 'unavailable') setProblem(...explain(e));
      }
      if (final) this.end();
    }

    /** The set is over: the last write (state 'done', the final report), then let go. */
    finish() {
      return this.flush({ final: true });
    }

    end() {
      if (this.ended) return;
      this.ended = true;
      this.session.removeEventListener('rep', this.onRep);
      this.session.removeEventListener('frame', this.onFrame);
      this.unlock?.();
    }
  }

  /** Only the newest KEEP_FRAMES_OF sessions keep their frames. */
  async function pruneFrames() {
    const all = (await getAll('sessions')).filter((r) => r.frames).sort((a, b) => (a.started < b.started ? 1 : -1));
    const old = all.slice(KEEP_FRAMES_OF);
    if (!old.length) return;
    await tx(['sessions', 'frames'], 'readwrite', (t) => {
      for (const r of old) {
        t.objectStore('frames').delete(rangeOf(r.id));
        t.objectStore('sessions').put({ ...r, frames: null, framesDropped: true });
      }
    });
  }

  async function framesOf(id) {
    const slices = (await getAll('frames', rangeOf(id))).sort((a, b) => a.from - b.from);
    return slices.map(({ from, n, t, lm, people }) => ({ from, n, t, lm, people }));
  }

  /** A saved session as a Session again (re-analysed from its frames), with its record. */
  async function load(id) {
    const d = await open();
    if (!d) throw new Error('storage is not available in this browser');
    const rec = await asPromise(d.transaction('sessions').objectStore('sessions').get(id));
    if (!rec) throw new Error('that session is no longer stored');
    const slices = await framesOf(id);
    const reps = (await getAll('reps', rangeOf(id))).sort((a, b) => a.index - b.index);
    const session = Session.restore(rec, slices);
    return { rec, session, slices, reps };
  }

  return {
    /** Opens the store; false when the browser refuses it. */
    async ready() { return !!(await open()); },
    get problem() { return problem ?? null; },

    /** Starts recording a session (live set, camera drill). */
    record(session) {
      open();
      return new Recorder(session);
    },

    /** Saves a finished session at once (a clip whose analysis is done). */
    keep(session) {
      open();
      return new Recorder(session).finish();
    },

    /** Summaries of every stored session, newest first. */
    async list() {
      return (await getAll('sessions')).sort((a, b) => (a.started < b.started ? 1 : -1)).map(listed);
    },

    /** Sets cut off by a reload, a crash or a closed tab (not being recorded by any page now). */
    async unfinished() {
      const open = (await getAll('sessions')).filter((r) => r.state === 'recording');
      if (!open.length) return [];
      let held = new Set();
      try { held = new Set(((await navigator.locks?.query())?.held ?? []).map((l) => l.name)); } catch { /* no Web Locks: offer all */ }
      return open.filter((r) => !held.has(`hingecheck-recording-${r.id}`)).sort((a, b) => (a.started < b.started ? 1 : -1)).map(listed);
    },

    /**
     * Resumes a cut-off set: its session re-analysed from the saved frames, and a recorder that
     * goes on writing it under the same id.
     */
    async resume(id) {
      const { session, slices, reps } = await load(id);
      const chunks = slices.map(({ from, n }) => ({ from, n }));
      const savedTo = chunks.length ? chunks[chunks.length - 1].from + chunks[chunks.length - 1].n : session.first;
      // Frames of this session (re-numbered from 0 by the restore) line up with the saved ones.
      const shift = chunks[0]?.from ?? 0;
      const recorder = new Recorder(session, { id, savedTo: savedTo - shift, chunks: chunks.map((c) => ({ from: c.from - shift, n: c.n })), reps });
      if (shift) {
        // Re-number the saved frames so later writes follow on from them.
        await tx(['frames'], 'readwrite', (t) => {
          const st = t.objectStore('frames');
          for (const sl of slices) { st.delete([id, sl.from]); st.put({ session: id, ...sl, from: sl.from - shift }); }
        });
      }
      return { session, recorder };
    },

    /** Keeps a cut-off set as it is: re-analysed, finished, written as done. */
    async keepUnfinished(id) {
      const { session, slices, reps, rec } = await load(id);
      const chunks = slices.map(({ from, n }) => ({ from, n }));
      const savedTo = chunks.length ? chunks[chunks.length - 1].from + chunks[chunks.length - 1].n : 0;
      if (!slices.length) {
        // No frames were saved: keep what the record says.
        await tx(['sessions'], 'readwrite', (t) => t.objectStore('sessions').put({ ...rec, state: 'done', updated: new Date().toISOString() }));
        return listed({ ...rec, state: 'done' });
      }
      const shift = chunks[0].from;
      session.finish();
      const r = new Recorder(session, { id, savedTo: savedTo - shift, chunks: chunks.map((c) => ({ from: c.from - shift, n: c.n })), reps });
      if (shift) {
        await tx(['frames'], 'readwrite', (t) => {
          const st = t.objectStore('frames');
          for (const sl of slices) { st.delete([id, sl.from]); st.put({ session: id, ...sl, from: sl.from - shift }); }
        });
      }
      await r.finish();
      session.free();
      return listed(r.record(true));
    },

    /** A stored session as a finished Session, for Review (the stored report when its frames are gone). */
    async open(id) {
      const { rec, session } = await load(id);
      if (!session.frames && rec.report) {
        session.finished = rec.report;
      } else {
        session.finish();
      }
      session.logId = id;
      return session;
    },

    async remove(id) {
      await tx(['sessions', 'reps', 'frames'], 'readwrite', (t) => {
        t.objectStore('sessions').delete(id);
        t.objectStore('reps').delete(rangeOf(id));
        t.objectStore('frames').delete(rangeOf(id));
      });
    },

    async clear() {
      await tx(['sessions', 'reps', 'frames'], 'readwrite', (t) => {
        for (const s of ['sessions', 'reps', 'frames']) t.objectStore(s).clear();
      });
    },

    /** The whole history as one file's parts (JSON text, typed arrays as base64). */
    async exportParts(appVersion) {
      const sessions = (await getAll('sessions')).sort((a, b) => (a.started < b.started ? -1 : 1));
      const parts = [`{"format":${JSON.stringify(FORMAT)},"version":${FORMAT_VERSION},"exported":${JSON.stringify(new Date().toISOString())},"app_version":${JSON.stringify(appVersion)},"sessions":[`];
      for (const [k, rec] of sessions.entries()) {
        const reps = (await getAll('reps', rangeOf(rec.id))).sort((a, b) => a.index - b.index).map((r) => { const c = { ...r }; delete c.session; return c; });
        const frames = (await framesOf(rec.id)).map((f) => ({ from: f.from, n: f.n, t: b64(f.t), lm: b64(f.lm), people: b64(f.people) }));
        parts.push(`${k ? ',' : ''}${JSON.stringify({ record: rec, reps, frames })}`);
      }
      parts.push(']}\n');
      return { parts, count: sessions.length };
    },

    /**
     * Imports a history file's text: everything is checked before anything is written, and it
     * is written in one transaction (all or nothing). Sessions already here are kept as they
     * are. Resolves to { added, skipped }; throws a clear message for a file it cannot take.
     */
    async importHistory(text, fileName = 'the file') {
      let doc;
      try { doc = JSON.parse(text); } catch (e) { throw new Error(`${fileName} is not JSON (${e.message})`, { cause: e }); }
      const sessions = checkHistory(doc, fileName);
      const d = await open();
      if (!d) throw new Error('storage is not available in this browser, so nothing can be imported');
      const have = new Set((await getAll('sessions')).map((r) => r.id));
      const fresh = sessions.filter((x) => !have.has(x.record.id));
      try {
        await tx(['sessions', 'reps', 'frames'], 'readwrite', (t) => {
          for (const x of fresh) {
            t.objectStore('sessions').put(x.record);
            for (const r of x.reps) t.objectStore('reps').put({ ...r, session: x.record.id });
            for (const f of x.frames) t.objectStore('frames').put({ session: x.record.id, ...f });
          }
        });
      } catch (e) {
        const [, message] = explain(e);
        throw new Error(e?.name === 'QuotaExceededError' ? 'the storage this browser gives the page is full: nothing was imported. Delete old sessions first.' : message, { cause: e });
      }
      return { added: fresh.length, skipped: sessions.length - fresh.length };
    },
  };
}

function b64(typed) {
  const u8 = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}
function unb64(text, what) {
  let bin;
  try { bin = atob(text); } catch { throw new Error(`${what} is not base64`); }
  const u8 = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
  return u8;
}

/** Checks a history document field by field; returns its sessions ready to store, or throws. */
function checkHistory(doc, fileName) {
  if (!doc || typeof doc !== 'object' || doc.format !== FORMAT) throw new Error(`${fileName} is not a Hinge Check history file (its "format" is not "${FORMAT}")`);
  if (doc.version !== FORMAT_VERSION) throw new Error(`${fileName} is a history file of version ${doc.version}; this page reads version ${FORMAT_VERSION}`);
  if (!Array.isArray(doc.sessions)) throw new Error(`${fileName}: "sessions" is not a list`);
  const nat = (v) => Number.isInteger(v) && v >= 0;
  return doc.sessions.map((x, k) => {
    const at = `${fileName}: session ${k + 1}`;
    const rec = x?.record;
    if (!rec || typeof rec !== 'object') throw new Error(`${at} has no record`);
    if (typeof rec.id !== 'string' || !rec.id || rec.id.length > 200) throw new Error(`${at}: its id is missing or not text`);
    const started = new Date(rec.started);
    if (typeof rec.started !== 'string' || !Number.isFinite(started.getTime())) throw new Error(`${at}: "started" is not a date`);
    if (!rec.settings || typeof rec.settings.exercise !== 'string') throw new Error(`${at}: its settings name no lift`);
    const sm = rec.summary;
    if (!sm || ![sm.reps, sm.engine, sm.crane, sm.unclear].every(nat) || sm.engine + sm.crane + sm.unclear !== sm.reps) {
      throw new Error(`${at}: its summary's counts are missing or do not add up`);
    }
    if (sm.fatigueOnset != null && !nat(sm.fatigueOnset)) throw new Error(`${at}: its fatigue onset is not a rep number`);
    if (!Array.isArray(x.reps) || !Array.isArray(x.frames)) throw new Error(`${at}: "reps" or "frames" is not a list`);
    const reps = x.reps.map((r, j) => {
      if (!r || !Number.isInteger(r.index) || r.index < 1 || !VERDICTS.has(r.verdict)) throw new Error(`${at}, rep ${j + 1}: not a rep record (index, verdict)`);
      return r;
    });
    let next = null;
    const frames = x.frames.map((f, j) => {
      const where = `${at}, frames ${j + 1}`;
      if (!f || !nat(f.from) || !nat(f.n)) throw new Error(`${where}: "from" and "n" must be counts`);
      if (next != null && f.from !== next) throw new Error(`${where}: the frames do not follow on (a gap, or out of order)`);
      next = f.from + f.n;
      const t = unb64(f.t, `${where}: times`);
      const lm = unb64(f.lm, `${where}: landmarks`);
      const people = unb64(f.people, `${where}: people`);
      if (t.length !== f.n * 8 || lm.length !== f.n * LM * 4 || people.length !== f.n) throw new Error(`${where}: the data is not ${f.n} frames long (truncated?)`);
      const times = new Float64Array(t.buffer);
      const marks = new Float32Array(lm.buffer);
      for (let i = 1; i < times.length; i++) if (!(times[i] > times[i - 1])) throw new Error(`${where}: the times go backwards`);
      for (const v of marks) if (!Number.isFinite(v)) throw new Error(`${where}: a landmark is not a number`);
      return { from: f.from, n: f.n, t: times, lm: marks, people };
    });
    const record = { ...rec, state: 'done', day: dayOf(started), frames: frames.length ? { from: frames[0].from, to: next } : null };
    return { record, reps, frames };
  });
}
