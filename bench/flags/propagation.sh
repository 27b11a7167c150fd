#!/usr/bin/env bash
# Flag propagation: time from applying a flag change until a kit, the gateway (a route on the flag)
# and the control plane's OFREP endpoint answer with it, against a fresh `bin/ooda up`. See README.md.
#
#   bench/flags/propagation.sh            # 100 rounds after 10 warm-up rounds
#   bench/flags/propagation.sh 20         # a short run
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/flags/target"
mkdir -p "$out"
cd "$root"
echo "machine: load average $(cut -d' ' -f1 /proc/loadavg) (1 min), $(nproc) cores"
./mvnw -q -pl bench -am -Dmaven.test.skip=true package dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$out/cp.txt" >/dev/null
dir=$(mktemp -d)
bin/ooda up --data-dir "$dir/data" --zookeeper-port 0 --control-port 0 --traces-port 0 --data-port 0 \
  --gateway-port 0 --gateway-management-port 0 > "$out/ooda-up.log" 2>&1 &
up=$!
trap 'kill $up 2>/dev/null; wait $up 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do grep -q ' ready in ' "$out/ooda-up.log" && break; sleep 0.1; done
control=$(awk '$1 == "control" {print $2}' "$out/ooda-up.log")
gateway=$(awk '$1 == "gateway" {print $2}' "$out/ooda-up.log")
java -Dlogback.configurationFile="$root/bench/registry/logback.xml" -cp "$root/bench/target/classes:$(cat "$out/cp.txt")" \
  FlagPropagationBench "$control" "$gateway" "$dir/data" "${1:-100}"
