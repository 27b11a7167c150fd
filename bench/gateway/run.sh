#!/usr/bin/env bash
# Side-by-side HTTP proxy benchmark: nginx, haproxy and the ooda gateway, all in front of the same
# origin (nginx serving a fixed 1 KiB file), driven by wrk over keep-alive. The gateway is measured
# twice: inside `ooda up` as users run it (its defaults: access log on, spans to the in-process
# collector at the default sampling), and alone (GatewayMain, access log off, like the peers).
# Targets are measured in interleaved rounds, so that a change in the machine touches them all.
#
# Usage: bench/gateway/run.sh            (from the repository root, as root: it installs packages)
# Parameters (environment):
#   ROUNDS=5      interleaved rounds (five, so that one round a neighbour disturbs does not move the median)
#   DURATION=15   seconds measured per target and round
#   WARMUP=30     seconds of load on each target before the first round (the JVM needs >= 30)
#   THREADS=2 CONNECTIONS=64   wrk threads and keep-alive connections
#   BASE_PORT=18090            ports BASE_PORT..BASE_PORT+12 are used
#   NGINX_USUAL=45000          nginx's usual requests/s here; ratios are refused below 70% of it
#   FORCE=1                    measure even when the machine is not quiet (ratios still refused)
#   SKIP_INSTALL=1             do not apt-get install
# Smoke-run with tiny durations only, e.g. ROUNDS=1 DURATION=1 WARMUP=1 FORCE=1 bench/gateway/run.sh
set -euo pipefail

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-30}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
BASE_PORT=${BASE_PORT:-18090}
ORIGIN_PORT=$BASE_PORT
NGINX_PORT=$((BASE_PORT + 1))
HAPROXY_PORT=$((BASE_PORT + 2))
OODA_PORT=$((BASE_PORT + 3))
OODA_MGMT_PORT=$((BASE_PORT + 4))
UP_GATEWAY_PORT=$((BASE_PORT + 5))
NGINX_USUAL=${NGINX_USUAL:-45000}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/out/gateway
mkdir -p "$OUT"
cd "$ROOT"

if [[ -z "${SKIP_INSTALL:-}" ]]; then
  if ! command -v nginx >/dev/null || ! command -v haproxy >/dev/null || ! command -v wrk >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx haproxy wrk >/dev/null
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

# --- is the machine quiet? -------------------------------------------------------------------------
LOAD=$(cut -d' ' -f1 /proc/loadavg)
IDLE=$(vmstat 1 4 | awk 'NR > 3 { s += $15; n++ } END { printf "%.0f", s / n }')
echo "machine: load average $LOAD (1 min), idle CPU $IDLE% over 3 s, $(nproc) cores"
if awk -v l="$LOAD" -v i="$IDLE" 'BEGIN { exit !(l > 0.5 || i < 90) }'; then
  echo "the machine is not quiet: a loaded machine squeezes every target toward the same number." >&2
  [[ -n "${FORCE:-}" ]] || exit 1
fi

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [[ -f "$OUT/nginx-origin.pid" ]] && kill "$(cat "$OUT/nginx-origin.pid")" 2>/dev/null || true
  [[ -f "$OUT/nginx-proxy.pid" ]] && kill "$(cat "$OUT/nginx-proxy.pid")" 2>/dev/null || true
  return 0
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2
  return 1
}

# --- origin: nginx serving a fixed 1 KiB file --------------------------------------------------
mkdir -p "$OUT/www" "$OUT/tmp"
head -c 1024 /dev/zero | tr '\0' 'x' > "$OUT/www/index.html"
cat > "$OUT/nginx-origin.conf" <<CONF
worker_processes 1;
pid $OUT/nginx-origin.pid;
error_log $OUT/nginx-origin.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $OUT/tmp; proxy_temp_path $OUT/tmp; fastcgi_temp_path $OUT/tmp;
  uwsgi_temp_path $OUT/tmp; scgi_temp_path $OUT/tmp;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$ORIGIN_PORT; root $OUT/www; location / { try_files /index.html =404; } }
}
CONF
"$NGINX" -c "$OUT/nginx-origin.conf" -g 'daemon on;'
wait_port "$ORIGIN_PORT"

# --- nginx as a reverse proxy -------------------------------------------------------------------
cat > "$OUT/nginx-proxy.conf" <<CONF
worker_processes 2;
pid $OUT/nginx-proxy.pid;
error_log $OUT/nginx-proxy.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $OUT/tmp; proxy_temp_path $OUT/tmp; fastcgi_temp_path $OUT/tmp;
  uwsgi_temp_path $OUT/tmp; scgi_temp_path $OUT/tmp;
  keepalive_requests 1000000;
  upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
"$NGINX" -c "$OUT/nginx-proxy.conf" -g 'daemon on;'
wait_port "$NGINX_PORT"

# --- haproxy --------------------------------------------------------------------------------------
cat > "$OUT/haproxy.cfg" <<CONF
global
  nbthread 2
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option forwardfor
  http-reuse always
frontend fe
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend origin
backend origin
  server o1 127.0.0.1:$ORIGIN_PORT
CONF
"$HAPROXY" -f "$OUT/haproxy.cfg" > "$OUT/haproxy.log" 2>&1 &
PIDS+=($!)
wait_port "$HAPROXY_PORT"

