#!/usr/bin/env bash
# Time from launching `ooda up` until it prints its ready line, on a fresh data directory each run,
# beside the floor it stands on: the same JVM loading the same jar and exiting (`ooda --version`).
# Usage: bench/startup/run.sh [RUNS]   (default 9). Prints medians and the ratio.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-9}"
jar="$root/ooda-cli/target/ooda.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package -pl ooda-cli -am)

ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

up_times=(); floor_times=()
for i in $(seq 1 "$runs"); do
  t0=$(ms); java -jar "$jar" --version >/dev/null; floor_times+=($(( $(ms) - t0 )))

  dir=$(mktemp -d)
  out="$dir/out"
  t0=$(ms)
  java -jar "$jar" up --data-dir "$dir/data" --zookeeper-port 0 --control-port 0 --traces-port 0 --data-port 0 >"$out" 2>"$dir/err" &
  pid=$!
  while ! grep -q ready "$out" 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "ooda up died:"; cat "$dir/err"; exit 1; }
    sleep 0.02
  done
  up_times+=($(( $(ms) - t0 )))
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
done

up=$(printf '%s\n' "${up_times[@]}" | median)
floor=$(printf '%s\n' "${floor_times[@]}" | median)
echo "runs: $runs"
echo "ooda up to ready, ms:      ${up_times[*]}  median $up"
echo "jvm + jar, --version, ms:  ${floor_times[*]}  median $floor"
awk -v u="$up" -v f="$floor" 'BEGIN {printf "ratio up/floor: %.2f   goal: ooda up ready in under 3000 ms (median %s)\n", u/f, u}'
