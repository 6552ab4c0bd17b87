#!/usr/bin/env bash
# The static build: sets up and builds what is missing, then writes dist/ (git-ignored), which
# any static HTTPS host serves as it is (tools/build-dist.mjs says what is in it).
#   tools/build-dist.sh            → dist/
#   tools/build-dist.sh OUT_DIR    → OUT_DIR/
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec node tools/build-dist.mjs "$@"
