// The page with no camera at all (headless Chromium, no fake device): it loads with no console
// error and no request outside its origin, under its Content Security Policy; the demo starts
// by itself, counts reps and judges them (engine reps, then back-led crane reps); the workshop
// mode, shortcuts, replay, review, compare and export work; a real posetrack imports to the
// same table as the CLI; bad files get clear messages; and the page works offline.
//
//   node --test tests/e2e/page.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import {
  SHARED, ARTIFACTS, serve, launch, openPage, shot, cliReport, assertReportSchema, assertSameAnalysis, needShared, tempDir,
} from './helpers.mjs';
import { CSP } from '../../tools/serve.mjs';

let server;
let browser;
let page;
let context;
let watch;

before(async () => {
  server = await serve();
  browser = await launch();
  ({ page, context, watch } = await openPage(browser, server));
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const state = () => page.evaluate(() => window.hingecheck.state());

async function download(buttonId, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#${buttonId}`)]);
  const file = path.join(ARTIFACTS, name);
  await dl.saveAs(file);
  return file;
}

test('served with the CSP, correct types, no console error, no request off the origin', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.headers.get('content-security-policy'), CSP);
  assert.match(CSP, /default-src 'self'/);
  assert.match(CSP, /connect-src 'self'(;|$)/);
  for (const [p, type] of [['/pkg/hingecheck_bg.wasm', 'application/wasm'], ['/build/app.js', 'text/javascript'],
    ['/models/pose_landmarker_lite.task', 'application/octet-stream'], ['/manifest.webmanifest', 'application/manifest+json'], ['/sw.js', 'text/javascript']]) {
    const r = await fetch(server.url + p, { method: 'HEAD' });
    assert.equal(r.status, 200, p);
    assert.ok(r.headers.get('content-type').startsWith(type), `${p}: ${r.headers.get('content-type')}`);
    assert.equal(r.headers.get('cache-control'), 'no-cache', `${p}: revalidated, never stale`);
  }
  assert.equal((await fetch(`${server.url}/../../etc/passwd`)).status, 404);
  const s = await state();
  assert.equal(s.crossOriginIsolated, true);
  // The page runs the bundle (tools/build-web.sh), not the source modules one by one.
  const ours = watch.urls.filter((p) => p.endsWith('.js'));
  assert.ok(ours.includes('/build/app.js'), `the bundle is loaded: ${ours.join(' ')}`);
  assert.deepEqual(ours.filter((p) => p.startsWith('/app/') || p.startsWith('/js/') || p.startsWith('/pkg/')), [], 'no source module is fetched');
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(watch.offOrigin, []);
});

test('the privacy watch itself catches a request to another origin (CSP refuses it)', async () => {
  const p2 = await context.newPage();
  const errs = [];
  p2.on('console', (m) => { if (m.type() === 'error') errs.push(m.text()); });
  await p2.goto(`${server.url}/?nosw`);
  await p2.evaluate(() => fetch('https://example.com/collect').catch(() => 'refused'));
  await p2.waitForTimeout(200);
  assert.ok(errs.some((e) => /Content Security Policy/.test(e) && /example\.com/.test(e)), `CSP refused it: ${errs.join(' | ')}`);
  await p2.close();
});

