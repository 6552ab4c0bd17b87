// Never lose a set, and see your sets over weeks (issue 11). With a real clip as the camera:
// a live set interrupted by a reload mid-set is offered back after the reload with the reps it
// had, resumed (the same reps at the same times, then more), and after the page is closed and
// opened again History lists it with its counts; a tab closed mid-set is offered back and kept
// as it was. History: any set opened in Review, the chart over days drawn, delete one and all,
// the whole history exported as one file and imported back (bad files refused with a clear
// message, nothing changed). A full storage quota (Chromium's own quota, made tiny) and a
// browser refusing storage (a private window) get a clear message while the set goes on in
// memory, and once space is back the whole set is kept, its first frames included.
//
//   node --test tests/e2e/logbook.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ARTIFACTS, serve, launch, watch, shot, y4m, needShared, tempDir } from './helpers.mjs';

const CLIP = 'kb-deadlift-h-side';
const SKIP = needShared(`videos/${CLIP}.mp4`);

let server;
let browser;
let context; // one browser profile: its IndexedDB outlives its pages
before(async () => {
  if (SKIP) return;
  server = await serve();
  browser = await launch({ camera: y4m(`videos/${CLIP}.mp4`) });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const state = (page) => page.evaluate(() => window.hingecheck.state());
const history = (page) => page.evaluate(() => window.hingecheck.history());

async function openPage(ctx = context, query = '') {
  const page = await ctx.newPage();
  const w = watch(ctx, page, new URL(server.url).origin);
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
  return { page, w };
}

/**
 * Evaluates `fn(arg)` in the page (it may be async: page.waitForFunction would take its
 * Promise for true) until it gives something truthy; returns that.
 */
async function until(page, fn, arg, { timeout = 30000, what = 'the condition' } = {}) {
  const t0 = Date.now();
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the logbook holds every rep the page has counted (at least `min`). */
async function savedReps(page, min) {
  return until(page, async (n) => {
    const s = window.hingecheck.state();
    const h = (await window.hingecheck.history()).find((x) => x.id === s.logId);
    return s.reps >= n && h && h.reps === s.reps ? s.reps : 0;
  }, min, { timeout: 60000, what: `${min} reps kept in the logbook` });
}

test('a live set cut by a reload is offered back with its reps, resumed, and listed in History after the page is closed and opened again', { skip: SKIP }, async () => {
  const { page, w } = await openPage();
  await page.click('#live-start');
  const n = await savedReps(page, 3);
  const id = (await state(page)).logId;
  const before = await page.evaluate(() => window.hingecheck.report());
  console.log(`before the reload: ${before.summary.rep_count} reps counted, ${n} kept in the logbook; lockouts ${before.reps.map((r) => r.lockout_s.toFixed(2)).join(' ')}`);
  await page.reload(); // mid-set: the camera is running
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });

  await page.waitForSelector('#banners [data-id="resume"]', { timeout: 15000 });
  const offer = await page.textContent('#banners [data-id="resume"] p');
  console.log(`after the reload: "${offer}"`);
  const m = Number(/(\d+) reps?/.exec(offer)?.[1]);
  assert.ok(m >= n && m <= before.summary.rep_count, `the offer names the reps kept before the reload (${m}; ${n}–${before.summary.rep_count})`);
  assert.match(offer, /Resume it, or keep it/);
  await shot(page, 'logbook-resume-offer');

  await page.click('#banners [data-id="resume"] button:has-text("Resume the set")');
  await page.waitForSelector('#banners [data-id="resumed"]', { timeout: 30000 });
  const s = await state(page);
  assert.equal(s.reps, m, 'the reps before the reload are back');
  assert.equal(s.logId, id, 'the same logbook entry');
  assert.equal(await page.textContent('#rep-count'), String(m), 'the rep count shows them');
  const resumed = await page.evaluate(() => window.hingecheck.report());
  assert.equal(resumed.summary.rep_count, m);
  resumed.reps.forEach((r, i) => assert.ok(Math.abs(r.lockout_s - before.reps[i].lockout_s) < 1e-3, `rep ${i + 1} at the same time (${r.lockout_s} vs ${before.reps[i].lockout_s})`));
  assert.equal(resumed.session.started, before.session.started, 'the same session, started when it started');

  // Going on with the same set: more reps after those.
  await page.click('#live-start');
  await page.waitForFunction((k) => window.hingecheck.state().reps > k, m, { timeout: 60000 });
  const more = await savedReps(page, m + 1);
  await page.click('#live-start'); // stop
  const final = await page.evaluate(() => window.hingecheck.report());
  assert.ok(final.summary.rep_count >= more);
  await until(page, async (k) => (await window.hingecheck.history()).some((x) => x.state === 'done' && x.reps === k), final.summary.rep_count, { timeout: 10000, what: 'the set kept as done' });
  assert.deepEqual(w.errors, []);
  assert.deepEqual(w.offOrigin, []);
  await page.close();

  // Closed, and opened again: History lists the set with its counts.
  const again = await openPage();
  const h = await history(again.page);
  assert.equal(h.length, 1, 'one set (resumed, not a second entry)');
  assert.equal(h[0].id, id);
  assert.equal(h[0].state, 'done');
  assert.deepEqual([h[0].reps, h[0].engine, h[0].crane, h[0].unclear], [final.summary.rep_count, final.summary.engine, final.summary.crane, final.summary.unclear], 'History has the set\'s counts');
  assert.equal(h[0].lift, final.exercise);
  assert.equal(await again.page.locator('#banners [data-id="resume"]').count(), 0, 'a finished set is not offered again');
  await again.page.keyboard.press('6');
  await again.page.waitForSelector(`#history-days tr[data-id="${id}"]`);
  const row = await again.page.$$eval(`#history-days tr[data-id="${id}"] td[data-k]`, (tds) => Object.fromEntries(tds.map((td) => [td.dataset.k, td.textContent])));
  assert.deepEqual([row.reps, row.engine, row.crane, row.unclear], [final.summary.rep_count, final.summary.engine, final.summary.crane, final.summary.unclear].map(String), 'the row shows the counts');
  await shot(again.page, 'logbook-history-after-reopen');
  assert.deepEqual(again.w.offOrigin, []);
  await again.page.close();
});

test('a tab closed mid-set: offered back when the page opens again, kept as it was', { skip: SKIP }, async () => {
  const { page } = await openPage();
  await page.click('#live-start');
  const n = await savedReps(page, 2);
  const id = (await state(page)).logId;
  await page.close(); // no stop: the tab is gone

  const { page: p2, w } = await openPage();
  await p2.waitForSelector('#banners [data-id="resume"]', { timeout: 15000 });
  const offer = await p2.textContent('#banners [data-id="resume"] p');
  const m = Number(/(\d+) reps?/.exec(offer)?.[1]);
  assert.ok(m >= n, `offered with its reps (${m} ≥ ${n})`);
  await p2.click('#banners [data-id="resume"] button:has-text("Keep it as it is")');
  await until(p2, async (i) => (await window.hingecheck.history()).some((x) => x.id === i && x.state === 'done'), id, { timeout: 30000, what: 'the set kept as done' });
  const kept = (await history(p2)).find((x) => x.id === id);
  assert.equal(kept.reps, m, 'kept with the reps it had');
  assert.equal(kept.engine + kept.crane + kept.unclear, m);
  assert.match(await p2.textContent('#banners [data-id="resumed"]'), new RegExp(`Kept: ${m} reps`));
  assert.deepEqual(w.errors, []);
  await p2.close();
});

test('History: a set opened in Review, the chart over days, export and import of the whole history, bad files refused, delete one and all', { skip: SKIP }, async () => {
  const { page, w } = await openPage();
  const sets = await history(page);
  assert.ok(sets.length >= 2, 'the sets of the tests above');
  await page.keyboard.press('6');
  await page.waitForSelector('#history-days tr[data-id]');
  assert.equal(await page.locator('#history-days tr[data-id]').count(), sets.length, 'one row per set');
  assert.ok(await page.locator('#history-days .day h3').count() >= 1, 'grouped by day');
  // The chart: a bar per set, in the verdicts' colours.
  const colours = await page.evaluate(() => {
    const c = document.getElementById('history-chart');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let engine = 0; let crane = 0;
    for (let k = 0; k < d.length; k += 4) {
      if (d[k] === 0x22 && d[k + 1] === 0xc5 && d[k + 2] === 0x5e) engine++;
      if (d[k] === 0xef && d[k + 1] === 0x44 && d[k + 2] === 0x44) crane++;
    }
    return { engine, crane };
  });
  const totals = sets.reduce((a, x) => ({ engine: a.engine + x.engine, crane: a.crane + x.crane }), { engine: 0, crane: 0 });
  console.log(`History chart: ${colours.engine} engine px, ${colours.crane} crane px (reps: engine ${totals.engine}, crane ${totals.crane})`);
  assert.equal(colours.engine > 0, totals.engine > 0, 'engine reps drawn when there are some');
  assert.equal(colours.crane > 0, totals.crane > 0, 'crane reps drawn when there are some');
  await shot(page, 'history');

  // Open one in Review: its reps in the table, the same counts.
  const one = sets[0];
  await page.click(`#history-days tr[data-id="${one.id}"] button:has-text("Review")`);
  await page.waitForFunction(() => window.hingecheck.state().mode === 'review');
  const r = await page.evaluate(() => window.hingecheck.report());
  assert.equal(r.summary.rep_count, one.reps, 'the past set in Review');
  assert.equal(await page.locator('#reps-table tbody tr').count(), one.reps, 'a row per rep');
  await shot(page, 'history-set-in-review');

  // Export the whole history: one file.
  await page.keyboard.press('6');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#history-export')]);
  const file = path.join(ARTIFACTS, dl.suggestedFilename());
  await dl.saveAs(file);
  let raw = fs.readFileSync(file);
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = zlib.gunzipSync(raw);
  const doc = JSON.parse(raw.toString('utf8'));
  assert.equal(doc.format, 'hingecheck-history');
  assert.equal(doc.sessions.length, sets.length, 'every set in the file');
  assert.ok(doc.sessions.every((x) => x.frames.length > 0 && x.reps.length > 0), 'with their frames and rep records');

  // Bad files: a clear message each, the history as it was.
  const tmp = tempDir();
  const bad = {
    'not-json.json': Buffer.from('{"format": "hingecheck-history", '),
    'other.json': Buffer.from(JSON.stringify({ format: 'something-else', sessions: [] })),
    'truncated.json.gz': zlib.gzipSync(raw).subarray(0, 200),
    'counts.json': Buffer.from(JSON.stringify({ ...doc, sessions: [{ ...doc.sessions[0], record: { ...doc.sessions[0].record, id: 'x1', summary: { ...doc.sessions[0].record.summary, engine: 99 } } }] })),
    'short-frames.json': Buffer.from(JSON.stringify({ ...doc, sessions: [{ ...doc.sessions[0], record: { ...doc.sessions[0].record, id: 'x2' }, frames: [{ ...doc.sessions[0].frames[0], lm: doc.sessions[0].frames[0].lm.slice(0, 400) }] }] })),
  };
  const expect = { 'not-json.json': /not JSON/, 'other.json': /not a Hinge Check history file/, 'truncated.json.gz': /gzip|truncated/i, 'counts.json': /do not add up/, 'short-frames.json': /not \d+ frames long|not base64/ };
  for (const [name, bytes] of Object.entries(bad)) {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, bytes);
    await page.setInputFiles('#history-import-file', f);
    await page.waitForSelector('#banners [data-id="history"].error', { timeout: 10000 });
    const msg = await page.textContent('#banners [data-id="history"] p');
    console.log(`${name}: ${msg}`);
    assert.match(msg, /Nothing was imported/);
    assert.match(msg, expect[name], `${name}: says what is wrong`);
    assert.deepEqual((await history(page)).map((x) => x.id), sets.map((x) => x.id), 'the history is as it was');
    await page.click('#banners [data-id="history"] button[aria-label="Dismiss"]');
  }

  // Delete one (two taps), then all (confirmed): empty.
  const del = page.locator(`#history-days tr[data-id="${one.id}"] button:has-text("Delete")`);
  await del.click();
  assert.equal((await history(page)).length, sets.length, 'one tap only arms it');
  await page.click(`#history-days tr[data-id="${one.id}"] button:has-text("Delete it?")`);
  await until(page, async (n) => (await window.hingecheck.history()).length === n, sets.length - 1, { what: 'one set deleted' });
  await page.click('#history-delete-all');
  await page.click('#banners [data-id="history-delete"] button:has-text("Delete all")');
  await until(page, async () => (await window.hingecheck.history()).length === 0, null, { what: 'all deleted' });
  // The list follows the store a moment later (it re-renders once the deletion is written).
  await page.waitForFunction(() => document.querySelectorAll('#history-days tr[data-id]').length === 0, null, { timeout: 5000 })
    .catch(() => {});
  assert.equal(await page.locator('#history-days tr[data-id]').count(), 0, 'the list is empty');

  // Import the exported file: every set back as it was; again: nothing doubled.
  await page.setInputFiles('#history-import-file', file);
  await until(page, async (n) => (await window.hingecheck.history()).length === n, sets.length, { timeout: 20000, what: 'the history imported' });
  const back = await history(page);
  const strip = (x) => ({ id: x.id, started: x.started, lift: x.lift, reps: x.reps, engine: x.engine, crane: x.crane, unclear: x.unclear, fatigueOnset: x.fatigueOnset, frames: x.frames });
  assert.deepEqual(back.map(strip), sets.map(strip), 'the history as it was exported');
  assert.match(await page.textContent('#banners [data-id="history"]'), new RegExp(`Imported ${sets.length} session`));
  await page.setInputFiles('#history-import-file', file);
  await page.waitForFunction(() => /already here/.test(document.querySelector('#banners [data-id="history"]')?.textContent ?? ''), null, { timeout: 10000 });
  assert.equal((await history(page)).length, sets.length, 'importing twice adds nothing');
  // An imported set opens in Review, re-analysed from its frames.
  await page.click(`#history-days tr[data-id="${one.id}"] button:has-text("Review")`);
  await page.waitForFunction(() => window.hingecheck.state().mode === 'review');
  assert.equal((await page.evaluate(() => window.hingecheck.report())).summary.rep_count, one.reps, 'the imported set analyses to the same reps');
  assert.deepEqual(w.errors, []);
  assert.deepEqual(w.offOrigin, []);
  await page.close();
});