# --- ooda up, as users run it ---------------------------------------------------------------------
# bin/ooda builds the jar and its class-data archive when needed, in one reactor run from this tree.
bin/ooda --version >/dev/null
UP_DIR=$(mktemp -d)
bin/ooda up --data-dir "$UP_DIR/data" --zookeeper-port 0 --control-port 0 --traces-port 0 --data-port 0 \
  --gateway-port "$UP_GATEWAY_PORT" --gateway-management-port 0 > "$OUT/ooda-up.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do grep -q ' ready in ' "$OUT/ooda-up.log" && break; sleep 0.1; done
CONTROL=$(awk '$1 == "control" {print $2}' "$OUT/ooda-up.log")
cat > "$OUT/up-routes.yaml" <<CONF
kind: Service
name: origin
spec:
  endpoints: [{url: "http://127.0.0.1:$ORIGIN_PORT"}]
---
kind: Route
name: bench
spec:
  match: {pathPrefix: /}
  to: [{service: origin}]
CONF
bin/ooda apply -f "$OUT/up-routes.yaml" --server "$CONTROL" --data-dir "$UP_DIR/data" >/dev/null
for _ in $(seq 1 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$UP_GATEWAY_PORT/") == 200 ]] && break; sleep 0.1
done

# --- the gateway alone -----------------------------------------------------------------------------
# One reactor run, so that ooda-model comes from this tree and not from a stale local repository.
./mvnw -q -pl ooda-gateway -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=runtime >/dev/null
cat > "$OUT/routes.yaml" <<CONF
kind: Route
name: bench
spec:
  match: {pathPrefix: /}
  to: [{url: "http://127.0.0.1:$ORIGIN_PORT"}]
CONF
cat > "$OUT/logback.xml" <<'CONF'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
CONF
java -Xms1g -Xmx1g -Dlogback.configurationFile="$OUT/logback.xml" \
  -cp "ooda-gateway/target/ooda-gateway-0.1.0-SNAPSHOT.jar:$(cat "$OUT/cp.txt")" dev.ooda.gateway.GatewayMain \
  --host 127.0.0.1 --port "$OODA_PORT" --management-port "$OODA_MGMT_PORT" --routes "$OUT/routes.yaml" \
  --no-access-log > "$OUT/ooda.log" 2>&1 &
PIDS+=($!)
wait_port "$OODA_PORT"

# --- measuring ------------------------------------------------------------------------------------
# Prints "rps p50_ms p99_ms" for one wrk run.
measure() {
  local url=$1 secs=$2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency "$url" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }'
}

TARGETS=(nginx haproxy ooda-up ooda-alone)
declare -A PORT=([nginx]=$NGINX_PORT [haproxy]=$HAPROXY_PORT [ooda-up]=$UP_GATEWAY_PORT [ooda-alone]=$OODA_PORT)
for t in "${TARGETS[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[$t]}/")
  [[ $code == 200 ]] || { echo "$t answers $code, not 200" >&2; exit 1; }
done
for t in "${TARGETS[@]}"; do measure "http://127.0.0.1:${PORT[$t]}/" "$WARMUP" >/dev/null; done

: > "$OUT/rounds.txt"
printf "%-6s %-11s %12s %10s %10s\n" round target "requests/s" "p50 ms" "p99 ms"
for round in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    read -r r p5 p9 < <(measure "http://127.0.0.1:${PORT[$t]}/" "$DURATION")
    printf "%-6s %-11s %12s %10s %10s\n" "$round" "$t" "$r" "$p5" "$p9"
    echo "$round $t $r $p5 $p9" >> "$OUT/rounds.txt"
  done
done

echo
# Ratios per round (ooda against nginx of the same round), then their medians.
awk -v usual="$NGINX_USUAL" '
  { rps[$1, $2] = $3; p99[$1, $2] = $5; if ($1 > rounds) rounds = $1 }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (r = 1; r <= rounds; r++) ng[r] = rps[r, "nginx"]
    nginx = median(ng, rounds)
    printf("nginx median %d requests/s (usual here: %d)\n", nginx, usual)
    split("ooda-up ooda-alone haproxy", names, " ")
    for (k = 1; k <= 3; k++) {
      name = names[k]
      line = sprintf("%-10s throughput x nginx:", name)
      for (r = 1; r <= rounds; r++) { t[r] = rps[r, name] / rps[r, "nginx"]; l[r] = p99[r, name] / p99[r, "nginx"]; line = line sprintf(" %.2f", t[r]) }
      line = line "   p99 x nginx:"
      for (r = 1; r <= rounds; r++) line = line sprintf(" %.2f", l[r])
      mt = median(t, rounds); ml = median(l, rounds)
      if (name != "haproxy") line = line sprintf("   median %.2f / %.2f  targets >= 0.80 / <= 1.50: %s", mt, ml, (mt >= 0.8 && ml <= 1.5) ? "met" : "MISSED")
      else line = line sprintf("   median %.2f / %.2f", mt, ml)
      print line
    }
    if (nginx < 0.7 * usual) {
      printf("REFUSED: nginx ran at %d requests/s, far below its usual %d: the machine was not quiet and these ratios say little\n", nginx, usual)
      exit 2
    }
  }' "$OUT/rounds.txt"
