// Keeps the screen awake while a live set or the drill runs (Screen Wake Lock API): a phone on a
// shelf must not dim and lock mid-set. `hold(reason)` when one starts, `release(reason)` when it
// stops; the lock is held while any reason is. The browser lets go of it when the page is
// hidden: it is taken again when the page is visible. What it does is in the store
// (`awake`: { wanted, held, taken (how many times it was granted), supported, note }), and a
// browser without the API gets one clear message (set a longer screen timeout).

import { banner } from './ui.js';
import { store } from './store.js';

export function createAwake() {
  const supported = typeof navigator !== 'undefined' && !!navigator.wakeLock?.request;
  const reasons = new Set();
  let sentinel = null;
  let asking = null;
  let taken = 0;
  let note = '';
  let told = false;

  function publish() {
    store.set({ awake: Object.freeze({ wanted: reasons.size > 0, held: !!sentinel && !sentinel.released, taken, supported, note }) });
  }

  function take() {
    if (!supported || !reasons.size || sentinel || asking || document.visibilityState !== 'visible') return;
    asking = navigator.wakeLock.request('screen').then((s) => {
      asking = null;
      if (!reasons.size) { s.release().catch(() => {}); return; }
      sentinel = s;
      taken++;
      note = '';
      s.addEventListener('release', () => {
        if (sentinel !== s) return;
        sentinel = null; // the browser let go (hidden page, battery saver): taken again when visible
        publish();
      });
      publish();
    }, (e) => {
      asking = null;
      note = `The screen may dim during the set: the browser refused to keep it awake (${e.message || e.name}).`;
      publish();
    });
  }

  function hold(reason) {
    reasons.add(reason);
    if (!supported && !told) {
      told = true;
      note = 'This browser cannot keep the screen awake: set a longer screen timeout (or keep tapping it) so it does not lock mid-set.';
      banner('awake', note, { kind: 'info', timeoutMs: 15000 });
    }
    take();
    publish();
  }

  function release(reason) {
    reasons.delete(reason);
    if (!reasons.size && sentinel) {
      const s = sentinel;
      sentinel = null;
      s.release().catch(() => {});
    }
    publish();
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') take();
  });
  publish();

  return {
    hold,
    release,
    /** The lock object held now (tests release it as the system would), or null. */
    get sentinel() { return sentinel; },
  };
}
