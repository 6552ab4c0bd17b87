#!/usr/bin/env node
// Static server for the Hinge Check page (www/).
//
//   PORT=8080 node tools/serve.mjs        → http://127.0.0.1:8080/ (this machine only)
//   node tools/serve.mjs --lan  (or LAN=1) → https on every interface (PORT default 8443), for a
//       phone on the same network: prints https://<this machine's address>:PORT/ and a QR code of
//       it; the certificate is made on the spot and kept outside the repository
//       (tools/lan-cert.mjs); /lan.json tells the page that address (its "open on your phone"
//       shows the same QR code) and /lan-ca.crt hands a phone the local CA to trust.
//   import { startServer } from './serve.mjs'   (the tests use it too, with extra mounts)
//
// Every response carries a Content-Security-Policy that keeps the page on its own origin (no
// CDN, no telemetry: nothing leaves the device), and the cross-origin-isolation headers, which
// give the page precise timers and memory measurement. Everything is revalidated on each load
// (Cache-Control: no-cache + ETag), so a rebuilt page or a new service worker is never hidden by
// the HTTP cache; offline use is the service worker's job (www/sw.js).
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { qrMatrix, qrTerminal } from '../www/app/qr.js';
import { ensureCertificate, lanAddresses } from './lan-cert.mjs';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.task': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
};

/**
 * Starts the server. `mounts` maps URL prefixes to folders (default: '/' → www/); `routes` maps
 * exact paths to { type, body } answered from memory; `tls` ({ key, cert }) serves HTTPS.
 * Resolves to { url, port, host, close() }.
 */
