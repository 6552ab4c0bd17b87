// Reach the page from a phone (issue 11): the serve command's LAN mode. It listens on every
// interface over HTTPS with a certificate made on the spot and kept outside the repository,
// prints the https URL with this machine's network address and a QR code of it (decoded here
// from what the terminal shows, with jsQR); the default mode stays on 127.0.0.1 over http.
// Chromium, told to trust the test's certificate (its SPKI hash), opens the page over HTTPS
// on 127.0.0.1 (the only address the test's traffic goes to), the fake camera runs, reps are
// counted as the CLI counts them, the page's own "open on your phone" QR code decodes to the
// same URL, and nothing is requested outside the page's origin.
//
//   node --test tests/e2e/lan.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';
import jsQR from 'jsqr';
import { ROOT, SHARED, checkBuilt, launch, watch, shot, y4m, videoDuration, cliReport, needShared, tempDir } from './helpers.mjs';
import { readQrTerminal } from '../../www/app/qr.js';
import { spkiHash } from '../../tools/lan-cert.mjs';

const CLIP = 'kb-deadlift-c-side';
const SKIP = needShared(`videos/${CLIP}.mp4`, `tracks/${CLIP}.posetrack.json.gz`);

/** Starts tools/serve.mjs (args, env); resolves when it has printed `ready` lines. */
function startServe(args, env, ready) {
  const child = spawn(process.execPath, [path.join(ROOT, 'tools/serve.mjs'), ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`serve.mjs printed no URL in 20 s: ${out} ${err}`)); }, 20000);
    const poll = setInterval(() => {
      if (ready(out)) { clearInterval(poll); clearTimeout(timer); resolve({ child, out: () => out }); }
    }, 50);
    child.on('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`serve.mjs exited ${code}: ${err}`)); });
  });
}

function stop(s) {
  if (!s?.child || s.child.exitCode != null) return Promise.resolve();
  return new Promise((r) => { s.child.once('exit', r); s.child.kill('SIGTERM'); });
}

/** The listening TCP sockets on a port, as `ss -ltn` shows them ("0.0.0.0:PORT", "*:PORT", …). */
function listening(port) {
  return execFileSync('ss', ['-ltnH'], { encoding: 'utf8' }).split('\n')
    .map((l) => l.trim().split(/\s+/)[3]).filter((a) => a && a.endsWith(`:${port}`));
}

/** Decodes a QR code from rows of modules (true = dark), drawn at 4 px a module, with jsQR. */
function decodeModules(rows) {
  const px = 4;
  const W = rows[0].length * px;
  const H = rows.length * px;
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = rows[(y / px) | 0][(x / px) | 0] ? 0 : 255;
      data.set([v, v, v, 255], (y * W + x) * 4);
    }
  }
  return jsQR(data, W, H)?.data ?? null;
}

let lan;
let cache;
checkBuilt();

before(async () => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'hingecheck-lan-cache-'));
  lan = await startServe(['--lan'], { PORT: '0', XDG_CACHE_HOME: cache, LAN_HOST: '' }, (o) => /Ctrl-C to stop/.test(o));
});
after(async () => {
  await stop(lan);
  fs.rmSync(cache, { recursive: true, force: true });
});

const lanUrl = () => /^\s+(https:\/\/\S+\/)\s*$/m.exec(lan.out())[1];
const portOf = (url) => Number(new URL(url).port);

test('the default serve mode stays on 127.0.0.1 over http', async () => {
  const local = await startServe([], { PORT: '0' }, (o) => /Hinge Check: http:\/\//.test(o));
  try {
    const url = /(http:\/\/\S+?)\/\s/.exec(local.out())[1];
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'http on the loopback address');
    const sockets = listening(portOf(url));
    assert.deepEqual(sockets, [`127.0.0.1:${portOf(url)}`], `only 127.0.0.1 listens (ss -ltn: ${sockets.join(', ')})`);
    const res = await fetch(`${url}/lan.json`);
    assert.deepEqual(await res.json(), { url: null }, 'the page is told it is served for this machine only');
  } finally {
    await stop(local);
  }
});

test('LAN mode: HTTPS on every interface, the URL with this machine\'s address, a QR code of it; the certificate outside the repo', () => {
  const out = lan.out();
  const url = lanUrl();
  const port = portOf(url);
  const host = new URL(url).hostname;
  const lanAddresses = Object.values(os.networkInterfaces()).flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4' && !a.address.startsWith('169.254.')).map((a) => a.address);
  console.log(`LAN URL ${url} (this machine's IPv4 addresses: ${lanAddresses.join(', ') || 'none'})`);
  if (lanAddresses.length) assert.ok(lanAddresses.includes(host), `the URL names one of this machine's network addresses (${host})`);
  else assert.equal(host, '127.0.0.1', 'no network: the machine\'s own address, said so');

  const sockets = listening(port);
  console.log(`ss -ltn on port ${port}: ${sockets.join(', ')}`);
  assert.ok(sockets.length >= 1 && sockets.every((a) => /^(0\.0\.0\.0|\*|\[::\]):\d+$/.test(a)), `listens on every interface, not one address (${sockets.join(', ')})`);

  // The QR code as the terminal shows it, read back module by module and decoded.
  const rows = readQrTerminal(out.split('\n'));
  assert.ok(rows.length >= 29, `a QR code was printed (${rows.length} module rows)`);
  assert.equal(decodeModules(rows), url, 'the QR code in the terminal decodes to the printed URL');

  const dir = path.join(cache, 'hingecheck', 'lan');
  assert.match(out, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'it says where the certificate is kept');
  assert.ok(fs.existsSync(path.join(dir, 'cert.pem')) && fs.existsSync(path.join(dir, 'key.pem')), 'the certificate is in the cache folder');
  assert.ok(!path.resolve(dir).startsWith(ROOT + path.sep), 'outside the repository');
  assert.equal((fs.statSync(path.join(dir, 'key.pem')).mode & 0o077), 0, 'the private key is readable by its owner only');
  const leaf = new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'cert.pem')));
  assert.ok(leaf.checkIP(host) === host || host === '127.0.0.1', `the certificate names ${host}`);
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1', 'and 127.0.0.1');
  const untracked = execFileSync('git', ['status', '--porcelain', '--ignored'], { cwd: ROOT, encoding: 'utf8' });
  assert.doesNotMatch(untracked, /\.(pem|key|crt)\b/, 'no certificate or key file appeared in the work tree');
});

