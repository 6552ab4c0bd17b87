// Shared by the page's end-to-end tests: the server (tools/serve.mjs, so the CSP is the real
// one), Chromium launches (optionally with a clip as the fake camera), watchers for console
// errors and requests leaving the origin, the CLI, y4m clips, screenshots, and the report
// schema of docs/product.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const WWW = path.join(ROOT, 'www');
export const SHARED = path.resolve(ROOT, '../shared/data');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/e2e');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-default-apps', '--disable-extensions',
  // Belt and braces for the privacy checks: no name resolves except our own address.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

fs.mkdirSync(ARTIFACTS, { recursive: true });

/** Real-data files under ../shared/data; returns a skip reason (string) or false. */
export function needShared(...files) {
  const missing = files.filter((f) => !fs.existsSync(path.join(SHARED, f)));
  if (!missing.length) return false;
  const why = `needs ../shared/data (${missing.join(', ')}): not found next to the repo`;
  console.log(`SKIP: ${why}`);
  return why;
}

export function checkBuilt() {
  for (const f of ['www/pkg/hingecheck.js', 'www/pkg/hingecheck_bg.wasm', 'www/vendor/tasks-vision/vision_bundle.mjs']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run bash tools/setup.sh (or bash tools/build-web.sh) first`);
  }
}

export async function serve() {
  checkBuilt();
  return startServer({ root: WWW, port: 0 });
}

/** The page served with one of its folders missing (say 'models': the model cannot load). */
export async function serveWithout(missing) {
  checkBuilt();
  const dir = fs.mkdtempSync(path.join(tempDir(), 'www-'));
  for (const name of fs.readdirSync(WWW)) {
    if (name !== missing) fs.symlinkSync(path.join(WWW, name), path.join(dir, name));
  }
  return startServer({ root: dir, port: 0 });
}

/** Launches Chromium; `camera`: a y4m file for the fake camera, or null for no camera at all. */
export async function launch({ camera = null, grantCamera = true, args = [] } = {}) {
  const a = [...BASE_ARGS, ...args];
  if (camera) {
    a.push('--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${camera}`);
    if (grantCamera) a.push('--use-fake-ui-for-media-stream');
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: a });
}

// MediaPipe's wasm logs its INFO lines through console.error; they are not errors.
const BENIGN = [/^INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.?$/];

/**
 * Watches a page (and its workers and service worker) for console errors, page errors and
 * requests that leave `origin`. Returns { errors, offOrigin, notes, requests }.
 */
export function watch(context, page, origin) {
  const w = { errors: [], offOrigin: [], notes: [], requests: 0 };
  w.urls = [];
  // The context's request event covers its pages, their dedicated workers and service workers.
  context.on('request', (req) => {
    w.requests++;
    const u = new URL(req.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    w.urls.push(u.pathname);
    if (u.origin !== origin) w.offOrigin.push(req.url());
  });
  page.on('console', (m) => {
    const text = m.text();
    if (/blocked a request/.test(text)) w.notes.push(text);
    if (m.type() === 'error' && !BENIGN.some((re) => re.test(text))) w.errors.push(text);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on('worker', (wk) => wk.on('console', (m) => { if (m.type() === 'error' && !BENIGN.some((re) => re.test(m.text()))) w.errors.push(`worker: ${m.text()}`); }));
  return w;
}

export async function openPage(browser, server, { viewport = { width: 1280, height: 900 }, query = '' } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const w = watch(context, page, new URL(server.url).origin);
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
  return { context, page, watch: w };
}

export async function shot(page, name, selector = null) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file });
  console.log(`screenshot: ${path.relative(ROOT, file)}`);
  return file;
}

// ---- y4m clips for the fake camera (made at test time, in a temp dir, never committed) ----
let tmp = null;
export function tempDir() {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hingecheck-e2e-'));
  return tmp;
}
process.on('exit', () => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

export function y4m(video, { fps = 30, filter = null, name = null } = {}) {
  const out = path.join(tempDir(), name ?? `${path.basename(video, '.mp4')}-${fps}.y4m`);
  if (fs.existsSync(out)) return out;
  const vf = [filter, `fps=${fps}`].filter(Boolean).join(',');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', path.join(SHARED, video), '-vf', vf, '-pix_fmt', 'yuv420p', out]);
  return out;
}

export function videoDuration(video) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(SHARED, video)], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

