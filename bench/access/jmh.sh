#!/usr/bin/env bash
# JMH: the per-call cost of access control once warm (goal: each under 1 us): a decision for a
# caller listed without limits, a cached decision for a caller limited by method and path, a
# service token that verified before, and an API key match.
# Usage: bench/access/jmh.sh [extra JMH options]    e.g. -wi 1 -i 1 -r 1 -w 1 for a smoke run
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# One reactor run, so that ooda-model and ooda-access come from this tree.
./mvnw -q -pl ooda-access -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/ooda-access/target/test-cp.txt" -Dmdep.includeScope=test >/dev/null
java -cp "ooda-access/target/test-classes:ooda-access/target/classes:$(cat ooda-access/target/test-cp.txt)" \
  org.openjdk.jmh.Main AccessBench "$@"
