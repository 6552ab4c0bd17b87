// Installable and offline (www/sw.js), and updates that never break an open session.
//
// The service worker precaches the page, so it works offline and can be installed. A new
// version of it installs in the background and then WAITS (it does not take over a page that is
// running): the page learns of it, and between sets (nothing live, no drill, no clip being
// analysed) offers "Reload to update". Only that button lets the new worker take over, and the
// page then reloads itself; every set is in the logbook by then. A set started while the offer
// is on screen hides it until the set ends. The store's `update` says 'none' | 'ready'.

import { banner, clearBanner } from './ui.js';
import { store } from './store.js';

const CHECK_EVERY_MS = 60 * 60 * 1000;

export function createUpdates(app) {
  let waiting = null;
  let timer = 0;
  let reg = null;

  function busy() {
    return app.live.running || !!app.live.paused || !!app.drillRunning() || app.clip.analysing;
  }

  /**
   * Between sets, the offer (once each time: dismissed, it comes back after the next set); a
   * set starting hides it. Looked at every second while a new version waits.
   */
  let due = true;
  function offer() {
    clearTimeout(timer);
    if (!waiting) return;
    const shown = !!document.querySelector('#banners [data-id="update"]');
    if (busy()) {
      if (shown) clearBanner('update');
      due = true;
    } else if (due) {
      due = false;
      banner('update', 'A new version of Hinge Check is ready. Your sets are kept: reload to use it.', {
        kind: 'info', actions: [{ label: 'Reload to update', run: apply }],
      });
    }
    timer = setTimeout(offer, 1000);
  }

  function found(worker) {
    waiting = worker;
    store.set({ update: 'ready' });
    offer();
  }

  function apply() {
    if (!waiting) return;
    if (busy()) { offer(); return; }
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    waiting.postMessage({ type: 'skip-waiting' });
  }

  async function register() {
    if (!('serviceWorker' in navigator) || new URLSearchParams(location.search).has('nosw')) return null;
    try {
      reg = await navigator.serviceWorker.register('sw.js', { scope: './' });
    } catch (e) {
      console.warn(`offline use unavailable: ${e.message}`);
      return null;
    }
    const watch = (w) => {
      if (!w) return;
      const check = () => { if (w.state === 'installed' && navigator.serviceWorker.controller) found(w); };
      w.addEventListener('statechange', check);
      check();
    };
    watch(reg.waiting);
    reg.addEventListener('updatefound', () => watch(reg.installing));
    setInterval(() => reg.update().catch(() => {}), CHECK_EVERY_MS);
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') reg.update().catch(() => {}); });
    return reg;
  }

  return {
    register,
    /** Looks for a new version now. */
    check() { return reg?.update(); },
    apply,
    get ready() { return !!waiting; },
  };
}
