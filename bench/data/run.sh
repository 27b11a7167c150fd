#!/usr/bin/env bash
# The data service against direct JDBC: get-by-key and single-row insert, 32 clients,
# SQLite and PostgreSQL (embedded, started by the bench). See README.md.
#
#   bench/data/run.sh                                  # full run: 30 s warm-up, 60 s measure
#   bench/data/run.sh --warmup 1 --duration 1          # smoke run
#   bench/data/run.sh --backends postgres --clients 64 --pool 16
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/data/target"
mkdir -p "$out/classes"
cd "$root"
./mvnw -q -pl ooda-data -am install -DskipTests
./mvnw -q -pl ooda-data dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt"
cp="$(cat "$out/cp.txt"):$root/ooda-data/target/classes"
javac -d "$out/classes" -cp "$cp" "$root"/bench/data/src/*.java
exec java -Xms1g -Xmx1g -Dorg.jooq.no-logo=true -Dlogback.configurationFile="$root/bench/data/logback.xml" \
  -cp "$out/classes:$cp" DataBench "$@"
