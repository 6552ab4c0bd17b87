// The page with a real clip as the fake webcam (headless Chromium, the real pose model on the
// CPU): reps counted and verdicts shown in line with the CLI on the same clip's track; the
// overlay drawn on the person; export read back by the CLI; the recorded-clip path giving the
// same count as the live path; and the failures a camera can have (unplugged, hidden tab,
// denied, a second person, the model not loading).
//
//   node --test tests/e2e/live-camera.test.mjs
//
// Needs ../shared/data (skipped with a message without it), ffmpeg, /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SHARED, ARTIFACTS, serve, launch, openPage, shot, y4m, videoDuration, cliReport, majority,
  assertReportSchema, assertSameAnalysis, overlayAtLandmarks, needShared, cli, serveWithout,
} from './helpers.mjs';

// Kettlebell deadlifts, told as such (the camera cannot see the implement; a bell between the
// feet is judged by its own rules).
const CLIPS = [
  { name: 'kb-deadlift-h-side', expect: 'crane', clipPath: true, lift: 'kettlebell-deadlift' },
  { name: 'kb-deadlift-c-side', expect: 'engine', clipPath: false, lift: 'kettlebell-deadlift' },
];
const SKIP = needShared(...CLIPS.flatMap((c) => [`videos/${c.name}.mp4`, `tracks/${c.name}.posetrack.json.gz`]));

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

const state = (page) => page.evaluate(() => window.hingecheck.state());

async function download(page, buttonId, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#${buttonId}`)]);
  const file = path.join(ARTIFACTS, name);
  await dl.saveAs(file);
  return file;
}

/** Samples the overlay at the hip and shoulder while the lifter stands (phase top). */
async function sampleOverlay(page, want = 3, timeoutMs = 15000) {
  const samples = [];
  const t0 = Date.now();
  while (samples.length < want && Date.now() - t0 < timeoutMs) {
    const s = await state(page);
    if (s.phase === 'top' && s.frames > 5) {
      const o = await overlayAtLandmarks(page);
      if (o.ok) samples.push(o);
    }
    await page.waitForTimeout(250);
  }
  return samples;
}

