#!/usr/bin/env bash
# p2g under spark-submit in local mode: one JVM using every core of this machine.
#   deploy/submit/local.sh [INPUT [OUTPUT]] [more p2g options]
set -euo pipefail
source "$(dirname "$0")/common.sh"
INPUT=${1:-sample-data/images}
OUTPUT=${2:-out/local}
shift $(( $# < 2 ? $# : 2 ))

submit --master 'local[*]' \
  --driver-memory 4g \
  --class dev.p2g.job.Main "${P2G_JAR}" \
  run --input "${INPUT}" --output "${OUTPUT}" --scales 2,3,4 "$@"
