// What the lifter sees and hears while a set runs: the HUD beside the stage (reps, phase,
// engine/crane meters, framing), the verdict after each rep (written, in the ARIA live region,
// spoken as a short cue and as a tone), the framing coach's spoken advice, and the fatigue
// notice ("build yourself up").

import { hud, banner, clearBanner } from './ui.js';

const FRAMING_HOLD_MS = 2000; // advice must persist this long before it is spoken
const FRAMING_REPEAT_MS = 12000; // the same advice is not repeated sooner

export function createFeedback(voice) {
  let framingKey = '';
  let framingSince = 0;
  let spoken = { code: '', at: -Infinity };
  let fatigueLevel = 'none';
  let lastFramingCheck = -Infinity;
  let framingNow = [];

  function reset() {
    framingKey = '';
    framingSince = 0;
    spoken = { code: '', at: -Infinity };
    fatigueLevel = 'none';
    framingNow = [];
    hud.reset();
    clearBanner('fatigue');
  }

  /**
   * After each pushed frame. `code` is HingeCheck.push's result (1 = a new rep report).
   * opts.speak: say the rep cue; opts.coach: speak framing advice (live only).
   */
  function frame(session, code, { speak = true, coach = false } = {}) {
    const hc = session.hc;
    if (session.settings?.exercise === 'drill') {
      const d = hc.drill();
      hud.meters(d?.engine ?? 0, d?.crane ?? 0);
      api.onDrill?.(session);
    } else {
      hud.reps(hc.repCount());
      hud.phase(hc.phase());
      hud.meters(hc.engine(), hc.crane());
    }
    const now = performance.now();
    if (now - lastFramingCheck > 150) {
      lastFramingCheck = now;
      framingNow = hc.framing();
      hud.framing(framingNow, hc.signals().length > 0);
      if (coach) coachFraming(hc, now);
    }
    if (code === 1) rep(session, { speak });
  }

  function coachFraming(hc, now) {
    const first = framingNow[0];
    const key = first?.code ?? '';
    if (key !== framingKey) { framingKey = key; framingSince = now; }
    if (!first || now - framingSince < FRAMING_HOLD_MS) return;
    if (hc.phase() !== 'top' && hc.phase() !== 'paused') return; // not mid-rep
    if (spoken.code === key && now - spoken.at < FRAMING_REPEAT_MS) return;
    spoken = { code: key, at: now };
    voice.say(first.message, 'framing');
  }

  function rep(session, { speak }) {
    const hc = session.hc;
    const r = hc.lastRep();
    if (!r) return;
    hud.verdict(r);
    if (speak) {
      voice.say(hc.lastCue() || `Rep ${r.index}: ${r.verdict}`, 'rep');
      voice.tone(r.verdict);
    }
    const f = hc.report().fatigue;
    if (f && f.level && f.level !== 'none' && f.level !== fatigueLevel) {
      fatigueLevel = f.level;
      banner('fatigue', f.advice, { kind: f.level === 'stop' ? 'error' : 'warn' });
      if (speak) voice.say(f.level === 'stop' ? 'Stop the set. Build yourself up.' : 'Your engine is tiring.', 'info');
    }
  }

  const api = { frame, reset, rep, onDrill: null, get framing() { return framingNow; } };
  return api;
}
