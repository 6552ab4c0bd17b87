#!/usr/bin/env bash
# Installs what is missing on a fresh machine and builds the web app into www/pkg.
#   tools/setup.sh          toolchain + npm packages + wasm build
#   tools/setup.sh --browsers   also Chromium, ChromeDriver, ffmpeg, iproute2 (ss) and python3
#                               (the tests: the fake camera, the LAN server's socket, a plain
#                               static server for dist/)
# openssl (the LAN mode's certificate, tools/lan-cert.mjs) is installed when missing.
# Safe to re-run: every step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

need=()
command -v openssl >/dev/null || need+=(openssl)
if [[ "${1:-}" == "--browsers" ]]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  command -v ffmpeg >/dev/null || need+=(ffmpeg)
  command -v ss >/dev/null || need+=(iproute2)
  command -v python3 >/dev/null || need+=(python3)
fi
if ((${#need[@]})); then
  say "installing ${need[*]} (apt)"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  say "adding rustfmt and clippy"
  rustup component add rustfmt clippy
fi

# wasm-bindgen CLI must match the library version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" != "$want" ]]; then
  say "installing wasm-bindgen-cli $want (a few minutes, once)"
  # Not --locked: a pinned transitive crate is not served here (docs/toolchain.md).
  cargo install wasm-bindgen-cli --version "$want" >/dev/null
fi

if [[ ! -x node_modules/.bin/wasm-opt || ! -x node_modules/.bin/esbuild || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm packages (pinned by package-lock.json)"
  npm ci --no-audit --no-fund >/dev/null
fi

bash tools/build-web.sh
