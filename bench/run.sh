#!/usr/bin/env bash
# The whole performance measurement from a clean build, in one run on one machine: seeds a registry,
# starts Redis and the server, runs h2load and `elicense-bench` side by side (alternating, medians of
# ROUNDS), measures server CPU per call against one ES256 verification (openssl speed), Redis memory per
# cached licence, registry size per million licences, and the BenchmarkDotNet microbenchmarks; prints
# one table and writes it as JSON (OUT/latest.json; docs/performance.md explains the figures).
#
#   LICENSES   licences to seed (default 100000)
#   ROUNDS     measured rounds per comparison, after one warm-up round (default 3)
#   SECONDS_PER_RUN  length of each load run in seconds (default 8)
#   VERIFY_COUNT  fresh credentials verified once each (default 30000)
#   ROADSIDE_COUNT  calls per run of the VerifyCredential / CheckRoadside side by side (default 6000)
#   MICRO      1 to run the microbenchmarks (default 1; they take about 3 minutes)
#   OUT        where to write results (default bench/results)
# Needs: dotnet, h2load (Debian: nghttp2-client), redis-server, openssl, python3. Only loopback;
# stops everything it starts, also on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
LICENSES=${LICENSES:-100000}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
MICRO=${MICRO:-1}
VERIFY_COUNT=${VERIFY_COUNT:-30000}
ROADSIDE_COUNT=${ROADSIDE_COUNT:-6000}
OUT=${OUT:-bench/results}
for tool in dotnet h2load redis-server redis-cli openssl python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (Debian: apt-get install nghttp2-client redis-server openssl python3)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/elicense-bench-XXXXXX)
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
REDIS_PORT=$(free_port); PORT=$(free_port); METRICS_PORT=$(free_port)
SERVER_PID=""; REDIS_PID=""
cleanup() {
  [ -n "${SAMPLER_PID:-}" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  # Our own redis-server by its pid: whatever else listens on REDIS_PORT (it was free a moment before
  # we started, not reserved) is not ours to shut down.
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { printf '\n== %s\n' "$*" >&2; }

step "building (Release)"
dotnet build ELicense.slnx -c Release --nologo -v quiet >/dev/null
SERVER=src/Server/bin/Release/net10.0/ELicense.Server
INSPECTOR=(dotnet src/InspectorClient/bin/Release/net10.0/inspector.dll)
BENCH=(dotnet src/Bench/bin/Release/net10.0/elicense-bench.dll)

step "seeding $LICENSES synthetic licences"
seed_start=$(date +%s.%N)
"$SERVER" seed --licenses "$LICENSES" --force --Registry:Path="$WORK/registry.db" > "$WORK/seed.log"
seed_seconds=$(python3 -c "import time; print(round(time.time() - $seed_start, 1))")
registry_bytes=$(stat -c %s "$WORK/registry.db")
# Keys for the generator: licence numbers, VINs and plates straight from the seeded registry.
python3 - "$WORK" <<'PY'
import sqlite3, sys
work = sys.argv[1]
db = sqlite3.connect(f'{work}/registry.db')
lic = [r[0] for r in db.execute('SELECT license_number FROM licenses LIMIT 100000')]
open(f'{work}/keys-licenses.txt', 'w').write('\n'.join(lic) + '\n')
open(f'{work}/keys-100.txt', 'w').write('\n'.join(lic[:100]) + '\n')
PY
# roadside: the same 100 licences and 2,000 of the registry's vehicle records, from which it mints the
# inspection marks (bench/roadside-keys.py: plate, type, VIN, vehicle type, inspection valid-until).
python3 bench/roadside-keys.py "$WORK/registry.db" "$WORK/keys-100.txt" "$WORK/keys-roadside.txt" 2000
# The hot key: the first sample licence the seed printed (a valid one, as a roadside check mostly meets).
HOT=$(grep -oE '\b[0-9]{17}[0-9X]\b' "$WORK/seed.log" | head -n 1)
echo "$HOT" > "$WORK/keys-hot.txt"

step "starting redis-server :$REDIS_PORT and the server :$PORT (metrics :$METRICS_PORT)"
# In the foreground of a background job (not --daemonize): its pid is ours, so cleanup stops exactly it,
# and a port taken in the meantime shows as its exit, not as someone else's Redis answering our pings.
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do
  kill -0 "$REDIS_PID" 2>/dev/null || { echo "bench: redis-server did not start:" >&2; cat "$WORK/redis.log" >&2; exit 1; }
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || { echo "bench: redis-server :$REDIS_PORT not answering" >&2; exit 1; }
"$SERVER" --urls "http://127.0.0.1:$PORT" --Registry:Path="$WORK/registry.db" \
  --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Credentials:DevelopmentKeyPath="$WORK/issuer-key.pem" \
  --Audit:Path="$WORK/audit.db" --Audit:SubjectKeyPath="$WORK/audit-key" --Redis:ProtectionKeyPath="$WORK/redis-key" --Metrics:Url="http://127.0.0.1:$METRICS_PORT" \
  --Logging:LogLevel:Default=Warning \
  --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000 \
  --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry --Auth:Clients:1:RateLimit=100000000 \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
# Ready means the gRPC port answers: the metrics listener is a hosted service that starts before
# Kestrel binds the gRPC endpoint, so a scrape alone can succeed while calls are still refused.
grpc_ready() { curl -sf -m 2 --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
  --data-binary @/dev/null "http://127.0.0.1:$PORT/grpc.health.v1.Health/Check"; }
ready=0
for _ in $(seq 1 300); do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "bench: the server exited:" >&2; cat "$WORK/server.log" >&2; exit 1; }
  grpc_ready && curl -sf -m 5 "http://127.0.0.1:$METRICS_PORT/metrics" >/dev/null 2>&1 && { ready=1; break; }
  sleep 0.1
done
[ "$ready" = 1 ] || { echo "bench: the server did not answer on :$PORT and :$METRICS_PORT within 30 s:" >&2; cat "$WORK/server.log" >&2; exit 1; }
URL="http://127.0.0.1:$PORT"
export ELICENSE_API_KEY=bench-officer-key-0001 ELICENSE_REGISTRY_API_KEY=bench-registry-key-0001

# Raw gRPC frames for h2load: a 5-byte prefix (compression flag, big-endian length) before the protobuf body.
QR=$("${INSPECTOR[@]}" issue "$HOT" --lifetime 600 --no-qr --server "$URL" --api-key bench-registry-key-0001 | grep -oE '^EDL1:.*$')
python3 - "$WORK" "$HOT" "$QR" <<'PY'
import struct, sys
work, lic, qr = sys.argv[1:]
def field(n, b):
    out, l = bytes([n << 3 | 2]), len(b)
    while l >= 0x80: out += bytes([l & 0x7f | 0x80]); l >>= 7
    return out + bytes([l]) + b
frame = lambda m: b'\x00' + struct.pack('>I', len(m)) + m
open(f'{work}/health.bin', 'wb').write(frame(b''))
open(f'{work}/license.bin', 'wb').write(frame(field(1, lic.encode()) + b'\x10\x01'))  # purpose = roadside check
open(f'{work}/verify.bin', 'wb').write(frame(field(1, qr.encode()) + field(2, b'bench-device')))
PY

server_cpu() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }  # clock ticks (1/100 s)
# The server's CPU time, sampled every 100 ms with the wall clock: matched afterwards to each inspector
# run's measured window (its JSON report), so minting, warm-up and start-up are not counted.
(while kill -0 "$SERVER_PID" 2>/dev/null; do echo "$(date +%s%3N) $(server_cpu)"; sleep 0.1; done) > "$WORK/cpu-samples.txt" 2>/dev/null &
SAMPLER_PID=$!
RESULTS="$WORK/results.txt"; : > "$RESULTS"
record() { echo "$*" >> "$RESULTS"; }

