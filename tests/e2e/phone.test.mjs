// On a phone (issue 11), in mobile emulation (a phone-sized viewport, touch, device scale 3)
// with a real clip as the camera: a live set in portrait, counted as the CLI counts the clip's
// track, and in landscape; screenshots of both (test-artifacts/e2e/phone-*.png). The stage fills
// the screen, the start button sits where a thumb reaches and is started by a tap, the verdict
// and the rep count are at least as large as on the desktop layout, nothing scrolls sideways in
// any mode, the front/rear switch mirrors the preview for the front camera only, the start tap
// unlocks the audio (Chromium told to allow sound only after a gesture), and the screen is kept
// awake while the set runs (the real Screen Wake Lock), taken again when the page is visible
// again, released when the set stops; without the API the page says so. No request leaves the
// origin in any mode.
//
//   node --test tests/e2e/phone.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHARED, serve, launch, watch, shot, y4m, videoDuration, cliReport, needShared } from './helpers.mjs';

const CLIP = 'kb-deadlift-c-side';
const SKIP = needShared(`videos/${CLIP}.mp4`, `tracks/${CLIP}.posetrack.json.gz`);
const PORTRAIT = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const LANDSCAPE = { viewport: { width: 844, height: 390 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const MODES = ['live', 'drill', 'clip', 'review', 'demo', 'history'];

let server;
let browser;
let desktop; // the desktop layout's type sizes
before(async () => {
  if (SKIP) return;
  server = await serve();
  browser = await launch({ camera: y4m(`videos/${CLIP}.mp4`), args: ['--autoplay-policy=user-gesture-required'] });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/?nosw`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  desktop = await sizes(page);
  console.log(`desktop layout: verdict ${desktop.verdict}px (its verdict word ${desktop.word}px), rep count ${desktop.reps}px`);
  await ctx.close();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Computed type sizes (px) of the verdict, its verdict word, the rep count. */
function sizes(page) {
  return page.evaluate(() => {
    const px = (el) => parseFloat(getComputedStyle(el).fontSize);
    const v = document.getElementById('verdict');
    const word = v.querySelector('strong') ?? Object.assign(document.createElement('strong'), { textContent: 'x' });
    if (!word.isConnected) { v.append(word); }
    const out = { verdict: px(v), word: px(word), reps: px(document.getElementById('rep-count')) };
    if (word.textContent === 'x') word.remove();
    return out;
  });
}

/** Horizontal overflow of the page: how far it can scroll sideways (px). */
const sideways = (page) => page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);

const rect = (page, sel) => page.evaluate((s) => { const r = document.querySelector(s).getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; }, sel);
const state = (page) => page.evaluate(() => window.hingecheck.state());

async function open(opts, init = null) {
  const context = await browser.newContext(opts);
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const w = watch(context, page, new URL(server.url).origin);
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
  return { context, page, w };
}

test('portrait phone: a live set by a tap, the stage fills the screen, large verdict and count, thumb-reach start, no sideways scroll, screen awake', { skip: SKIP }, async () => {
  const video = `videos/${CLIP}.mp4`;
  const duration = videoDuration(video);
  const cli = cliReport(path.join(SHARED, `tracks/${CLIP}.posetrack.json.gz`));
  const { context, page, w } = await open(PORTRAIT);
  try {
    const vw = PORTRAIT.viewport.width;
    const vh = PORTRAIT.viewport.height;
    assert.equal(await page.evaluate(() => window.innerWidth), vw, 'the layout fits the phone\'s width (no zoomed-out page)');
    const s0 = await state(page);
    assert.equal(s0.mode, 'live');
    assert.equal(s0.audio, 'none', 'no audio before a gesture');
    assert.equal(s0.awake.held, false, 'the screen is not held awake before a set');

    // The start button where a thumb reaches: at the bottom of the screen, large enough to hit.
    const start = await rect(page, '#live-start');
    console.log(`portrait: start button ${start.w.toFixed(0)}×${start.h.toFixed(0)} at y ${start.y.toFixed(0)} of ${vh}`);
    assert.ok(start.y >= vh * 0.8 && start.y + start.h <= vh, 'the start button is in the bottom fifth of the screen, on screen');
    assert.ok(start.h >= 44 && start.w >= 44, 'a thumb-sized button (44 px or more)');
    const stage = await rect(page, '#stage');
    assert.ok(stage.w >= vw * 0.95, `the stage takes the screen's width (${stage.w.toFixed(0)} of ${vw})`);
    assert.ok(stage.h >= vh * 0.45, `and half its height or more (${stage.h.toFixed(0)} of ${vh})`);
    assert.ok(stage.y < 140, 'right under the header');

    await page.tap('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().frames > 0, null, { timeout: 30000 });
    let s = await state(page);
    assert.equal(s.audio, 'running', 'the start tap unlocked the audio (sound allowed only after a gesture here)');
    assert.equal(s.awake.held, true, 'the screen is kept awake while the set runs (Screen Wake Lock)');
    assert.equal(s.awake.taken, 1);

    // Hidden and visible again (the browser let go of the lock, as it does when a page is
    // hidden): the page takes it again.
    await page.evaluate(() => window.hingecheck.app.awake.sentinel.release());
    await page.waitForFunction(() => !window.hingecheck.state().awake.held, null, { timeout: 5000 });
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForFunction(() => window.hingecheck.state().awake.held, null, { timeout: 5000 });
    assert.equal((await state(page)).awake.taken, 2, 'taken again once visible');

    // The whole clip once through.
    await page.waitForFunction((n) => window.hingecheck.state().reps >= n, 2, { timeout: 60000 });
    await shot(page, 'phone-portrait-live');
    const mid = await sizes(page);
    console.log(`portrait: verdict ${mid.verdict}px (word ${mid.word}px), rep count ${mid.reps}px`);
    assert.ok(mid.verdict >= desktop.verdict, `the verdict text is at least as large as on the desktop (${mid.verdict} ≥ ${desktop.verdict})`);
    assert.ok(mid.word >= desktop.word * 1.5, `the verdict word much larger (${mid.word} vs ${desktop.word})`);
    assert.ok(mid.reps >= desktop.reps * 1.5, `the rep count much larger (${mid.reps} vs ${desktop.reps})`);
    const verdict = await rect(page, '#verdict');
    assert.ok(verdict.y + verdict.h <= start.y + 1, 'the verdict is on screen, above the thumb bar');
    assert.ok(await page.evaluate(() => { const r = document.getElementById('rep-count').getBoundingClientRect(); return r.bottom <= document.getElementById('live-start').getBoundingClientRect().top; }), 'the rep count too');
    assert.ok((await sideways(page)) <= 0, 'no sideways scroll during the set');
    await page.waitForFunction((ms) => (window.hingecheck.state().lastT ?? 0) >= ms, (duration - 0.12) * 1000, { timeout: (duration + 40) * 1000, polling: 100 });
    await page.tap('#live-start');
    s = await state(page);
    const r = await page.evaluate(() => window.hingecheck.report());
    console.log(`portrait phone: ${r.summary.rep_count} reps (engine ${r.summary.engine}, crane ${r.summary.crane}); CLI ${cli.summary.rep_count}`);
    assert.equal(r.summary.rep_count, cli.summary.rep_count, 'reps counted as the CLI counts them');
    assert.equal(s.awake.held, false, 'the wake lock is released when the set stops');
    assert.equal(s.awake.wanted, false);
    assert.match(await page.textContent('#verdict'), /Rep \d+: (Engine|Crane|Unclear)/);

    // Every mode: nothing scrolls sideways, nothing leaves the origin.
    for (const m of MODES) {
      await page.evaluate((id) => window.hingecheck.setMode(id), m);
      await page.waitForTimeout(300);
      const over = await sideways(page);
      assert.ok(over <= 0, `${m}: no sideways scroll (${over} px)`);
      if (m === 'review' || m === 'history') await shot(page, `phone-portrait-${m}`);
    }
    assert.deepEqual(w.errors, [], 'no console errors');
    assert.deepEqual(w.offOrigin, [], 'no request left the origin');
  } finally {
    await context.close();
  }
});

test('landscape phone: the stage takes the height, count, verdict and the start button on the right; front/rear camera, mirrored for the front only', { skip: SKIP }, async () => {
  const { context, page, w } = await open(LANDSCAPE);
  try {
    const vw = LANDSCAPE.viewport.width;
    const vh = LANDSCAPE.viewport.height;
    const stage = await rect(page, '#stage');
    assert.ok(stage.h >= vh * 0.8, `the stage takes the screen's height (${stage.h.toFixed(0)} of ${vh})`);
    assert.ok(stage.w >= vw * 0.55, `and most of its width (${stage.w.toFixed(0)} of ${vw})`);
    const start = await rect(page, '#live-start');
    console.log(`landscape: start button ${start.w.toFixed(0)}×${start.h.toFixed(0)} at (${start.x.toFixed(0)}, ${start.y.toFixed(0)})`);
    assert.ok(start.x >= vw * 0.6 && start.y >= vh * 0.5 && start.y + start.h <= vh, 'the start button at the bottom right, where the right thumb is');
    assert.ok(start.h >= 44);

    await page.tap('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().reps >= 2, null, { timeout: 90000 });
    const sz = await sizes(page);
    console.log(`landscape: verdict ${sz.verdict}px (word ${sz.word}px), rep count ${sz.reps}px`);
    assert.ok(sz.verdict >= desktop.verdict && sz.word >= desktop.word * 1.5 && sz.reps >= desktop.reps * 1.5, 'verdict and count at least as large as on the desktop');
    const verdict = await rect(page, '#verdict');
    assert.ok(verdict.y + verdict.h <= start.y, 'the verdict is above the thumb bar, on screen');
    assert.ok(verdict.x >= stage.x + stage.w - 1, 'beside the stage, not over it');
    assert.ok((await sideways(page)) <= 0, 'no sideways scroll');
    await shot(page, 'phone-landscape-live');

    // Rear camera: not mirrored; front camera again: mirrored.
    await page.tap('#camera-flip');
    await page.waitForFunction(() => window.hingecheck.state().camera.asked === 'environment' && window.hingecheck.state().live.running, null, { timeout: 20000 });
    let s = await state(page);
    assert.equal(s.mirror, false, 'the rear camera is not mirrored');
    assert.equal(await page.evaluate(() => document.getElementById('video').classList.contains('mirrored')), false);
    await page.tap('#camera-flip');
    await page.waitForFunction(() => window.hingecheck.state().camera.asked === 'user' && window.hingecheck.state().live.running, null, { timeout: 20000 });
    s = await state(page);
    assert.equal(s.mirror, true, 'the front camera is mirrored');
    assert.equal(await page.evaluate(() => document.getElementById('video').classList.contains('mirrored')), true, 'the preview is flipped');
    const frames = s.frames;
    await page.waitForFunction((n) => window.hingecheck.state().frames > n + 5, frames, { timeout: 20000 }).catch(async (e) => {
      const now = await state(page);
      throw new Error(`${e.message}; after the flips: frames ${frames} → ${now.frames}, live ${JSON.stringify(now.live)}, camera ${JSON.stringify(now.camera)}, model ${JSON.stringify(now.model)} ${now.modelError ?? ''}, dropped ${now.dropped}`);
    });
    await shot(page, 'phone-landscape-front-mirrored');
    assert.ok(s.reps >= 2, 'the set went on across the switches');
    await page.tap('#live-start');
    assert.equal((await state(page)).awake.held, false, 'released at the stop');
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.offOrigin, []);
  } finally {
    await context.close();
  }
});

test('no Screen Wake Lock in this browser: a clear message, the set goes on', { skip: SKIP }, async () => {
  const { context, page, w } = await open(PORTRAIT, () => { delete Object.getPrototypeOf(navigator).wakeLock; });
  try {
    assert.equal(await page.evaluate(() => 'wakeLock' in navigator), false);
    await page.tap('#live-start');
    await page.waitForSelector('#banners [data-id="awake"]', { timeout: 10000 });
    assert.match(await page.textContent('#banners [data-id="awake"]'), /cannot keep the screen awake.*screen timeout/i);
    await page.waitForFunction(() => window.hingecheck.state().frames > 10, null, { timeout: 30000 });
    const s = await state(page);
    assert.equal(s.awake.supported, false);
    assert.equal(s.awake.held, false);
    assert.equal(s.live.running, true, 'the set runs all the same');
    assert.deepEqual(w.errors, []);
  } finally {
    await context.close();
  }
});
