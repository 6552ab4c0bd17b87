// A real swing of another lifter, opened in the page's Clip mode with the lift set to swing:
// the page (its own pose model on the video) counts what the CLI counts on the same clip's
// posetrack in ../shared/data/corpus — a short, small clip (MuscleWiki's kettlebell swing,
// 320×180 at 10 fps, seen from about 45°, 5 swings). And a clip opened with the lift on auto
// whose lift the reps cannot settle gets the question "which lift was it?".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  SHARED, serve, launch, openPage, shot, cliReport, assertReportSchema, needShared,
} from './helpers.mjs';

const CLIP = 'corpus/videos/mw-gif-kbswing-side.mp4';
const TRACK = 'corpus/tracks/mw-gif-kbswing-side.posetrack.json.gz';
const ONE_REP = 'corpus/videos/bbdl-b-good014.mp4';
const SKIP = needShared(CLIP, TRACK, ONE_REP);

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

const state = (page) => page.evaluate(() => window.hingecheck.state());

async function analyseClip(page, file) {
  await page.keyboard.press('3');
  await page.setInputFiles('#clip-file', path.join(SHARED, file));
  await page.waitForFunction(() => window.hingecheck.state().clip.analysing, null, { timeout: 30000 });
  await page.waitForFunction(() => !window.hingecheck.state().clip.analysing, null, { timeout: 300000, polling: 500 });
  return page.evaluate(() => window.hingecheck.report());
}

test('a real swing clip of another lifter counts in Clip mode what the CLI counts on its track', { skip: SKIP }, async () => {
  const cli = cliReport(path.join(SHARED, TRACK), '--exercise', 'swing');
  assert.equal(cli.summary.rep_count, 5, 'the CLI counts the clip\'s 5 swings (its label)');
  const browser = await launch();
  try {
    const { page, watch } = await openPage(browser, server);
    await page.selectOption('#exercise', 'swing');
    const r = await analyseClip(page, CLIP);
    assertReportSchema(r, 'clip report');
    const s = await state(page);
    console.log(`mw-gif-kbswing-side in Clip mode: ${s.clip.frames} frames, ${r.summary.rep_count} reps `
      + `(engine ${r.summary.engine}, crane ${r.summary.crane}, unclear ${r.summary.unclear}); CLI on the track: ${cli.summary.rep_count}`);
    await shot(page, 'clip-mw-gif-kbswing-side');
    assert.equal(r.exercise, 'swing');
    assert.equal(r.summary.rep_count, cli.summary.rep_count, `the page counts what the CLI counts (${r.reps.map((x) => x.lockout_s.toFixed(1)).join(' ')})`);
    // A good demonstration: no false alarm, whatever the angle lets the coach judge.
    assert.equal(r.summary.crane, 0, 'no crane on a good swing');
    for (const rep of r.reps) {
      assert.ok(!rep.faults.some((f) => f.severity === 'fault'), `rep ${rep.index}: no fault on a good swing (${rep.faults.map((f) => f.code).join(', ')})`);
    }
    assert.deepEqual(watch.errors, [], 'no console errors');
    assert.deepEqual(watch.offOrigin, [], 'no request left the origin');
  } finally {
    await browser.close();
  }
});

test('a one-rep clip on auto asks which lift it was, and choosing judges it again', { skip: SKIP }, async () => {
  const browser = await launch();
  try {
    const { page } = await openPage(browser, server);
    await page.selectOption('#exercise', 'auto');
    const r = await analyseClip(page, ONE_REP);
    assert.equal(r.summary.rep_count, 1, 'the single barbell deadlift is counted');
    assert.equal(r.lift_unsure, true, 'one rep is too few to be sure of the lift');
    const ask = page.locator('#banners [data-id="clip-lift"]');
    await ask.waitFor({ timeout: 5000 });
    assert.match(await ask.textContent(), /Which lift was it/);
    await shot(page, 'clip-ask-lift');
    await ask.getByRole('button', { name: 'Deadlift (barbell)' }).click();
    await page.waitForFunction(() => window.hingecheck.report()?.exercise === 'deadlift', null, { timeout: 10000 });
    const again = await page.evaluate(() => window.hingecheck.report());
    assert.equal(again.lift_unsure ?? false, false, 'told the lift, the report is sure of it');
    assert.equal(again.summary.rep_count, 1);
    assert.equal(await page.inputValue('#exercise'), 'deadlift');
  } finally {
    await browser.close();
  }
});
