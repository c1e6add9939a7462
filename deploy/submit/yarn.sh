#!/usr/bin/env bash
# p2g on YARN, driver in the cluster. HADOOP_CONF_DIR (or YARN_CONF_DIR) must point at the
# cluster's configuration.
#   deploy/submit/yarn.sh hdfs:///data/images hdfs:///data/p2g [more p2g options]
# For GPUs add: --properties-file deploy/gpu/spark-defaults.conf (YARN 3.1+ with GPU isolation).
set -euo pipefail
source "$(dirname "$0")/common.sh"
INPUT=${1:?usage: yarn.sh INPUT OUTPUT [p2g options]}
OUTPUT=${2:?usage: yarn.sh INPUT OUTPUT [p2g options]}
shift 2

# One attempt: a failed run is resumed by submitting it again, which skips the finished work.
submit --master yarn \
  --deploy-mode cluster \
  --name p2g \
  --driver-memory 4g \
  --num-executors "${EXECUTORS:-8}" \
  --executor-cores 4 \
  --executor-memory 6g \
  --conf spark.executor.memoryOverhead=4g \
  --conf spark.yarn.maxAppAttempts=1 \
  --class dev.p2g.job.Main "${P2G_JAR}" \
  run --input "${INPUT}" --output "${OUTPUT}" --scales 2,3,4 "$@"
