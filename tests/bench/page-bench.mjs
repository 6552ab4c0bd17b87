#!/usr/bin/env node
// Page benchmark (not a test: it asserts nothing, it prints numbers), in one headless Chromium
// run:
//   - calls into wasm per frame, counted by wrapping every export of the wasm instance (the
//     page's target: ≤ 2, one feed and one draw);
//   - the page's per-frame analysis (Session.feed = HingeCheck.feed + the frame record read +
//     what the page stores) and HingeCheck.feed alone (target p99 ≤ 100 µs), and the overlay
//     drawing (HingeCheck.draw on a 640×360 canvas), median / p99, over a long simulated
//     session (default 60 minutes at 30 fps, fed as fast as possible);
//   - the cost of a rep at rep 10 and at rep 2,000 of one long session (target: within 20 %),
//     beside what building the whole report costs there;
//   - next to the pose model's own inference time (lite and full, CPU) on real video frames;
//   - memory over the session: wasm linear memory, the JS heap, and the browser's own measure;
//   - the size of the app's own JS + wasm, gzipped (target 200 kB, product budget 250 kB;
//     models and the MediaPipe runtime excluded);
//   - person masks (issue 10): the pose model per frame with and without its segmentation mask
//     (lite and full, CPU, on a 360×640 and a 1280×720 clip; runs alternated off/on, --pairs times), the
//     crop's own cost in the worker, Session.feed with and without the masks of a real mask
//     track (tools/mask-track.mjs; MASK_TRACK=… to choose it), and the frame rate the live page
//     reaches on a fake camera with masks off, every frame, every 2nd frame.
//
//   node tests/bench/page-bench.mjs [--minutes 60] [--frames 60] [--masks-only] [--pairs 2] [--live-s 15]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SHARED = path.resolve(ROOT, '../shared/data');
const CLIP = 'videos/kb-deadlift-c-side.mp4';
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MINUTES = arg('minutes', 60);
const POSE_FRAMES = arg('frames', 60);
const MASKS_ONLY = process.argv.includes('--masks-only');
const LIVE_S = arg('live-s', 15);
const PAIRS = arg('pairs', 2);
const CLIP_HD = 'corpus/videos/bbdl-b-good014.mp4';
const MASK_TRACK = process.env.MASK_TRACK ?? path.join(os.homedir(), '.cache/hingecheck/mask-tracks/kb-deadlift-c-side.full.posetrack.json.gz');
const BROWSER_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic', '--disable-default-apps', '--disable-extensions', '--enable-precise-memory-info', '--js-flags=--expose-gc'];

const fmtUs = (s) => `${s.median.toFixed(1)} µs / ${s.p99.toFixed(1)} µs`;
const fmtMs = (s) => `${s.median.toFixed(1)} ms / ${s.p99.toFixed(1)} ms`;
const mb = (b) => (b == null ? '–' : `${(b / 1024 / 1024).toFixed(1)} MiB`);

// ---- size of the app's own code, gzipped ----
export function appSize() {
  // What the page loads of our own: the bundled page and worker (tools/build-web.sh), the
  // service worker and the wasm core (source maps are fetched only by a debugger).
  const files = ['www/build/app.js', 'www/build/pose-worker.js', 'www/sw.js', 'www/pkg/hingecheck_bg.wasm'];
  // `gzip -9` as tools/build-web.sh measures (node's zlib at level 9 gives a few % more).
  const gz = (file) => {
    try {
      return execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 64 * 1024 * 1024 }).length;
    } catch {
      return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
    }
  };
  const rows = files.map((f) => ({ f, raw: fs.statSync(path.join(ROOT, f)).size, gz: gz(path.join(ROOT, f)) }));
  const sum = (pick) => rows.reduce((a, r) => a + pick(r), 0);
  const wasm = rows.find((r) => r.f.endsWith('.wasm'));
  return { rows, raw: sum((r) => r.raw), gz: sum((r) => r.gz), wasmGz: wasm.gz, jsGz: sum((r) => r.gz) - wasm.gz };
}