test('no camera: the demo starts by itself, counts reps, judges engine then crane', async () => {
  let s = await state();
  assert.equal(s.mode, 'demo');
  assert.equal(s.demo.running, true);
  assert.match(await page.textContent('#banners'), /No camera found/);
  // Faster than real time for the test: three good deadlifts, then three with the hips shooting up.
  await page.evaluate(() => { window.hingecheck.app.demo.speed = 3; });
  await page.waitForFunction(() => window.hingecheck.state().reps >= 2, null, { timeout: 30000 });
  // The overlay on the drawn figure: the engine disc on the hip.
  const o = await page.evaluate(() => {
    const f = window.hingecheck.lastFrame();
    const c = document.getElementById('overlay');
    const lm = f.landmarks;
    const near = lm[24 * 4 + 2] < lm[23 * 4 + 2] ? 24 : 23;
    const x = lm[near * 4] * c.width;
    const y = lm[near * 4 + 1] * c.height;
    const d = c.getContext('2d').getImageData(Math.round(x) - 6, Math.round(y) - 6, 13, 13).data;
    let green = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 40 && d[k + 1] > d[k] + 60 && d[k + 1] > d[k + 2] + 40) green++;
    return { green, x, y };
  });
  assert.ok(o.green >= 10, `engine disc at the figure's hip (${o.green} green px at ${o.x.toFixed(0)}, ${o.y.toFixed(0)})`);
  await shot(page, 'demo-engine');
  await page.waitForFunction(() => (window.hingecheck.report()?.summary.crane ?? 0) >= 2, null, { timeout: 60000, polling: 250 });
  await shot(page, 'demo-crane');
  s = await state();
  const r = await page.evaluate(() => window.hingecheck.report());
  assertReportSchema(r, 'demo report');
  assert.equal(r.exercise, 'kettlebell_deadlift', 'the demo lifter pulls a kettlebell');
  assert.equal(r.session.source, 'demo');
  assert.ok(r.summary.engine >= 3, `good lifts judged engine (${JSON.stringify(r.summary)})`);
  assert.ok(r.summary.crane >= 2, 'lifts with the hips shooting up judged crane');
  assert.ok(s.spoken.length >= r.summary.rep_count - 1, `spoken cues (${s.spoken.join(' | ')})`);
  assert.match(await page.textContent('#verdict'), /Rep \d+: (Engine|Crane|Unclear)\./);
});

test('workshop mode: large type, canvas HUD, legend, shortcuts (M mute, R replay, Space stop)', async () => {
  try {
    await workshop();
  } finally {
    await page.evaluate(() => window.hingecheck.app.workshop.set(false));
  }
  await page.waitForTimeout(300);
  assert.ok(await page.evaluate(() => {
    const d = document.getElementById('overlay').getContext('2d').getImageData(0, 0, 100, 100).data;
    for (let k = 3; k < d.length; k += 4) if (d[k]) return false;
    return true;
  }), 'no canvas HUD outside the workshop (the DOM shows it)');
});

async function workshop() {
  await page.keyboard.press('w');
  let s = await state();
  assert.equal(s.workshop, true);
  assert.equal(await page.isVisible('#legend'), true);
  const fs1 = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('verdict')).fontSize));
  assert.ok(fs1 >= 40, `verdict readable from afar (${fs1}px)`);
  await page.waitForTimeout(300);
  const corner = () => page.evaluate(() => {
    const d = document.getElementById('overlay').getContext('2d').getImageData(0, 0, 100, 100).data;
    let n = 0;
    for (let k = 3; k < d.length; k += 4) if (d[k]) n++;
    return n;
  });
  assert.ok(await corner() > 2000, 'the canvas HUD (rep counter panel, top left) is drawn');
  await shot(page, 'workshop');
  await page.keyboard.press('m');
  assert.equal((await state()).muted, true);
  assert.equal(await page.getAttribute('#mute', 'aria-pressed'), 'true');
  await page.keyboard.press('m');
  assert.equal((await state()).muted, false);
  await page.keyboard.press('r');
  assert.equal(await page.evaluate(() => window.hingecheck.app.replaying), true, 'R replays the last rep');
  await page.waitForTimeout(700);
  await shot(page, 'workshop-replay');
  await page.keyboard.press(' ');
  s = await state();
  assert.equal(s.demo.running, false, 'Space stops the demo');
  await page.keyboard.press('w');
  assert.equal((await state()).workshop, false);
  await page.keyboard.press(' ');
  assert.equal((await state()).demo.running, true, 'Space starts it again');
}

test('the voice never talks over itself: one cue at a time, the newest waits, framing only into silence', async () => {
  const log = await page.evaluate(async () => {
    const v = window.hingecheck.app.voice;
    v.setMuted(false);
    v.cancel();
    const from = v.log.length;
    v.say('Rep one cue', 'rep');
    v.say('Rep two cue', 'rep');
    v.say('Rep three cue', 'rep');
    v.say('Move closer to the camera', 'framing');
    for (let i = 0; i < 100 && v.log.length < from + 2; i++) await new Promise((r) => setTimeout(r, 100));
    return v.log.slice(from).map((l) => l.text);
  });
  assert.deepEqual(log, ['Rep one cue', 'Rep three cue'], 'the second cue was replaced by the third; the framing advice was not spoken over a cue');
});

