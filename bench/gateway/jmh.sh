#!/usr/bin/env bash
# JMH: route matching over 10,000 routes (targets: compile < 1 s, match < 1 us median).
# Usage: bench/gateway/jmh.sh [extra JMH options]    e.g. -wi 1 -i 1 -r 1 -w 1 for a smoke run
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# One reactor run, so that ooda-model comes from this tree and not from a stale local repository.
./mvnw -q -pl ooda-gateway -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/ooda-gateway/target/test-cp.txt" -Dmdep.includeScope=test >/dev/null
java -cp "ooda-gateway/target/test-classes:ooda-gateway/target/classes:$(cat ooda-gateway/target/test-cp.txt)" \
  org.openjdk.jmh.Main RouteMatchBench "$@"