test('LAN mode: Chromium trusting the test certificate opens the page over HTTPS, the fake camera runs, reps are counted, the page\'s QR code is the same URL', { skip: SKIP }, async () => {
  const url = lanUrl();
  const port = portOf(url);
  const local = `https://127.0.0.1:${port}`;
  const dir = path.join(cache, 'hingecheck', 'lan');
  const spki = spkiHash(fs.readFileSync(path.join(dir, 'cert.pem')));

  // Untrusted, Chromium refuses the certificate: what is checked below is real HTTPS.
  const T0 = Date.now();
  const lap = (what) => console.log(`${what}: ${((Date.now() - T0) / 1000).toFixed(1)} s`);
  const plain = await launch();
  try {
    const p = await (await plain.newContext()).newPage();
    await assert.rejects(p.goto(`${local}/`), /ERR_CERT/, 'an unknown certificate is refused');
  } finally {
    await plain.close();
  }
  lap('untrusted refused');

  const video = `videos/${CLIP}.mp4`;
  const duration = videoDuration(video);
  const cli = cliReport(path.join(SHARED, `tracks/${CLIP}.posetrack.json.gz`));
  const browser = await launch({ camera: y4m(video), args: [`--ignore-certificate-errors-spki-list=${spki}`] });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const w = watch(context, page, local);
    const res = await page.goto(`${local}/`);
    assert.equal(res.status(), 200);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    const sec = await page.evaluate(() => ({ secure: isSecureContext, protocol: location.protocol, isolated: crossOriginIsolated }));
    assert.deepEqual(sec, { secure: true, protocol: 'https:', isolated: true }, 'a secure, isolated context over HTTPS');

    // "Open on your phone": the page draws the LAN URL (not 127.0.0.1) as a QR code.
    await page.click('#handover-open');
    await page.waitForFunction(() => document.getElementById('handover-url').textContent.length > 0, null, { timeout: 5000 });
    assert.equal(await page.textContent('#handover-url'), url, 'the dialog names the LAN URL');
    const img = await page.evaluate(() => {
      const c = document.getElementById('handover-qr');
      return { w: c.width, h: c.height, data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
    });
    const code = jsQR(new Uint8ClampedArray(img.data), img.w, img.h);
    assert.equal(code?.data, url, 'the page\'s QR code decodes to the same URL');
    await shot(page, 'lan-handover-qr');
    await page.click('#handover-close');
    lap('page and QR');

    // The local CA a phone can trust is handed out, and it signed the server's certificate.
    const ca = await page.evaluate(async () => { const r = await fetch('lan-ca.crt'); return { type: r.headers.get('content-type'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) }; });
    assert.equal(ca.type, 'application/x-x509-ca-cert');
    const caCert = new crypto.X509Certificate(Buffer.from(ca.bytes));
    assert.ok(caCert.ca, 'a CA certificate');
    assert.ok(new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'cert.pem'))).checkIssued(caCert), 'it issued the server\'s certificate');

    // A live set with the real clip as the camera, counted as the CLI counts its track.
    await page.click('#live-start');
    await page.waitForFunction(() => window.hingecheck.state().frames > 0, null, { timeout: 30000 });
    await page.waitForFunction((ms) => (window.hingecheck.state().lastT ?? 0) >= ms, (duration - 0.12) * 1000, { timeout: (duration + 40) * 1000, polling: 100 });
    lap('live set');
    await shot(page, 'lan-live');
    const report = await page.evaluate(() => window.hingecheck.finish());
    console.log(`over HTTPS: ${report.summary.rep_count} reps (engine ${report.summary.engine}, crane ${report.summary.crane}); CLI on the track: ${cli.summary.rep_count}`);
    assert.equal(report.summary.rep_count, cli.summary.rep_count, 'reps counted as the CLI counts them');
    assert.ok(report.summary.rep_count >= 5, 'a real set was counted');
    const sw = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? null);
    assert.equal(sw, 'activated', 'the service worker runs (a trusted certificate: offline and install work too)');
    assert.deepEqual(w.errors, [], 'no console errors');
    assert.deepEqual(w.offOrigin, [], 'no request left the origin');
    assert.ok(w.urls.some((u) => u.endsWith('.task')), 'the model was fetched from the page\'s own origin');
  } finally {
    await browser.close();
  }
});

// The temporary folder helpers.mjs made is removed when the process exits.
tempDir();
