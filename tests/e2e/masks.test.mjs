// Person masks through the page (issue 10): the pose worker's segmentation-mask crops reach the
// analysis and the posetrack export, with the real model on real video in headless Chromium.
//   - Clip mode with a mask every 2nd frame: the exported posetrack's frames carry masks at that
//     rate, each a square around the lifter's trunk with the lifter in it; the CLI reads the file
//     and finds the same reps as the page; importing it gives the masks back to the page.
//   - The live camera with masks on: masks at the rate set, turned off mid-set without a reload,
//     and no request leaves the origin (the privacy check, with the segmentation graph running).
//   - Broken masks (a worker bug, a bad import) neither stop the analysis nor break the export.
//   - The offline reference (tools/mask-track.mjs): a video in, a posetrack with a mask on every
//     frame out, read by the CLI; tools/mask-tracks.sh writes only outside the repo and ../shared.
// The real-data tests skip, with a message, when ../shared is absent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import {
  ROOT, SHARED, serve, launch, openPage, shot, cliReport, assertSameAnalysis, needShared, tempDir, y4m,
} from './helpers.mjs';

const ROUNDED = 'corpus/videos/bbdl-b-bad007.mp4'; // a rounded-back barbell deadlift, 1280×720, 113 frames
const GOOD = 'corpus/videos/bbdl-b-good014.mp4'; // the same lifter, a good one, 111 frames
const GOOD_TRACK = 'corpus/tracks/bbdl-b-good014.posetrack.json.gz';
const LIVE = 'videos/kb-deadlift-c-side.mp4';
const SKIP = needShared(ROUNDED, GOOD, GOOD_TRACK, LIVE);
const SIDE = 128;

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

const state = (page) => page.evaluate(() => window.hingecheck.state());

async function analyseClip(page, file, { masks, exercise = 'deadlift' }) {
  await page.evaluate(() => window.hingecheck.setMode('clip'));
  await page.selectOption('#exercise', exercise);
  await page.selectOption('#masks', String(masks));
  await page.setInputFiles('#clip-file', path.join(SHARED, file));
  await page.waitForFunction(() => window.hingecheck.state().clip.analysing, null, { timeout: 60000 });
  await page.waitForFunction(() => !window.hingecheck.state().clip.analysing, null, { timeout: 300000, polling: 500 });
  assert.match(await page.textContent('#clip-status'), /^Analysed/, 'the whole clip was analysed');
  return page.evaluate(() => window.hingecheck.report());
}

