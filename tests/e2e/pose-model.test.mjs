// End-to-end test of the pose worker (www/js/pose-worker.js + pose-client.js) with the
// committed MediaPipe models, in headless Chromium (playwright-core, system chromium).
//
//   node --test tests/e2e/pose-model.test.mjs        (from the repository root)
//
// Needs: npm ci (tasks-vision, playwright-core), /usr/bin/chromium (or CHROMIUM=path).
// The real-data checks need ../shared/data and are skipped, with a message, without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';

const ROOT = process.cwd();
const WWW = path.join(ROOT, 'www');
const SHARED_DATA = path.resolve(ROOT, '../shared/data');
const PHOTO = 'photos/kettlebell_start_position_bottom.jpg';
const VIDEO = 'videos/kb-deadlift-c-side.mp4';
const TRACK = 'tracks/kb-deadlift-c-side.posetrack.json.gz';
const HAVE_SHARED = [PHOTO, VIDEO, TRACK].every((f) => fs.existsSync(path.join(SHARED_DATA, f)));
const SKIP_SHARED = HAVE_SHARED ? false : `needs ../shared/data (${PHOTO}, ${VIDEO}, ${TRACK}); not found next to the repo`;
if (!HAVE_SHARED) console.log(`# SKIP real-data pose checks: ${SKIP_SHARED}`);

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-default-apps', '--disable-extensions'];

// BlazePose indices.
const LM = { left_shoulder: 11, right_shoulder: 12, left_hip: 23, right_hip: 24, left_knee: 25, right_knee: 26 };

let server;
let browser;
let page;
const offOrigin = [];
const blockedNotes = new Set();
const timings = {};

function ensureVendor() {
  // The page serves tasks-vision from /vendor/tasks-vision/ (the build copies it; www/vendor is gitignored).
  const src = path.join(ROOT, 'node_modules/@mediapipe/tasks-vision');
  const dst = path.join(WWW, 'vendor/tasks-vision');
  const want = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8')).version;
  let have = null;
  try { have = JSON.parse(fs.readFileSync(path.join(dst, 'package.json'), 'utf8')).version; } catch { /* absent */ }
  if (have !== want) {
    fs.rmSync(dst, { recursive: true, force: true });
    fs.cpSync(src, dst, { recursive: true });
  }
}

before(async () => {
  ensureVendor();
  const mounts = { '/': WWW, '/__fixtures/': path.join(ROOT, 'tests/e2e/fixtures') };
  if (HAVE_SHARED) mounts['/__data/'] = SHARED_DATA;
  server = await startServer({ mounts, port: 0 }); // the app's own server: its CSP and COOP/COEP apply
  const origin = new URL(server.url).origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  page = await browser.newPage();
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.origin !== origin) offOrigin.push(req.url());
  });
  page.on('console', (m) => {
    if (/blocked a request/.test(m.text())) blockedNotes.add(m.text());
    else if (m.type() === 'error' && !/XNNPACK delegate for CPU/.test(m.text())) console.log(`# page console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  await page.goto(`${server.url}/__fixtures/pose-page.html`);
  await page.waitForFunction(() => window.poseTestReady === true);
});

after(async () => {
  const names = Object.keys(timings);
  if (names.length) {
    console.log('# per-frame inference (detectForVideo) in headless Chromium, median over frames after the first:');
    for (const n of names) console.log(`#   ${n}: ${timings[n]}`);
  }
  await browser?.close();
  await server?.close();
});

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

function record(label, ms) {
  const after1 = ms.slice(1);
  timings[label] = `median ${median(after1).toFixed(1)} ms, min ${Math.min(...after1).toFixed(1)}, max ${Math.max(...after1).toFixed(1)} (n=${after1.length}; first ${ms[0].toFixed(1)} ms)`;
}

