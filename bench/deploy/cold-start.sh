#!/usr/bin/env bash
# Cold start of a service at zero, as a user meets it: the first byte of a request that the gateway
# holds while the supervisor starts the example catalog (goal: under 3 s).
# It runs `ooda up` on a fresh data directory, deploys the catalog with `--idle 5s`, and RUNS times:
# waits until the catalog is at zero, then times one request through the gateway (curl's
# time_starttransfer). Prints each run, the median, and the gateway's own figure.
# Usage: bench/deploy/cold-start.sh [RUNS]   (default 5). Prints the load average first.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-5}"
ooda="$root/bin/ooda"
echo "load average (1 min): $(cut -d' ' -f1 /proc/loadavg)   cores: $(nproc)"

"$ooda" --version >/dev/null   # builds the jar when missing
(cd "$root" && ./mvnw -o -q -pl examples/catalog -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=cp.txt -Dmdep.includeScope=runtime) >&2
# JVM options that favour a quick start over peak speed (C1 only, the serial collector): what a
# service that scales to zero would choose (docs/deploy.md has a run without them too).
catalog=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$root/examples/catalog/target/ooda-example-catalog-0.1.0-SNAPSHOT.jar:$(cat "$root/examples/catalog/cp.txt")"
         dev.ooda.examples.catalog.CatalogServer)

work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
"$ooda" up --data-dir "$work/data" --zookeeper-port 0 --control-port 0 --traces-port 0 --data-port 0 \
  --gateway-port 0 --gateway-management-port 0 >"$work/up.out" 2>"$work/up.err" &
pid=$!
while ! grep -q ' ready in ' "$work/up.out" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "ooda up died: $(cat "$work/up.err")" >&2; exit 1; }
  sleep 0.1
done
control=$(awk '$1 == "control" {print $2}' "$work/up.out")
gateway=$(awk '$1 == "gateway" {print $2}' "$work/up.out")
metrics=$(grep -o 'management http://[^/]*' "$work/up.out" | head -1 | cut -d' ' -f2)
c=(--server "$control" --data-dir "$work/data")

printf 'kind: Route\nname: catalog\nspec: {match: {pathPrefix: /}, to: [{service: catalog}]}\n' >"$work/route.yaml"
"$ooda" apply -f "$work/route.yaml" "${c[@]}" >/dev/null
"$ooda" deploy catalog --version v1 --idle 5s --command java --wait --timeout 2m "${c[@]}" -- "${catalog[@]}" >/dev/null

times=()
for i in $(seq 1 "$runs"); do
  # at zero, and its last instance gone from the registry (not still draining)
  until "$ooda" get deployments "${c[@]}" | grep 'v1 at zero' | grep -q ' 0/1 '; do sleep 0.5; done
  t=$(curl -s -o /dev/null -w '%{http_code} %{time_starttransfer}' --max-time 60 "$gateway/items")
  echo "run $i: status ${t% *}, first byte after ${t#* } s"
  times+=("${t#* }")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "cold start, first byte of a held request: median ${median} s over $runs runs (goal: under 3 s)"
echo "the gateway's figure:"
curl -s "$metrics/metrics" | grep '^ooda_gateway_cold_start_seconds' | grep -v bucket || true
"$ooda" get deployments "${c[@]}"
