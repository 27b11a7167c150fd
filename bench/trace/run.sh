#!/usr/bin/env bash
# Measures accepted spans/s of ooda's trace collector and of Zipkin's own server (in-memory
# storage), one after the other on the same machine, with the same load generator; and, in heap
# mode, the live heap of each after one million spans.
#
#   bench/trace/run.sh                       # both modes, full durations
#   MODE=throughput WARMUP=30 DURATION=60 bench/trace/run.sh
#   MODE=heap SPANS=1000000 bench/trace/run.sh
#   WARMUP=1 DURATION=2 SPANS=20000 bench/trace/run.sh   # smoke run: proves the script works
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/bench/out/trace}
MODE=${MODE:-all}                 # throughput | heap | all
WARMUP=${WARMUP:-30}              # seconds of load before measuring (>= 30 for real figures)
DURATION=${DURATION:-60}          # seconds measured
CONNECTIONS=${CONNECTIONS:-8}     # keep-alive connections, one request in flight on each
BATCH=${BATCH:-100}               # spans per POST (multiple of 5)
SERVICES=${SERVICES:-50}          # distinct service names in the generated traces
SPANS=${SPANS:-1000000}           # spans loaded in heap mode
HEAP=${HEAP:-2g}                  # -Xmx and -Xms of each server
OODA_PORT=${OODA_PORT:-19411}
ZIPKIN_PORT=${ZIPKIN_PORT:-19412}
ZIPKIN_VERSION=${ZIPKIN_VERSION:-3.6.1}
ZIPKIN_URL=https://repo.maven.apache.org/maven2/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar
JVM_FLAGS=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC)

mkdir -p "$OUT"
cd "$ROOT"

echo "building ooda-trace and the load generator"
# One reactor run builds the load generator with the modules of this tree (nothing from ~/.m2's dev/ooda).
./mvnw -q -pl bench -am -Dmaven.test.skip=true package dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$OUT/bench.cp" >/dev/null
OODA_CP="$ROOT/bench/target/classes:$(cat "$OUT/bench.cp")"
LOAD_CP="$OODA_CP"

ZIPKIN_JAR="$OUT/zipkin-server-$ZIPKIN_VERSION-exec.jar"
if [[ ! -s "$ZIPKIN_JAR" ]]; then
  echo "downloading zipkin-server $ZIPKIN_VERSION"
  curl -fsSL -o "$ZIPKIN_JAR.part" "$ZIPKIN_URL"
  mv "$ZIPKIN_JAR.part" "$ZIPKIN_JAR"
fi

SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

# start_server NAME MAX_SPANS: starts ooda or zipkin in the background and waits for /health
start_server() {
  local name=$1 max_spans=$2 port
  if [[ $name == ooda ]]; then
    port=$OODA_PORT
    java "${JVM_FLAGS[@]}" -cp "$OODA_CP" dev.ooda.trace.TraceServer --port "$port" \
      --max-spans "$max_spans" --max-bytes $((64 << 30)) >"$OUT/ooda.log" 2>&1 &
  else
    port=$ZIPKIN_PORT
    STORAGE_TYPE=mem MEM_MAX_SPANS=$max_spans QUERY_PORT=$port \
      java "${JVM_FLAGS[@]}" -jar "$ZIPKIN_JAR" >"$OUT/zipkin.log" 2>&1 &
  fi
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "$name exited; see $OUT/$name.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "$name did not answer /health on port $port; see $OUT/$name.log" >&2
  exit 1
}

port_of() { [[ $1 == ooda ]] && echo "$OODA_PORT" || echo "$ZIPKIN_PORT"; }

load() { # load NAME ARGS...: runs the generator against NAME's collector
  local name=$1; shift
  java -Xmx1g -cp "$LOAD_CP" dev.ooda.bench.trace.SpanLoad --url "http://127.0.0.1:$(port_of "$name")/api/v2/spans" \
    --connections "$CONNECTIONS" --batch "$BATCH" --services "$SERVICES" "$@"
}

value() { sed -n "s/.*$1=\([-0-9.]*\).*/\1/p"; }

declare -A RATE STEADY LIVE
if [[ $MODE == throughput || $MODE == all ]]; then
  for name in ooda zipkin; do
    echo "== $name: throughput, ${WARMUP}s warm-up, ${DURATION}s measured, $CONNECTIONS connections, $BATCH spans a batch"
    start_server "$name" 500000   # Zipkin's default MEM_MAX_SPANS, for both
    result=$(load "$name" --warmup "$WARMUP" --duration "$DURATION")
    echo "$result"
    RATE[$name]=$(echo "$result" | value spans_per_second)
    STEADY[$name]=$(echo "$result" | value steady_after_seconds)
    stop_server
  done
fi

if [[ $MODE == heap || $MODE == all ]]; then
  for name in ooda zipkin; do
    echo "== $name: heap after $SPANS spans"
    start_server "$name" $((SPANS + SPANS / 10))
    load "$name" --mode load --spans "$SPANS"
    sleep 5 # Zipkin stores after it answers; let it finish
    # GC.class_histogram runs a full GC first; its last line totals the live objects
    LIVE[$name]=$(jcmd "$SERVER_PID" GC.class_histogram | tail -1 | awk '{print $3}')
    echo "live heap: $((LIVE[$name] / 1048576)) MiB"
    if [[ $name == ooda ]]; then # ooda's own estimate of its spans, to calibrate --max-bytes
      curl -fsS "http://127.0.0.1:$OODA_PORT/metrics" | grep -E '^ooda_trace_store_(spans|bytes) ' || true
    fi
    stop_server
  done
fi

echo
echo "== trace collector, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
if [[ -n ${RATE[ooda]:-} ]]; then
  printf 'accepted spans/s   ooda %s   zipkin %s   ratio %s (target >= 1.5)\n' "${RATE[ooda]}" "${RATE[zipkin]}" \
    "$(awk -v a="${RATE[ooda]}" -v b="${RATE[zipkin]}" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), a / b }')"
  printf 'steady after (s)   ooda %s   zipkin %s\n' "${STEADY[ooda]}" "${STEADY[zipkin]}"
fi
if [[ -n ${LIVE[ooda]:-} ]]; then
  printf 'live heap, %s spans   ooda %s MiB   zipkin %s MiB\n' "$SPANS" \
    "$((LIVE[ooda] / 1048576))" "$((LIVE[zipkin] / 1048576))"
fi
