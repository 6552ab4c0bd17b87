#!/usr/bin/env node
// A posetrack WITH person-mask crops from a video file, made by the page itself: the same pose
// model (www/models), the same worker and crop (www/js/pose-worker.js, mask-crop.js) and the
// same export as a user gets. Headless Chromium (playwright-core, /usr/bin/chromium) opens the
// page served by tools/serve.mjs, analyses the video in Clip mode (every frame) with masks on
// every frame (or every 2nd), then clicks Review's "Export posetrack" and writes the download,
// gzipped when OUT ends in .gz, with where it came from added to the metadata.
//
//   node tools/mask-track.mjs VIDEO.mp4 OUT.posetrack.json.gz [--model full|lite]
//        [--masks 1|2] [--exercise auto|swing|deadlift|kettlebell-deadlift|clean|rdl]
//        [--delegate CPU|GPU|auto] [--timeout-min 60] [--quiet]
//
// Prints one line of progress every 10 s and a closing summary (frames, masks, reps, time).
// Exits 2 on bad arguments, 1 when the analysis or the export fails.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--disable-default-apps', '--disable-extensions',
  // Nothing resolves but our own address: the page works offline, and must.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

function usage(msg) {
  if (msg) console.error(`mask-track: ${msg}`);
  console.error('usage: node tools/mask-track.mjs VIDEO OUT.posetrack.json[.gz] [--model full|lite] [--masks 1|2] '
    + '[--exercise auto|swing|deadlift|kettlebell-deadlift|clean|rdl] [--delegate CPU|GPU|auto] [--timeout-min N] [--quiet]');
  process.exit(2);
}

export function parseArgs(argv) {
  const o = { model: 'full', masks: 1, exercise: 'auto', delegate: 'CPU', timeoutMin: 60, quiet: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--model') o.model = val();
    else if (a === '--masks') o.masks = Number(val());
    else if (a === '--exercise') o.exercise = val();
    else if (a === '--delegate') o.delegate = val();
    else if (a === '--timeout-min') o.timeoutMin = Number(val());
    else if (a === '--quiet') o.quiet = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length !== 2) usage('VIDEO and OUT are needed');
  if (!['full', 'lite'].includes(o.model)) usage(`--model ${o.model}: full or lite`);
  if (![1, 2].includes(o.masks)) usage(`--masks ${o.masks}: 1 (every frame) or 2 (every 2nd)`);
  if (!['CPU', 'GPU', 'auto'].includes(o.delegate)) usage(`--delegate ${o.delegate}: CPU, GPU or auto`);
  if (!['auto', 'swing', 'deadlift', 'kettlebell-deadlift', 'clean', 'rdl'].includes(o.exercise)) usage(`--exercise ${o.exercise}`);
  if (!(o.timeoutMin > 0)) usage('--timeout-min must be a positive number');
  return o;
}

/**
 * Runs the page over `video` and returns { json (the posetrack text, metadata added), summary }.
 * Options as parseArgs gives them.
 */