async function main() {
  const haveClip = fs.existsSync(path.join(SHARED, CLIP));
  const mounts = { '/': path.join(ROOT, 'www'), '/__bench/': path.join(ROOT, 'tests/bench') };
  if (haveClip) mounts['/__data/'] = SHARED;
  if (fs.existsSync(MASK_TRACK)) mounts['/__masktrack/'] = path.dirname(MASK_TRACK);
  const server = await startServer({ mounts, port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: BROWSER_ARGS });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${server.url}/__bench/bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    if (MASKS_ONLY) {
      await maskBench(page, server, haveClip);
      return;
    }

    console.log(`Hinge Check page benchmark: ${MINUTES} simulated minutes at 30 fps, then the pose model on ${POSE_FRAMES} ${haveClip ? 'frames of ' + CLIP : 'drawn frames (../shared absent)'}`);
    const c = await page.evaluate(() => window.bench.calls());
    const a = await page.evaluate((minutes) => window.bench.analysis({ minutes }), MINUTES);
    const reps = await page.evaluate(() => window.bench.reps());
    const poses = {};
    for (const model of ['lite', 'full']) {
      poses[model] = await page.evaluate(([model, video, frames]) => window.bench.pose({ model, delegate: 'CPU', video, frames }),
        [model, haveClip ? `/__data/${CLIP}` : null, POSE_FRAMES]);
    }

    const ours = a.push.median + a.draw.median;
    const rows = [
      ['our analysis per frame (Session.feed)', fmtUs(a.push), `${a.push.n} frames`],
      ['  of which HingeCheck.feed (the one call)', fmtUs(a.rawPush), `target p99 ≤ 100 µs${a.rawPush.p99 > 100 ? '  ** OVER **' : ''}`],
      ['our overlay per frame (HingeCheck.draw, 640×360)', fmtUs(a.draw), `${a.draw.n} draws`],
      ['  draw + canvas flush (getImageData 1 px)', fmtUs(a.drawFlushed), `${a.drawFlushed.n} draws`],
      ['pose model, lite (CPU, detectForVideo)', fmtMs(poses.lite.inference), `${poses.lite.inference.n} frames, ${poses.lite.people} poses`],
      ['pose model, full (CPU, detectForVideo)', fmtMs(poses.full.inference), `${poses.full.inference.n} frames, ${poses.full.people} poses`],
      ['createImageBitmap(video) on the main thread', fmtMs(poses.lite.bitmap), ''],
      ['ours (push + draw) / pose model (lite), medians', `${((ours / 1000 / poses.lite.inference.median) * 100).toFixed(3)} %`, 'budget ≤ 2 %'],
      ['ours (push + draw) / pose model (full), medians', `${((ours / 1000 / poses.full.inference.median) * 100).toFixed(3)} %`, ''],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`\n${'per frame'.padEnd(w0)}  ${'median / p99'.padEnd(w1)}  notes`);
    for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
    console.log(`(timer resolution: crossOriginIsolated=${a.crossOriginIsolated}, so performance.now() steps of ${a.crossOriginIsolated ? '5' : '100'} µs; `
      + `mean push ${a.push.mean.toFixed(1)} µs, mean draw ${a.draw.mean.toFixed(1)} µs; the whole ${MINUTES}-minute session took ${(a.wallMs / 1000).toFixed(1)} s of wall time; ${a.reps} reps counted)`);

    console.log(`\ncalls into wasm per frame (every export counted, ${c.frames} frames of ${c.reps} reps, fed and drawn each frame): `
      + `${c.perFrame.toFixed(3)} (target ≤ 2)${c.perFrame > 2 ? '  ** OVER **' : ''}`);
    console.log(`  feed: ${c.feedPerFrame.toFixed(3)} a frame (${c.feedPerPlainFrame.toFixed(3)} on a frame without a rep, ${c.feedPerRepFrame.toFixed(1)} on a rep's frame: `
      + `the rep's words fetched); draw: ${c.drawPerFrame.toFixed(3)}`);
    console.log(`  by export: ${Object.entries(c.by).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);

    const within = Math.abs(reps.late.median / reps.early.median - 1) * 100;
    console.log(`\ncost of a rep (its two analysis frames, the rep event's included; Session.feed), median of reps ±5 around each, one session of ${reps.reps} reps (${reps.minutes.toFixed(0)} simulated minutes):`);
    console.log(`  rep ${reps.early.at}: ${reps.early.median.toFixed(0)} µs (p90 ${reps.early.p90.toFixed(0)}; the event's frame ${reps.early.event.median.toFixed(0)} µs); `
      + `rep ${reps.late.at}: ${reps.late.median.toFixed(0)} µs (p90 ${reps.late.p90.toFixed(0)}; the event's frame ${reps.late.event.median.toFixed(0)} µs): `
      + `${within.toFixed(0)} % apart (target ≤ 20 %)${within > 20 ? '  ** OVER **' : ''}`);
    console.log(`  the whole report built (what the page did on every rep before the frame record): ${reps.early.report?.toFixed(0)} µs at rep ${reps.early.at}, `
      + `${(reps.late.report / 1000)?.toFixed(1)} ms at rep ${reps.late.at}`);

    console.log('\nper-frame cost over the session (median / p99 per 10 simulated minutes)');
    console.log('minutes  Session.feed            HingeCheck.draw');
    for (const b of a.buckets) console.log(`${String(b.from).padStart(2)}–${String(b.from + 10).padEnd(3)}   ${fmtUs(b.push).padEnd(22)}  ${fmtUs(b.draw)}`);

    console.log('\nmemory over the session (sampled every 10 simulated minutes)');
    console.log('minute  frames    wasm memory  JS heap');
    for (const m of a.memory.filter((m, i) => m.minute % 10 === 0 || i === a.memory.length - 1)) {
      console.log(`${String(m.minute).padStart(6)}  ${String(m.frames).padStart(7)}  ${mb(m.wasmBytes).padStart(11)}  ${mb(m.jsHeap).padStart(9)}`);
    }
    const m1 = a.memory.find((m) => m.minute === 1) ?? a.memory[0];
    const mEnd = a.memory[a.memory.length - 1];
    console.log(`wasm memory growth after the first minute: ${mb(mEnd.wasmBytes - m1.wasmBytes)}; `
      + `the page's stored landmarks (for replay and export, 528 B a frame): ${mb(a.storedBytes)}; `
      + `browser's measureUserAgentSpecificMemory: ${mb(a.uaMemory.start)} at the start, ${mb(a.uaMemory.end)} at the end`);

    const size = appSize();
    console.log(`\nthe app's own JS + wasm, gzipped -9 file by file: ${(size.gz / 1000).toFixed(1)} kB (${(size.gz / 1024).toFixed(1)} KiB); target 200 kB, budget 250 kB `
      + `= wasm ${(size.wasmGz / 1000).toFixed(1)} kB + JS ${(size.jsGz / 1000).toFixed(1)} kB (raw ${(size.raw / 1000).toFixed(1)} kB)${size.gz > 250000 ? '  ** OVER BUDGET **' : size.gz > 200000 ? '  ** OVER TARGET **' : ''}`);
    for (const r of size.rows) console.log(`  ${String(r.gz).padStart(7)} B  ${r.f}`);
    console.log(`pose model (${poses.lite.info.delegate}; ${poses.lite.info.note})`);
    await maskBench(page, server, haveClip);
  } finally {
    await browser.close();
    await server.close();
  }
}

// ---- person masks (issue 10) ----
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function maskBench(page, server, haveClip) {
  console.log('\nperson masks (issue 10): the pose model with and without its segmentation mask, CPU');
  if (!haveClip) {
    console.log('  SKIPPED: needs ../shared/data (real video)');
    return;
  }
  const clips = [[CLIP, '360×640'], [CLIP_HD, '1280×720']].filter(([c]) => fs.existsSync(path.join(SHARED, c)));
  const rows = [];
  for (const [clip, size] of clips) {
    for (const model of ['lite', 'full']) {
      const runs = { 0: [], 1: [] };
      for (const masks of Array.from({ length: 2 * PAIRS }, (_, k) => k % 2)) {
        runs[masks].push(await page.evaluate((o) => window.bench.pose(o), { model, delegate: 'CPU', video: `/__data/${clip}`, frames: POSE_FRAMES, masks }));
      }
      // The median of the runs' medians (other work on the machine shifts a whole run).
      const mid = (xs) => { const s2 = [...xs].sort((a, b) => a - b); return s2.length % 2 ? s2[s2.length >> 1] : (s2[s2.length / 2 - 1] + s2[s2.length / 2]) / 2; };
      const med = (rs, k) => mid(rs.map((r) => r[k].median));
      const p99 = (rs, k) => mid(rs.map((r) => r[k].p99));
      rows.push({
        clip: path.basename(clip), size, model,
        off: med(runs[0], 'inference'), offP99: p99(runs[0], 'inference'), on: med(runs[1], 'inference'), onP99: p99(runs[1], 'inference'),
        crop: mid(runs[1].map((r) => r.mask?.median ?? NaN)), cropP99: mid(runs[1].map((r) => r.mask?.p99 ?? NaN)),
        spread: [runs[0], runs[1]].map((rs) => rs.map((r) => r.inference.median.toFixed(0)).join(' ')),
        tripOff: med(runs[0], 'roundTrip'), tripOn: med(runs[1], 'roundTrip'),
        crops: runs[1].reduce((a, r) => a + r.crops, 0), frames: runs[1].reduce((a, r) => a + r.inference.n + 1, 0),
        coverage: mean(runs[1].map((r) => r.coverage)),
      });
    }
  }
  const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');
  const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–');
  console.log(`(${POSE_FRAMES} frames a run, ${PAIRS} pairs of runs alternated off/on; the median over the runs of each run's median (p99); ms)`);
  console.log('clip                    model  model, no mask    model, mask       +mask    crop (med/p99)   round trip off → on   crops');
  for (const r of rows) {
    console.log(`${`${r.clip} ${r.size}`.padEnd(23)} ${r.model.padEnd(5)}  ${`${f1(r.off)} / ${f1(r.offP99)}`.padEnd(16)}  ${`${f1(r.on)} / ${f1(r.onP99)}`.padEnd(16)}  `
      + `${`${r.on - r.off >= 0 ? '+' : ''}${f1(r.on - r.off)}`.padEnd(7)}  ${`${f2(r.crop)} / ${f2(r.cropP99)}`.padEnd(15)}  `
      + `${`${f1(r.tripOff)} → ${f1(r.tripOn)}`.padEnd(20)}  ${r.crops}/${r.frames} (person ${(r.coverage * 100).toFixed(0)} % of cells); `
      + `runs' medians off: ${r.spread[0]}, on: ${r.spread[1]}`);
  }

  if (fs.existsSync(MASK_TRACK)) {
    const m = await page.evaluate((url) => window.bench.maskFeed({ url }), `/__masktrack/${path.basename(MASK_TRACK)}`);
    console.log(`
Session.feed on ${path.basename(MASK_TRACK)} (${m.frames} frames, ${m.masked} with a mask; fed ${m.fed}, left out ${m.broken}): `
      + `without masks ${fmtUs(m.without)}, with ${fmtUs(m.with)} (median / p99); +${(m.with.median - m.without.median).toFixed(1)} µs a frame at the median; `
      + `calls into wasm per masked frame ${m.callsPerMaskedFrame.toFixed(3)}; reps ${m.reps.with} with, ${m.reps.without} without`);
  } else {
    console.log(`
Session.feed with masks: SKIPPED (no mask track at ${MASK_TRACK}: make it with tools/mask-tracks.sh)`);
  }

  // The live page on a fake camera (the clip at 30 fps), lite and full, masks off / every / 2nd.
  const y4m = path.join(os.tmpdir(), `hingecheck-bench-${process.pid}.y4m`);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', path.join(SHARED, CLIP), '-t', '20', '-vf', 'scale=360:640,fps=30', '-pix_fmt', 'yuv420p', y4m]);
  try {
    console.log(`
the live page's frame rate on a fake camera (${path.basename(CLIP)} at 30 fps, 360×640), analysed frames a second over ${LIVE_S} s after 5 s:`);
    console.log('model  masks            frames/s   model ms   crop ms   masks/s');
    for (const model of ['lite', 'full']) {
      for (const masks of [0, 1, 2]) {
        const r = await liveRate(server, y4m, { model, masks });
        console.log(`${model.padEnd(5)}  ${['off', 'every frame', 'every 2nd frame'][masks].padEnd(15)}  ${r.fps.toFixed(1).padStart(8)}   ${f1(r.inferenceMs).padStart(8)}   ${f2(r.cropMs).padStart(7)}   ${r.masksPerS.toFixed(1).padStart(7)}`);
      }
    }
  } finally {
    fs.rmSync(y4m, { force: true });
  }
}

async function liveRate(server, y4m, { model, masks }) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...BROWSER_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/?nosw`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60000 });
    await page.selectOption('#model', model);
    await page.selectOption('#delegate', 'CPU');
    await page.selectOption('#masks', String(masks));
    await page.evaluate(() => window.hingecheck.setMode('live'));
    await page.click('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().frames > 5, null, { timeout: 120000 });
    await new Promise((r) => setTimeout(r, 5000));
    const a = await page.evaluate(() => ({ s: window.hingecheck.state(), t: performance.now() }));
    await new Promise((r) => setTimeout(r, LIVE_S * 1000));
    const b = await page.evaluate(() => ({ s: window.hingecheck.state(), t: performance.now() }));
    const secs = (b.t - a.t) / 1000;
    return {
      fps: (b.s.frames - a.s.frames) / secs, masksPerS: (b.s.masks.fed - a.s.masks.fed) / secs,
      inferenceMs: b.s.inferenceMs, cropMs: b.s.masks.cropMs,
    };
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
