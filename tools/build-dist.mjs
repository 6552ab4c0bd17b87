#!/usr/bin/env node
// The static build (tools/build-dist.sh): www/ as any static HTTPS host can serve it, with no
// server of ours. Into dist/ (or the folder given):
//   - the page, its modules, the wasm core, the MediaPipe runtime and the pose models, as built;
//   - _headers: the security headers the page relies on (the same CSP, COOP/COEP, nosniff,
//     no-referrer, camera for this origin only as tools/serve.mjs sends), in the form static
//     hosts that read a _headers file take (Netlify, Cloudflare Pages, …);
//   - index.html with the same Content-Security-Policy as a <meta> (for hosts that cannot set
//     headers; frame-ancestors cannot be given that way) and the no-referrer policy;
//   - sw.js with VERSION stamped from a hash of every file, so each deploy is one update that
//     waits for the page to be between sets (app/update.js);
//   - .nojekyll (GitHub Pages serves the files as they are).
// Where COOP/COEP cannot be set, the page works all the same: nothing the lifter sees needs
// cross-origin isolation (app/features.js).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CSP, SECURITY_HEADERS } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WWW = path.join(ROOT, 'www');
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));

for (const f of ['build/app.js', 'build/pose-worker.js', 'pkg/hingecheck_bg.wasm', 'vendor/tasks-vision/vision_bundle.mjs', 'models/pose_landmarker_lite.task']) {
  if (!fs.existsSync(path.join(WWW, f))) {
    console.error(`www/${f} is missing: build first (bash tools/setup.sh)`);
    process.exit(1);
  }
}
if (OUT === ROOT || OUT === WWW || WWW.startsWith(OUT + path.sep)) {
  console.error(`refusing to write the build over ${OUT}`);
  process.exit(2);
}

fs.rmSync(OUT, { recursive: true, force: true });
fs.cpSync(WWW, OUT, { recursive: true, dereference: true });

/** The CSP as a <meta> may carry it (frame-ancestors only works as a header). */
export const META_CSP = CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');

const indexFile = path.join(OUT, 'index.html');
const html = fs.readFileSync(indexFile, 'utf8');
if (!html.includes('<meta charset="utf-8">')) throw new Error('www/index.html has no <meta charset="utf-8"> to put the CSP after');
fs.writeFileSync(indexFile, html.replace('<meta charset="utf-8">', `<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${META_CSP}">
<meta name="referrer" content="no-referrer">`));

const headers = [
  '# Security headers for static hosts that read a _headers file (Netlify, Cloudflare Pages, ...).',
  '# Written by tools/build-dist.mjs from tools/serve.mjs (the same headers as the dev server).',
  '/*',
  ...Object.entries(SECURITY_HEADERS).map(([k, v]) => `  ${k}: ${v}`),
  '/sw.js',
  '  Cache-Control: no-cache',
  '/index.html',
  '  Cache-Control: no-cache',
  '/',
  '  Cache-Control: no-cache',
  '',
];
fs.writeFileSync(path.join(OUT, '_headers'), headers.join('\n'));
fs.writeFileSync(path.join(OUT, '.nojekyll'), '');

// The deploy's version: a hash of every file but the worker itself.
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (p !== path.join(OUT, 'sw.js')) files.push(p);
  }
})(OUT);
const hash = crypto.createHash('sha256');
for (const f of files.sort()) hash.update(path.relative(OUT, f)).update('\0').update(fs.readFileSync(f));
const version = hash.digest('hex').slice(0, 12);
const swFile = path.join(OUT, 'sw.js');
const sw = fs.readFileSync(swFile, 'utf8');
if (!/const VERSION = 'dev';/.test(sw)) throw new Error("www/sw.js has no const VERSION = 'dev'; to stamp");
fs.writeFileSync(swFile, sw.replace("const VERSION = 'dev';", `const VERSION = '${version}';`));

const bytes = files.reduce((a, f) => a + fs.statSync(f).size, 0);
console.log(`== static build in ${path.relative(process.cwd(), OUT) || OUT}: ${files.length + 1} files, ${(bytes / 1e6).toFixed(1)} MB, version ${version}`);
console.log('   serve it as it is from any static HTTPS host (_headers and a CSP <meta> inside)');
