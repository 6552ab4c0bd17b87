// Installable, offline, and updates that never break an open session (issue 11).
// - The service worker precaches every file the page loads (its list checked against www/).
// - Chromium's own installability check finds nothing wrong (manifest, icons, worker), in a
//   normal (not incognito) profile.
// - A new version of the service worker arriving in the middle of a live set (a real clip as
//   the camera) installs and WAITS: the set goes on under the old one with no offer on screen;
//   once the set stops, "Reload to update" is offered, and taking it reloads the page under the
//   new version, with the set kept in History.
// - Privacy in every mode: each mode, the hand-over dialog and History visited, and no request
//   leaves the origin.
//
//   node --test tests/e2e/install-update.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { WWW, BASE_ARGS, CHROMIUM, checkBuilt, serve, launch, watch, shot, y4m, needShared, tempDir } from './helpers.mjs';
import { startServer } from '../../tools/serve.mjs';

const CLIP = 'kb-deadlift-c-side';
const SKIP = needShared(`videos/${CLIP}.mp4`);

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

test('the service worker precaches every file the page loads', () => {
  const sw = fs.readFileSync(path.join(WWW, 'sw.js'), 'utf8');
  const list = (name) => JSON.parse(`[${/const NAME = \[([\s\S]*?)\];/.exec(sw.replace(`const ${name} =`, 'const NAME ='))[1].replace(/'/g, '"').replace(/,\s*$/, '')}]`);
  const shell = list('SHELL');
  const runtime = list('RUNTIME');
  for (const f of [...shell, ...runtime]) if (f !== './') assert.ok(fs.existsSync(path.join(WWW, f)), `${f} (listed) exists`);
  const wanted = [
    // The page's JS as bundled (tools/build-web.sh; source maps only for a debugger).
    ...fs.readdirSync(path.join(WWW, 'build')).filter((f) => f.endsWith('.js')).map((f) => `build/${f}`),
    ...fs.readdirSync(path.join(WWW, 'icons')).map((f) => `icons/${f}`),
    'index.html', 'styles.css', 'manifest.webmanifest', 'icon.svg', 'pkg/hingecheck_bg.wasm',
  ];
  const html = fs.readFileSync(path.join(WWW, 'index.html'), 'utf8');
  const entry = /<script type="module" src="([^"]+)"><\/script>/.exec(html)?.[1];
  assert.equal(entry, 'build/app.js', 'the page loads the bundle');
  const missing = wanted.filter((f) => !shell.includes(f));
  assert.deepEqual(missing, [], 'every module, icon and the core are precached (else the page breaks offline)');
  const manifest = JSON.parse(fs.readFileSync(path.join(WWW, 'manifest.webmanifest'), 'utf8'));
  for (const icon of manifest.icons) assert.ok(shell.includes(icon.src), `manifest icon ${icon.src} is precached`);
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'), 'a maskable icon');
  assert.ok(manifest.icons.some((i) => i.sizes === '192x192' && i.type === 'image/png'), 'a 192 px PNG icon');
});

test('installable: Chromium\'s installability check finds nothing missing', async () => {
  checkBuilt();
  const profile = fs.mkdtempSync(path.join(tempDir(), 'profile-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: BASE_ARGS });
  try {
    const page = await ctx.newPage();
    const w = watch(ctx, page, new URL(server.url).origin);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    const cdp = await ctx.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], `installable (${JSON.stringify(installabilityErrors)})`);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, [], 'the manifest parses without errors');
    for (const src of ['icons/icon-192.png', 'icons/icon-512.png', 'icons/maskable-512.png']) {
      const r = await page.evaluate(async (u) => { const x = await fetch(u); return { ok: x.ok, type: x.headers.get('content-type') }; }, src);
      assert.deepEqual(r, { ok: true, type: 'image/png' }, src);
    }
    assert.deepEqual(w.offOrigin, []);
  } finally {
    await ctx.close();
  }
});

/** The page served from a copy of www/ whose sw.js can be changed (the rest linked). */
async function serveCopy() {
  checkBuilt();
  const dir = fs.mkdtempSync(path.join(tempDir(), 'www-update-'));
  for (const name of fs.readdirSync(WWW)) {
    if (name === 'sw.js') fs.copyFileSync(path.join(WWW, name), path.join(dir, name));
    else fs.symlinkSync(path.join(WWW, name), path.join(dir, name));
  }
  return { dir, server: await startServer({ root: dir, port: 0 }) };
}