# h2load: 16 connections x 32 streams (512 in flight), one thread, for SECONDS_PER_RUN.
H2=(-c 16 -m 32 -t 1 -D "$SECONDS_PER_RUN" -H content-type:application/grpc -H te:trailers)
AUTH=(-H "authorization: Bearer bench-officer-key-0001")
# Calls of one method the server has finished so far, by its own count: "<grpc OK> <all>". h2load counts
# an HTTP 200 as success, and a gRPC refusal or error is an HTTP 200 with a non-zero grpc-status.
rpc_counts() {
  curl -sf -m 5 "http://127.0.0.1:$METRICS_PORT/metrics" | python3 -c '
import re, sys
ok = total = 0
for line in sys.stdin:
    m = re.match(r"elicense_rpc_server_duration_seconds_count\{(.*)\} ([0-9.e+]+)", line)
    if m and f"rpc_method=\"{sys.argv[1]}\"" in m.group(1):
        n = int(float(m.group(2)))
        total += n
        ok += n if "rpc_grpc_status_code=\"0\"" in m.group(1) else 0
print(ok, total)' "$1"
}
h2() { # name file path [auth...]
  local name=$1 file=$2 path=$3; shift 3
  local c0 c1 out rps m0 m1
  m0=($(rpc_counts "$path"))
  c0=$(server_cpu)
  out=$(h2load "${H2[@]}" "$@" -d "$file" "$URL$path" 2>&1)
  c1=$(server_cpu)
  m1=($(rpc_counts "$path"))
  rps=$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' <<< "$out")
  local done; done=$(sed -nE 's/^requests: .* ([0-9]+) succeeded.*/\1/p' <<< "$out")
  local ok=$((m1[0] - m0[0])) failed=$(( (m1[1] - m0[1]) - (m1[0] - m0[0]) ))
  [ "$failed" -eq 0 ] || echo "bench: $name: $failed of $((m1[1] - m0[1])) calls ended with a non-OK grpc-status (h2load counted $done as succeeded)" >&2
  record "$name h2load rps=$rps cpu_us=$(python3 -c "print(($c1-$c0)*10000/max($ok,1))") ok=$ok grpc_failed=$failed h2load_succeeded=$done"
}
ib() { # name workload keys extra...
  local name=$1 workload=$2 keys=$3; shift 3
  local c0 c1
  c0=$(server_cpu)
  "${BENCH[@]}" "$workload" --keys "$keys" --server "$URL" --quiet --json "$WORK/$name.json" "$@" > "$WORK/$name.txt" 2>&1 \
    || { echo "elicense-bench failed:" >&2; cat "$WORK/$name.txt" >&2; exit 1; }
  c1=$(server_cpu)
  record "$name inspector json=$WORK/$name.json cpu_ticks=$((c1 - c0))"
}

