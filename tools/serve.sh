#!/usr/bin/env bash
# Sets up what is missing (toolchain, npm packages, wasm build) and serves the page on
# http://127.0.0.1:${PORT:-8080}/ .
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec node tools/serve.mjs
