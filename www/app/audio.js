// Feedback you can hear: a short spoken cue after each rep (speechSynthesis) and a tone
// (WebAudio), a mute toggle, and a voice that never talks over itself: one utterance at a
// time; while it speaks, only the newest rep cue waits (older ones are dropped, and a cue
// that waited more than 4 s is stale); framing advice is only spoken into silence.

const STALE_MS = 4000;
const KEY = 'hingecheck.muted';

export function createVoice() {
  let muted = false;
  try { muted = localStorage.getItem(KEY) === '1'; } catch { /* storage off */ }
  const synth = typeof speechSynthesis !== 'undefined' ? speechSynthesis : null;
  let current = null; // { text, kind, utterance, watchdog }
  let pending = null; // { text, kind, at }
  let audio = null;
  let unlockedVoice = false;
  const log = []; // what was said (or would have been, when muted / no voice)
  const listeners = new Set();

  function done() {
    if (current?.watchdog) clearTimeout(current.watchdog);
    current = null;
    const p = pending;
    pending = null;
    if (p && performance.now() - p.at < STALE_MS) start(p.text, p.kind);
  }

  function start(text, kind) {
    log.push({ text, kind, at: performance.now(), muted });
    if (log.length > 200) log.shift();
    if (muted || !synth) return;
    const u = new SpeechSynthesisUtterance(text);
    u.rate = 1.05;
    u.lang = 'en';
    // Chrome sometimes never fires 'end' (no voice installed, a long queue): a watchdog
    // frees the voice after the utterance's likely length.
    const watchdog = setTimeout(() => { if (current?.utterance === u) { synth.cancel(); done(); } }, 1500 + text.length * 90);
    current = { text, kind, utterance: u, watchdog };
    u.onend = () => { if (current?.utterance === u) done(); };
    u.onerror = () => { if (current?.utterance === u) done(); };
    synth.speak(u);
  }

  /** kind: 'rep' (queued: the newest waits) | 'info' (queued) | 'framing' (only into silence). */
  function say(text, kind = 'rep') {
    if (!text) return;
    if (current || synth?.speaking) {
      if (kind === 'framing') return;
      pending = { text, kind, at: performance.now() };
      return;
    }
    start(text, kind);
  }

  function ctx() {
    if (!audio) {
      try { audio = new AudioContext(); } catch { return null; }
    }
    if (audio.state === 'suspended') audio.resume().catch(() => {});
    return audio;
  }

  /** A short tone: engine = one bright beep, crane = two low ones, unclear = one soft. */
  function tone(kind) {
    if (muted) return;
    const a = ctx();
    if (!a) return;
    const beeps = kind === 'engine' ? [[880, 0, 0.12]] : kind === 'crane' ? [[220, 0, 0.14], [196, 0.2, 0.16]] : [[440, 0, 0.08]];
    const t0 = a.currentTime + 0.01;
    for (const [f, at, len] of beeps) {
      const o = a.createOscillator();
      const g = a.createGain();
      o.frequency.value = f;
      o.type = kind === 'crane' ? 'square' : 'sine';
      g.gain.setValueAtTime(0.0001, t0 + at);
      g.gain.exponentialRampToValueAtTime(kind === 'crane' ? 0.08 : 0.2, t0 + at + 0.01);
      g.gain.exponentialRampToValueAtTime(0.0001, t0 + at + len);
      o.connect(g).connect(a.destination);
      o.start(t0 + at);
      o.stop(t0 + at + len + 0.02);
    }
  }

  function setMuted(m) {
    muted = !!m;
    try { localStorage.setItem(KEY, muted ? '1' : '0'); } catch { /* storage off */ }
    if (muted) {
      pending = null;
      if (synth && current) synth.cancel();
      done();
    }
    for (const f of listeners) f(muted);
  }

  return {
    say,
    tone,
    /**
     * Call from a user gesture (the Start tap) so the browser lets the page make sound later:
     * the audio context is resumed and a silent sound played inside the gesture, and the voice
     * speaks an empty utterance (what phone browsers need before they speak later).
     */
    unlock() {
      const a = ctx();
      if (a) {
        try {
          const src = a.createBufferSource();
          src.buffer = a.createBuffer(1, 1, a.sampleRate);
          src.connect(a.destination);
          src.start();
        } catch { /* no sound output: the cues are still written */ }
      }
      if (synth && !unlockedVoice) {
        unlockedVoice = true;
        try {
          const u = new SpeechSynthesisUtterance('');
          u.volume = 0;
          // A cue that came while it was "speaking" waits for it: let it go when it ends.
          u.onend = u.onerror = () => { if (!current && pending) done(); };
          synth.speak(u);
        } catch { /* no voice */ }
      }
    },
    /** The audio context's state: 'running' once unlocked by a gesture, 'suspended' before, 'none'. */
    get audioState() { return audio?.state ?? 'none'; },
    get muted() { return muted; },
    setMuted,
    toggle() { setMuted(!muted); },
    onMute(f) { listeners.add(f); f(muted); },
    cancel() { pending = null; if (synth && current) synth.cancel(); done(); },
    log,
  };
}
