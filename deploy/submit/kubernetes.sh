#!/usr/bin/env bash
# p2g on Kubernetes with spark-submit (no operator), driver in the cluster. The image is built
# from deploy/container/Dockerfile and holds the jar at /opt/p2g/p2g.jar.
#   K8S_API=https://api.example.com:6443 P2G_IMAGE=registry.example.com/p2g:0.1.0 \
#     deploy/submit/kubernetes.sh s3a://bucket/images s3a://bucket/p2g [more p2g options]
# S3 credentials come from the pods' environment (a Secret, below) or a web identity role;
# never put keys on this command line, where they would show in process lists and the Spark UI.
set -euo pipefail
P2G_JAR=${P2G_JAR:-local:///opt/p2g/p2g.jar} # inside the image, not on this machine
source "$(dirname "$0")/common.sh"
INPUT=${1:?usage: kubernetes.sh INPUT OUTPUT [p2g options]}
OUTPUT=${2:?usage: kubernetes.sh INPUT OUTPUT [p2g options]}
shift 2

submit --master "k8s://${K8S_API:-https://kubernetes.default.svc}" \
  --deploy-mode cluster \
  --name p2g \
  --driver-memory 4g \
  --executor-cores 4 \
  --executor-memory 6g \
  --conf spark.executor.memoryOverhead=4g \
  --conf spark.executor.instances="${EXECUTORS:-8}" \
  --conf spark.kubernetes.namespace="${K8S_NAMESPACE:-spark}" \
  --conf spark.kubernetes.container.image="${P2G_IMAGE:-p2g:0.1.0}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID=p2g-s3:access-key \
  --conf spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY=p2g-s3:secret-key \
  --conf spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID=p2g-s3:access-key \
  --conf spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY=p2g-s3:secret-key \
  --class dev.p2g.job.Main "${P2G_JAR}" \
  run --input "${INPUT}" --output "${OUTPUT}" --scales 2,3,4 "$@"