export function startServer({ root, mounts, routes: extra = {}, tls = null, host = '127.0.0.1', port = 8080, log = null } = {}) {
  // Served for this machine only unless the LAN mode says its address (app/handover.js asks).
  const routes = Object.assign(extra, { '/lan.json': extra['/lan.json'] ?? { type: 'application/json; charset=utf-8', body: '{"url":null}' } });
  const www = root ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../www');
  const table = Object.entries(mounts ?? { '/': www })
    .map(([prefix, dir]) => [prefix, path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);

  const handler = (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
      log?.(req, status);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed', { Allow: 'GET, HEAD' });
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad url');
    }
    if (pathname.includes('\0')) return send(400, 'bad url');
    const route = routes[pathname];
    if (route) return send(200, req.method === 'HEAD' ? '' : route.body, { 'Content-Type': route.type, 'Cache-Control': 'no-store' });
    if (pathname.endsWith('/')) pathname += 'index.html';
    const mount = table.find(([prefix]) => pathname.startsWith(prefix));
    if (!mount) return send(404, 'not found');
    const [prefix, dir] = mount;
    const file = path.resolve(dir, '.' + path.posix.normalize('/' + pathname.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + path.sep)) return send(403, 'forbidden');
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return send(404, 'not found');
      const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
      const headers = {
        ...SECURITY_HEADERS,
        'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        ETag: etag,
        'Last-Modified': st.mtime.toUTCString(),
        'Accept-Ranges': 'bytes',
      };
      if (path.basename(file) === 'sw.js') headers['Service-Worker-Allowed'] = '/';
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers).end();
        log?.(req, 304);
        return;
      }
      let start = 0;
      let end = st.size - 1;
      let status = 200;
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range && (range[1] || range[2])) {
        if (range[1]) {
          start = Number(range[1]);
          if (range[2]) end = Math.min(Number(range[2]), st.size - 1);
        } else {
          start = Math.max(0, st.size - Number(range[2]));
        }
        if (start > end || start >= st.size) return send(416, '', { 'Content-Range': `bytes */${st.size}` });
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
      }
      headers['Content-Length'] = st.size === 0 ? 0 : end - start + 1;
      res.writeHead(status, headers);
      log?.(req, status);
      if (req.method === 'HEAD' || st.size === 0) return res.end();
      fs.createReadStream(file, { start, end }).pipe(res);
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      const shown = host === '::' || host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({
        url: `${tls ? 'https' : 'http'}://${shown}:${p}`,
        port: p,
        host,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

/** Listens on every interface (IPv6 and IPv4), or on IPv4 only where IPv6 is off. */
async function startOnAllInterfaces(opts) {
  try {
    return await startServer({ ...opts, host: '::' });
  } catch (e) {
    if (e.code !== 'EAFNOSUPPORT' && e.code !== 'EADDRNOTAVAIL') throw e;
    return startServer({ ...opts, host: '0.0.0.0' });
  }
}

/** LAN mode: HTTPS on every interface, the URL with this machine's address, and its QR code. */
async function serveLan(www, port) {
  const addresses = lanAddresses();
  const cert = ensureCertificate(addresses);
  const main = addresses[0] ?? '127.0.0.1';
  const caDer = new crypto.X509Certificate(cert.ca).raw;
  const lanUrl = (p) => `https://${main}:${p}/`;
  const routes = {};
  const server = await startOnAllInterfaces({ root: www, port, tls: cert, routes });
  routes['/lan.json'] = {
    type: 'application/json; charset=utf-8',
    body: JSON.stringify({ url: lanUrl(server.port), urls: addresses.map((a) => `https://${a}:${server.port}/`), ca: '/lan-ca.crt' }),
  };
  routes['/lan-ca.crt'] = { type: 'application/x-x509-ca-cert', body: caDer };
  const out = [
    `Hinge Check on your network (HTTPS, every interface, port ${server.port}):`,
    '',
    `  ${lanUrl(server.port)}`,
    ...addresses.slice(1).map((a) => `  also https://${a}:${server.port}/`),
    `  on this machine: https://127.0.0.1:${server.port}/`,
    '',
    addresses.length
      ? 'On a phone on the same Wi-Fi, scan this code with the camera app:'
      : 'No network address found (is this machine on a network?): the code below is this machine\'s own.',
    '',
    ...qrTerminal(qrMatrix(lanUrl(server.port))).map((l) => `  ${l}`),
    '',
    `The certificate was made here and is kept in ${cert.dir} (not in the repository).`,
    'The phone warns once that it does not know it: accept it (Advanced → Proceed), or trust the',
    `local CA on the phone first (open ${lanUrl(server.port)}lan-ca.crt there; README "Open it on your phone").`,
    'Ctrl-C to stop.',
  ];
  console.log(out.join('\n'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const lan = process.argv.includes('--lan') || /^(1|true|yes)$/i.test(process.env.LAN ?? '');
  const unknown = process.argv.slice(2).filter((a) => a !== '--lan');
  if (unknown.length) {
    console.error(`unknown argument ${unknown[0]}: node tools/serve.mjs [--lan]  (PORT=… to change the port)`);
    process.exit(2);
  }
  const raw = process.env.PORT ?? (lan ? '8443' : '8080');
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number (0-65535), got "${raw}"`);
    process.exit(2);
  }
  const www = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../www');
  if (!fs.existsSync(path.join(www, 'pkg/hingecheck.js')) || !fs.existsSync(path.join(www, 'build/app.js'))) {
    console.error('www/pkg or www/build is missing: build first (bash tools/setup.sh, or bash tools/build-web.sh)');
    process.exit(1);
  }
  // The page loads the bundle (www/build): sources edited since it was made are not served.
  const built = fs.statSync(path.join(www, 'build/app.js')).mtimeMs;
  const newer = ['app', 'js'].flatMap((d) => fs.readdirSync(path.join(www, d)).map((f) => `${d}/${f}`))
    .filter((f) => f.endsWith('.js') && fs.statSync(path.join(www, f)).mtimeMs > built);
  if (newer.length) console.warn(`note: ${newer.join(', ')} changed after www/build was made: run bash tools/build-web.sh to serve them`);
  const failed = (e) => {
    console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use: set PORT to another one` : `cannot serve: ${e.message}`);
    process.exit(1);
  };
  if (lan) serveLan(www, port).catch(failed);
  else {
    startServer({ root: www, port }).then(
      ({ url }) => console.log(`Hinge Check: ${url}/  (serving ${www}, this machine only; Ctrl-C to stop; --lan to open it on a phone)`),
      failed,
    );
  }
}
