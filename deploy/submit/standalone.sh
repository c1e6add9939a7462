#!/usr/bin/env bash
# p2g on a Spark standalone cluster (sbin/start-master.sh, sbin/start-worker.sh).
#   SPARK_MASTER=spark://master:7077 deploy/submit/standalone.sh INPUT OUTPUT [more p2g options]
# INPUT and OUTPUT must be reachable from every worker: s3a://, hdfs:// or a shared mount.
# An interrupted run is resumed by running the same command again.
set -euo pipefail
source "$(dirname "$0")/common.sh"
INPUT=${1:?usage: standalone.sh INPUT OUTPUT [p2g options]}
OUTPUT=${2:?usage: standalone.sh INPUT OUTPUT [p2g options]}
shift 2

# ONNX Runtime allocates outside the Java heap: the overhead carries it (about 1 GB per task slot).
# --deploy-mode cluster runs the driver on a worker; the jar must then be at the same path there.
submit --master "${SPARK_MASTER:-spark://localhost:7077}" \
  --deploy-mode client \
  --driver-memory 4g \
  --executor-cores 4 \
  --executor-memory 6g \
  --conf spark.executor.memoryOverhead=4g \
  --total-executor-cores "${TOTAL_CORES:-16}" \
  --class dev.p2g.job.Main "${P2G_JAR}" \
  run --input "${INPUT}" --output "${OUTPUT}" --scales 2,3,4 "$@"