step "load: warm-up round, then $ROUNDS rounds (each ${SECONDS_PER_RUN}s per run)"
for round in $(seq 0 "$ROUNDS"); do
  echo "round $round" >&2
  h2 "r$round.health" "$WORK/health.bin" /grpc.health.v1.Health/Check
  h2 "r$round.license" "$WORK/license.bin" /elicense.v1.VerificationService/GetLicense "${AUTH[@]}"
  ib "r$round.ib-license" license "$WORK/keys-hot.txt" --concurrency 512 --connections 16 --duration "${SECONDS_PER_RUN}s" --warmup 1s
  h2 "r$round.verify" "$WORK/verify.bin" /elicense.v1.VerificationService/VerifyCredential "${AUTH[@]}"
done
[ "$ROUNDS" -ge 1 ] || { echo "ROUNDS must be at least 1" >&2; exit 2; }

step "verify with fresh credentials (every scan a first scan), closed loop"
# All credentials minted before each run (--credentials), so the measured window holds verifications only.
# Cached: 100 licences, read once beforehand (the steady state of a busy area); cold: uniform over every
# seeded licence, most read from the registry for the first time.
ib "warm-100" license "$WORK/keys-100.txt" --concurrency 16 --connections 4 --count 1000 --warmup 0
ib "verify-fresh" verify "$WORK/keys-100.txt" --concurrency 256 --connections 8 --count "$VERIFY_COUNT" --credentials "$VERIFY_COUNT" --warmup 0
ib "verify-fresh-cold" verify "$WORK/keys-licenses.txt" --concurrency 256 --connections 8 --count "$VERIFY_COUNT" --credentials "$VERIFY_COUNT" --warmup 0