test('review: table, chart, replay, compare two reps; export JSON, CSV and posetrack read back by the CLI', async () => {
  await page.evaluate(() => window.hingecheck.app.review.stopReplay());
  // A demo set with both kinds of rep, stopped with Space.
  await page.waitForFunction(() => window.hingecheck.state().demo.running && (window.hingecheck.report()?.summary.crane ?? 0) >= 2, null, { timeout: 60000, polling: 250 });
  await page.keyboard.press(' ');
  await page.keyboard.press('4');
  const r = await page.evaluate(() => window.hingecheck.report());
  const rows = page.locator('#reps-table tbody tr');
  assert.equal(await rows.count(), r.summary.rep_count);
  const firstVerdict = await rows.nth(0).locator('td').nth(0).textContent();
  assert.equal(firstVerdict, r.reps[0].verdict);
  const chartPx = await page.evaluate(() => {
    const c = document.getElementById('chart');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let k = 0; k < d.length; k += 16) colours.add(`${d[k]},${d[k + 1]},${d[k + 2]}`);
    return colours.size;
  });
  assert.ok(chartPx > 20, `the chart has lines and bands (${chartPx} colours)`);
  // Compare a good rep and a back-led one.
  const good = r.reps.find((x) => x.verdict === 'engine');
  const bad = r.reps.find((x) => x.verdict === 'crane');
  await page.check(`[data-compare="${good.index}"]`);
  await page.check(`[data-compare="${bad.index}"]`);
  assert.equal(await page.isVisible('#compare'), true);
  await page.waitForTimeout(800);
  assert.match(await page.textContent('#compare-a-cap'), new RegExp(`Rep ${good.index}: engine`));
  assert.match(await page.textContent('#compare-b-cap'), new RegExp(`Rep ${bad.index}: crane`));
  const drawn = await page.evaluate(() => ['compare-a', 'compare-b'].map((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k + 1] > d[k] + 60 && d[k + 1] > d[k + 2] + 40) n++;
    return n;
  }));
  assert.ok(drawn.every((n) => n > 20), `both compare canvases show the figure with the engine disc (${drawn})`);
  // Replay a chosen rep (click in the table).
  await rows.nth(bad.index - 1).locator('button').click();
  await page.waitForTimeout(600);
  assert.equal(await page.evaluate(() => window.hingecheck.app.replaying), true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'review-demo.png'), fullPage: true });
  console.log('screenshot: test-artifacts/e2e/review-demo.png');

  const jsonFile = await download('export-json', 'demo.report.json');
  const exported = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  assertReportSchema(exported, 'exported report');
  assert.deepEqual(exported.summary, r.summary);
  // (The demo's simulated lifter pulls a kettlebell from between the feet.)
  assert.equal(exported.session.settings.exercise, 'kettlebell-deadlift');
  const csv = fs.readFileSync(await download('export-csv', 'demo.reps.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, r.summary.rep_count + 1);
  const trackFile = await download('export-posetrack', 'demo.posetrack.json');
  const back = cliReport(trackFile, '--exercise', exported.session.settings.exercise);
  assertSameAnalysis(back, exported, 'CLI on the exported demo posetrack vs the page');
});

