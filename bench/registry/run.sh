#!/usr/bin/env bash
# The registry under load: 10,000 instances across 500 services, 2,000 heartbeats/s against one
# control plane on an embedded ZooKeeper, and the propagation latency (p50/p99) from a
# registration to 3 watching InstanceCaches while that load runs; then the heap used. See README.md.
#
#   bench/registry/run.sh                                   # full run: 30 s warm-up, 60 s measured
#   bench/registry/run.sh --instances 100000 --services 1000 --rate 20000
#   bench/registry/run.sh --instances 200 --services 10 --rate 50 --warmup 1 --duration 2   # smoke run only
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/registry/target"
heap="${HEAP:-2g}"
mkdir -p "$out/classes"
cd "$root"
./mvnw -q -pl ooda-control -am install -DskipTests
./mvnw -q -pl ooda-control dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt"
cp="$root/ooda-control/target/classes:$root/ooda-control-client/target/classes:$root/ooda-model/target/classes:$(cat "$out/cp.txt")"
javac -d "$out/classes" -cp "$cp" "$root"/bench/registry/src/*.java
exec java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Dlogback.configurationFile="$root/bench/registry/logback.xml" \
  -cp "$out/classes:$cp" RegistryBench "$@"