for (const clip of CLIPS) {
  test(`live camera: ${clip.name} (${clip.expect}) counted and judged like the CLI; overlay on the person; export read back`, { skip: SKIP }, async () => {
    const video = `videos/${clip.name}.mp4`;
    const duration = videoDuration(video);
    const cli = cliReport(path.join(SHARED, `tracks/${clip.name}.posetrack.json.gz`), '--exercise', clip.lift);
    const browser = await launch({ camera: y4m(video) });
    try {
      const { page, watch } = await openPage(browser, server);
      const s0 = await state(page);
      assert.equal(s0.mode, 'live', 'a camera is present: the page opens in Live');
      assert.equal(s0.crossOriginIsolated, true);
      await page.selectOption('#exercise', clip.lift);
      await page.click('#live-start');
      await page.waitForFunction(() => window.hingecheck.state().frames > 0, null, { timeout: 30000 });

      // The overlay is drawn on the person: at the near hip the engine disc, at the shoulder
      // the skeleton/crane, nothing in the empty corner.
      const samples = await sampleOverlay(page);
      assert.ok(samples.length >= 2, `overlay sampled while standing (${samples.length})`);
      for (const o of samples) {
        console.log(`overlay at t=${(o.t / 1000).toFixed(2)} s: canvas ${o.canvas.w}×${o.canvas.h} at (${o.canvas.left}, ${o.canvas.top}) over video ${o.video.w}×${o.video.h};`
          + ` hip (${o.hip.x.toFixed(0)}, ${o.hip.y.toFixed(0)}) green ${o.hip.green}/${o.hip.n}; shoulder drawn ${o.shoulder.drawn}/${o.shoulder.n}; corner ${o.far.drawn}`);
      }
      const good = samples.filter((o) => o.hip.green >= 10 && o.shoulder.drawn >= 5 && o.far.drawn === 0);
      assert.ok(good.length >= samples.length - 1, 'the engine disc sits on the hip and the overlay on the shoulder');
      const o = samples[0];
      assert.ok(Math.abs(o.canvas.w / o.canvas.h - o.video.w / o.video.h) < 0.02, 'the overlay canvas has the picture\'s aspect (letterboxing handled)');
      await shot(page, `live-${clip.name}-standing`);

      // Let the clip play once through (the fake camera loops it), then end the set.
      await page.waitForFunction((ms) => (window.hingecheck.state().lastT ?? 0) >= ms, (duration - 0.12) * 1000, { timeout: (duration + 30) * 1000, polling: 100 });
      const mid = await state(page);
      await shot(page, `live-${clip.name}-end`);
      const report = await page.evaluate(() => window.hingecheck.finish());
      assertReportSchema(report, 'page report');
      console.log(`${clip.name} live: ${mid.frames} frames analysed in ${duration.toFixed(1)} s (model ${mid.inferenceMs?.toFixed(0)} ms a frame), `
        + `${report.summary.rep_count} reps: engine ${report.summary.engine}, crane ${report.summary.crane}, unclear ${report.summary.unclear}; `
        + `CLI on the track: ${cli.summary.rep_count} reps, engine ${cli.summary.engine}, crane ${cli.summary.crane}`);
      const times = (r) => r.reps.map((x) => `${x.index}:${x.bottom_s.toFixed(2)}→${x.lockout_s.toFixed(2)}`).join(' ');
      assert.equal(report.summary.rep_count, cli.summary.rep_count, `rep count as the CLI on the same clip (page ${times(report)}; CLI ${times(cli)}; notes ${report.notes.join(' | ')})`);
      assert.equal(majority(report), majority(cli), 'majority verdict as the CLI');
      assert.equal(majority(report), clip.expect, `the clip's label (${clip.expect})`);
      assert.equal(report.exercise, cli.exercise);

      // The verdict is shown in the DOM (the ARIA live region) and was spoken.
      const verdict = await page.textContent('#verdict');
      assert.match(verdict, /Rep \d+: (Engine|Crane|Unclear)/);
      assert.equal(await page.getAttribute('#verdict', 'aria-live'), 'polite');
      const st = await state(page);
      assert.ok(st.spoken.length >= report.summary.rep_count, `a cue after each rep (${st.spoken.length} spoken)`);

      // Review and export; the CLI reads the exported posetrack back to the same analysis.
      await page.keyboard.press('4');
      const rows = await page.locator('#reps-table tbody tr').count();
      assert.equal(rows, report.summary.rep_count, 'one table row per rep');
      await shot(page, `live-${clip.name}-review`);
      const jsonFile = await download(page, 'export-json', `live-${clip.name}.report.json`);
      const csvFile = await download(page, 'export-csv', `live-${clip.name}.reps.csv`);
      const trackFile = await download(page, 'export-posetrack', `live-${clip.name}.posetrack.json`);
      const exported = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
      assertReportSchema(exported, 'exported report');
      assert.deepEqual(exported.summary, report.summary);
      assert.equal(exported.session.source, 'live');
      const csv = fs.readFileSync(csvFile, 'utf8').trim().split('\n');
      assert.equal(csv.length, report.summary.rep_count + 1, 'CSV: a header and a row per rep');
      assert.match(csv[0], /^rep,start_s,bottom_s,lockout_s,end_s,verdict,confidence,/);
      const back = cliReport(trackFile, '--exercise', clip.lift);
      assertSameAnalysis(back, report, 'CLI on the exported posetrack vs the page');
      const shown = cliShow(jsonFile);
      assert.match(shown, new RegExp(`reps: ${report.summary.rep_count}`), 'the CLI reads the exported report');

      if (clip.clipPath) {
        // The recorded-clip path: the same clip as a file, every frame analysed.
        await page.keyboard.press('3');
        await page.setInputFiles('#clip-file', path.join(SHARED, video));
        await page.waitForFunction(() => window.hingecheck.state().clip.analysing, null, { timeout: 30000 });
        await page.waitForFunction(() => !window.hingecheck.state().clip.analysing, null, { timeout: 400000, polling: 1000 });
        const cs = await state(page);
        const clipReport = await page.evaluate(() => window.hingecheck.report());
        const track = cli.frames?.total;
        console.log(`${clip.name} clip path: ${cs.clip.frames} frames (track ${track}), ${(cs.clip.wallMs / 1000).toFixed(0)} s, rate ${cs.clip.rate}, `
          + `skipped ${cs.clip.missed} (fetched again ${cs.clip.recovered}); ${clipReport.summary.rep_count} reps: engine ${clipReport.summary.engine}, crane ${clipReport.summary.crane}`);
        assertReportSchema(clipReport, 'clip report');
        assert.equal(clipReport.session.source, 'clip');
        assert.equal(clipReport.summary.rep_count, report.summary.rep_count, 'the clip path counts what the live path counted');
        assert.equal(majority(clipReport), clip.expect);
        if (track) assert.ok(cs.clip.frames >= track - 2, `every frame analysed (${cs.clip.frames} of ${track})`);
        // Scrub to a rep's lockout and replay: the overlay is re-drawn from the stored frames.
        const rep = clipReport.reps[2];
        await page.evaluate(async (t) => {
          const v = document.getElementById('video');
          const el = document.getElementById('clip-scrub');
          el.value = String(t / v.duration);
          el.dispatchEvent(new Event('input'));
          await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
          await new Promise((r) => setTimeout(r, 200));
        }, rep.lockout_s);
        const drawn = await page.evaluate(() => {
          const c = document.getElementById('overlay');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let k = 3; k < d.length; k += 4) if (d[k]) n++;
          return n;
        });
        assert.ok(drawn > 500, `scrubbing re-draws the overlay (${drawn} px)`);
        await shot(page, `clip-${clip.name}-scrubbed`);
      }
      assert.deepEqual(watch.errors, [], 'no console errors');
      assert.deepEqual(watch.offOrigin, [], 'no request left the origin');
      assert.ok(watch.urls.some((u) => u.endsWith('.task')), 'the pose worker\'s model request was seen by the request watcher');
    } finally {
      await browser.close();
    }
  });
}