test('worker protocol: auto delegate, dropping, timestamp guard, bad input (synthetic image)', async () => {
  const renderer = await page.evaluate(() => window.poseTest.probeRenderer());
  console.log(`# WebGL renderer: ${renderer}`);
  const r = await page.evaluate(() => window.poseTest.runProtocol({ model: 'lite', delegate: 'auto' }));
  console.log(`# auto delegate: ${r.info.delegate} (${r.info.note})`);
  if (/swiftshader|llvmpipe/i.test(renderer)) assert.equal(r.info.delegate, 'CPU', 'auto picks CPU on a software renderer');
  assert.equal(r.r2, null, 'second detect() while one is in flight resolves null (dropped)');
  assert.equal(r.b2Closed, true, 'the dropped bitmap is closed');
  assert.equal(r.r1.adjusted, false);
  assert.equal(r.r1.dropped, 1, 'the result in flight during the drop reports one dropped frame');
  assert.equal(r.r3.dropped, 0);
  assert.equal(r.r3.adjusted, true, 'equal timestamp is adjusted, not an error');
  assert.equal(r.r3.ts, 100, 'result carries the caller\'s timestamp');
  assert.equal(r.r4.adjusted, true, 'backwards timestamp is adjusted, not an error');
  assert.equal(r.r5.adjusted, false);
  assert.match(r.badTs, /timestampMs must be a finite number/);
  assert.match(r.badBitmap, /must be an ImageBitmap/);
  assert.equal(r.r6.poses, 0, 'no person in a gradient');
  assert.equal(r.droppedFrames, 1);
});

test('a model that fails to load gives a clear error', async () => {
  const r = await page.evaluate(() => window.poseTest.runBadModel());
  assert.equal(r.ok, false);
  assert.match(r.message, /cannot fetch pose model .*no-such-models\/pose_landmarker_lite\.task: HTTP 404/);
  assert.ok(r.detectError, 'detect() after a failed load rejects');
});

// The forced-GPU run checks the GPU code path real laptops take; under SwiftShader it is
// about 1 s per frame, so it runs a single frame.
for (const [model, delegate, repeat] of [['lite', 'CPU', 4], ['full', 'CPU', 4], ['lite', 'GPU', 1]]) {
  test(`photo: ${model} model (${delegate}) finds the lifter`, { skip: SKIP_SHARED }, async () => {
    const { info, results } = await page.evaluate(
      ([url, model, delegate, repeat]) => window.poseTest.runPhoto(url, { model, delegate, repeat }),
      [`/__data/${PHOTO}`, model, delegate, repeat]);
    console.log(`# photo ${model} ${delegate}: ready ${JSON.stringify({ ...info, loadMs: Math.round(info.loadMs) })}; `
      + `inference ${results.map((r) => r.inferenceMs.toFixed(0)).join(', ')} ms`);
    assert.equal(info.delegate, delegate);
    for (const r of results) {
      assert.equal(r.width, 906);
      assert.equal(r.height, 756);
      assert.equal(r.bitmapClosed, true, 'bitmap was transferred');
      assert.equal(r.poses.length, 1, 'exactly one person');
      const p = r.poses[0];
      assert.equal(p.length, 33 * 4);
      const at = (i) => ({ x: p[i * 4], y: p[i * 4 + 1], v: p[i * 4 + 3] });
      // Hand-measured on the photo (906x756, lifter bent over, facing left): near-side hip
      // joint about (520, 280) px, shoulder about (270, 200) px; person spans x 110..620, y 100..730.
      for (const side of ['left', 'right']) {
        const hip = at(LM[`${side}_hip`]);
        const sh = at(LM[`${side}_shoulder`]);
        assert.ok(hip.x > 0.44 && hip.x < 0.70 && hip.y > 0.24 && hip.y < 0.50, `${side} hip inside the hip region: ${JSON.stringify(hip)}`);
        assert.ok(sh.x > 0.18 && sh.x < 0.42 && sh.y > 0.16 && sh.y < 0.40, `${side} shoulder inside the shoulder region: ${JSON.stringify(sh)}`);
      }
      // Near side (the one facing the camera) is well seen.
      const vis = Math.max(at(LM.left_hip).v + at(LM.left_shoulder).v, at(LM.right_hip).v + at(LM.right_shoulder).v) / 2;
      assert.ok(vis > 0.8, `near-side hip/shoulder visibility high: ${vis}`);
      for (let i = 0; i < 33; i++) {
        const q = at(i);
        if (q.v < 0.5) continue;
        assert.ok(q.x > 0.08 && q.x < 0.72 && q.y > 0.08 && q.y < 1.0, `visible landmark ${i} inside the person: ${JSON.stringify(q)}`);
      }
    }
    if (repeat > 1) record(`photo ${model} ${delegate} (906x756)`, results.map((r) => r.inferenceMs));
  });
}

