// The page's posetrack reader and writer (www/app/posetrack.js), held to the core's (the CLI's):
//   - every real track in ../shared/data reads as the CLI reads it: the same frames (count and
//     times) and, fed to the core, the same reps, verdicts and fatigue as `hingecheck analyze`;
//   - a session's export (simulated frames, with masks) is read back by the CLI frame for frame,
//     masks included, with the analysis the page made; and by the page's own reader exactly;
//   - bad files get a clear Error, never a crash: empty, not JSON, truncated, wrong shape, no
//     size, bad frames (dropped and counted); and a fuzz over random damage to a real track.
// Runs in Node against the built wasm (no browser needed); the real-data parts skip without
// ../shared.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, SHARED, checkBuilt, cliReport, needShared, tempDir } from './helpers.mjs';

let core;
let Session;
let readPosetrack;
let writePosetrack;

before(async () => {
  checkBuilt();
  core = await import('../../www/app/core.js');
  await core.loadCore(fs.readFileSync(path.join(ROOT, 'www/pkg/hingecheck_bg.wasm')));
  ({ Session } = await import('../../www/app/session.js'));
  ({ readPosetrack, writePosetrack } = await import('../../www/app/posetrack.js'));
});

const trackFiles = () => {
  const out = [];
  for (const dir of ['tracks', 'corpus/tracks']) {
    const d = path.join(SHARED, dir);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) if (/\.posetrack\.json(\.gz)?$/.test(f)) out.push(path.join(dir, f));
  }
  return out;
};
const textOf = (file) => {
  const buf = fs.readFileSync(path.join(SHARED, file));
  return (file.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8');
};

/** Feeds a read track to a session the page's way; its final report. */
function analyse(track, exercise) {
  const s = new Session({ settings: { exercise }, source: 'test' });
  for (let i = 0; i < track.times.length; i++) {
    const lm = track.lms[i];
    s.feed({ t: track.times[i], width: track.width, height: track.height, landmarks: lm, people: lm.length ? 1 : 0, mask: track.masks?.get(i) ?? null });
  }
  const r = s.finish();
  s.free();
  return r;
}

test('every real track reads as the CLI reads it, and analyses as the CLI does', { skip: needShared('tracks/kb-swing-4reps.posetrack.json.gz') }, () => {
  const files = trackFiles();
  assert.ok(files.length > 150, `the real tracks (${files.length})`);
  let same = 0;
  for (const file of files) {
    const track = readPosetrack(textOf(file));
    const cli = cliReport(path.join(SHARED, file), '--exercise', 'auto');
    assert.equal(track.times.length, cli.frames.total, `${file}: the frames the CLI kept`);
    const page = analyse(track, 'auto');
    assert.equal(page.summary.rep_count, cli.summary.rep_count, `${file}: reps`);
    assert.deepEqual(page.reps.map((r) => r.verdict), cli.reps.map((r) => r.verdict), `${file}: verdicts`);
    assert.deepEqual(page.reps.map((r) => r.faults.map((f) => `${f.code}:${f.severity}`)), cli.reps.map((r) => r.faults.map((f) => `${f.code}:${f.severity}`)), `${file}: faults`);
    assert.deepEqual(page.fatigue, cli.fatigue, `${file}: fatigue`);
    same++;
  }
  console.log(`${same} real tracks read and analysed by the page as by the CLI`);
});

test('a session\'s export (with masks) is read by the CLI and by the page as it was recorded', () => {
  const sim = core.simulate('deadlift-rounded', 5, 11);
  const s = new Session({ settings: { exercise: 'deadlift' }, source: 'test' });
  const crop = (i) => ({ box: Float32Array.of(0.25, 0.1, 0.75, 0.6), data: new Uint8Array(core.MASK_BYTES).map((_, k) => (k * 7 + i) % 256) });
  for (let i = 0; i < sim.times.length; i++) {
    s.feed({ t: sim.times[i], width: sim.width, height: sim.height, landmarks: sim.lms[i], mask: i % 3 ? null : crop(i) });
  }
  const report = s.finish();
  const text = s.posetrackJson();
  const file = path.join(tempDir(), 'export.posetrack.json');
  fs.writeFileSync(file, text);
  const cli = cliReport(file, '--exercise', 'deadlift');
  assert.equal(cli.frames.total, sim.times.length, 'the CLI reads every frame (a mask it refused would drop one)');
  assert.deepEqual(cli.reps.map((r) => [r.verdict, r.lockout_s]), report.reps.map((r) => [r.verdict, r.lockout_s]), 'the CLI finds the page\'s reps');
  const back = readPosetrack(text);
  assert.equal(back.times.length, sim.times.length);
  assert.deepEqual(Array.from(back.times), Array.from(sim.times), 'the times, exactly');
  let worst = 0;
  for (let i = 0; i < sim.times.length; i++) {
    assert.equal(back.lms[i].length, sim.lms[i].length, `frame ${i}: a person or nobody`);
    for (let k = 0; k < sim.lms[i].length; k++) worst = Math.max(worst, Math.abs(back.lms[i][k] - sim.lms[i][k]));
  }
  assert.ok(worst < 1e-6, `the landmarks come back (largest difference ${worst})`);
  const masked = [...back.masks.keys()];
  const expected = sim.times.filter((_, i) => i % 3 === 0 && sim.lms[i].length).length;
  assert.equal(masked.length, expected, 'every mask of a frame with the lifter, on its frame');
  assert.ok(masked.every((i) => i % 3 === 0));
  assert.deepEqual(Array.from(back.masks.get(3).data), Array.from(crop(3).data), 'the cells');
  assert.deepEqual(Array.from(back.masks.get(3).box), Array.from(crop(3).box), 'the box');
  assert.equal(back.fps, s.fps());
  s.free();
});

test('bad files get a clear error; bad frames are dropped and counted', () => {
  const good = writePosetrack(new Float32Array(132 * 2).fill(0.5), [0, 33], 640, 480, 30);
  assert.equal(readPosetrack(good).times.length, 2);
  for (const [text, re] of [
    ['', /empty/],
    ['hello', /not a valid posetrack JSON/],
    ['{"metadata":{"videoWidth":640,"videoHeight":480},"frames":[', /truncated|not a valid/],
    ['[1,2]', /not an object/],
    ['{"frames": 7, "metadata": {}}', /"frames" array/],
    ['{"frames": []}', /"metadata"/],
    ['{"metadata":{"videoHeight":480},"frames":[{}]}', /videoWidth/],
    ['{"metadata":{"videoWidth":5,"videoHeight":480},"frames":[{}]}', /not plausible/],
    ['{"metadata":{"videoWidth":640,"videoHeight":480},"frames":[]}', /no frames/],
    ['{"metadata":{"videoWidth":640,"videoHeight":480},"frames":[{"keypoints":[]}]}', /none of its frames.*timestamp/],
  ]) {
    assert.throws(() => readPosetrack(text), (e) => e instanceof Error && !(e instanceof TypeError) && re.test(e.message), JSON.stringify(text));
  }
  const parsed = JSON.parse(good);
  const frames = [parsed.frames[0], { ...parsed.frames[1], keypoints: parsed.frames[1].keypoints.slice(3) }, { ...parsed.frames[1], timestamp: 66 }];
  frames.push({ ...parsed.frames[1], timestamp: 99, keypoints: parsed.frames[1].keypoints.map((k, i) => (i === 4 ? { ...k, name: 'tail' } : k)) });
  frames.push({ ...parsed.frames[1], timestamp: 50 });
  const t = readPosetrack(JSON.stringify({ ...parsed, frames }));
  assert.deepEqual(Array.from(t.times), [0, 66], 'the usable frames, in time order');
  assert.match(t.problems, /^3 of 5 frames were unusable and skipped \(first: frame 1: 30 landmarks, expected 33\)$/);
});

test('fuzz: random damage to a real track never crashes the reader', { skip: needShared('tracks/kb-deadlift-c-side.posetrack.json.gz') }, () => {
  const base = textOf('tracks/kb-deadlift-c-side.posetrack.json.gz');
  const json = JSON.parse(base);
  json.frames = json.frames.slice(0, 40);
  const small = JSON.stringify(json);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const junk = [null, true, -1, 0, 1e308, -1e308, 'x', '', [], {}, [1, 2], { x: 1 }, NaN];
  let read = 0;
  let refused = 0;
  for (let n = 0; n < 1500; n++) {
    let text;
    const kind = n % 3;
    if (kind === 0) {
      // Cut or overwrite bytes of the text.
      const k = Math.floor(rand() * small.length);
      text = rand() < 0.5 ? small.slice(0, k) : small.slice(0, k) + pick(['"', '}', ']', ',', '0', 'e', '-', ':', ' ']) + small.slice(k + 1);
    } else {
      // Replace a value somewhere in the structure.
      const t = JSON.parse(small);
      const f = pick(t.frames);
      const target = kind === 1 ? pick([t, t.metadata, f, pick(f.keypoints ?? [{}]) ?? {}]) : pick(f.keypoints ?? [{}]) ?? {};
      const keys = Object.keys(target);
      const key = keys.length && rand() < 0.8 ? pick(keys) : pick(['mask', 'name', 'score', 'frames', 'metadata', 'timestamp']);
      target[key] = pick(junk);
      text = JSON.stringify(t);
    }
    try {
      const track = readPosetrack(text);
      assert.equal(track.times.length, track.lms.length);
      assert.ok(track.lms.every((lm) => lm.length === 0 || lm.length === 132));
      assert.ok(Array.from(track.times).every(Number.isFinite));
      read++;
    } catch (e) {
      assert.ok(e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError) && e.message.length > 5, `case ${n}: ${e.stack}`);
      refused++;
    }
  }
  console.log(`fuzz: 1500 damaged tracks, ${read} read (bad frames dropped), ${refused} refused with a message`);
});