step "VerifyCredential and CheckRoadside side by side (alternating, $ROUNDS rounds after a warm-up round)"
# The same 100 cached licences, a fresh credential per call in both; roadside adds an inspection mark (signed
# here with the server's development key) or, for 10 % of the calls, the plate. Vehicles read once first.
ib "warm-vehicles" vehicle "$WORK/keys-roadside.txt" --concurrency 32 --connections 4 --count 8000 --warmup 0
for round in $(seq 0 "$ROUNDS"); do
  ib "r$round.side-verify" verify "$WORK/keys-roadside.txt" --concurrency 64 --connections 4 --count "$ROADSIDE_COUNT" \
    --credentials "$((ROADSIDE_COUNT + 400))" --warmup 0
  ib "r$round.side-roadside" roadside "$WORK/keys-roadside.txt" --concurrency 64 --connections 4 --count "$ROADSIDE_COUNT" \
    --credentials "$((ROADSIDE_COUNT + 400))" --warmup 0 --mark-key "$WORK/issuer-key.pem" --roadside-by-plate 10%
done

step "open loop at half the maximum cache-hot lookup rate"
HALF=$(python3 - "$WORK" "$ROUNDS" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
rates = [json.load(open(f'{work}/r{r}.ib-license.json'))['throughput'] for r in range(1, rounds + 1)]
print(int(statistics.median(rates) / 2))
PY
)
ib "open-loop-license" license "$WORK/keys-hot.txt" --rate "$HALF" --connections 16 --duration "${SECONDS_PER_RUN}s" --warmup 1s

step "Redis memory per cached licence (uniform lookups over the seeded licences)"
ib "fill-cache" license "$WORK/keys-licenses.txt" --concurrency 256 --connections 8 --count "$LICENSES" --warmup 0 --skew uniform
redis-cli -p "$REDIS_PORT" --scan --pattern 'el:v1:lic:*' > "$WORK/cached-keys.txt"
cached=$(wc -l < "$WORK/cached-keys.txt")
# MEMORY USAGE counts a key's value, its name and Redis's bookkeeping (a used_memory delta would also
# count replay claims and allocator slack); averaged over up to 2,000 keys.
sample_bytes=$(head -n 2000 "$WORK/cached-keys.txt" | sed 's/^/MEMORY USAGE /' | redis-cli -p "$REDIS_PORT" | awk '{s += $1; n++} END {print (n ? s / n : 0)}')
record "redis cached=$cached bytes_per_key=$sample_bytes"

step "ES256 on this machine (openssl speed, one core)"
openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/^ *256 bits ecdsa \(nistp256\)/ {print "openssl verify_per_s=" $(NF)}' >> "$RESULTS"

MICRO_JSON=""
if [ "$MICRO" = 1 ]; then
  step "microbenchmarks (BenchmarkDotNet, short job)"
  dotnet run --project bench/Microbenchmarks -c Release --no-build -- --filter '*' --job short --exporters json \
    --artifacts "$WORK/micro" > "$WORK/micro.log" 2>&1 || { tail -30 "$WORK/micro.log" >&2; exit 1; }
  MICRO_JSON=$(ls "$WORK"/micro/results/*-report-full-compressed.json 2>/dev/null | tr '\n' ' ')
fi

step "results"
kill "$SAMPLER_PID" 2>/dev/null || true
python3 bench/report.py --results "$RESULTS" --cpu-samples "$WORK/cpu-samples.txt" --rounds "$ROUNDS" --licenses "$LICENSES" --seed-seconds "$seed_seconds" \
  --registry-bytes "$registry_bytes" --micro $MICRO_JSON --out "$OUT/latest.json"
