#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs this
# executor may use as Spark's ResourceInformation JSON, {"name":"gpu","addresses":["0","1"]}.
# Addresses are CUDA device ordinals as the executor sees them (after CUDA_VISIBLE_DEVICES or a
# container's device list), which is what p2g's tasks pass to CUDA.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "discover-gpus.sh: nvidia-smi not found: is the NVIDIA driver installed on this node?" >&2
  exit 1
fi
count=$(nvidia-smi --query-gpu=index --format=csv,noheader | grep -c .) || count=0
addresses=""
for ((i = 0; i < count; i++)); do
  addresses+="${addresses:+,}\"$i\""
done
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
