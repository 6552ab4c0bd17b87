#!/usr/bin/env python3
"""Build a MediaPipe Tasks `.task` bundle (PoseLandmarker) from the legacy
@mediapipe/pose model files.

tasks-vision refuses the legacy float32 .tflite files because they carry no
TFLite metadata ("Input tensor has type float32: it requires specifying
NormalizationOptions metadata"). This script adds that metadata with the
metadata writer shipped in PyPI mediapipe==0.10.21 and writes a stored
(uncompressed), 4-byte-aligned zip with fixed timestamps, so the output is
byte-for-byte reproducible.

Usage:
  make_task.py --pose-pkg DIR --variant lite|full --out FILE.task
where DIR is an unpacked npm @mediapipe/pose@0.5.1675469404 package.
"""

import argparse
import json
import os
import re
import sys
import zipfile

from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils
from mediapipe.tasks.python.metadata.metadata_writers import writer_utils

# The detector sits inside pose_solution_packed_assets.data (an emscripten
# file package); its offsets are in pose_solution_packed_assets_loader.js.
DETECTOR_PATH_IN_PACKAGE = "/third_party/mediapipe/modules/pose_detection/pose_detection.tflite"

# Fixed zip entry timestamp (the earliest a zip can hold).
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_ALIGNMENT = 4  # as mediapipe's create_model_asset_bundle (mmap-friendly)


def extract_detector(pose_pkg: str) -> bytes:
    loader = open(os.path.join(pose_pkg, "pose_solution_packed_assets_loader.js"), encoding="utf-8").read()
    m = re.search(r'loadPackage\((\{"files".*?\})\);', loader, re.S)
    if not m:
        sys.exit("make_task.py: cannot find loadPackage({...}) in pose_solution_packed_assets_loader.js")
    pkg = json.loads(m.group(1))
    data = open(os.path.join(pose_pkg, "pose_solution_packed_assets.data"), "rb").read()
    if len(data) != pkg["remote_package_size"]:
        sys.exit("make_task.py: pose_solution_packed_assets.data has an unexpected size")
    for f in pkg["files"]:
        if f["filename"] == DETECTOR_PATH_IN_PACKAGE:
            blob = data[f["start"]:f["end"]]
            if blob[4:8] != b"TFL3":
                sys.exit("make_task.py: extracted detector is not a TFLite flatbuffer")
            return blob
    sys.exit("make_task.py: detector not found in the packed assets")


def check_shapes(model: bytes, want_in, want_outs, what: str) -> None:
    sg = writer_utils.get_subgraph(bytearray(model))
    got_in = [list(sg.Tensors(sg.Inputs(i)).ShapeAsNumpy()) for i in range(sg.InputsLength())]
    got_outs = [list(sg.Tensors(sg.Outputs(i)).ShapeAsNumpy()) for i in range(sg.OutputsLength())]
    if got_in != [want_in] or got_outs != want_outs:
        sys.exit(f"make_task.py: {what}: unexpected tensor shapes {got_in} -> {got_outs}")


def with_metadata(model: bytes, name: str, description: str, mean: float, std: float,
                  outputs) -> bytes:
    w = metadata_writer.MetadataWriter.create(bytearray(model))
    w.add_general_info(name, description)
    w.add_image_input(norm_mean=[mean], norm_std=[std],
                      color_space_type=metadata_writer.MetadataWriter.color_space_types.RGB)
    for out_name, out_desc in outputs:
        w.add_feature_output(name=out_name, description=out_desc)
    content, _json = w.populate()
    return bytes(content)


def write_bundle(entries, out_path: str) -> None:
    tmp = out_path + ".tmp"
    # mediapipe's own bundler class (pads so each stored file starts 4-byte
    # aligned), fed ZipInfo entries with fixed metadata instead of "now".
    with model_asset_bundle_utils.AlignZipFile(tmp, mode="w", alignment=ZIP_ALIGNMENT) as zf:
        for name, blob in entries:
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            zi.compress_type = zipfile.ZIP_STORED
            zi.create_system = 3  # unix
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, blob)
    os.replace(tmp, out_path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pose-pkg", required=True)
    ap.add_argument("--variant", choices=["lite", "full"], required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    detector = extract_detector(a.pose_pkg)
    check_shapes(detector, [1, 224, 224, 3], [[1, 2254, 12], [1, 2254, 1]], "detector")
    landmarks = open(os.path.join(a.pose_pkg, f"pose_landmark_{a.variant}.tflite"), "rb").read()
    check_shapes(landmarks, [1, 256, 256, 3],
                 [[1, 195], [1, 1], [1, 256, 256, 1], [1, 64, 64, 39], [1, 117]], "landmarks")

    detector_md = with_metadata(
        detector, "BlazePose detector",
        "BlazePose person detector (224x224). From @mediapipe/pose 0.5.1675469404; "
        "metadata added by Hinge Check tools/models.",
        127.5, 127.5,  # input range -1..1
        [("regressors", "2254 anchors x 12 box/keypoint values"),
         ("classificators", "2254 anchor scores")])
    landmarks_md = with_metadata(
        landmarks, f"BlazePose GHUM 3D {a.variant}",
        f"BlazePose {a.variant} landmark model (256x256, 33 landmarks). From @mediapipe/pose "
        "0.5.1675469404; metadata added by Hinge Check tools/models.",
        0.0, 255.0,  # input range 0..1
        [("landmarks", "39 x 5: x, y, z, visibility, presence (image pixels of the 256 input)"),
         ("pose_flag", "pose presence score"),
         ("segmentation", "256x256 segmentation logits"),
         ("heatmap", "64x64x39 heatmap"),
         ("world_landmarks", "39 x 3 world coordinates (metres)")])

    write_bundle([("pose_detector.tflite", detector_md),
                  ("pose_landmarks_detector.tflite", landmarks_md)], a.out)


if __name__ == "__main__":
    main()