/** Review → Export posetrack: the downloaded file's path and its JSON. */
async function exportTrack(page, name) {
  await page.evaluate(() => window.hingecheck.setMode('review'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-posetrack')]);
  const file = path.join(tempDir(), name);
  await download.saveAs(file);
  return { file, track: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

const decode = (b64) => Buffer.from(b64, 'base64');

test('Clip mode with a mask every 2nd frame: the exported posetrack carries masks around the trunk, and the CLI reads it back', { skip: SKIP }, async () => {
  const browser = await launch();
  try {
    const { page, watch } = await openPage(browser, server, { query: '?nosw' });
    const report = await analyseClip(page, ROUNDED, { masks: 2 });
    const s = await state(page);
    assert.equal(s.masks.rate, 2, 'the worker runs at the rate set');
    assert.equal(s.masks.broken, 0, 'the worker\'s crops are all ones the core takes');
    const { file, track } = await exportTrack(page, 'bad007-masks.posetrack.json');
    const W = track.metadata.videoWidth;
    const H = track.metadata.videoHeight;
    const people = track.frames.filter((f) => f.keypoints.length);
    const masked = track.frames.filter((f) => f.mask);
    console.log(`${path.basename(ROUNDED)}: ${track.frames.length} frames, ${people.length} with the lifter, ${masked.length} with a mask; `
      + `crop ${s.masks.cropMs.toFixed(2)} ms, model ${s.inferenceMs.toFixed(0)} ms a frame`);
    assert.ok(people.length > 100, 'the lifter is found in (nearly) every frame');
    assert.ok(Math.abs(masked.length - people.length / 2) <= 2, `a mask every 2nd frame with the lifter: ${masked.length} of ${people.length}`);
    assert.equal(masked.length, s.masks.kept, 'every mask kept is exported');
    // Never two masked frames in a row, nor two unmasked ones (the worker counts the frames).
    let runs = 0;
    for (let i = 1; i < track.frames.length; i++) if (!!track.frames[i].mask === !!track.frames[i - 1].mask) runs++;
    assert.ok(runs <= 2, `masks alternate with the frames (${runs} breaks)`);
    let withBackground = 0;
    for (const f of masked) {
      const at = `frame ${f.frameIndex}`;
      assert.equal(f.mask.side, SIDE, `${at}: 128 × 128`);
      const cells = decode(f.mask.data);
      assert.equal(cells.length, SIDE * SIDE, `${at}: 16384 cells`);
      const [x0, y0, x1, y1] = f.mask.box;
      const kp = (i) => f.keypoints[i];
      const mid = (a, b) => [(kp(a).x + kp(b).x) / 2, (kp(a).y + kp(b).y) / 2];
      const sh = mid(11, 12);
      const hip = mid(23, 24);
      const trunk = Math.hypot(sh[0] - hip[0], sh[1] - hip[1]);
      const side = (x1 - x0) * W;
      assert.ok(Math.abs(side - (y1 - y0) * H) < 0.05, `${at}: square in pixels`);
      assert.ok(Math.abs(side / trunk - 2.5) < 0.01, `${at}: 2.5 trunk lengths a side (${(side / trunk).toFixed(3)})`);
      for (const [x, y] of [sh, hip]) {
        assert.ok(x > x0 * W && x < x1 * W && y > y0 * H && y < y1 * H, `${at}: the hips and shoulders are in the box`);
      }
      // The crop's centre is the trunk's midpoint: the lifter; its corners are mostly not.
      let centre = 0;
      for (let j = 60; j < 68; j++) for (let i = 60; i < 68; i++) centre += cells[j * SIDE + i];
      assert.ok(centre / 64 > 200, `${at}: the trunk's midpoint is the person (${(centre / 64).toFixed(0)} of 255)`);
      let background = 0;
      for (const v of cells) if (v < 26) background++;
      if (background > SIDE * SIDE * 0.2) withBackground++;
    }
    // Around the lifter there is background, unless the model's landmarks are off (the lite
    // model puts the shoulder near the hip at some bottoms of this rounded back: the crop is
    // then small and all lifter, as the landmarks say).
    assert.ok(withBackground >= 0.9 * masked.length, `the crops have background around the lifter (${withBackground} of ${masked.length})`);
    // How a mask lies on its picture (a look, for the person reading the test's output).
    const mid = masked[Math.floor(masked.length / 2)];
    await page.evaluate(() => window.hingecheck.setMode('clip'));
    await page.evaluate(async ({ t, box, data }) => {
      const v = document.getElementById('video');
      await new Promise((r) => { v.onseeked = r; v.currentTime = t / 1000; });
      const c = document.createElement('canvas');
      c.id = 'mask-look';
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      Object.assign(c.style, { position: 'fixed', left: '0', top: '0', width: '960px', zIndex: 99999, background: '#000' });
      const g = c.getContext('2d');
      g.drawImage(v, 0, 0);
      const cells = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
      const m = new OffscreenCanvas(128, 128);
      const img = new ImageData(128, 128);
      cells.forEach((p, k) => { img.data.set([255, 0, 200, p * 0.5], k * 4); });
      m.getContext('2d').putImageData(img, 0, 0);
      const [x0, y0, x1, y1] = box;
      g.drawImage(m, x0 * c.width, y0 * c.height, (x1 - x0) * c.width, (y1 - y0) * c.height);
      g.strokeStyle = '#ff0';
      g.lineWidth = 3;
      g.strokeRect(x0 * c.width, y0 * c.height, (x1 - x0) * c.width, (y1 - y0) * c.height);
      document.body.append(c);
    }, { t: mid.timestamp, box: mid.mask.box, data: mid.mask.data });
    await shot(page, 'masks-clip-crop-on-frame', '#mask-look');
    await page.evaluate(() => document.getElementById('mask-look').remove());

    // The CLI reads the file (masks and all) and finds what the page found.
    const cli = cliReport(file, '--exercise', 'deadlift');
    assertSameAnalysis(report, cli, 'page vs CLI on the page\'s own posetrack');
    assert.equal(cli.frames.total, track.frames.length, 'the CLI reads every frame (one whose mask it refused would be dropped)');
    assert.ok(!cli.notes.some((n) => /unusable|rejected/i.test(n)), `the CLI refuses no mask: ${cli.notes.join(' | ')}`);
    assert.ok(cli.notes.some((n) => /outline in the person mask/.test(n)), 'and says the back was judged from its outline');
    // It does read them: a frame whose mask is cut short is dropped, and it says why.
    const bad = structuredClone(track);
    bad.frames.find((f) => f.mask).mask.data = 'AAAA';
    const badFile = path.join(tempDir(), 'bad007-one-bad-mask.posetrack.json');
    fs.writeFileSync(badFile, JSON.stringify(bad));
    const cliBad = cliReport(badFile, '--exercise', 'deadlift');
    assert.equal(cliBad.frames.total, track.frames.length - 1, 'the frame with the broken mask is dropped');
    assert.ok(cliBad.notes.some((n) => /(unusable|rejected).*mask/i.test(n)), `and the notes say it was the mask: ${cliBad.notes.join(' | ')}`);

    // Imported back into the page, the masks come with the frames.
    await page.setInputFiles('#import-file', file);
    await page.waitForFunction(() => window.hingecheck.state().source === 'import', null, { timeout: 60000 });
    const imported = await state(page);
    assert.equal(imported.masks.kept, masked.length, 'an imported posetrack\'s masks are fed and kept');
    assert.equal(imported.masks.broken, 0);
    assertSameAnalysis(await page.evaluate(() => window.hingecheck.report()), report, 'the import analyses as the clip did');

    assert.deepEqual(watch.errors, [], 'no console errors');
    assert.deepEqual(watch.offOrigin, [], 'no request left the origin');
  } finally {
    await browser.close();
  }
});

test('the back\'s outline in the page: with a mask every frame Clip mode calls the rounded pull\'s back a fault and leaves the good pull\'s back alone, and the review draws the back line', { skip: SKIP }, async () => {
  const browser = await launch();
  try {
    const { page, watch } = await openPage(browser, server, { query: '?nosw' });
    // The full model: the one the fault line was set on (docs/biomechanics.md §1.6).
    await page.selectOption('#model', 'full');
    const rounded = await analyseClip(page, ROUNDED, { masks: 1 });
    const roundedState = await state(page);
    const roundedHud = await page.textContent('#verdict');
    const good = await analyseClip(page, GOOD, { masks: 1 });
    const goodState = await state(page);
    const back = (r) => r.reps.map((rep) => ({
      lumbar: rep.metrics.lumbar_flexion_deg,
      bend: rep.metrics.spine_bend_deg,
      seen: rep.metrics.back_outline_seen,
      rounded: rep.faults.find((f) => f.code === 'rounded_back'),
      verdict: rep.verdict,
    }));
    const rb = back(rounded);
    const gb = back(good);
    console.log(`rounded ${path.basename(ROUNDED)}: ${roundedState.masks.kept} masks; reps ${JSON.stringify(rb.map((b) => [b.verdict, b.bend, b.lumbar, b.seen, b.rounded?.severity ?? null]))}`);
    console.log(`good ${path.basename(GOOD)}: ${goodState.masks.kept} masks; reps ${JSON.stringify(gb.map((b) => [b.verdict, b.bend, b.lumbar, b.seen, b.rounded?.severity ?? null]))}`);
    assert.equal(rb.length, 1, 'the rounded pull is one rep');
    assert.equal(gb.length, 1, 'the good pull is one rep');
    assert.ok(rb[0].seen > 0.5, `the rounded pull's outline is read at the bottom (${rb[0].seen})`);
    assert.ok(rb[0].bend >= 34, `its trunk tipped ≥ 34° (the fault line) further than its pelvis turned, against standing (${rb[0].bend}°)`);
    assert.equal(rb[0].rounded?.severity, 'fault', 'a rounded_back fault, from the outline');
    assert.match(rb[0].rounded.message, /trunk tipped \d+° further than your pelvis turned/, 'in the outline\'s words, with the number');
    assert.equal(rb[0].verdict, 'crane');
    assert.ok(gb[0].bend < 32, `the good pull's spine stays under the warning line (${gb[0].bend}°)`);
    assert.ok(!gb[0].rounded, 'no rounded_back on the good pull');
    // The CLI on the page's own export says the same (the core is one).
    const { file } = await exportTrack(page, 'good014-masks.posetrack.json');
    assertSameAnalysis(good, cliReport(file, '--exercise', 'deadlift'), 'page vs CLI, masks and all');

    // The clip opens at the bottom, before the lifter's standing outline is known: the rep is
    // told once standing is seen (or told as it arrives and told again then, "read again"): the
    // HUD's last word is the report's verdict with the back read.
    const roundedVerdict = roundedHud;
    assert.match(roundedVerdict, /^Rep 1(, read again)?: Crane\./, `the HUD: ${roundedVerdict}`);
    assert.match(roundedVerdict, /lower back rounded/);

    // The rounded pull again, scrubbed to its second bottom (the lowering at the clip's end,
    // with standing known): the back line is drawn in the fault colour with its number.
    await analyseClip(page, ROUNDED, { masks: 1 });
    await page.evaluate(async () => {
      const v = document.getElementById('video');
      const el = document.getElementById('clip-scrub');
      el.value = String((v.duration - 0.25) / v.duration);
      el.dispatchEvent(new Event('input'));
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      await new Promise((r) => setTimeout(r, 300));
    });
    const red = await page.evaluate(() => {
      const c = document.getElementById('overlay');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 200 && d[k] > 200 && d[k + 1] < 110 && d[k + 2] < 110) n++;
      return n;
    });
    await shot(page, 'masks-rounded-back-at-bottom');
    assert.ok(red > 100, `the overlay draws the back line red at the rounded bottom (${red} px)`);
    assert.deepEqual(watch.errors, [], 'no console errors');
    assert.deepEqual(watch.offOrigin, [], 'no request left the origin');
  } finally {
    await browser.close();
  }
});

test('the live camera with masks on: a mask every frame, off and back on at every 2nd frame mid-set without a reload, nothing leaves the origin', { skip: SKIP }, async () => {
  const camera = y4m(LIVE, { fps: 30, filter: 'scale=360:640', name: 'kb-deadlift-c-side-masks.y4m' });
  const browser = await launch({ camera });
  try {
    const { page, watch } = await openPage(browser, server, { query: '?nosw' });
    await page.selectOption('#masks', '1');
    await page.evaluate(() => window.hingecheck.setMode('live'));
    await page.click('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().frames >= 40, null, { timeout: 120000, polling: 250 });
    const on = await state(page);
    const withPerson = on.frames; // the lifter is in every frame of this clip
    assert.equal(on.masks.rate, 1);
    assert.ok(on.masks.fed >= withPerson * 0.9, `a mask with (nearly) every frame: ${on.masks.fed} of ${withPerson}`);
    assert.equal(on.masks.broken, 0);
    assert.ok(on.masks.cropMs < 5, `the crop is cheap (${on.masks.cropMs.toFixed(2)} ms)`);
    await shot(page, 'masks-live-on');
    // Off, mid-set: the worker changes its graph, the set goes on, the masks stop.
    await page.selectOption('#masks', '0');
    await page.waitForFunction(() => window.hingecheck.state().masks.rate === 0, null, { timeout: 30000 });
    const at = (await state(page)).masks.fed;
    const frames0 = (await state(page)).frames;
    await page.waitForFunction((n) => window.hingecheck.state().frames >= n + 20, frames0, { timeout: 120000, polling: 250 });
    const off = await state(page);
    assert.ok(off.masks.fed <= at + 1, `no masks after they were turned off (${off.masks.fed} vs ${at})`);
    assert.equal(off.live.running, true, 'the set goes on');
    assert.equal(off.modelError, null);
    // On again at every 2nd frame: the graph gives masks again, half as often.
    await page.selectOption('#masks', '2');
    await page.waitForFunction(() => window.hingecheck.state().masks.rate === 2, null, { timeout: 30000 });
    const half0 = await state(page);
    await page.waitForFunction((n) => window.hingecheck.state().frames >= n + 30, half0.frames, { timeout: 120000, polling: 250 });
    const half = await state(page);
    const share = (half.masks.fed - half0.masks.fed) / (half.frames - half0.frames);
    assert.ok(share > 0.35 && share < 0.65, `a mask every 2nd frame (${(share * 100).toFixed(0)} % of frames)`);
    console.log(`live with masks: ${on.frames} frames, ${on.masks.fed} masks, model ${on.inferenceMs.toFixed(0)} ms + crop ${on.masks.cropMs.toFixed(2)} ms; `
      + `then off: ${off.frames - frames0} frames, ${off.masks.fed - at} masks; then every 2nd: ${half.frames - half0.frames} frames, ${half.masks.fed - half0.masks.fed} masks`);
    await page.click('#live-start'); // stop
    assert.deepEqual(watch.errors, [], 'no console errors');
    assert.deepEqual(watch.offOrigin, [], 'no request left the origin with masks on');
  } finally {
    await browser.close();
  }
});

test('broken masks neither stop the analysis nor break the export', { skip: SKIP }, async () => {
  const cli = cliReport(path.join(SHARED, GOOD_TRACK), '--exercise', 'deadlift');
  const browser = await launch();
  try {
    const { page, watch } = await openPage(browser, server, { query: '?nosw' });
    // Between the worker and the session, three masks in four are broken in a different way.
    await page.evaluate(() => {
      const pose = window.hingecheck.app.pose;
      const detect = pose.detect;
      let k = 0;
      pose.detect = async (...a) => {
        const r = await detect(...a);
        if (r?.mask) {
          const m = r.mask;
          switch (k++ % 4) {
            case 0: m.box[1] = NaN; break; // not a number
            case 1: r.mask = { box: m.box, data: m.data.subarray(0, 100) }; break; // too few cells
            case 2: m.box[2] = m.box[0] - 0.1; break; // not a box
            default: break; // a good one
          }
        }
        return r;
      };
    });
    const report = await analyseClip(page, GOOD, { masks: 1 });
    const s = await state(page);
    assert.equal(report.summary.rep_count, cli.summary.rep_count, 'the reps are counted as without masks');
    assert.ok(s.masks.broken > 50, `the broken masks were left out (${s.masks.broken})`);
    assert.ok(Math.abs(s.masks.fed - s.masks.broken / 3) <= 2, `the good ones were used (${s.masks.fed})`);
    const { file, track } = await exportTrack(page, 'good014-broken.posetrack.json');
    assert.equal(track.frames.filter((f) => f.mask).length, s.masks.fed, 'the export holds the good masks only');
    assertSameAnalysis(cliReport(file, '--exercise', 'deadlift'), report, 'the CLI on the export');
    assert.deepEqual(watch.errors, [], 'no console errors');
  } finally {
    await browser.close();
  }
});

test('tools/mask-track.mjs: a video in, a gzipped posetrack with a mask on every frame out, which the CLI reads', { skip: SKIP }, async () => {
  const out = path.join(tempDir(), 'good014.lite.posetrack.json.gz');
  const r = spawnSync('node', ['tools/mask-track.mjs', path.join(SHARED, GOOD), out, '--model', 'lite', '--exercise', 'deadlift', '--quiet'],
    { cwd: ROOT, encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, `mask-track exits 0: ${r.stderr}`);
  console.log(r.stdout.trim());
  const track = JSON.parse(zlib.gunzipSync(fs.readFileSync(out)).toString('utf8'));
  const people = track.frames.filter((f) => f.keypoints.length);
  const masked = track.frames.filter((f) => f.mask);
  assert.ok(track.frames.length >= 105, `(nearly) every one of the video's 111 frames (${track.frames.length})`);
  assert.ok(masked.length >= people.length - 2, `a mask on every frame with the lifter (${masked.length} of ${people.length})`);
  assert.equal(track.metadata.maskEvery, 1);
  assert.equal(track.metadata.modelVariant, 'lite');
  assert.equal(track.metadata.sourceVideoName, path.basename(GOOD));
  assert.match(track.metadata.sourceVideoHash, /^[0-9a-f]{64}$/);
  const cli = cliReport(out, '--exercise', 'deadlift');
  assert.equal(cli.frames.total, track.frames.length, 'the CLI reads every frame, masks and all');
  assert.equal(cli.summary.rep_count, 1, 'the one deadlift of the clip');
  // Bad arguments: a usage line and exit 2, nothing written.
  const bad = spawnSync('node', ['tools/mask-track.mjs', path.join(SHARED, GOOD), out, '--model', 'heavy'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--model heavy: full or lite/);
});

test('tools/mask-tracks.sh never writes into the repository or ../shared', () => {
  for (const dir of [path.join(ROOT, 'mask-tracks-here'), path.join(ROOT, '../shared/mask-tracks-here')]) {
    const r = spawnSync('bash', ['tools/mask-tracks.sh', '--out', dir, 'no-such-video.mp4'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2, `refused: ${dir}`);
    assert.match(r.stderr, /inside the repository or \.\.\/shared/);
    assert.ok(!fs.existsSync(dir), 'and made nothing there');
  }
});