const swVersion = (page) => page.evaluate(() => new Promise((resolve) => {
  const c = navigator.serviceWorker.controller;
  if (!c) { resolve(null); return; }
  const ch = new MessageChannel();
  ch.port1.onmessage = (e) => resolve(e.data.version);
  c.postMessage({ type: 'version' }, [ch.port2]);
}));

test('an update never breaks an open session: the new worker waits through the set, "Reload to update" comes between sets', { skip: SKIP }, async () => {
  const { dir, server: copy } = await serveCopy();
  const browser = await launch({ camera: y4m(`videos/${CLIP}.mp4`) });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const w = watch(context, page, new URL(copy.url).origin);
    await page.goto(`${copy.url}/`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    });
    assert.equal(await swVersion(page), 'dev', 'the first version controls the page');

    await page.click('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().reps >= 1, null, { timeout: 60000 });
    const started = (await page.evaluate(() => window.hingecheck.report())).session.started;

    // A new version is deployed mid-set.
    const sw = path.join(dir, 'sw.js');
    fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace("const VERSION = 'dev';", "const VERSION = 'v2-test';"));
    await page.evaluate(() => window.hingecheck.app.updates.check());
    await page.waitForFunction(() => window.hingecheck.state().update === 'ready', null, { timeout: 60000 });
    const reg = await page.evaluate(async () => { const r = await navigator.serviceWorker.getRegistration(); return { waiting: r.waiting?.state ?? null, active: r.active?.state ?? null }; });
    assert.deepEqual(reg, { waiting: 'installed', active: 'activated' }, 'the new worker is installed and waits');
    assert.equal(await swVersion(page), 'dev', 'the page keeps the worker it started with');
    const f0 = (await page.evaluate(() => window.hingecheck.state())).frames;
    await page.waitForTimeout(2500);
    const mid = await page.evaluate(() => window.hingecheck.state());
    assert.ok(mid.frames > f0 + 10 && mid.live.running, 'the set goes on');
    assert.equal(await page.locator('#banners [data-id="update"]').count(), 0, 'no update offer in the middle of a set');
    assert.equal((await page.evaluate(() => window.hingecheck.report())).session.started, started, 'the same session');
    await page.waitForFunction((n) => window.hingecheck.state().reps > n, mid.reps, { timeout: 60000 });

    // Between sets: the offer; taking it reloads the page under the new version.
    await page.click('#live-start');
    const reps = (await page.evaluate(() => window.hingecheck.report())).summary.rep_count;
    await page.waitForSelector('#banners [data-id="update"]', { timeout: 5000 });
    assert.match(await page.textContent('#banners [data-id="update"]'), /new version.*reload/i);
    await shot(page, 'update-offer');
    await Promise.all([page.waitForEvent('load', { timeout: 30000 }), page.click('#banners [data-id="update"] button:has-text("Reload to update")')]);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 10000 });
    assert.equal(await swVersion(page), 'v2-test', 'the new version controls the page after the reload');
    const kept = await page.evaluate(() => window.hingecheck.history());
    assert.ok(kept.some((x) => x.started === started && x.reps === reps && x.state === 'done'), 'the set is kept in History');

    // Privacy in every mode, the hand-over dialog and History included.
    for (const mode of ['live', 'drill', 'clip', 'review', 'demo', 'history']) {
      await page.evaluate((m) => window.hingecheck.setMode(m), mode);
      await page.waitForTimeout(400);
    }
    await page.evaluate(() => window.hingecheck.setMode('demo', { start: true }));
    await page.waitForFunction(() => window.hingecheck.state().frames > 30, null, { timeout: 20000 });
    await page.click('#handover-open');
    await page.waitForFunction(() => document.getElementById('handover-note').textContent.length > 0);
    assert.match(await page.textContent('#handover-note'), /this machine only.*--lan/s, 'served for this machine only: the dialog says how to reach it from a phone');
    await page.click('#handover-close');
    assert.deepEqual(w.errors, [], 'no console errors');
    assert.deepEqual(w.offOrigin, [], 'no request left the origin, in any mode');
  } finally {
    await browser.close();
    await copy.close();
  }
});
