#!/usr/bin/env bash
# A call through OodaClient against the same call through a raw Armeria WebClient, same server,
# one JVM, loopback. See README.md.
#
#   bench/kit/run.sh                                   # full run: 30 s warm-up, 60 s measure
#   bench/kit/run.sh --warmup 1 --duration 1           # smoke run
#   bench/kit/run.sh --clients 16 --sample-rate 0
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/kit/target"
mkdir -p "$out/classes"
cd "$root"
./mvnw -q -pl ooda-kit -am install -DskipTests
./mvnw -q -pl ooda-kit dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt"
cp="$(cat "$out/cp.txt"):$root/ooda-kit/target/classes"
javac -parameters -d "$out/classes" -cp "$cp" "$root"/bench/kit/src/*.java
exec java -Xms512m -Xmx512m -Dlogback.configurationFile="$root/bench/kit/logback.xml" \
  -cp "$out/classes:$cp" KitBench "$@"
