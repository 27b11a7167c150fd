#!/usr/bin/env bash
# A row read by key through OodaData against the same read through a raw Armeria WebClient, from
# the same data service in another JVM, over loopback. See README.md.
#
#   bench/data-client/run.sh                                        # full run: 30 s warm-up, 60 s measure
#   bench/data-client/run.sh --warmup 1 --duration 1 --rounds 1     # smoke run: proves it works, measures nothing
#   bench/data-client/run.sh --clients 1                            # one caller: latency with no queueing
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/data-client/target"
mkdir -p "$out/classes"
cd "$root"
# One reactor build, nothing installed into ~/.m2: the class path names the modules' jars in target/.
./mvnw -q -pl examples/orders -am package -DskipTests dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt"
cp="$(cat "$out/cp.txt")"
javac -parameters -d "$out/classes" -cp "$cp" "$root"/bench/data-client/src/*.java
exec java -Xms512m -Xmx512m -Dlogback.configurationFile="$root/bench/data-client/logback.xml" \
  -cp "$out/classes:$cp" DataClientBench "$@"
