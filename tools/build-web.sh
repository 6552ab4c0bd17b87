#!/usr/bin/env bash
# Builds the Rust analysis core to wasm for the page: cargo → wasm-bindgen → wasm-opt, and
# copies the pinned MediaPipe runtime into www/vendor so everything is served from our origin,
# and bundles the page's JS (esbuild, pinned in package.json) into www/build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=www/pkg
mkdir -p "$out" www/vendor
cargo build --lib --profile wasm --target wasm32-unknown-unknown --quiet
wasm-bindgen --target web --no-typescript --out-dir "$out" target/wasm32-unknown-unknown/wasm/hingecheck.wasm
# The glue carries the Rust doc comments as JSDoc blocks: the page does not need them shipped
# (ARCHITECTURE.md and crate/src/web document the boundary), so they are dropped (−2 kB gzipped).
node -e 'const fs = require("fs"); const f = process.argv[1];
  fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\n/gm, ""));' "$out/hingecheck.js"
node_modules/.bin/wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  -o "$out/hingecheck_bg.wasm" "$out/hingecheck_bg.wasm"
rm -rf www/vendor/tasks-vision
mkdir -p www/vendor/tasks-vision
cp -r node_modules/@mediapipe/tasks-vision/vision_bundle.mjs node_modules/@mediapipe/tasks-vision/wasm www/vendor/tasks-vision/
cp node_modules/@mediapipe/tasks-vision/LICENSE www/vendor/tasks-vision/ 2>/dev/null || true
# The page's own JS, as the browser loads it: app/main.js and everything it imports (the wasm
# glue included) as one minified module, the pose worker (with mask-crop.js) as another, into
# www/build/ (a sibling of pkg/ and vendor/, so their relative URLs hold). The sources in
# www/app and www/js stay as they are, for reading, the tests and the source maps.
mkdir -p www/build
node_modules/.bin/esbuild www/app/main.js --bundle --format=esm --minify --target=es2022 \
  --sourcemap --sources-content=true --log-level=warning --outfile=www/build/app.js
node_modules/.bin/esbuild www/js/pose-worker.js --bundle --format=esm --minify --target=es2022 \
  --sourcemap --sources-content=true --log-level=error --outfile=www/build/pose-worker.js
printf '== built www/build (app.js %s bytes, %s gzipped; pose-worker.js %s gzipped)\n' \
  "$(stat -c %s www/build/app.js)" "$(gzip -9 -c www/build/app.js | wc -c)" "$(gzip -9 -c www/build/pose-worker.js | wc -c)"
printf '== built %s (%s bytes wasm, %s gzipped)\n' "$out" "$(stat -c %s $out/hingecheck_bg.wasm)" "$(gzip -9 -c $out/hingecheck_bg.wasm | wc -c)"
