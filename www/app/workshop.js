// Workshop mode (a coach, a projector, a room): fullscreen, large type readable from 10 m,
// high contrast, the canvas HUD at twice the size, a visible shortcut legend. And the keyboard
// shortcuts, which work in every mode.

import { $ } from './ui.js';
import { store } from './store.js';

export function createWorkshop(app) {
  const isOn = () => store.get().workshop;

  function set(v) {
    const on = !!v;
    document.body.classList.toggle('workshop', on);
    $('workshop').setAttribute('aria-pressed', String(on));
    $('legend').hidden = !on;
    store.set({ workshop: on });
    if (on) fullscreen(true);
    else if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  }

  function fullscreen(want = !document.fullscreenElement) {
    if (want && !document.fullscreenElement) {
      document.documentElement.requestFullscreen?.().catch(() => {
        app.showNote('Fullscreen was refused by the browser: press F again, or use the browser\'s own fullscreen key.', 2500);
      });
    } else if (!want && document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    }
  }

  function typing(target) {
    return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) && target.type !== 'checkbox' && target.type !== 'range');
  }

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const act = {
      ' ': () => app.toggleRun(),
      r: () => app.review.replayLast(),
      m: () => app.voice.toggle(),
      f: () => fullscreen(),
      d: () => app.setMode('demo', { start: true }),
      w: () => set(!isOn()),
      1: () => app.setMode('live'),
      2: () => app.setMode('drill'),
      3: () => app.setMode('clip'),
      4: () => app.setMode('review'),
      5: () => app.setMode('demo'),
      6: () => app.setMode('history'),
      Escape: () => { if (isOn() && !document.fullscreenElement) set(false); },
    }[k];
    if (!act) return;
    // Space on a focused button activates that button (keyboard users rely on it), except in
    // the workshop, where Space is always start/stop.
    if (k === ' ' && !isOn() && (e.target instanceof HTMLButtonElement || e.target instanceof HTMLInputElement)) return;
    e.preventDefault();
    act();
  });

  $('workshop').addEventListener('click', () => set(!isOn()));
  $('fullscreen').addEventListener('click', () => fullscreen());

  return { set, fullscreen, get on() { return isOn(); } };
}