export async function maskTrack(video, { model = 'full', masks = 1, exercise = 'auto', delegate = 'CPU', timeoutMin = 60, log = console.log } = {}) {
  if (!fs.existsSync(video)) throw new Error(`${video}: no such file`);
  for (const f of ['www/pkg/hingecheck_bg.wasm', 'www/vendor/tasks-vision/vision_bundle.mjs']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run bash tools/build-web.sh first`);
  }
  const server = await startServer({ root: path.join(ROOT, 'www'), port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS });
  const t0 = Date.now();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const origin = new URL(server.url).origin;
    const offOrigin = [];
    const errors = [];
    context.on('request', (r) => { const u = new URL(r.url()); if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) offOrigin.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    // ?nosw: no service worker (nothing to cache for one run).
    await page.goto(`${server.url}/?nosw`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60000 });
    await page.evaluate(() => window.hingecheck.setMode('clip'));
    await page.selectOption('#model', model);
    await page.selectOption('#delegate', delegate);
    await page.selectOption('#masks', String(masks));
    await page.selectOption('#exercise', exercise);
    await page.setInputFiles('#clip-file', video);
    await page.waitForFunction(() => window.hingecheck.state().clip.analysing, null, { timeout: 120000 });
    const deadline = Date.now() + timeoutMin * 60000;
    let lastLog = Date.now();
    for (;;) {
      const s = await page.evaluate(() => window.hingecheck.state());
      if (!s.clip.analysing) break;
      if (Date.now() > deadline) throw new Error(`the analysis took over ${timeoutMin} min (${s.clip.frames} frames done)`);
      if (Date.now() - lastLog > 10000) {
        lastLog = Date.now();
        log(`  ${path.basename(video)}: ${s.clip.frames} frames, ${s.masks.fed} masks, model ${s.inferenceMs?.toFixed(0)} ms, crop ${s.masks.cropMs?.toFixed(2)} ms`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const status = await page.textContent('#clip-status');
    const state = await page.evaluate(() => window.hingecheck.state());
    if (!/^Analysed/.test(status)) throw new Error(`the page did not analyse the whole clip: ${status} ${state.messages.join(' | ')}`);
    if (state.model?.model !== model) throw new Error(`the page ran the ${state.model?.model} model, not ${model}`);
    const report = await page.evaluate(() => window.hingecheck.report());
    // The page's own export (Review → Export posetrack).
    await page.evaluate(() => window.hingecheck.setMode('review'));
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120000 }), page.click('#export-posetrack')]);
    const file = await download.path();
    const track = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
    if (offOrigin.length) throw new Error(`requests left the origin: ${offOrigin.join(' ')}`);
    const bytes = fs.readFileSync(video);
    Object.assign(track.metadata, {
      model: 'blazepose',
      modelVariant: model,
      modelVersion: 'mediapipe tasks-vision 1.1.0 (www/models)',
      delegate: state.model.delegate,
      maskEvery: masks,
      sourceVideoName: path.basename(video),
      sourceVideoHash: crypto.createHash('sha256').update(bytes).digest('hex'),
      extractedBy: 'tools/mask-track.mjs (the Hinge Check page in Clip mode, headless Chromium)',
      extractedAt: new Date().toISOString(),
    });
    const frames = track.frames.length;
    const people = track.frames.filter((f) => f.keypoints?.length).length;
    const masked = track.frames.filter((f) => f.mask).length;
    const summary = {
      video: path.basename(video), frames, people, masks: masked, model, delegate: state.model.delegate, maskEvery: masks,
      reps: report.summary.rep_count, exercise: report.exercise,
      clip: { missed: state.clip.missed, recovered: state.clip.recovered, wallS: Math.round(state.clip.wallMs / 100) / 10 },
      inferenceMs: state.inferenceMs, cropMs: state.masks.cropMs, brokenMasks: state.masks.broken, droppedMasks: state.masks.dropped,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    };
    return { json: JSON.stringify(track), summary };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The video's frame count by ffprobe (null when ffprobe is missing or cannot tell): the frames
 * it shows, decoded — a phone video's edit list can hide packets that are never shown (a bbdl-m
 * clip has 223 packets and 167 frames). */
function videoFrames(video) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', video], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return r.status === 0 && Number.isInteger(n) && n > 0 ? n : null;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const [video, out] = o.files;
  const log = o.quiet ? () => {} : console.log;
  log(`mask-track: ${video} → ${out} (${o.model} model on ${o.delegate}, a mask every ${o.masks === 1 ? 'frame' : '2nd frame'})`);
  const { json, summary } = await maskTrack(video, { ...o, log });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.part`;
  fs.writeFileSync(tmp, out.endsWith('.gz') ? zlib.gzipSync(json, { level: 9 }) : json);
  fs.renameSync(tmp, out);
  const s = summary;
  const total = videoFrames(video);
  console.log(`mask-track: ${s.video}: ${s.frames}${total ? ` of ${total}` : ''} frames (${s.people} with a person), ${s.masks} masks, ${s.reps} reps (${s.exercise}); `
    + `model ${s.inferenceMs?.toFixed(0)} ms and crop ${s.cropMs?.toFixed(2)} ms a frame; ${s.clip.missed} frames skipped by the browser, ${s.clip.recovered} fetched again; `
    + `${s.seconds} s → ${out} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MiB)`);
  if (total && s.frames < total) {
    console.log(`mask-track: WARNING: ${total - s.frames} of the video's ${total} frames are not in the track (the browser skipped them and `
      + 'Clip mode could not fetch them again); run it again on a quieter machine for every frame');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(`mask-track: ${e.message || e}`); process.exit(1); });
}
