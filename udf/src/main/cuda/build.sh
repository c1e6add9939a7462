#!/usr/bin/env bash
# Compiles the CUDA kernels into the fatbin shipped in the jar, so that a jar built without nvcc
# still renders on GPUs, and stamps it with the SHA-256 of its sources and flags
# (CudaBinaryFreshnessTest fails the build when the stamp no longer matches them).
# Run after any change under udf/src/main/cuda/, then commit both outputs.
#
# Cubins: sm_80 (A100, A30), sm_86 (A10, A40), sm_89 (L4, L40S), sm_90 (H100, H200),
# sm_100 (B200); PTX of compute_80 for any later GPU, compiled by the driver on first load.
# Built with CUDA 13.0: NVIDIA driver 580 or newer.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../resources/dev/p2g/cuda}"
NVCC="${NVCC:-nvcc}"
FLAGS=(-O3 -std=c++17 --fatbin
  -gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86
  -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90
  -gencode arch=compute_100,code=sm_100 -gencode arch=compute_80,code=compute_80)
mkdir -p "$out"
"$NVCC" "${FLAGS[@]}" -I"$here" "$here/p2g_render.cu" -o "$out/p2g_render.fatbin"
# The stamp covers what decides the binary: the sources and this script with its flags (not
# nvcc's version). CudaBinaryFreshnessTest hashes the same three files in the same order.
cat "$here/p2g_field.h" "$here/p2g_render.cu" "$here/build.sh" | sha256sum | cut -d' ' -f1 \
  > "$out/p2g_render.fatbin.sha256"
echo "wrote $out/p2g_render.fatbin ($(stat -c %s "$out/p2g_render.fatbin") bytes), stamp $(cat "$out/p2g_render.fatbin.sha256")"
