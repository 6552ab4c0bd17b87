// The page's state, in one place. Modules read it with `store.get()` (a frozen snapshot: it is
// never changed in place) and change it only with `store.set({ key: value })`, which tells the
// subscribers of the keys that changed (`store.on(key, fn)`). Nothing else holds page state that
// other modules reach into: the modules keep only their own private bookkeeping.

const initial = {
  /** The mode on show: 'live' | 'drill' | 'clip' | 'review' | 'demo' (null before boot). */
  mode: null,
  /** The session on show (live, clip, demo or import), or null. */
  session: null,
  /** A rep is being replayed on the stage (live drawing steps aside). */
  replaying: false,
  /** The picture the overlay covers: 'video' (camera or clip) or 'figure' (a drawn lifter). */
  source: 'video',
  /** The figure's picture size (source 'figure'). */
  picture: { w: 640, h: 480 },
  /** The figure's caption (the demo's part). */
  figureLabel: '',
  /** Mirror the camera preview (the analysis is never mirrored). */
  mirror: false,
  /** Workshop mode: large type (text scale 2) and the HUD drawn on the canvas. */
  workshop: false,
  /** The screen kept awake (awake.js): { wanted, held, taken, supported, note }. */
  awake: { wanted: false, held: false, taken: 0, supported: false, note: '' },
  /** The logbook's storage (logbook.js): { ok, problem: null | 'unavailable' | 'quota' | 'failed', message }. */
  storage: { ok: true, problem: null, message: '' },
  /** A new version of the page waits (update.js): 'none' | 'ready'. */
  update: 'none',
};

let state = Object.freeze({ ...initial });
const listeners = new Map(); // key → Set(fn)

export const store = {
  /** The state now (frozen). */
  get() { return state; },
  /** Changes some keys; subscribers of each changed key are called with (value, state). */
  set(patch) {
    const changed = Object.keys(patch).filter((k) => !Object.is(state[k], patch[k]));
    if (!changed.length) return;
    state = Object.freeze({ ...state, ...patch });
    for (const k of changed) for (const fn of listeners.get(k) ?? []) fn(state[k], state);
  },
  /** Calls fn(value, state) whenever `key` changes; returns the unsubscribe function. */
  on(key, fn) {
    if (!listeners.has(key)) listeners.set(key, new Set());
    listeners.get(key).add(fn);
    return () => listeners.get(key).delete(fn);
  },
};