// ---- the CLI (the same core, native) ----
export const CLI = path.join(ROOT, 'target/release/hingecheck');
export function cli(...args) {
  if (!fs.existsSync(CLI)) execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const r = spawnSync(CLI, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`hingecheck ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
export function cliReport(file, ...extra) {
  return JSON.parse(cli('analyze', file, '--json', ...extra));
}

export function readTrack(file) {
  const buf = fs.readFileSync(path.join(SHARED, file));
  return JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8'));
}

export function majority(report) {
  const s = report.summary;
  return ['engine', 'crane', 'unclear'].reduce((a, b) => (s[b] > s[a] ? b : a));
}

// ---- the analysis report schema (docs/product.md, "Analysis report") ----
export const FAULTS = new Set(['back_leads_ascent', 'hips_shoot_up', 'trunk_leads_descent', 'spinal_flexion_depth', 'rounded_back',
  'squat_not_hinge', 'knees_locked', 'lean_back_lockout', 'incomplete_lockout', 'arms_lift_bell', 'head_crank', 'bar_drift',
  'heel_lift', 'twisting']);
const num = (v) => typeof v === 'number' && Number.isFinite(v);

export function assertReportSchema(r, what = 'report') {
  assert.equal(typeof r, 'object', `${what}: an object`);
  assert.equal(typeof r.exercise, 'string', `${what}.exercise`);
  assert.match(r.exercise, /^(swing|deadlift|clean|rdl|not_hinge|unknown|drill|[a-z_]+)$/, `${what}.exercise`);
  assert.ok(['side', 'oblique', 'front', 'unknown'].includes(r.view?.kind), `${what}.view.kind: ${r.view?.kind}`);
  assert.ok(r.view.yaw_deg === null || num(r.view.yaw_deg), `${what}.view.yaw_deg`);
  assert.ok(r.view.camera_side == null || ['left', 'right'].includes(r.view.camera_side), `${what}.view.camera_side`);
  assert.ok(Array.isArray(r.reps), `${what}.reps`);
  r.reps.forEach((rep, k) => {
    const at = `${what}.reps[${k}]`;
    assert.equal(rep.index, k + 1, `${at}.index`);
    for (const f of ['start_s', 'bottom_s', 'lockout_s', 'end_s']) assert.ok(num(rep[f]), `${at}.${f}`);
    assert.ok(rep.start_s <= rep.bottom_s && rep.bottom_s <= rep.lockout_s && rep.lockout_s <= rep.end_s, `${at}: start ≤ bottom ≤ lockout ≤ end`);
    assert.ok(['engine', 'crane', 'unclear'].includes(rep.verdict), `${at}.verdict`);
    assert.ok(num(rep.confidence) && rep.confidence >= 0 && rep.confidence <= 1, `${at}.confidence`);
    assert.ok(Array.isArray(rep.faults), `${at}.faults`);
    for (const f of rep.faults) {
      assert.ok(FAULTS.has(f.code), `${at}: fault code ${f.code} is one of product.md's`);
      assert.ok(['warning', 'fault'].includes(f.severity), `${at}: severity ${f.severity}`);
      assert.equal(typeof f.message, 'string');
    }
    assert.equal(typeof rep.metrics, 'object', `${at}.metrics`);
    for (const [k2, v] of Object.entries(rep.metrics)) assert.ok(num(v), `${at}.metrics.${k2} is a number`);
    // A crane verdict is backed by a fault-severity crane fault (docs/product.md).
    if (rep.verdict === 'crane') {
      assert.ok(rep.faults.some((f) => f.severity === 'fault' && ['back_leads_ascent', 'hips_shoot_up', 'rounded_back', 'spinal_flexion_depth', 'lean_back_lockout'].includes(f.code)), `${at}: crane has a crane fault`);
    }
  });
  const s = r.summary;
  assert.ok(s && [s.rep_count, s.engine, s.crane, s.unclear].every(Number.isInteger), `${what}.summary`);
  assert.equal(s.rep_count, r.reps.length, `${what}.summary.rep_count`);
  assert.equal(s.engine + s.crane + s.unclear, s.rep_count, `${what}.summary adds up`);
  for (const v of ['engine', 'crane', 'unclear']) assert.equal(s[v], r.reps.filter((x) => x.verdict === v).length, `${what}.summary.${v}`);
  assert.ok(r.fatigue && (r.fatigue.onset_rep === null || Number.isInteger(r.fatigue.onset_rep)), `${what}.fatigue.onset_rep`);
  assert.equal(typeof r.fatigue.advice, 'string', `${what}.fatigue.advice`);
}

