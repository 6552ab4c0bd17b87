// The boundary between the page and the core, tested in Node (no browser needed: the wasm core
// and the page's own core.js and session.js load as they are):
//   - only www/app/core.js imports the wasm package or holds a wasm object;
//   - the enums the core exports carry the report's words (verdicts, faults, views, phases…);
//   - the frame record read by the page, frame by frame, gives the same rep count, verdicts
//     and rep times as the full report built at the end, and as the CLI on the same track
//     (real tracks from ../shared/data, and simulated sets);
//   - the record is read right after the wasm memory grows (the DataView is re-made);
//   - a frame's person-mask crop lands in the core's mask block with feed's flag, a broken one is
//     left out, and a session keeps the last MASK_KEEP masks for replay and the export.
//
//   node --test tests/e2e/boundary.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, SHARED, FAULTS, checkBuilt, cliReport, needShared } from './helpers.mjs';

let core;
let Session;
let readPosetrack;

before(async () => {
  checkBuilt();
  core = await import('../../www/app/core.js');
  await core.loadCore(fs.readFileSync(path.join(ROOT, 'www/pkg/hingecheck_bg.wasm')));
  ({ Session } = await import('../../www/app/session.js'));
  ({ readPosetrack } = await import('../../www/app/posetrack.js'));
});

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    // Generated: the wasm glue, the vendored runtime, the models, the bundle made from these sources.
    if (e.isDirectory()) return ['pkg', 'vendor', 'models', 'build'].includes(e.name) ? [] : jsFiles(p);
    return /\.(m?js)$/.test(e.name) ? [p] : [];
  });
}

