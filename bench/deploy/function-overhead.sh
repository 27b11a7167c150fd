#!/usr/bin/env bash
# A function's warm invocation overhead. Three targets, measured in interleaved rounds with one
# keep-alive connection each (wrk -c1, so a request's latency is the path's, not a queue's), after
# a warm-up long enough for the JIT (a "warm" function is one that has been serving):
#   function  the gateway in front of a warm function instance (`to: [{function: echo}]`)
#   stub      the gateway answering itself from a stub route: the floor of the client and the gateway
#   host      the function instance called directly (the host around the handler, without the gateway)
# Overhead over calling the handler directly = function p50 - the handler's own time (metered by
# the host: DURATION / INVOCATIONS in `ooda functions usage`, microseconds for this handler).
# Also prints the cold start of the first request, and new-connection figures (curl) for reference.
# Goal: overhead under 1 ms at the median.
# Usage: bench/deploy/function-overhead.sh   (ROUNDS=3 DURATION=8 WARMUP=15). Prints the load average first.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-8}; WARMUP=${WARMUP:-15}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
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
addr=$("$ooda" get instances "${c[@]}" | awk '$1 == "echo" {print $4}' | head -1)
[ -n "$addr" ] || { echo "no instance of the function is up" >&2; exit 1; }
declare -A url=([function]="$gateway/echo/x" [stub]="$gateway/stub/x" [host]="http://$addr/x")
order=(function stub host)
for t in "${order[@]}"; do wrk -t1 -c1 -d"$WARMUP" "${url[$t]}" >/dev/null; done
# wrk prints latency percentiles in us/ms/s; one number in microseconds.
us() { awk '{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); print v} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v*1000} else {sub(/s$/,"",v); print v*1000000}}'; }
printf '%-6s %-9s %10s %10s %10s\n' round target "p50 us" "p99 us" "req/s"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${order[@]}"; do
    out=$(wrk -t1 -c1 -d"$DURATION" --latency "${url[$t]}")
    p50=$(grep -E '^ +50%' <<<"$out" | us); p99=$(grep -E '^ +99%' <<<"$out" | us)
    rps=$(awk '/^Requests\/sec/ {printf "%d", $2}' <<<"$out")
    printf '%-6s %-9s %10s %10s %10s\n' "$r" "$t" "$p50" "$p99" "$rps"
    echo "$t $p50" >>"$work/p50"
  done
done
for t in "${order[@]}"; do
  for i in $(seq 1 100); do curl -s -o /dev/null -w '%{time_total}\n' "${url[$t]}"; done | sort -n |
    awk -v t="$t" '{a[NR]=$1} END {printf "new connection per request (curl), %s: p50 %.2f ms\n", t, a[int((NR+1)/2)]*1000}'
done
sleep 3   # the host writes its usage every second; the supervisor reads it every 2 s
"$ooda" functions usage "${c[@]}"
median() { grep "^$1 " "$work/p50" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
f=$(median function); s50=$(median stub); h=$(median host)
echo "medians of the rounds' p50: function through the gateway $f us, the gateway's own stub $s50 us, the function host called directly $h us"
echo "overhead over the gateway's own answer: $(awk -v a="$f" -v b="$s50" 'BEGIN {printf "%.0f", a-b}') us; the gateway's hop in front of the host: $(awk -v a="$f" -v b="$h" 'BEGIN {printf "%.0f", a-b}') us"
echo "overhead over calling the handler directly (the handler itself is a few microseconds, see usage): $f us = $(awk -v a="$f" 'BEGIN {printf "%.2f", a/1000}') ms (goal: under 1 ms)"
