// The static build (issue 11): tools/build-dist.mjs writes a folder any static HTTPS host
// serves as it is. Here it is served by a plain static file server (Python's http.server: no
// CSP, no COOP/COEP, no special header of any kind), under a sub-path as on many hosts, on
// 127.0.0.1: the page loads with no console error, its CSP <meta> still refuses requests to
// other origins, the model runs, a real clip is analysed (reps and verdicts as the CLI finds
// them on the same part of the clip), and nothing is requested outside the origin. The
// _headers file carries the dev server's security headers.
//
//   node --test tests/e2e/static-dist.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { ROOT, SHARED, checkBuilt, launch, watch, shot, cliReport, majority, needShared, tempDir, readTrack } from './helpers.mjs';
import { CSP, SECURITY_HEADERS } from '../../tools/serve.mjs';

const CLIP = 'kb-deadlift-h-side';
const TRIM_S = 9;
const SKIP = needShared(`videos/${CLIP}.mp4`, `tracks/${CLIP}.posetrack.json.gz`);

let site;
let dist;
let server;
let base;

before(async () => {
  checkBuilt();
  site = fs.mkdtempSync(path.join(tempDir(), 'site-'));
  dist = path.join(site, 'hinge');
  execFileSync(process.execPath, [path.join(ROOT, 'tools/build-dist.mjs'), dist], { cwd: ROOT, stdio: 'inherit' });
  server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', site], { stdio: ['ignore', 'pipe', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`python3 -m http.server did not start: ${out}`)), 15000);
    const seen = (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    };
    server.stdout.on('data', seen);
    server.stderr.on('data', seen);
    server.on('error', reject);
  });
});
after(() => { server?.kill(); });

test('the build: _headers with the security headers, a CSP <meta>, a versioned service worker', () => {
  const headers = fs.readFileSync(path.join(dist, '_headers'), 'utf8');
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.ok(headers.includes(`  ${k}: ${v}\n`), `_headers has ${k}`);
  assert.match(headers, /^\/\*$/m, 'for every path');
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(meta, 'index.html carries the CSP as a <meta>');
  assert.equal(meta, CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; '), 'the same policy (less what a <meta> cannot carry)');
  const sw = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8');
  assert.match(sw, /const VERSION = '[0-9a-f]{12}';/, 'the service worker is stamped with the build\'s version');
  for (const f of ['build/app.js', 'build/pose-worker.js', 'pkg/hingecheck_bg.wasm', 'vendor/tasks-vision/vision_bundle.mjs', 'models/pose_landmarker_lite.task', 'icons/icon-512.png', 'manifest.webmanifest']) {
    assert.ok(fs.existsSync(path.join(dist, f)), `${f} is in the build`);
  }
  assert.ok(!fs.existsSync(path.join(ROOT, 'dist')) || execFileSync('git', ['check-ignore', 'dist'], { cwd: ROOT, encoding: 'utf8' }).trim() === 'dist', 'dist/ is git-ignored');
});

test('served by a plain static server (no special headers): the page loads, the model runs, a clip is analysed', { skip: SKIP }, async () => {
  const res = await fetch(`${base}/hinge/`);
  assert.equal(res.status, 200);
  for (const h of ['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-embedder-policy']) {
    assert.equal(res.headers.get(h), null, `the plain server sends no ${h}`);
  }
  // The part of the clip the page analyses, and what the CLI finds on the same part of its track.
  const clip = path.join(tempDir(), `${CLIP}-first-${TRIM_S}s.mp4`);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', path.join(SHARED, `videos/${CLIP}.mp4`), '-t', String(TRIM_S), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an', clip]);
  const track = readTrack(`tracks/${CLIP}.posetrack.json.gz`);
  track.frames = track.frames.filter((f) => f.timestamp < TRIM_S * 1000);
  track.metadata.frameCount = track.frames.length;
  const trimmedTrack = path.join(tempDir(), `${CLIP}-first-${TRIM_S}s.posetrack.json`);
  fs.writeFileSync(trimmedTrack, JSON.stringify(track));
  const cli = cliReport(trimmedTrack);
  const inside = cli.reps.filter((r) => r.end_s <= TRIM_S - 0.2).length;
  const started = cli.reps.length;

  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const origin = new URL(base).origin;
    const w = watch(context, page, origin);
    await page.goto(`${base}/hinge/`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    const s0 = await page.evaluate(() => window.hingecheck.state());
    assert.equal(s0.crossOriginIsolated, false, 'no COOP/COEP here: not isolated');
    assert.equal(s0.features.crossOriginIsolated, false, 'the page knows it');
    assert.equal(s0.mode, 'demo', 'no camera: the demo runs (the page is not blank)');
    assert.ok(await page.isVisible('#stage'), 'the stage is on screen');

    // The CSP <meta> holds: a request to another origin is refused.
    const errs = [];
    page.on('console', (m) => { if (m.type() === 'error') errs.push(m.text()); });
    await page.evaluate(() => fetch('https://example.com/collect').catch(() => 'refused'));
    await page.waitForTimeout(200);
    assert.ok(errs.some((e) => /Content Security Policy/.test(e) && /example\.com/.test(e)), `the CSP <meta> refused it: ${errs.join(' | ')}`);
    const offOrigin = w.offOrigin.filter((u) => !u.startsWith('https://example.com/'));
    w.errors.length = 0;

    // Clip mode: the model loads, every frame of the clip is analysed.
    await page.keyboard.press('3');
    await page.setInputFiles('#clip-file', clip);
    await page.waitForFunction(() => window.hingecheck.state().clip.analysing, null, { timeout: 60000 });
    await page.waitForFunction(() => !window.hingecheck.state().clip.analysing, null, { timeout: 300000, polling: 500 });
    const st = await page.evaluate(() => window.hingecheck.state());
    const r = await page.evaluate(() => window.hingecheck.report());
    console.log(`dist: model ${st.model?.model} on ${st.model?.delegate}; clip ${st.clip.frames} frames, ${r.summary.rep_count} reps (engine ${r.summary.engine}, crane ${r.summary.crane}); CLI on the same ${TRIM_S} s: ${inside}–${started} reps`);
    assert.equal(st.model?.model, 'lite', 'the pose model ran');
    assert.equal(r.session.source, 'clip');
    assert.ok(r.summary.rep_count >= inside && r.summary.rep_count <= started, `reps as the CLI finds them on the same part (${inside}–${started})`);
    assert.ok(r.summary.rep_count >= 2, 'a clip with reps was analysed');
    assert.equal(majority(r), majority(cli), `the majority verdict the CLI gives the same part (${majority(cli)})`);
    await page.keyboard.press('4');
    assert.equal(await page.locator('#reps-table tbody tr').count(), r.summary.rep_count, 'Review lists every rep');
    await shot(page, 'dist-clip-review');
    assert.deepEqual(w.errors, [], 'no console errors');
    assert.deepEqual([...offOrigin, ...w.offOrigin.filter((u) => !u.startsWith('https://example.com/'))], [], 'no request left the origin');
    assert.ok(w.urls.some((u) => u.endsWith('/hinge/models/pose_landmarker_lite.task')), 'the model came from the build, under its sub-path');
  } finally {
    await browser.close();
  }
});
