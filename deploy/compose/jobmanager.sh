#!/bin/sh
# The compose JobManager: runs the job in application mode and, when the checkpoint volume holds a
# retained checkpoint or savepoint (a container restart, a crash, `flink stop`), resumes from the
# newest one, so windows and baselines survive. A folder with _metadata is complete: Flink writes
# that file last. Arguments: the job's, after Flink's own (--job-classname ...).
set -eu
checkpoints="${CHECKPOINTS:-/opt/flink/checkpoints}"
entrypoint="${FLINK_ENTRYPOINT:-/docker-entrypoint.sh}"
newest=$(find "$checkpoints" -name _metadata -printf '%T@ %h\n' 2>/dev/null | sort -n | tail -n 1 | cut -d' ' -f2-)
if [ -n "$newest" ]; then
  echo "Resuming from $newest"
  exec "$entrypoint" standalone-job --fromSavepoint "$newest" "$@"
fi
echo "No retained checkpoint in $checkpoints: starting with empty state"
exec "$entrypoint" standalone-job "$@"