test('only core.js imports the wasm package or holds a wasm object', () => {
  const files = jsFiles(path.join(ROOT, 'www'));
  assert.ok(files.length >= 15, `the page's modules (${files.length})`);
  const offenders = [];
  for (const f of files) {
    const rel = path.relative(ROOT, f);
    const src = fs.readFileSync(f, 'utf8');
    const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const imports = [...code.matchAll(/(?:import|from)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    if (rel === path.join('www', 'app', 'core.js')) {
      assert.ok(imports.some((i) => /\/pkg\/hingecheck\.js$/.test(i)), 'core.js imports the package');
      continue;
    }
    if (imports.some((i) => /pkg\//.test(i))) offenders.push(`${rel} imports ${imports.find((i) => /pkg\//.test(i))}`);
    for (const re of [/\bHingeCheck\b/, /\.hc\b/, /\bframePtr\b|\binputPtr\b/, /\bsimulatePreset\b|\bparsePosetrack\b/, /\bmemory\.buffer\b/]) {
      if (re.test(code)) offenders.push(`${rel} touches the wasm object (${re})`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the exported enums carry the report\'s words; framing advice comes in bit order with its message', () => {
  const W = core.WORDS;
  assert.deepEqual(W.Verdict, ['engine', 'crane', 'unclear']);
  assert.deepEqual(W.Phase, ['top', 'down', 'up', 'paused']);
  assert.deepEqual(W.ViewKind, ['side', 'oblique', 'front', 'unknown']);
  assert.deepEqual(W.FatigueLevel, ['none', 'notice', 'stop', 'technique']);
  assert.equal(W.Fault[0], 'none');
  assert.deepEqual(new Set(W.Fault.slice(1)), FAULTS, 'the fault codes are docs/product.md\'s');
  assert.equal(W.DrillStage[0], 'off');
  assert.ok(W.Framing.includes('second_person') && W.Framing.includes('no_person'));
  for (const [name, words] of Object.entries(W)) {
    assert.ok(words.every((w) => /^[a-z][a-z_]*$/.test(w)), `${name}: ${words}`);
    assert.equal(new Set(words).size, words.length, `${name}: one word per number`);
    assert.ok(words.length <= (name === 'Framing' ? 32 : name === 'Flag' ? 8 : 256), `${name} fits its field`);
  }
  const all = (1 << W.Framing.length) - 1;
  const list = core.framingList(all);
  assert.deepEqual(list.map((f) => f.code), W.Framing, 'every bit, in the order of importance');
  assert.ok(list.every((f) => f.message.length > 10), 'each with its message');
  assert.equal(core.framingList(all), list, 'fetched once, then cached');
  assert.ok(core.drillInstruction('hang').length > 10);
});

/** Feeds a track's frames to a Session the page's way; collects what the page sees. */
function run(track, settings) {
  const s = new Session({ settings, source: 'test' });
  const events = [];
  const phases = [];
  let frames = 0;
  s.addEventListener('rep', (e) => events.push({ ...e.detail, atS: s.frame.timeS }));
  s.addEventListener('frame', (e) => {
    frames++;
    if (phases[phases.length - 1] !== e.detail.phase) phases.push(e.detail.phase);
  });
  for (let i = 0; i < track.times.length; i++) {
    const lm = track.lms[i];
    const f = s.feed({ t: track.times[i], width: track.width, height: track.height, landmarks: lm, people: lm.length ? 1 : 0 });
    assert.notEqual(f.status, 'rejected', `frame ${i}: ${s.lastError}`);
    assert.equal(f.frames, i + 1, 'the record moves on every frame');
  }
  const live = s.frame;
  const report = s.finish();
  return { s, events, phases, frames, live, report };
}

function assertRecordMatchesReport({ events, phases, frames, live, report, s }, what, { forced }) {
  assert.equal(frames, s.frames);
  const n = report.summary.rep_count;
  assert.ok(n > 0, `${what}: reps`);
  assert.ok(live.repCount === n || live.repCount + 1 === n, `${what}: the record's count ${live.repCount} vs the report's ${n}`);
  assert.equal(s.frame.repCount, n, `${what}: after finish`);
  const ascents = phases.filter((p) => p === 'up').length;
  assert.ok(ascents >= n, `${what}: ${ascents} ascents in the record's phases for ${n} reps`);
  // The last event is the report's last rep (or the one before, when finish counted a cut rep).
  const last = events[events.length - 1];
  assert.ok(last.index === n || last.index + 1 === n, `${what}: last event ${last.index}`);
  if (forced) {
    // With the lift given, no rep is judged again later: the events are the report, rep by rep.
    assert.deepEqual(events.map((e) => e.index), report.reps.slice(0, events.length).map((r) => r.index), what);
    events.forEach((e, k) => {
      const r = report.reps[k];
      assert.equal(e.verdict, r.verdict, `${what} rep ${r.index}: verdict`);
      assert.ok(Math.abs(e.confidence - r.confidence) < 1e-6, `${what} rep ${r.index}: confidence`);
      assert.equal(e.lockoutS, r.lockout_s, `${what} rep ${r.index}: lockout`);
      assert.equal(e.message, r.message, `${what} rep ${r.index}: message`);
      assert.ok(e.atS >= r.lockout_s && e.atS - r.lockout_s < 0.75, `${what} rep ${r.index}: judged ${(e.atS - r.lockout_s).toFixed(3)} s after its lockout`);
      if (e.verdict === 'crane') assert.notEqual(e.cueFault, 'none', `${what} rep ${r.index}: a crane cue names its fault`);
      assert.ok(e.cue.length > 0, 'a spoken cue');
    });
    if (events.length === n) {
      assert.equal(last.fatigue.level, report.fatigue.level, `${what}: fatigue level`);
      assert.equal(last.fatigue.onsetRep, report.fatigue.onset_rep, `${what}: fatigue onset`);
      assert.equal(last.advice, report.fatigue.advice, `${what}: fatigue advice`);
    }
  } else {
    // Auto: the set's lift may settle after a few reps and earlier verdicts follow it; the
    // latest event agrees with the report's rep of the same index.
    const r = report.reps.find((x) => x.index === last.index);
    assert.equal(last.verdict, r.verdict, `${what}: the latest event's verdict`);
  }
}

const TRACKS = [
  ['kb-deadlift-h-side', 'deadlift'],
  ['kb-deadlift-c-side', 'deadlift'],
  ['kb-deadlift-k-side', 'deadlift'],
  ['kb-swing-4reps', 'swing'],
];

for (const [name, exercise] of TRACKS) {
  const file = `tracks/${name}.posetrack.json.gz`;
  test(`real track ${name}: the frame record gives the report's reps and the CLI's`, { skip: needShared(file) }, () => {
    const text = zlib.gunzipSync(fs.readFileSync(path.join(SHARED, file))).toString('utf8');
    const track = readPosetrack(text);
    for (const [settings, forced] of [[{ exercise }, true], [{ exercise: 'auto' }, false]]) {
      const r = run(track, settings);
      assertRecordMatchesReport(r, `${name} (${settings.exercise})`, { forced });
      const cli = cliReport(path.join(SHARED, file), '--exercise', settings.exercise);
      assert.equal(r.report.summary.rep_count, cli.summary.rep_count, `${name}: rep count as the CLI`);
      assert.deepEqual(r.report.reps.map((x) => x.verdict), cli.reps.map((x) => x.verdict), `${name}: verdicts as the CLI`);
      assert.deepEqual(r.report.fatigue, cli.fatigue, `${name}: fatigue as the CLI`);
    }
  });
}

test('simulated sets: the frame record gives the report\'s reps, verdicts and fatigue', () => {
  for (const [preset, exercise, reps] of [['deadlift-good', 'deadlift', 5], ['deadlift-hips-shoot-up', 'deadlift', 5], ['swing-good', 'swing', 6], ['swing-fatigue', 'swing', 0]]) {
    const track = core.simulate(preset, reps, 31);
    assertRecordMatchesReport(run(track, { exercise }), preset, { forced: true });
  }
});

test('the record is read right after the wasm memory grows', () => {
  const track = core.simulate('swing-good', 20, 5);
  const s = new Session({ settings: { exercise: 'swing' }, source: 'test' });
  const seen = new Set();
  let fed = 0;
  for (let loop = 0; loop < 3; loop++) {
    for (let i = 0; i < track.times.length; i++) {
      // Something else takes wasm memory meanwhile (a posetrack read, say): the memory grows.
      if (i === 100 && loop < 2) core.simulate('deadlift-good', 40, loop).times.length;
      const f = s.feed({ t: loop * 60000 + track.times[i], width: track.width, height: track.height, landmarks: track.lms[i] });
      fed++;
      seen.add(s.analyser.dv.buffer);
      assert.equal(f.frames, fed);
    }
  }
  assert.ok(seen.size >= 2, 'the memory grew, and the view was re-made');
  assert.ok(s.frame.repCount >= 50, `reps counted across the growth (${s.frame.repCount})`);
  s.free();
});

test('a frame\'s mask crop lands in the core\'s mask block (also after the memory grows) with feed\'s mask flag; a broken one is left out', async () => {
  const { memory } = await core.loadCore();
  const track = core.simulate('deadlift-good', 3, 1);
  const a = new core.Analyser({ exercise: 'deadlift' });
  const flags = [];
  const hcFeed = a.hc.feed.bind(a.hc);
  a.hc.feed = (...args) => { flags.push(args[5]); return hcFeed(...args); };
  const crop = (seed) => ({ box: [0.1 + seed / 1000, 0.2, 0.6, 0.7], data: Uint8Array.from({ length: core.MASK_BYTES }, (_, k) => (k * 7 + seed) % 256) });
  const landed = (m) => {
    const cells = new Uint8Array(memory.buffer, a.maskAt, core.MASK_BYTES);
    const box = new Float32Array(memory.buffer, a.maskBoxAt, 4);
    return cells.every((v, k) => v === m.data[k]) && [...box].every((v, k) => v === Math.fround(m.box[k]));
  };
  const frame = (i, mask) => a.feed(track.times[i], track.width, track.height, track.lms[i], 1, mask);
  let m = crop(1);
  assert.ok(frame(0, m) >= 0);
  assert.equal(flags.at(-1), 1, 'feed is told the mask block holds this frame\'s crop');
  assert.ok(landed(m), 'the cells and the box are in the mask block');
  const before = memory.buffer;
  core.simulate('deadlift-good', 60, 2); // something else takes memory: it grows
  assert.notEqual(memory.buffer, before, 'the memory grew');
  m = crop(2);
  frame(1, m);
  assert.ok(landed(m), 'after the growth, the crop is written into the new memory');
  for (const [k, [why, bad]] of [['NaN box', { ...crop(3), box: [0.1, NaN, 0.6, 0.7] }], ['not a box', { ...crop(3), box: [0.6, 0.2, 0.1, 0.7] }],
    ['too few cells', { box: [0.1, 0.2, 0.6, 0.7], data: new Uint8Array(100) }], ['box past ±2 pictures', { ...crop(3), box: [-3, 0.2, 0.6, 0.7] }],
    ['cells not bytes', { box: [0.1, 0.2, 0.6, 0.7], data: new Array(core.MASK_BYTES).fill(1) }]].entries()) {
    const n = a.frame().frames;
    assert.ok(frame(2 + k, bad) >= 0, `${why}: the frame is not refused`);
    assert.equal(flags.at(-1), 0, `${why}: feed is told there is no crop`);
    assert.equal(a.frame().frames, n + 1, `${why}: the frame is analysed`);
    assert.ok(landed(m), `${why}: the mask block is left as it was`);
  }
  a.feed(track.times[10], track.width, track.height, null, 0, crop(4));
  assert.equal(flags.at(-1), 0, 'nobody in view: no crop');
  a.free();
});

test('a session keeps its masks for replay and the posetrack export, the last MASK_KEEP of them', async () => {
  const { MASK_KEEP } = await import('../../www/app/session.js');
  const track = core.simulate('deadlift-good', 4, 3);
  const s = new Session({ settings: { exercise: 'deadlift' }, source: 'test' });
  const crop = (i) => ({ box: Float32Array.of(0.2, 0.1, 0.7, 0.6), data: new Uint8Array(core.MASK_BYTES).fill(i % 251) });
  const n = track.times.length;
  for (let i = 0; i < n; i++) {
    // A picture twice the size for the first frames: the landmarks and the box are rescaled alike.
    const big = i < 10 && i > 0 ? 2 : 1;
    s.feed({ t: track.times[i], width: track.width * big, height: track.height * big, landmarks: track.lms[i], mask: i % 2 ? null : crop(i) });
  }
  assert.equal(s.masks.size, Math.ceil(n / 2), 'every mask fed is kept');
  assert.deepEqual(s.maskStats, { fed: Math.ceil(n / 2), broken: 0, dropped: 0 });
  const text = s.posetrackJson();
  const back = readPosetrack(text).masks;
  assert.equal(back.size, Math.ceil(n / 2), 'the export carries them');
  const frames = JSON.parse(text).frames;
  assert.ok(frames.every((f, i) => !!f.mask === (i % 2 === 0)), 'on the frames they came with');
  assert.equal(frames[4].mask.data, Buffer.from(crop(4).data).toString('base64'));
  assert.deepEqual(frames[4].mask.box.map((v) => Math.round(v * 1e6) / 1e6), [0.4, 0.2, 1.4, 1.2], 'a box of a picture twice the size, rescaled to the session\'s');
  assert.deepEqual(frames[20].mask.box.map((v) => Math.round(v * 1e6) / 1e6), [0.2, 0.1, 0.7, 0.6]);
  // Re-analysed as another lift, the masks go with their frames.
  s.rebuild({ exercise: 'rdl' });
  assert.equal(s.masks.size, Math.ceil(n / 2));
  assert.equal(readPosetrack(s.posetrackJson()).masks.size, Math.ceil(n / 2));
  s.free();
  // A long session keeps the last MASK_KEEP masks.
  const long = new Session({ settings: { exercise: 'deadlift' }, source: 'test' });
  const shared = crop(7);
  let t = 0;
  for (let k = 0; long.maskStats.fed < MASK_KEEP + 100; k++) {
    const i = k % n;
    long.feed({ t: (t += 33), width: track.width, height: track.height, landmarks: track.lms[i], mask: shared });
  }
  assert.equal(long.masks.size, MASK_KEEP, 'the cap');
  assert.equal(long.maskStats.dropped, 100);
  assert.equal(long.masks.keys().next().value, 100, 'the oldest were dropped');
  assert.ok(long.mask(long.frames - 1), 'the newest is kept');
  long.free();
});