test('import a real posetrack (.json.gz): the table the CLI gives', { skip: needShared('tracks/kb-deadlift-h-side.posetrack.json.gz') }, async () => {
  const file = path.join(SHARED, 'tracks/kb-deadlift-h-side.posetrack.json.gz');
  // A kettlebell deadlift (the camera cannot tell the implement: the lifter says which).
  const cli = cliReport(file, '--exercise', 'kettlebell-deadlift');
  await page.selectOption('#exercise', 'kettlebell-deadlift');
  await page.setInputFiles('#import-file', file);
  await page.waitForFunction(() => window.hingecheck.state().source === 'import', null, { timeout: 30000 });
  const r = await page.evaluate(() => window.hingecheck.report());
  assertReportSchema(r, 'imported report');
  assertSameAnalysis(r, cli, 'page import vs CLI', 0.0011);
  const cells = await page.$$eval('#reps-table tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent));
  assert.deepEqual(cells, cli.reps.map((x) => x.verdict), 'the table shows the CLI\'s verdicts');
  assert.match(await page.textContent('#review-source'), /Imported posetrack: kb-deadlift-h-side/);
  const summary = await page.textContent('#review-summary');
  assert.match(summary, /Fatigue: .*technique, not fatigue/, 'the review says the crane was there from the first reps');
  assert.doesNotMatch(await page.textContent('#review'), /\b(null|undefined|NaN)\b/, 'no placeholder leaks into the review');
  await page.screenshot({ path: path.join(ARTIFACTS, 'review-import-h-side.png'), fullPage: true });
  console.log('screenshot: test-artifacts/e2e/review-import-h-side.png');
  // Another lift chosen: the same frames re-analysed, nothing lost.
  await page.selectOption('#exercise', 'rdl');
  const rdl = await page.evaluate(() => window.hingecheck.report());
  assert.equal(rdl.exercise, 'rdl');
  assert.equal(rdl.session.frames, r.session.frames);
  await page.selectOption('#exercise', 'auto');
});

test('a one-hand swing set: the grip is in the report and the review', { skip: needShared('tracks/kb-swing-4reps.posetrack.json.gz') }, async () => {
  const file = path.join(SHARED, 'tracks/kb-swing-4reps.posetrack.json.gz');
  await page.selectOption('#exercise', 'deadlift');
  assert.equal(await page.isVisible('#grip'), false, 'the swing grip is offered only for swings');
  await page.selectOption('#exercise', 'swing');
  assert.equal(await page.isVisible('#grip'), true);
  await page.selectOption('#grip', 'one-hand');
  await page.setInputFiles('#import-file', file);
  await page.waitForFunction(() => window.hingecheck.report()?.session.name === 'kb-swing-4reps.posetrack.json.gz', null, { timeout: 30000 });
  const r = await page.evaluate(() => window.hingecheck.report());
  assert.equal(r.session.grip, 'one-hand');
  assert.equal(r.exercise, 'swing');
  assert.equal(r.summary.rep_count, 4, 'the ground truth: 4 swings');
  assertSameAnalysis(r, cliReport(file, '--exercise', 'swing'), 'swing import vs CLI', 0.0011);
  assert.match(await page.textContent('#review-summary'), /4 reps of swing \(one-hand\)/);
  await page.selectOption('#grip', 'two-hand');
  await page.selectOption('#exercise', 'auto');
});

test('drill ("find your hinge") on the simulated lifter: thumb and index points, steps, the pelvic limit kept for the lifts', async () => {
  await page.keyboard.press('2');
  assert.equal((await state()).mode, 'drill');
  await page.evaluate(() => { window.hingecheck.app.demo.speed = 5; });
  await page.click('#drill-sim');
  // While the hands are on the pelvis: the real thumb landmark has the thumb colour on the overlay.
  await page.waitForFunction(() => /hang|back_only/.test(window.hingecheck.app.session.frame.drillStage ?? ''), null, { timeout: 30000, polling: 100 });
  const thumb = await page.evaluate(() => {
    const f = window.hingecheck.lastFrame();
    const lm = f.landmarks;
    const c = document.getElementById('overlay');
    const near = lm[24 * 4 + 2] < lm[23 * 4 + 2] ? 1 : 0;
    const x = lm[(21 + near) * 4] * c.width;
    const y = lm[(21 + near) * 4 + 1] * c.height;
    const d = c.getContext('2d').getImageData(Math.round(x) - 7, Math.round(y) - 7, 15, 15).data;
    let amber = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 150 && d[k] > 200 && d[k + 1] > 120 && d[k + 1] < 190 && d[k + 2] < 60) amber++;
    return amber;
  });
  assert.ok(thumb >= 8, `the thumb point drawn on the thumb landmark (${thumb} amber px)`);
  await shot(page, 'drill-sim');
  await page.waitForFunction(() => !document.getElementById('drill-result').hidden, null, { timeout: 60000, polling: 250 });
  const summary = await page.textContent('#drill-summary');
  assert.match(summary, /pelvis stops tilting at a trunk angle of \d+°/);
  const stages = await page.$$eval('#drill-stages li', (lis) => lis.map((li) => li.className));
  assert.ok(stages.slice(0, -1).every((c) => c === 'done'), `every step done: ${stages}`);
  const limit = await page.evaluate(() => window.hingecheck.app.session.drillReport().calibration.pelvic_limit_trunk_deg);
  await page.click('#drill-use');
  const settings = await page.evaluate(() => window.hingecheck.app.settings());
  assert.ok(Math.abs(settings.pelvicLimitDeg - limit) < 0.06, `the pelvic limit (${limit}°) is kept for the lifts: ${JSON.stringify(settings)}`);
  assert.match(await page.textContent('#drill-limit'), /Your pelvic limit: trunk at \d+°/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'drill-done');
  await page.click('#drill-forget');
  assert.equal((await page.evaluate(() => window.hingecheck.app.settings())).pelvicLimitDeg, undefined, 'and forgotten on request');
  await page.keyboard.press('5');
});

