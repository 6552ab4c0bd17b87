#!/usr/bin/env node
// Static server for the Hinge Check page (www/) on 127.0.0.1.
//
//   PORT=8080 node tools/serve.mjs        → prints the URL
//   import { startServer } from './serve.mjs'   (the tests use it too, with extra mounts)
//
// Every response carries a Content-Security-Policy that keeps the page on its own origin (no
// CDN, no telemetry: nothing leaves the device), and the cross-origin-isolation headers, which
// give the page precise timers and memory measurement. Everything is revalidated on each load
// (Cache-Control: no-cache + ETag), so a rebuilt page or a new service worker is never hidden by
// the HTTP cache; offline use is the service worker's job (www/sw.js).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
};

/**
 * Starts the server. `mounts` maps URL prefixes to folders (default: '/' → www/).
 * Resolves to { url, port, close() }.
 */
export function startServer({ root, mounts, host = '127.0.0.1', port = 8080, log = null } = {}) {
  const www = root ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../www');
  const table = Object.entries(mounts ?? { '/': www })
    .map(([prefix, dir]) => [prefix, path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);

  const server = http.createServer((req, res) => {
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
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({
        url: `http://${host}:${p}`,
        port: p,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const raw = process.env.PORT ?? '8080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number (0-65535), got "${raw}"`);
    process.exit(2);
  }
  const www = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../www');
  if (!fs.existsSync(path.join(www, 'pkg/hingecheck.js'))) {
    console.error('www/pkg is missing: build first (bash tools/setup.sh, or bash tools/build-web.sh)');
    process.exit(1);
  }
  startServer({ root: www, port }).then(
    ({ url }) => console.log(`Hinge Check: ${url}/  (serving ${www}; Ctrl-C to stop)`),
    (e) => {
      console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use: set PORT to another one` : `cannot serve: ${e.message}`);
      process.exit(1);
    },
  );
}