function loadTrack() {
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(SHARED_DATA, TRACK))).toString('utf8'));
}

// Several short runs of consecutive frames spread over the clip (standing, bottoms, lockouts).
const SEGMENTS = [60, 200, 330, 470, 610, 760, 900, 1050];
const RUN = 4;
const FRAMES = SEGMENTS.flatMap((s) => Array.from({ length: RUN }, (_, i) => s + i));

for (const [model, tolMax, tolMedian] of [['full', 0.03, 0.012], ['lite', 0.05, 0.02]]) {
  test(`video: ${model} model matches the Python MediaPipe track`, { skip: SKIP_SHARED }, async () => {
    const track = loadTrack();
    const fps = track.metadata.fps;
    const W = track.metadata.videoWidth;
    const H = track.metadata.videoHeight;
    const byIndex = new Map(track.frames.map((f) => [f.frameIndex, f]));
    const res = await page.evaluate(
      ([url, frames, model, fps]) => window.poseTest.runVideo(url, frames, { model, delegate: 'CPU', fps }),
      [`/__data/${VIDEO}`, FRAMES, model, fps]);
    assert.equal(res.videoWidth, W);
    assert.equal(res.videoHeight, H);
    assert.equal(res.info.delegate, 'CPU');

    const errs = [];
    let worst = { err: 0 };
    for (const f of res.frames) {
      if (f.mediaTime != null) assert.equal(Math.round(f.mediaTime * fps), f.index, 'seek landed on the frame');
      assert.equal(f.timestampAdjusted, false);
      const ref = byIndex.get(f.index);
      assert.ok(ref && ref.keypoints.length === 33, `reference frame ${f.index} present`);
      assert.ok(f.poses.length >= 1, `frame ${f.index}: a person found`);
      const p = f.poses[0];
      // Near side: the one with the smaller (closer) reference z at the hips.
      const side = ref.keypoints[LM.left_hip].z <= ref.keypoints[LM.right_hip].z ? 'left' : 'right';
      for (const joint of ['shoulder', 'hip', 'knee']) {
        const i = LM[`${side}_${joint}`];
        const dx = p[i * 4] * W - ref.keypoints[i].x;
        const dy = p[i * 4 + 1] * H - ref.keypoints[i].y;
        const err = Math.hypot(dx, dy) / Math.max(W, H);
        errs.push(err);
        if (err > worst.err) worst = { err, frame: f.index, joint: `${side}_${joint}` };
      }
    }
    const med = median(errs);
    console.log(`# video ${model}: near-side shoulder/hip/knee vs Python track: median ${(med * 100).toFixed(2)} %, `
      + `max ${(worst.err * 100).toFixed(2)} % of ${Math.max(W, H)} px (frame ${worst.frame}, ${worst.joint}); ${res.frames.length} frames`);
    assert.ok(med <= tolMedian, `median error ${med} <= ${tolMedian}`);
    assert.ok(worst.err <= tolMax, `max error ${worst.err} <= ${tolMax}`);
    record(`video ${model} CPU (360x640)`, res.frames.map((f) => f.inferenceMs));
  });
}

test('no request left the origin', async () => {
  await new Promise((r) => setTimeout(r, 200)); // let closing workers finish
  // tasks-vision's own telemetry is blocked inside the worker (see pose-worker.js).
  for (const n of blockedNotes) console.log(`# worker: ${n}`);
  assert.deepEqual(offOrigin, []);
});
