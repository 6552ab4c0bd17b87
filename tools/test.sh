#!/usr/bin/env bash
# The one command that sets up and runs every test, from a fresh machine:
#   the habits first: formatting (cargo fmt), lints (clippy, native and wasm, -D warnings) and
#   the JS check (ESLint, pinned in package.json) — any finding fails the command;
#   the page's own tracks (with person masks) of the real videos, made once into a cache;
#   native Rust tests (unit, simulator ground truth, real tracks, property tests),
#   wasm-bindgen tests in headless Chromium (the JS boundary and the drawing),
#   end-to-end tests of the page in headless Chromium with real clips as the fake camera.
# Real data is read from ../shared (CI has it beside the checkout); without it those tests
# skip and say so.
set -euo pipefail
cd "$(dirname "$0")/.."

banner() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

banner "setup (toolchain, npm packages, browsers, wasm build)"
bash tools/setup.sh --browsers

if [[ ! -d ../shared/data ]]; then
  banner "NOTE: ../shared is absent: the real-data tests will SKIP (real tracks, real clips)"
fi

banner "formatting (cargo fmt --check)"
cargo fmt --all --check

banner "lints (cargo clippy -D warnings: native, and the wasm boundary)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --test web --test web_record -- -D warnings

banner "JS check (eslint: www, tests, tools)"
npx --no-install eslint www tests tools eslint.config.js

if [[ -d ../shared/data ]]; then
  banner "the page's own tracks of the real videos, person masks included (tools/mask-tracks.sh; kept in a cache outside the repository)"
  # The page (headless Chromium, the full pose model, Clip mode) over the videos the native
  # tests read back: the back's outline (masks.rs) and the corpus through the page (corpus.rs).
  bash tools/mask-tracks.sh \
    ../shared/data/videos/kb-deadlift-{c,h,r}-side.mp4 \
    ../shared/data/corpus/videos/bbdl-*.mp4 ../shared/data/corpus/videos/mw-gif-*.mp4
fi

banner "native tests (cargo test --release)"
cargo test --release --workspace

banner "wasm tests in headless Chromium (wasm-bindgen-test)"
if [[ -f crate/tests/web.rs ]]; then
  CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120} \
    cargo test --release --target wasm32-unknown-unknown --test web --test web_record
fi

banner "end-to-end tests in headless Chromium (node --test tests/e2e)"
cargo build --release --quiet --bin hingecheck
node --test --test-concurrency=1 tests/e2e/

banner "all tests passed"
