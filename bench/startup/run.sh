#!/usr/bin/env bash
# Start-up times as users meet them, through bin/ooda (class-data archive and JVM options included),
# beside the floor they stand on, `java -version` on the same JVM:
#   - a client command, `ooda get routes`, against a running platform (goal: median under 300 ms);
#   - `ooda up` from launch to its ready line, on a fresh data directory each run (goal: under 2 s).
# Usage: bench/startup/run.sh [RUNS]   (default 15). Prints each run, medians and ratios.
# Run it on a quiet machine: it prints the load average first and refuses above 1.0.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-15}"
ooda="$root/bin/ooda"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

load=$(cut -d' ' -f1 /proc/loadavg)
echo "load average (1 min): $load"
awk -v l="$load" 'BEGIN {exit !(l > 1.0)}' && { echo "the machine is busy: figures would say little; try again when it is quiet" >&2; exit 1; }

"$ooda" --version >/dev/null   # builds the jar and the class-data archive when missing
ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

wait_ready() { # FILE PID
  while ! grep -q ' ready in ' "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || { echo "ooda up died" >&2; exit 1; }
    sleep 0.01
  done
}
ports=(--zookeeper-port 0 --control-port 0 --traces-port 0 --data-port 0 --gateway-port 0 --gateway-management-port 0)

# A platform for the client command to ask.
"$ooda" up --data-dir "$work/platform" "${ports[@]}" >"$work/platform.out" 2>&1 &
pid=$!
wait_ready "$work/platform.out" "$pid"
control=$(awk '$1 == "control" {print $2}' "$work/platform.out")
"$ooda" get routes --server "$control" --data-dir "$work/platform" >/dev/null  # the first one warms the OS's file cache

floor=(); cli=(); up=()
for i in $(seq 1 "$runs"); do
  t0=$(ms); "$java" -version 2>/dev/null; floor+=($(( $(ms) - t0 )))
  t0=$(ms); "$ooda" get routes --server "$control" --data-dir "$work/platform" >/dev/null; cli+=($(( $(ms) - t0 )))
done
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

for i in $(seq 1 "$runs"); do
  dir="$work/up$i"; mkdir -p "$dir"
  t0=$(ms)
  "$ooda" up --data-dir "$dir/data" "${ports[@]}" >"$dir/out" 2>"$dir/err" &
  pid=$!
  wait_ready "$dir/out" "$pid"
  up+=($(( $(ms) - t0 )))
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done

f=$(printf '%s\n' "${floor[@]}" | median)
c=$(printf '%s\n' "${cli[@]}" | median)
u=$(printf '%s\n' "${up[@]}" | median)
echo "runs: $runs   jvm: $("$java" -version 2>&1 | head -1)"
echo "java -version, ms:            ${floor[*]}  median $f"
echo "ooda get routes, ms:          ${cli[*]}  median $c"
echo "ooda up to ready, ms:         ${up[*]}  median $u"
awk -v c="$c" -v u="$u" -v f="$f" 'BEGIN {
  printf "ratio get routes / floor: %.1f   goal: median under 300 ms (%s)\n", c/f, (c < 300 ? "met" : "not met")
  printf "ratio up / floor:         %.1f   goal: median under 2000 ms (%s)\n", u/f, (u < 2000 ? "met" : "not met") }'
