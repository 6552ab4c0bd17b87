// Drill mode, "find your hinge": the seed's drill step by step, on the camera (or on the
// simulated lifter), judged by the core (a session with exercise 'drill': the frame record's
// drill fields live, the step's instruction when it changes, session.drillReport() when a
// movement is judged and at the end). The overlay draws the real thumb and index-finger
// landmarks and the pelvic line between them. At the end the drill gives the lifter's pelvic
// limit θ_T*, which the page keeps in this browser (and can forget) and passes to the lifts'
// analysis.

import { $, h, setStatus } from './ui.js';
import { store } from './store.js';

const STAGES = [
  ['stand', 'Stand tall'], ['find_crest', 'Thumb on the hip bone'], ['find_trochanter', 'Index finger on the thigh bone'],
  ['hang', 'Hold the hang'], ['back_only', 'Back only, an inch'], ['crane_up', 'Up with the back leading (crane)'],
  ['engine_up', 'Up with the hips (engine)'], ['slow_hinge', 'Slow hinge to your limit'], ['done', 'Done'],
];
const KEY = 'hingecheck.pelvicLimitDeg';
const HANDS = {
  hands_not_visible: 'The camera cannot see your near hand.',
  fingers_together: 'Thumb and index finger are on one point: spread them, thumb on the hip bone, index on the thigh bone.',
  index_not_on_trochanter: 'Move the index finger to the top of the thigh bone.',
  thumb_not_on_crest: 'Move the thumb to the top of the hip bone.',
};

/** The stored pelvic limit (deg), or null. */
export function storedLimit() {
  try {
    const v = Number(localStorage.getItem(KEY));
    return localStorage.getItem(KEY) != null && Number.isFinite(v) && v > 0 && v <= 120 ? v : null;
  } catch {
    return null;
  }
}

export function createDrill(app) {
  let stage = null;
  let movements = 0;
  let result = null;

  $('drill-stages').replaceChildren(...STAGES.map(([id, label]) => h('li', { 'data-stage': id }, label)));

  function showLimit() {
    const v = storedLimit();
    setStatus('drill-limit', v ? `Your pelvic limit: trunk at ${v.toFixed(0)}° (kept in this browser; the lifts check depth against it).` : 'No pelvic limit stored yet: finish the drill to measure it.');
    $('drill-forget').hidden = !v;
  }

  function reset() {
    stage = null;
    movements = 0;
    result = null;
    $('drill-result').hidden = true;
    for (const li of $('drill-stages').children) li.className = '';
  }

  /** Called after each frame of a drill session (from feedback) with its frame record. */
  function update(session, f) {
    if (f.drillStage === 'off') return;
    if (f.drillStage !== stage) {
      stage = f.drillStage;
      const at = STAGES.findIndex(([id]) => id === stage);
      [...$('drill-stages').children].forEach((li, i) => { li.className = i < at ? 'done' : i === at ? 'current' : ''; });
      const instruction = session.drillInstruction(stage);
      $('drill-instruction').textContent = instruction;
      if (store.get().mode === 'drill' || session.source === 'live') app.voice.say(instruction, 'info');
      if (stage === 'done') finished(session);
    }
    setStatus('drill-progress', f.drillTarget > 1 ? `${f.drillCount} of ${f.drillTarget} done in this step.` : '');
    const hands = f.drillHands === 'ok' ? '' : f.drillHands;
    setStatus('drill-hands', hands ? HANDS[hands] ?? hands : '', !!hands);
    if (f.drillMovement && session.drillReport) {
      const r = session.drillReport();
      const m = r?.movements?.[r.movements.length - 1];
      if (m && r.movements.length > movements) {
        movements = r.movements.length;
        const said = m.verdict === 'engine' ? 'Engine: the pelvis turned first, the back followed.'
          : m.verdict === 'crane' ? 'Crane: the back did the lifting, the pelvis stayed.' : 'Unclear: I could not see it well.';
        app.voice.say(said, 'rep');
        $('verdict').className = `verdict ${m.verdict}`;
        $('verdict').textContent = `Movement ${m.index} (${m.stage.replace(/_/g, ' ')}): ${said}`;
      }
    }
  }

  function finished(session) {
    const r = session.drillReport?.() ?? null;
    result = r;
    $('drill-result').hidden = false;
    $('drill-summary').textContent = r?.summary || 'The drill is done.';
    $('drill-use').disabled = !(r?.calibration?.pelvic_limit_trunk_deg > 0);
  }

  function useLimit() {
    const v = result?.calibration?.pelvic_limit_trunk_deg;
    if (!(v > 0)) return;
    try { localStorage.setItem(KEY, String(Math.round(v * 10) / 10)); } catch { /* storage off */ }
    showLimit();
    app.showNote(`Pelvic limit ${v.toFixed(0)}° kept for your lifts`, 2500);
  }

  $('drill-start').addEventListener('click', () => app.drillToggle('camera'));
  $('drill-sim').addEventListener('click', () => app.drillToggle('sim'));
  $('drill-skip').addEventListener('click', () => { store.get().session?.drillSkip(); });
  $('drill-use').addEventListener('click', useLimit);
  $('drill-forget').addEventListener('click', () => {
    try { localStorage.removeItem(KEY); } catch { /* storage off */ }
    showLimit();
  });
  showLimit();

  return {
    update,
    reset,
    controls(running) {
      $('drill-start').replaceChildren(running === 'camera' ? 'Stop' : 'Start with the camera', h('span', { class: 'key-hint' }, ' (Space)'));
      $('drill-sim').textContent = running === 'sim' ? 'Stop the simulation' : 'Watch it simulated';
      $('drill-skip').disabled = !running;
    },
    get result() { return result; },
  };
}
