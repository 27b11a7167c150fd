#!/usr/bin/env bash
# JMH: one flag evaluation in a set of 1,000 flags (target: under 1 us).
# Usage: bench/flags/jmh.sh [extra JMH options]    e.g. -wi 1 -i 1 -r 1 -w 1 for a smoke run
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# One reactor run, so that ooda-model comes from this tree and not from a stale local repository.
./mvnw -q -o -pl ooda-flags -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/ooda-flags/target/test-cp.txt" -Dmdep.includeScope=test >/dev/null
java -cp "ooda-flags/target/test-classes:ooda-flags/target/classes:$(cat ooda-flags/target/test-cp.txt)" \
  org.openjdk.jmh.Main EvaluateBench "$@"
