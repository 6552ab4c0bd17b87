// What the lifter sees and hears while a set runs: the HUD beside the stage (reps, phase,
// engine/crane meters, framing), the verdict after each rep (written, in the ARIA live region,
// spoken as a short cue and as a tone), the framing coach's spoken advice, and the fatigue
// notice ("build yourself up"). It reads the session's frame records and rep events (main.js
// wires it to the session on show); it never calls the core itself.

import { hud, banner, clearBanner } from './ui.js';

const FRAMING_HOLD_MS = 2000; // advice must persist this long before it is spoken
const FRAMING_REPEAT_MS = 12000; // the same advice is not repeated sooner

export function createFeedback(voice) {
  let framingKey = '';
  let framingSince = 0;
  let spoken = { code: '', at: -Infinity };
  let fatigueLevel = 'none';
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
   * The HUD for a frame record `f` of `source` (a Session or a Replayer: its `framing` list and
   * settings). opts.coach: speak framing advice (live only).
   */
  function frame(source, f, { coach = false } = {}) {
    if (!f) return;
    if (source.settings?.exercise === 'drill') {
      hud.meters(f.engine, f.crane);
      api.onDrill?.(source, f);
    } else {
      hud.reps(f.repCount);
      hud.phase(f.phase);
      hud.meters(f.engine, f.crane);
    }
    framingNow = source.framing;
    hud.framing(framingNow, f.lifter);
    if (coach) coachFraming(f, performance.now());
  }

  function coachFraming(f, now) {
    const first = framingNow[0];
    const key = first?.code ?? '';
    if (key !== framingKey) { framingKey = key; framingSince = now; }
    if (!first || now - framingSince < FRAMING_HOLD_MS) return;
    if (f.phase !== 'top' && f.phase !== 'paused') return; // not mid-rep
    if (spoken.code === key && now - spoken.at < FRAMING_REPEAT_MS) return;
    spoken = { code: key, at: now };
    voice.say(first.message, 'framing');
  }

  /**
   * A rep event (Session's 'rep'): verdict shown, cue spoken, fatigue notice when it changes. A
   * revised rep (its back read once standing was seen) is shown and spoken again: the lifter
   * heard the first verdict.
   */
  function rep(r, { speak = true } = {}) {
    hud.verdict(r);
    if (speak) {
      voice.say(r.cue || `Rep ${r.index}: ${r.verdict}`, 'rep');
      voice.tone(r.verdict);
    }
    const level = r.fatigue.level;
    if (level !== 'none' && level !== fatigueLevel) {
      fatigueLevel = level;
      banner('fatigue', r.advice, { kind: level === 'stop' ? 'error' : 'warn' });
      if (speak) voice.say(level === 'stop' ? 'Stop the set. Build yourself up.' : 'Your engine is tiring.', 'info');
    }
  }

  const api = { frame, reset, rep, onDrill: null, get framing() { return framingNow; } };
  return api;
}
