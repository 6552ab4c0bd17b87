#!/usr/bin/env bash
# Posetracks WITH person-mask crops for the real videos, made by the page (tools/mask-track.mjs:
# the same model, worker, crop and export as a user gets), into a cache OUTSIDE the repository
# and outside ../shared (videos are never copied; only the tracks are written):
#
#   tools/mask-tracks.sh [--model full|lite] [--force] [--out DIR] [VIDEO...]
#
# Without VIDEO it takes ../shared/data/videos/*.mp4 and ../shared/data/corpus/videos/*.mp4.
# Each VIDEO.mp4 becomes DIR/VIDEO.<model>.posetrack.json.gz (default DIR:
# $HINGECHECK_MASK_TRACKS, else ${XDG_CACHE_HOME:-~/.cache}/hingecheck/mask-tracks; the
# native tests read the same place); one already there is kept unless --force.
# One video at a time (the model takes the CPU); a failed video is reported and the rest go on;
# the exit status is 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

model=full
force=0
out="${HINGECHECK_MASK_TRACKS:-${XDG_CACHE_HOME:-$HOME/.cache}/hingecheck/mask-tracks}"
videos=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --force) force=1; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    --*) echo "mask-tracks: unknown option $1" >&2; exit 2 ;;
    *) videos+=("$1"); shift ;;
  esac
done
case "$model" in full|lite) ;; *) echo "mask-tracks: --model full or lite" >&2; exit 2 ;; esac

# Never into the repository or ../shared (checked before anything is made).
repo=$(pwd -P)
abs=$(realpath -m "$out")
shared=$(realpath -m ../shared)
if [[ "$abs" == "$repo" || "$abs" == "$repo"/* || "$abs" == "$shared" || "$abs" == "$shared"/* ]]; then
  echo "mask-tracks: $out is inside the repository or ../shared: choose a cache outside both" >&2
  exit 2
fi
mkdir -p "$abs"

if [[ ${#videos[@]} -eq 0 ]]; then
  shopt -s nullglob
  videos=(../shared/data/videos/*.mp4 ../shared/data/corpus/videos/*.mp4)
  if [[ ${#videos[@]} -eq 0 ]]; then
    echo "mask-tracks: no videos in ../shared/data/videos or ../shared/data/corpus/videos (is ../shared there?)" >&2
    exit 1
  fi
fi
if [[ ! -f www/pkg/hingecheck_bg.wasm || ! -f www/vendor/tasks-vision/vision_bundle.mjs ]]; then
  bash tools/build-web.sh || exit 1
fi

failed=0
done_=0
for v in "${videos[@]}"; do
  name=$(basename "$v" .mp4)
  dest="$abs/$name.$model.posetrack.json.gz"
  if [[ -f "$dest" && $force -eq 0 ]]; then
    echo "mask-tracks: $name: kept ($dest)"
    continue
  fi
  # A video whose picture Chromium cannot decode (MPEG-4 Part 2 from an older camera) is
  # re-saved as H.264 first, frame for frame, as the page asks a user to (into a temporary
  # folder, removed after).
  src="$v"
  tmp=""
  codec=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name -of csv=p=0 "$v" 2>/dev/null || true)
  case "$codec" in
    h264|vp8|vp9|av1|"") ;;
    *)
      tmp=$(mktemp -d)
      src="$tmp/$name.mp4"
      echo "mask-tracks: $name: $codec video, which Chromium cannot decode: re-saved as H.264 first"
      if ! ffmpeg -v error -y -i "$v" -map 0:v:0 -c:v libx264 -crf 16 -preset fast -pix_fmt yuv420p -vsync passthrough -an "$src"; then
        echo "mask-tracks: $name FAILED (could not re-save it as H.264)" >&2
        failed=$((failed + 1))
        rm -rf "$tmp"
        continue
      fi
      ;;
  esac
  if node tools/mask-track.mjs "$src" "$dest" --model "$model" --quiet; then
    done_=$((done_ + 1))
  else
    echo "mask-tracks: $name FAILED" >&2
    failed=$((failed + 1))
  fi
  [[ -n "$tmp" ]] && rm -rf "$tmp"
done
echo "mask-tracks: $done_ made, $failed failed, in $abs"
[[ $failed -eq 0 ]]
