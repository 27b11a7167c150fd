#!/usr/bin/env bash
# A function's warm invocation overhead: requests through the gateway to a warm function instance
# (curl's time_total, a new connection per request), interleaved with requests the gateway answers
# itself from a stub route (the floor: curl, the connection and the gateway); the difference is
# what the function path adds (the proxy hop and the host around the handler), the handler's own
# time being what the host meters (see `ooda functions usage`). Also prints the cold start of
# the first request. Goal: overhead under 1 ms at the median.
# Usage: bench/deploy/function-overhead.sh [REQUESTS]   (default 200). Prints the load average first.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-200}"
ooda="$root/bin/ooda"
echo "load average (1 min): $(cut -d' ' -f1 /proc/loadavg)   cores: $(nproc)"
"$ooda" --version >/dev/null   # builds the jar when missing

work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
# The handler: compiled against ooda-function, in a jar of its own.
mkdir -p "$work/src/bench"
cat >"$work/src/bench/Echo.java" <<'JAVA'
package bench;
public final class Echo implements dev.ooda.function.Handler {
  public dev.ooda.function.Response handle(dev.ooda.function.Request r) {
    return dev.ooda.function.Response.text("ok " + r.path());
  }
}
JAVA
javac -d "$work/classes" -cp "$root/ooda-function/target/classes" "$work/src/bench/Echo.java"
jar cf "$work/echo.jar" -C "$work/classes" .

"$ooda" up --data-dir "$work/data" --zookeeper-port 0 --control-port 0 --traces-port 0 --data-port 0 \
  --gateway-port 0 --gateway-management-port 0 >"$work/up.out" 2>"$work/up.err" &
pid=$!
while ! grep -q ' ready in ' "$work/up.out" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "ooda up died: $(cat "$work/up.err")" >&2; exit 1; }
  sleep 0.1
done
control=$(awk '$1 == "control" {print $2}' "$work/up.out")
gateway=$(awk '$1 == "gateway" {print $2}' "$work/up.out")
c=(--server "$control" --data-dir "$work/data")
cat >"$work/fn.yaml" <<YAML
kind: Function
name: echo
spec: {handler: bench.Echo, jar: $work/echo.jar, concurrency: 4, idle: 60s}
---
kind: Route
name: echo
spec: {match: {pathPrefix: /echo}, to: [{function: echo}]}
---
kind: Route
name: stub
spec: {match: {pathPrefix: /stub}, respond: {status: 200, body: "ok /x"}}
YAML
"$ooda" apply -f "$work/fn.yaml" "${c[@]}" >/dev/null
sleep 1   # the gateway takes the route
echo "cold: $(curl -s -o /dev/null -w '%{http_code} first byte after %{time_starttransfer} s' --max-time 60 "$gateway/echo/x")"
for i in $(seq 1 50); do curl -s -o /dev/null "$gateway/echo/x"; done   # warm up
# Interleaved: the function through the gateway, and the gateway answering itself (the floor of curl and the gateway).
for i in $(seq 1 "$n"); do
  curl -s -o /dev/null -w '%{time_total}\n' "$gateway/echo/x" >>"$work/times"
  curl -s -o /dev/null -w '%{time_total}\n' "$gateway/stub/x" >>"$work/stub"
done
p50=$(sort -n "$work/times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
p99=$(sort -n "$work/times" | awk '{a[NR]=$1} END {print a[int(NR*0.99)]}')
s50=$(sort -n "$work/stub" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
sleep 3   # the host writes its usage every second; the supervisor reads it every 2 s
"$ooda" functions usage "${c[@]}"
echo "through the gateway, warm, $n requests: p50 $(awk -v s="$p50" 'BEGIN {printf "%.2f", s*1000}') ms, p99 $(awk -v s="$p99" 'BEGIN {printf "%.2f", s*1000}') ms"
echo "the gateway answering itself (stub route), same requests: p50 $(awk -v s="$s50" 'BEGIN {printf "%.2f", s*1000}') ms"
echo "function overhead over the gateway's own answer, p50: $(awk -v a="$p50" -v b="$s50" 'BEGIN {printf "%.2f", (a-b)*1000}') ms"
echo "(the handler itself takes well under a millisecond: see DURATION over INVOCATIONS above; the rest is the gateway and the host)"
