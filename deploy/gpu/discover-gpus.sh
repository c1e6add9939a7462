#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs this
# executor may use as Spark's ResourceInformation JSON, {"name":"gpu","addresses":["0","1"]}.
# Addresses are CUDA device ordinals as the executor sees them, which is what p2g's tasks pass to
# CUDA: with CUDA_VISIBLE_DEVICES set, CUDA numbers the devices it lists 0, 1, ... in its order,
# and stops at the first entry that names no device (an index, GPU-/MIG- UUID or a prefix of one).
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "discover-gpus.sh: nvidia-smi not found: is the NVIDIA driver installed on this node?" >&2
  exit 1
fi
mapfile -t gpus < <(nvidia-smi --query-gpu=index,uuid --format=csv,noheader | tr -d ' ' | grep . || true)

exists() { # a CUDA_VISIBLE_DEVICES entry: an index, or a unique prefix of a UUID
  local entry=$1 line matches=0
  for line in "${gpus[@]}"; do
    if [[ "$entry" =~ ^[0-9]+$ ]]; then
      [[ "${line%%,*}" == "$((10#$entry))" ]] && return 0
    elif [[ -n "$entry" && "${line#*,}" == "$entry"* ]]; then
      matches=$((matches + 1))
    fi
  done
  [[ $matches -eq 1 ]]
}

count=${#gpus[@]}
if [[ -n "${CUDA_VISIBLE_DEVICES+set}" ]]; then
  count=0
  IFS=',' read -r -a entries <<< "$CUDA_VISIBLE_DEVICES"
  for entry in "${entries[@]}"; do
    exists "${entry// /}" || break
    count=$((count + 1))
  done
fi
addresses=""
for ((i = 0; i < count; i++)); do
  addresses+="${addresses:+,}\"$i\""
done
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