const cliShow = (file) => cli('show', file);

test('camera unplugged mid-set and a hidden tab: paused with a message, resumed, the set kept', { skip: SKIP }, async () => {
  const browser = await launch({ camera: y4m('videos/kb-deadlift-c-side.mp4') });
  try {
    const { page, watch } = await openPage(browser, server);
    await page.click('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().frames > 20, null, { timeout: 30000 });
    const started = (await page.evaluate(() => window.hingecheck.report())).session.started;

    // Standing calibration: a visible countdown, then the core's answer (calibrated, or why not).
    await page.click('#calibrate');
    assert.equal(await page.isVisible('#countdown'), true);
    assert.match(await page.textContent('#countdown'), /^3\s*Stand tall and still/);
    await shot(page, 'live-calibration-countdown');
    await page.waitForFunction(() => document.getElementById('countdown').hidden, null, { timeout: 6000 });
    assert.equal(await page.isVisible('#countdown'), false, 'the countdown is gone from the screen');
    const cal = await page.textContent('#calibration-status');
    const calBanner = await page.locator('#banners [data-id="calibration"]').count();
    console.log(`calibration: ${cal}`);
    assert.ok(/calibrated \(still\)/.test(cal) || (/not calibrated: .+/.test(cal) && calBanner === 1), `the calibration says how it went: ${cal}`);

    // Unplugged: the track ends.
    const before = await state(page);
    await page.evaluate(() => window.hingecheck.app.live.stream.getVideoTracks()[0].dispatchEvent(new Event('ended')));
    let s = await state(page);
    assert.equal(s.live.paused, 'camera-lost');
    const msg = await page.textContent('#banners');
    assert.match(msg, /camera stopped/i);
    assert.match(msg, /set is kept/i);
    await shot(page, 'robust-camera-unplugged');
    await page.click('#banners [data-id="camera"] button:has-text("Resume")');
    await page.waitForFunction((n) => window.hingecheck.state().frames > n + 10, before.frames, { timeout: 20000 });
    s = await state(page);
    assert.equal(s.live.running, true);
    assert.equal((await page.evaluate(() => window.hingecheck.report())).session.started, started, 'the same session goes on');

    // Hidden tab: paused; back: resumed with a message.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    s = await state(page);
    assert.equal(s.live.paused, 'hidden');
    const framesHidden = s.frames;
    await page.waitForTimeout(600);
    assert.ok((await state(page)).frames <= framesHidden + 1, 'nothing analysed while hidden');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForFunction((n) => window.hingecheck.state().frames > n + 5, framesHidden, { timeout: 20000 });
    assert.match(await page.textContent('#banners'), /hidden; resumed/);
    const r = await page.evaluate(() => window.hingecheck.report());
    assert.equal(r.session.started, started, 'still the same session');

    // Mirrored preview: the video flips, and the overlay is drawn flipped onto it.
    await page.check('#mirror');
    const mirrored = await sampleOverlay(page, 2);
    assert.ok(mirrored.length >= 1, 'overlay sampled with the mirrored preview');
    for (const o of mirrored) console.log(`mirrored overlay: hip (${o.hip.x.toFixed(0)}, ${o.hip.y.toFixed(0)}) green ${o.hip.green}/${o.hip.n}; shoulder drawn ${o.shoulder.drawn}`);
    assert.ok(mirrored.some((o) => o.hip.green >= 10 && o.shoulder.drawn >= 5), 'the engine disc on the mirrored hip');
    await shot(page, 'live-mirrored');
    const times = await page.evaluate(() => { const se = window.hingecheck.app.session; const t = []; for (let i = 0; i < se.frames; i++) t.push(se.time(i)); return t; });
    assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]), 'the session clock only goes forward across the pauses');
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.offOrigin, []);
  } finally {
    await browser.close();
  }
});

