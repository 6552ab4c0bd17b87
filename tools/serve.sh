#!/usr/bin/env bash
# Sets up what is missing (toolchain, npm packages, wasm build) and serves the page:
#   tools/serve.sh          http://127.0.0.1:${PORT:-8080}/  (this machine only)
#   tools/serve.sh --lan    https on every interface, port ${PORT:-8443}, for a phone on the same
#   (or LAN=1 tools/serve.sh)  network: prints the URL with this machine's address and a QR code
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec node tools/serve.mjs "$@"
