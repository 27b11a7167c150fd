#!/usr/bin/env bash
# The gateway's cost of enforcing a group at the edge: the same gateway (alone, access log off) in
# front of the same origin (nginx serving a fixed 1 KiB file), measured by wrk over keep-alive on
# two routes side by side: /open goes to a service without a group, /guarded to a service in mode
# enforce whose group lists the gateway (a path-limited entry, so every call takes the cached
# decision). Rounds are interleaved so a change in the machine touches both.
# Goal (issue 16): the guarded route's p50 within 5% of the open route's.
#
# Usage: bench/access/run.sh            (from the repository root, as root: it installs packages)
# Parameters (environment): ROUNDS=3 DURATION=15 WARMUP=30 THREADS=2 CONNECTIONS=64 BASE_PORT=18190
#   FORCE=1 (measure on a machine that is not quiet)  SKIP_INSTALL=1 (no apt-get)
# The per-call figures in isolation come from JMH: bench/access/jmh.sh.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-30}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
BASE_PORT=${BASE_PORT:-18190}
ORIGIN_PORT=$BASE_PORT
OODA_PORT=$((BASE_PORT + 1))
OODA_MGMT_PORT=$((BASE_PORT + 2))

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/out/access
mkdir -p "$OUT"
cd "$ROOT"

if [[ -z "${SKIP_INSTALL:-}" ]]; then
  if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

LOAD=$(cut -d' ' -f1 /proc/loadavg)
echo "machine: load average $LOAD (1 min), $(nproc) cores"
if awk -v l="$LOAD" 'BEGIN { exit !(l > 0.5) }'; then
  echo "the machine is not quiet: figures taken now say little." >&2
  [[ -n "${FORCE:-}" ]] || exit 1
fi

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [[ -f "$OUT/nginx-origin.pid" ]] && kill "$(cat "$OUT/nginx-origin.pid")" 2>/dev/null || true
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


# --- the gateway alone, with one open and one guarded service -------------------------------------
./mvnw -q -pl ooda-gateway -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=runtime >/dev/null
cat > "$OUT/routes.yaml" <<CONF
kind: Service
name: open
spec:
  endpoints: [{url: "http://127.0.0.1:$ORIGIN_PORT"}]
---
kind: Service
name: guarded
spec:
  endpoints: [{url: "http://127.0.0.1:$ORIGIN_PORT"}]
  access:
    mode: enforce
    callers:
      - {service: orders}
      - {service: gateway, methods: [GET], paths: ["/guarded/**"]}
---
kind: Route
name: open
spec:
  match: {pathPrefix: /open}
  to: [{service: open}]
---
kind: Route
name: guarded
spec:
  match: {pathPrefix: /guarded}
  to: [{service: guarded}]
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
  --no-access-log --io-threads 2 > "$OUT/ooda.log" 2>&1 &
PIDS+=($!)
wait_port "$OODA_PORT"

# nginx answers its one file for any path (try_files), so both routes reach the same origin.
declare -A URL=([open]="http://127.0.0.1:$OODA_PORT/open/" [guarded]="http://127.0.0.1:$OODA_PORT/guarded/")
for t in open guarded; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "${URL[$t]}")
  [[ $code == 200 ]] || { echo "$t answers $code, not 200" >&2; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${URL[guarded]}")
[[ $code == 403 ]] || { echo "a POST to the guarded route answers $code, not 403: the group is not enforced" >&2; exit 1; }

measure() {
  local url=$1 secs=$2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency "$url" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }'
}

for t in open guarded; do measure "${URL[$t]}" "$WARMUP" >/dev/null; done
: > "$OUT/rounds.txt"
printf "%-6s %-8s %12s %10s %10s\n" round route "requests/s" "p50 ms" "p99 ms"
for round in $(seq 1 "$ROUNDS"); do
  for t in open guarded; do
    read -r r p5 p9 < <(measure "${URL[$t]}" "$DURATION")
    printf "%-6s %-8s %12s %10s %10s\n" "$round" "$t" "$r" "$p5" "$p9"
    echo "$round $t $r $p5 $p9" >> "$OUT/rounds.txt"
  done
done
echo
awk '
  { rps[$1, $2] = $3; p50[$1, $2] = $4; if ($1 > rounds) rounds = $1 }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    line = "guarded x open  p50:"
    for (r = 1; r <= rounds; r++) { l[r] = p50[r, "guarded"] / p50[r, "open"]; t[r] = rps[r, "guarded"] / rps[r, "open"]; line = line sprintf(" %.3f", l[r]) }
    ml = median(l, rounds); mt = median(t, rounds)
    printf("%s   median %.3f (throughput %.3f)  target p50 <= 1.05: %s\n", line, ml, mt, ml <= 1.05 ? "met" : "MISSED")
  }' "$OUT/rounds.txt"