/**
 * The same analysis: rep count, verdicts, and rep times within `tolS`. (The page's wasm and the
 * CLI must be built from the same source: tools/build-web.sh and cargo build --release.)
 */
export function assertSameAnalysis(a, b, what, tolS = 0.002) {
  what = `${what} (are www/pkg and target/release built from the same source?)`;
  assert.equal(a.summary.rep_count, b.summary.rep_count, `${what}: rep count`);
  assert.deepEqual(a.reps.map((r) => r.verdict), b.reps.map((r) => r.verdict), `${what}: verdicts`);
  a.reps.forEach((r, i) => {
    for (const f of ['start_s', 'bottom_s', 'lockout_s', 'end_s']) {
      assert.ok(Math.abs(r[f] - b.reps[i][f]) <= tolS, `${what}: rep ${i + 1} ${f} ${r[f]} vs ${b.reps[i][f]}`);
    }
  });
}

// ---- the overlay on the person: read the overlay canvas where the landmarks are ----
/**
 * In the page: waits for the next video/animation frame, then reads the overlay canvas at the
 * latest analysed frame's near hip and shoulder (canvas px = normalised × canvas size, mirrored
 * when the preview is). Returns what it found.
 */
export async function overlayAtLandmarks(page) {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const f = window.hingecheck.lastFrame();
    const c = document.getElementById('overlay');
    if (!f || !f.landmarks) return { ok: false, why: 'no analysed person yet' };
    const ctx = c.getContext('2d');
    const mirror = document.getElementById('video').classList.contains('mirrored');
    const lm = f.landmarks;
    const at = (i) => {
      const x = lm[i * 4] * c.width;
      return { x: mirror ? c.width - x : x, y: lm[i * 4 + 1] * c.height, z: lm[i * 4 + 2], v: lm[i * 4 + 3] };
    };
    const near = at(24).z < at(23).z ? 1 : 0;
    const hip = at(23 + near);
    const shoulder = at(11 + near);
    const box = (p, r) => {
      const d = ctx.getImageData(Math.round(p.x - r), Math.round(p.y - r), 2 * r + 1, 2 * r + 1).data;
      let drawn = 0;
      let green = 0;
      for (let k = 0; k < d.length; k += 4) {
        if (d[k + 3] > 0) drawn++;
        // The engine disc: #22c55e (lit) or the same green at 25 % (idle).
        if (d[k + 3] > 40 && d[k + 1] > d[k] + 60 && d[k + 1] > d[k + 2] + 40) green++;
      }
      return { drawn, green, n: d.length / 4 };
    };
    const far = { x: hip.x < c.width / 2 ? c.width - 8 : 8, y: 8 };
    return {
      ok: true,
      canvas: { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight, left: c.offsetLeft, top: c.offsetTop },
      video: { w: document.getElementById('video').videoWidth, h: document.getElementById('video').videoHeight },
      hip: { ...hip, ...box(hip, 6) },
      shoulder: { ...shoulder, ...box(shoulder, 5) },
      far: box(far, 3),
      t: f.t,
    };
  });
}