test('storage full (a tiny quota): a clear message, the set goes on in memory; with space back, the whole set is kept', { skip: SKIP }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, w } = await openPage(ctx, '?nosw');
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 2000 });
    await page.click('#live-start');
    await page.waitForSelector('#banners [data-id="storage"]', { timeout: 60000 });
    const msg = await page.textContent('#banners [data-id="storage"] p');
    console.log(`quota: ${msg}`);
    assert.match(msg, /full/);
    assert.match(msg, /goes on in memory/);
    let s = await state(page);
    assert.equal(s.storage.problem, 'quota');
    assert.equal(s.live.running, true, 'the set goes on');
    await page.waitForFunction((n) => window.hingecheck.state().reps >= n, s.reps + 2, { timeout: 60000 });
    // Space again: the next write (after a short wait) keeps everything, from the first frame.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
    await page.waitForFunction(() => window.hingecheck.state().storage.ok, null, { timeout: 40000, polling: 250 });
    assert.match(await page.textContent('#banners [data-id="storage"]'), /kept again/);
    await page.click('#live-start'); // stop
    const r = await page.evaluate(() => window.hingecheck.report());
    await until(page, async (k) => (await window.hingecheck.history()).some((x) => x.state === 'done' && x.reps === k), r.summary.rep_count, { timeout: 10000, what: 'the set kept as done' });
    const h = (await history(page))[0];
    s = await state(page);
    assert.equal(h.reps, r.summary.rep_count, 'every rep kept');
    assert.equal(h.framesKept, r.session.frames, 'every frame kept, the first ones included');
    // And it re-analyses to the same set.
    await page.keyboard.press('6');
    await page.click(`#history-days tr[data-id="${h.id}"] button:has-text("Review")`);
    await page.waitForFunction(() => window.hingecheck.state().mode === 'review');
    const again = await page.evaluate(() => window.hingecheck.report());
    assert.equal(again.summary.rep_count, r.summary.rep_count);
    assert.deepEqual(again.reps.map((x) => x.lockout_s), r.reps.map((x) => x.lockout_s), 'the same reps at the same times');
    assert.deepEqual(w.errors, []);
  } finally {
    await ctx.close();
  }
});

