# Shared by the spark-submit examples: finds the shaded jar and runs (or, with P2G_DRY_RUN=1,
# prints) the command. Sourced, not run.
P2G_JAR=${P2G_JAR:-$(ls "$(dirname "${BASH_SOURCE[0]}")"/../../job/target/p2g-job-*-spark.jar 2>/dev/null | head -n 1)}
if [[ -z "${P2G_JAR}" ]]; then
  echo "no shaded jar: build it with 'mvn -B package -DskipTests' or set P2G_JAR" >&2
  exit 2
fi
SPARK_SUBMIT=${SPARK_SUBMIT:-spark-submit}

submit() {
  if [[ "${P2G_DRY_RUN:-0}" == 1 ]]; then
    printf '%s\n' "${SPARK_SUBMIT}" "$@"
  else
    exec "${SPARK_SUBMIT}" "$@"
  fi
}
