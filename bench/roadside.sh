#!/usr/bin/env bash
# VerifyCredential against CheckRoadside on one server, side by side: seeds a registry, starts Redis and the
# server, then ROUNDS rounds (after one warm-up round) of one `elicense-bench verify` run and one
# `elicense-bench roadside` run, alternating, each COUNT calls in a closed loop; prints medians of throughput,
# p50/p99 latency and server CPU per call (bench/roadside_report.py), and roadside's answers in short.
# Both send a fresh licence credential per call (minted before each run, not measured) for the same 100
# licences (cached, as a busy area's); roadside adds the vehicle: an inspection mark minted from the
# registry's own vehicle records (bench/roadside-keys.py, signed with the server's development key), or for
# PLATE_SHARE of the calls the plate. The vehicles are read once beforehand (CheckVehicle), so both runs
# meet warm caches. run.sh runs the same comparison in its full measurement.
#   LICENSES     licences to seed (default 20000; 0.8 vehicles each)
#   VEHICLES     vehicle records to mint marks from (default 2000)
#   ROUNDS       measured rounds (default 3)       COUNT  calls per run (default 6000)
#   CONCURRENCY  closed-loop workers (default 64)  CONNECTIONS  HTTP/2 connections (default 4)
#   PLATE_SHARE  roadside's share of calls by plate (default 10%)
#   OUT          where to write roadside.json (default bench/results)   BUILD  0 to skip the build
# Needs dotnet, redis-server, python3, curl. Only loopback; stops everything it starts, also on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
LICENSES=${LICENSES:-20000}; VEHICLES=${VEHICLES:-2000}; ROUNDS=${ROUNDS:-3}; COUNT=${COUNT:-6000}
CONCURRENCY=${CONCURRENCY:-64}; CONNECTIONS=${CONNECTIONS:-4}; PLATE_SHARE=${PLATE_SHARE:-10%}
OUT=${OUT:-bench/results}; BUILD=${BUILD:-1}
for tool in dotnet redis-server redis-cli python3 curl; do command -v "$tool" >/dev/null || { echo "roadside: $tool is required" >&2; exit 2; }; done
[ "$ROUNDS" -ge 1 ] || { echo "ROUNDS must be at least 1" >&2; exit 2; }

WORK=$(mktemp -d /tmp/elicense-roadside-XXXXXX)
mkdir -p "$OUT"
SERVER_PID=""; REDIS_PID=""; SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
  [ -n "$REDIS_PID" ] && stop_pid "$REDIS_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { printf '\n== %s\n' "$*" >&2; }

[ "$BUILD" = 0 ] || { step "building (Release)"; dotnet build ELicense.slnx -c Release --nologo -v quiet >/dev/null; }
SERVER=src/Server/bin/Release/net10.0/ELicense.Server
BENCH=(dotnet src/Bench/bin/Release/net10.0/elicense-bench.dll)

step "seeding $LICENSES synthetic licences"
"$SERVER" seed --licenses "$LICENSES" --force --Registry:Path="$WORK/registry.db" > "$WORK/seed.log"
python3 -c "import sqlite3, sys; print('\n'.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('SELECT license_number FROM licenses LIMIT 100')))" \
  "$WORK/registry.db" > "$WORK/keys-100.txt"
python3 bench/roadside-keys.py "$WORK/registry.db" "$WORK/keys-100.txt" "$WORK/keys-roadside.txt" "$VEHICLES"

REDIS_PORT=$(free_port); PORT=$(free_port)
step "starting redis-server :$REDIS_PORT and the server :$PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
"$SERVER" --urls "http://127.0.0.1:$PORT" --Registry:Path="$WORK/registry.db" \
  --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Credentials:DevelopmentKeyPath="$WORK/issuer-key.pem" \
  --Audit:Path="$WORK/audit.db" --Audit:SubjectKeyPath="$WORK/audit-key" --Redis:ProtectionKeyPath="$WORK/redis-key" \
  --Logging:LogLevel:Default=Warning \
  --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000 \
  --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry --Auth:Clients:1:RateLimit=100000000 \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_grpc "$PORT" "$SERVER_PID" "$WORK/server.log"
URL="http://127.0.0.1:$PORT"
export ELICENSE_API_KEY=bench-officer-key-0001 ELICENSE_REGISTRY_API_KEY=bench-registry-key-0001

# The server's CPU time every 100 ms with the wall clock, matched afterwards to each run's measured window.
(while kill -0 "$SERVER_PID" 2>/dev/null; do echo "$(date +%s%3N) $(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")"; sleep 0.1; done) \
  > "$WORK/cpu-samples.txt" 2>/dev/null &
SAMPLER_PID=$!
ib() { # name workload extra...
  local name=$1 workload=$2; shift 2
  "${BENCH[@]}" "$workload" --keys "$WORK/keys-roadside.txt" --server "$URL" --quiet --json "$WORK/$name.json" "$@" > "$WORK/$name.txt" 2>&1 \
    || { echo "elicense-bench $workload failed:" >&2; cat "$WORK/$name.txt" >&2; exit 1; }
}

step "warming the caches: the 100 licences and the vehicles, read once"
ib warm-licences license --concurrency 16 --connections 4 --count 1000 --warmup 0
ib warm-vehicles vehicle --concurrency 32 --connections 4 --count "$((VEHICLES * 4))" --warmup 0

step "verify and roadside, alternating: a warm-up round, then $ROUNDS rounds of $COUNT calls each"
for round in $(seq 0 "$ROUNDS"); do
  ib "r$round.side-verify" verify --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --count "$COUNT" --credentials "$((COUNT + 2 * CONCURRENCY + 200))" --warmup 0
  ib "r$round.side-roadside" roadside --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --count "$COUNT" --credentials "$((COUNT + 2 * CONCURRENCY + 200))" --warmup 0 \
    --mark-key "$WORK/issuer-key.pem" --roadside-by-plate "$PLATE_SHARE"
  echo "round $round done (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
kill "$SAMPLER_PID" 2>/dev/null || true
step "results (medians of $ROUNDS rounds; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
python3 bench/roadside_report.py --dir "$WORK" --rounds "$ROUNDS" --cpu-samples "$WORK/cpu-samples.txt" --out "$OUT/roadside.json"