test('a second person in view gets a framing message', { skip: SKIP }, async () => {
  // Two copies of the lifter side by side.
  const cam = y4m('videos/kb-deadlift-c-side.mp4', { name: 'two-people.y4m', filter: 'split[a][b];[a][b]hstack' });
  const browser = await launch({ camera: cam });
  try {
    const { page, watch } = await openPage(browser, server);
    await page.click('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().framing.some((f) => f.code === 'second_person'), null, { timeout: 30000, polling: 200 });
    await page.waitForFunction(() => document.getElementById('framing').textContent.includes('Someone else is in view'), null, { timeout: 5000 });
    await shot(page, 'robust-second-person');
    assert.deepEqual(watch.errors, []);
  } finally {
    await browser.close();
  }
});

test('camera denied: a clear message and a way forward (demo, clip)', { skip: SKIP }, async () => {
  const browser = await launch({ camera: y4m('videos/kb-deadlift-c-side.mp4'), grantCamera: false });
  try {
    const { page, watch } = await openPage(browser, server);
    await page.click('#live-start');
    await page.waitForSelector('#banners [data-id="camera"]', { timeout: 15000 });
    const text = await page.textContent('#banners [data-id="camera"]');
    assert.match(text, /refused|not found|No camera/i);
    assert.match(text, /demo/i);
    await shot(page, 'robust-camera-denied');
    await page.click('#banners [data-id="camera"] button:has-text("Watch the demo")');
    await page.waitForFunction(() => window.hingecheck.state().demo.running, null, { timeout: 10000 });
    assert.deepEqual(watch.errors, []);
  } finally {
    await browser.close();
  }
});

test('the pose model fails to load: a clear message, the rest of the page works', { skip: SKIP }, async () => {
  const browser = await launch({ camera: y4m('videos/kb-deadlift-c-side.mp4') });
  const broken = await serveWithout('models');
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${broken.url}/?nosw`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await page.waitForSelector('#banners [data-id="model"]', { timeout: 20000 });
    const text = await page.textContent('#banners [data-id="model"]');
    assert.match(text, /pose model did not load/i);
    assert.match(text, /HTTP 404/);
    assert.match(await page.textContent('#model-status'), /failed/);
    await shot(page, 'robust-model-failed');
    // The demo and review still work.
    await page.click('#banners [data-id="model"] button:has-text("Watch the demo")');
    await page.waitForFunction(() => window.hingecheck.state().frames > 30, null, { timeout: 10000 });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await broken.close();
  }
});
