#!/usr/bin/env bash
# Copies the npm files the browser client serves into src/Tessera.Server/wwwroot/vendor/, from
# the versions locked in scripts/vendor/package-lock.json: MediaPipe's selfie segmentation (its
# loader, the SIMD WebAssembly build and the two models) for background blur, with its licence.
# The copies are committed, so running the server needs neither Node nor npm; run this only to
# change the version (edit scripts/vendor/package.json, then `npm install` there to update the
# lock). Needs Node.js and npm.
set -euo pipefail
cd "$(dirname "$0")/vendor"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
from=node_modules/@mediapipe/selfie_segmentation
to=../../src/Tessera.Server/wwwroot/vendor/selfie_segmentation
rm -rf "$to"
mkdir -p "$to"
# The SIMD build only: every browser that runs the rest of the client has WebAssembly SIMD.
for f in selfie_segmentation.js selfie_segmentation_solution_simd_wasm_bin.js \
         selfie_segmentation_solution_simd_wasm_bin.wasm selfie_segmentation_solution_simd_wasm_bin.data \
         selfie_segmentation.binarypb selfie_segmentation.tflite selfie_segmentation_landscape.tflite package.json; do
  cp "$from/$f" "$to/$f"
done
# The package declares Apache-2.0 but ships no licence text; Debian's copy of it is the same text.
cp /usr/share/common-licenses/Apache-2.0 "$to/LICENSE"
chmod 644 "$to"/*
echo "vendor-client-deps: $(du -sh "$to" | cut -f1) in ${to#../../}"
