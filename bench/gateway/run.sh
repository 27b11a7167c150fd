#!/usr/bin/env bash
# Side-by-side HTTP proxy benchmark: direct origin, nginx, haproxy and the ooda gateway, all in
# front of the same origin (nginx serving a fixed 1 KiB file), driven by wrk over keep-alive.
#
# Usage: bench/gateway/run.sh            (from the repository root, as root: it installs packages)
# Parameters (environment):
#   DURATION=20   seconds measured per target
#   WARMUP=30     seconds of load before measuring each target (the JVM needs >= 30)
#   THREADS=2 CONNECTIONS=64   wrk threads and keep-alive connections
#   BASE_PORT=18090            ports BASE_PORT..BASE_PORT+4 are used
#   SKIP_INSTALL=1             do not apt-get install
# Smoke-run with tiny durations only, e.g. DURATION=1 WARMUP=1 bench/gateway/run.sh
set -euo pipefail

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-30}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
BASE_PORT=${BASE_PORT:-18090}
ORIGIN_PORT=$BASE_PORT
NGINX_PORT=$((BASE_PORT + 1))
HAPROXY_PORT=$((BASE_PORT + 2))
OODA_PORT=$((BASE_PORT + 3))
OODA_MGMT_PORT=$((BASE_PORT + 4))

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

# --- ooda gateway ---------------------------------------------------------------------------------
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
START_NS=$(date +%s%N)
java -Xms1g -Xmx1g -Dlogback.configurationFile="$OUT/logback.xml" \
  -cp "ooda-gateway/target/ooda-gateway-0.1.0-SNAPSHOT.jar:$(cat "$OUT/cp.txt")" dev.ooda.gateway.GatewayMain \
  --host 127.0.0.1 --port "$OODA_PORT" --management-port "$OODA_MGMT_PORT" --routes "$OUT/routes.yaml" \
  --no-access-log --io-threads 2 > "$OUT/ooda.log" 2>&1 &
PIDS+=($!)
wait_port "$OODA_PORT"
READY_NS=$(date +%s%N)

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

# Cold start: one-second wrk runs from the moment the port opens; they are also ooda's warm-up.
: > "$OUT/ooda-coldstart.txt"
ELAPSED=0
while (( ELAPSED < WARMUP )); do
  read -r rps _ _ < <(measure "http://127.0.0.1:$OODA_PORT/" 1)
  t=$(( ($(date +%s%N) - START_NS) / 1000000 ))
  echo "$t $rps" >> "$OUT/ooda-coldstart.txt"
  ELAPSED=$((ELAPSED + 1))
done

declare -A RPS P50 P99
for target in direct nginx haproxy ooda; do
  case $target in
    direct) port=$ORIGIN_PORT ;;
    nginx) port=$NGINX_PORT ;;
    haproxy) port=$HAPROXY_PORT ;;
    ooda) port=$OODA_PORT ;;
  esac
  url="http://127.0.0.1:$port/"
  if [[ $target != ooda ]]; then measure "$url" "$WARMUP" >/dev/null; fi
  read -r r p5 p9 < <(measure "$url" "$DURATION")
  RPS[$target]=$r; P50[$target]=$p5; P99[$target]=$p9
done

echo
printf "%-8s %12s %10s %10s\n" target "requests/s" "p50 ms" "p99 ms"
for target in direct nginx haproxy ooda; do
  printf "%-8s %12s %10s %10s\n" "$target" "${RPS[$target]}" "${P50[$target]}" "${P99[$target]}"
done
echo
awk -v o="${RPS[ooda]}" -v n="${RPS[nginx]}" -v op="${P99[ooda]}" -v np="${P99[nginx]}" 'BEGIN {
  t = n > 0 ? o / n : 0; l = np > 0 ? op / np : 0;
  printf("ooda/nginx throughput: %.2f (target >= 0.80) %s\n", t, (t >= 0.8) ? "ok" : "MISSED");
  printf("ooda/nginx p99:        %.2f (target <= 1.50) %s\n", l, (l <= 1.5) ? "ok" : "MISSED") }'
STEADY=${RPS[ooda]}
READY_MS=$(( (READY_NS - START_NS) / 1000000 ))
awk -v steady="$STEADY" -v ready="$READY_MS" '
  (found == 0) && ($2 >= 0.9 * steady) { found = 1; at = $1 }
  END {
    printf("ooda cold start: port open after %d ms; ", ready)
    if (found) printf("90%% of steady throughput (%d req/s) after %d ms\n", steady, at)
    else printf("90%% of steady throughput not reached in the %d s warm-up\n", NR)
  }' "$OUT/ooda-coldstart.txt"
