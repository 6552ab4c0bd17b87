#!/usr/bin/env bash
# Rebuild www/models/pose_landmarker_{lite,full}.task from the Apache-2.0 npm
# package @mediapipe/pose@0.5.1675469404 and check them against the committed
# www/models/SHA256SUMS.
#
#   tools/models/make-models.sh           build in a temp dir, verify against SHA256SUMS
#   tools/models/make-models.sh --write   build, copy into www/models/, rewrite SHA256SUMS
#
# Needs: bash, node/npm (registry access), python3.11 (venv + PyPI access).
# Env: MODELS_VENV (default /tmp/hingecheck-models-venv), PYTHON (default python3.11).
set -euo pipefail

POSE_SPEC="@mediapipe/pose@0.5.1675469404"
POSE_INTEGRITY="sha512-DFZsNWTsSphRIZppnUCuunzBiHP2FdJXR9ehc7mMi4KG+oPaOH0Em3d6kr7Py+TSyTXC1doH88KcF28k2sBxsQ=="
MEDIAPIPE_PY="0.10.21"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
models="$root/www/models"
venv="${MODELS_VENV:-/tmp/hingecheck-models-venv}"
python="${PYTHON:-python3.11}"

write=0
case "${1:-}" in
  --write) write=1 ;;
  "") ;;
  *) echo "usage: $0 [--write]" >&2; exit 2 ;;
esac

work="$(mktemp -d /tmp/hingecheck-models.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# 1. Python venv with the mediapipe metadata writer.
if ! "$venv/bin/python" -c "import mediapipe, sys; sys.exit(mediapipe.__version__ != '$MEDIAPIPE_PY')" 2>/dev/null; then
  echo "== creating venv $venv (mediapipe==$MEDIAPIPE_PY; ~1 GB, a few minutes)"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

# 2. The npm package, fetched from the registry and checked against its pinned integrity.
echo "== fetching $POSE_SPEC"
(cd "$work" && npm pack "$POSE_SPEC" --silent >/dev/null)
tgz="$(ls "$work"/mediapipe-pose-*.tgz)"
got="$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
if [ "$got" != "$POSE_INTEGRITY" ]; then
  echo "integrity mismatch for $POSE_SPEC: $got" >&2; exit 1
fi
mkdir "$work/pkg" && tar -xzf "$tgz" -C "$work/pkg"

# 3. Add metadata and bundle.
mkdir "$work/out"
for v in lite full; do
  echo "== building pose_landmarker_$v.task"
  "$venv/bin/python" "$here/make_task.py" --pose-pkg "$work/pkg/package" --variant "$v" \
    --out "$work/out/pose_landmarker_$v.task"
done
(cd "$work/out" && sha256sum pose_landmarker_full.task pose_landmarker_lite.task > SHA256SUMS)
cat "$work/out/SHA256SUMS"

# 4. Write or verify.
if [ "$write" = 1 ]; then
  mkdir -p "$models"
  cp "$work/out/pose_landmarker_lite.task" "$work/out/pose_landmarker_full.task" "$work/out/SHA256SUMS" "$models/"
  echo "== wrote $models"
else
  if [ ! -f "$models/SHA256SUMS" ]; then echo "no $models/SHA256SUMS to verify against (use --write)" >&2; exit 1; fi
  if ! diff -u "$models/SHA256SUMS" "$work/out/SHA256SUMS"; then
    echo "FAIL: rebuilt models differ from committed SHA256SUMS" >&2; exit 1
  fi
  echo "OK: rebuilt models match www/models/SHA256SUMS"
  # And the committed files match their sums.
  (cd "$models" && sha256sum -c SHA256SUMS)
fi