test('bad files get a clear message and the page goes on', async () => {
  const dir = tempDir();
  const cases = [
    ['empty.json', '', /empty/],
    ['not-json.json', 'hello', /not-json\.json/],
    ['truncated.json.gz', zlib.gzipSync(Buffer.from('{"metadata":{"fps":30},"frames":[')).subarray(0, 20), /gzip|truncated|not a readable/i],
    ['wrong-shape.json', '{"frames": 7}', /wrong-shape\.json/],
  ];
  for (const [name, body, re] of cases) {
    const f = path.join(dir, name);
    fs.writeFileSync(f, body);
    await page.setInputFiles('#import-file', f);
    await page.waitForSelector('#banners [data-id="import"]', { timeout: 10000 });
    const text = await page.textContent('#banners [data-id="import"]');
    assert.match(text, /Could not import/, name);
    assert.match(text, re, `${name}: ${text}`);
  }
  // Not a video in the clip path.
  await page.keyboard.press('3');
  const f = path.join(dir, 'notes.txt');
  fs.writeFileSync(f, 'not a video');
  await page.setInputFiles('#clip-file', f);
  await page.waitForSelector('#banners [data-id="clip"]');
  assert.match(await page.textContent('#banners [data-id="clip"]'), /not a video/);
  // A video whose picture this browser cannot decode (MPEG-4 Part 2, as some corpus clips
  // are; Chromium plays only its sound): said so, with what to do, not a failed frame read.
  const mpeg4 = path.join(dir, 'old-camera.mp4');
  const ff = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30:duration=1',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:v', 'mpeg4', '-c:a', 'aac', '-shortest', mpeg4]);
  assert.equal(ff.status, 0, String(ff.stderr));
  // As a user who scrolled down to the panel's file button, past the banners above the stage.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.setInputFiles('#clip-file', mpeg4);
  await page.waitForFunction(() => /cannot decode its picture/.test(document.querySelector('#banners [data-id="clip"]')?.textContent || ''), null, { timeout: 15000 });
  assert.match(await page.textContent('#banners [data-id="clip"]'), /old-camera\.mp4.*H\.264/s);
  // In view where the user acted: the panel's file button is below the banners.
  const inView = await page.evaluate(() => {
    const r = document.querySelector('#banners [data-id="clip"]').getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok(inView, 'the error is scrolled into view');
  await shot(page, 'bad-files');
  // Still working: the demo runs again.
  await page.keyboard.press('d');
  await page.waitForFunction(() => window.hingecheck.state().demo.running, null, { timeout: 5000 });
  assert.deepEqual(watch.errors, []);
});

test('keyboard operable: the mode tabs, the controls and the shortcuts need no mouse', async () => {
  await page.keyboard.press('1');
  assert.equal((await state()).mode, 'live');
  await page.focus('#tab-live');
  await page.keyboard.press('ArrowRight');
  assert.equal((await state()).mode, 'drill');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-drill');
  // Every visible control can be focused and has a name.
  const unnamed = await page.$$eval('button, select, input', (els) => els
    .filter((e) => e.offsetParent !== null)
    .filter((e) => !(e.getAttribute('aria-label') || e.textContent.trim() || e.labels?.length || e.title))
    .map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, [], 'every control has an accessible name');
  assert.equal(await page.getAttribute('#verdict', 'aria-live'), 'polite');
  assert.deepEqual(watch.offOrigin, [], 'nothing left the origin during all of the above');
});

test('offline after the first load (service worker): the page, the core and the pose model', async () => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(`${server.url}/`);
  await p.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  await p.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    return reg.active.state;
  });
  await ctx.setOffline(true);
  await p.reload();
  await p.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20000 });
  await p.waitForFunction(() => window.hingecheck.state().frames > 10, null, { timeout: 20000 });
  const info = await p.evaluate(() => window.hingecheck.app.loadModel());
  assert.equal(info.model, 'lite', 'the pose model loads from the cache');
  await p.selectOption('#model', 'full');
  await p.waitForFunction(() => window.hingecheck.state().model?.model === 'full', null, { timeout: 30000 });
  await shot(p, 'offline');
  await ctx.setOffline(false);
  await ctx.close();
});