test('a browser that refuses storage (a private window): a clear message, the set goes on in memory', { skip: SKIP }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await ctx.addInitScript(() => {
      IDBFactory.prototype.open = function refused() { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); };
    });
    const { page, w } = await openPage(ctx, '?nosw');
    await page.click('#live-start');
    await page.waitForSelector('#banners [data-id="storage"]', { timeout: 30000 });
    const msg = await page.textContent('#banners [data-id="storage"] p');
    console.log(`refused: ${msg}`);
    assert.match(msg, /does not let the page keep sets/);
    assert.match(msg, /SecurityError/);
    assert.match(msg, /in memory/);
    await page.waitForFunction(() => window.hingecheck.state().reps >= 2, null, { timeout: 60000 });
    const s = await state(page);
    assert.equal(s.storage.problem, 'unavailable');
    assert.equal(s.live.running, true);
    assert.deepEqual(await history(page), [], 'nothing stored, nothing claimed');
    const r = await page.evaluate(() => window.hingecheck.finish());
    assert.ok(r.summary.rep_count >= 2, 'the set is whole in memory (Review, export)');
    await page.keyboard.press('6');
    assert.match(await page.textContent('#history-status'), /does not let the page keep sets/);
    assert.deepEqual(w.errors, []);
  } finally {
    await ctx.close();
  }
});
