#!/usr/bin/env bash
# The two storage engines side by side in one run: a server on SQLite (registry and audit trail in files)
# and a server on PostgreSQL (both in one throwaway cluster, scripts/pg-throwaway.sh, fsync on), the same
# build, the same seeded data, one Redis (a key prefix each), alternating rounds (which engine goes first
# alternates too), medians of ROUNDS rounds after one warm-up round. Three loads, all elicense-bench:
#   cold    GetLicense, uniform over a slice of the licences no earlier round read: mostly cache misses,
#           so each is a registry read (the slice is LICENSES/(ROUNDS+1) licences; the report gives the
#           expected share of first reads)
#   hot     GetLicense, one licence: cache-hot, the cheapest audited call
#   verify  VerifyCredential, fresh credentials (minted before the measured window) for 100 licences
# For each: throughput, server CPU per call (the server process; for PostgreSQL also the cluster's
# processes, which do there the work SQLite does inside the server), latency p50/p99, errors, and the
# PostgreSQL/SQLite ratios. CPU is sampled every 100 ms and charged over each run's measured window plus
# the second after it (the audit subject index takes in the run's records then).
#   ROUNDS (3)  LICENSES (200000)  COLD_COUNT (12000)  HOT_COUNT (60000)  VERIFY_COUNT (15000)
#   FSYNC (on)  PG_AUDIT=sqlite keeps the PostgreSQL server's audit trail in a file (registry alone)
#   ENGINES (default "sqlite postgres"): one of them alone measures only that side (no ratios)
# BUILD=0 uses the binaries already built (src/Server, src/Bench in Release). About 3 minutes
# with the defaults on an idle machine. Needs redis-server, python3, curl.
# Only loopback; stops everything it starts, also on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} LICENSES=${LICENSES:-200000} PG_AUDIT=${PG_AUDIT:-postgres} ENGINES=${ENGINES:-sqlite postgres}
read -ra LABELS <<< "$ENGINES"
has() { [[ " ${LABELS[*]} " == *" $1 "* ]]; }
for label in "${LABELS[@]}"; do case $label in sqlite|postgres) ;; *) echo "ENGINES holds sqlite and/or postgres, not '$label'"; exit 2 ;; esac; done
COLD_COUNT=${COLD_COUNT:-12000} HOT_COUNT=${HOT_COUNT:-60000} VERIFY_COUNT=${VERIFY_COUNT:-15000}
for tool in redis-server python3 curl; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server python3 curl)"; exit 2; }; done
[ "$ROUNDS" -ge 1 ] || { echo "ROUNDS must be at least 1"; exit 2; }
WORK=$(mktemp -d /tmp/elicense-engines-XXXXXX)
source scripts/pg-throwaway.sh
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ]; then  # a failed run keeps its servers' logs and reports
    mkdir -p "$WORK.logs" && find "$WORK" -maxdepth 2 \( -name '*.log' -o -name '*.json' -o -name '*.txt' \) -exec cp -t "$WORK.logs" {} + 2>/dev/null
    echo "logs kept in $WORK.logs" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { printf '== %s\n' "$*" >&2; }

[ "${BUILD:-1}" = 0 ] || step "building (Release)"
[ "${BUILD:-1}" = 0 ] || dotnet build ELicense.slnx -c Release --nologo -v quiet > "$WORK/build.log" 2>&1 \
  || { grep -E 'error' "$WORK/build.log" | sort -u | head; exit 1; }
SERVER=$PWD/src/Server/bin/Release/net10.0/ELicense.Server
BENCH=(dotnet "$PWD/src/Bench/bin/Release/net10.0/elicense-bench.dll")
if has postgres; then pg_start; PG_DB=$(pg_createdb elicense); fi
mkdir -p "$WORK/sqlite" "$WORK/postgres"

step "seeding $LICENSES licences into each engine (the same seed and day: the same data; the keys come from the file)"
TODAY=$(TZ=Asia/Shanghai date +%F)
seed() { # log arguments...: prints the seconds it took
  local log=$1 t0; shift; t0=$(date +%s.%N)
  # In the postgres server's directory: a build without the engine leaves its default file there, not here.
  (cd "$WORK/postgres" && "$SERVER" seed --licenses "$LICENSES" --today "$TODAY" "$@" --force) > "$log" 2>&1 || { cat "$log" >&2; return 1; }
  python3 -c "import time; print(f'{time.time() - $t0:.1f}')"
}
t_sqlite=$(seed "$WORK/seed-sqlite.log" --Registry:Path="$WORK/sqlite/registry.db")
t_pg=0
if has postgres; then
  t_pg=$(seed "$WORK/seed-postgres.log" --Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB")
  seeded=$(pg_psql -d elicense -At -c "SELECT count(*) FROM registry.licenses" 2>/dev/null || echo none)
  [ "$seeded" = "$LICENSES" ] || { echo "registry.licenses holds $seeded licences, not $LICENSES: this build does not seed PostgreSQL"; exit 1; }
fi
echo "seed: SQLite ${t_sqlite} s, PostgreSQL ${t_pg} s" >&2
python3 - "$WORK" "$ROUNDS" <<'PY'
import random, sqlite3, sys
work, rounds = sys.argv[1], int(sys.argv[2])
keys = [r[0] for r in sqlite3.connect(f'{work}/sqlite/registry.db').execute('SELECT license_number FROM licenses ORDER BY license_number')]
random.Random(15).shuffle(keys)
size = len(keys) // (rounds + 1)
for r in range(rounds + 1):
    open(f'{work}/cold-{r}.txt', 'w').write('\n'.join(keys[r * size:(r + 1) * size]) + '\n')
open(f'{work}/hot.txt', 'w').write(keys[-1] + '\n')
open(f'{work}/verify.txt', 'w').write('\n'.join(keys[-101:-1]) + '\n')
PY
has postgres && in_pg=$(pg_psql -d elicense -At -c "SELECT count(*) FROM registry.licenses WHERE license_number IN ($(sed "s/.*/'&'/" "$WORK/verify.txt" | paste -sd,))")
! has postgres || [ "$in_pg" = 100 ] || { echo "the two engines were not seeded with the same data ($in_pg of 100 keys found in PostgreSQL)"; exit 1; }

REDIS_PORT=$(pg_free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 & pids+=($!)
declare -A PORT PID
start() { # label engine-arguments...: in its own working directory, so every relative file is its own
  local label=$1; shift
  PORT[$label]=$(pg_free_port)
  (cd "$WORK/$label" && exec "$SERVER" --urls "http://127.0.0.1:${PORT[$label]}" "$@" \
    --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:KeyPrefix="$label:" --Metrics:Url= --Logging:LogLevel:Default=Warning \
    --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000 \
    --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry --Auth:Clients:1:RateLimit=100000000) \
    > "$WORK/$label.log" 2>&1 &
  pids+=($!); PID[$label]=$!
}
PID[sqlite]=0 PID[postgres]=0
has sqlite && start sqlite --Registry:Path=registry.db --Audit:Path=audit.db
PG_AUDIT_ARGS=(--Audit:Provider=Postgres --Audit:ConnectionString="${PG_DB:-}"); [ "$PG_AUDIT" = postgres ] || PG_AUDIT_ARGS=(--Audit:Path=audit.db)
has postgres && start postgres --Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB" "${PG_AUDIT_ARGS[@]}"
ready() { curl -sf -m 2 --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
  --data-binary @/dev/null "http://127.0.0.1:$1/grpc.health.v1.Health/Check"; }
for label in "${LABELS[@]}"; do
  for _ in $(seq 1 300); do ready "${PORT[$label]}" && break; kill -0 "${PID[$label]}" 2>/dev/null || break; sleep 0.1; done
  ready "${PORT[$label]}" || { echo "the $label server did not start:"; cat "$WORK/$label.log"; exit 1; }
done
# A build that ignored Registry:Provider / Audit:Provider would have made its default files: refuse to measure that.
for file in data/registry.db registry.db $([ "$PG_AUDIT" = postgres ] && echo data/audit.db audit.db); do
  [ ! -e "$WORK/postgres/$file" ] || { echo "the PostgreSQL server made $file: this build does not run on PostgreSQL"; exit 1; }
done

python3 bench/engines-sampler.py "$WORK/cpu.txt" "${PID[sqlite]}" "${PID[postgres]}" "${PG_DIR:-none}/postmaster.pid" & pids+=($!)
export ELICENSE_API_KEY=bench-officer-key-0001 ELICENSE_REGISTRY_API_KEY=bench-registry-key-0001
run() { # label load round
  local label=$1 load=$2 round=$3 args
  case $load in
    cold) args=(license --keys "$WORK/cold-$round.txt" --skew uniform --concurrency 128 --count "$COLD_COUNT") ;;
    hot) args=(license --keys "$WORK/hot.txt" --concurrency 256 --count "$HOT_COUNT") ;;
    verify) args=(verify --keys "$WORK/verify.txt" --concurrency 256 --count "$VERIFY_COUNT" --credentials "$VERIFY_COUNT") ;;
  esac
  "${BENCH[@]}" "${args[@]}" --connections 8 --warmup 0 --server "http://127.0.0.1:${PORT[$label]}" --quiet \
    --json "$WORK/$label-$load-$round.json" > "$WORK/run.txt" 2>&1 || { cat "$WORK/run.txt"; exit 1; }
  sleep 1.5  # the second after the window belongs to this run (see above)
}
step "warm-up round, then $ROUNDS rounds of cold, hot and verify on both engines"
for round in $(seq 0 "$ROUNDS"); do
  order=("${LABELS[@]}"); [ $((round % 2)) = 1 ] && order=($(printf '%s\n' "${LABELS[@]}" | tac))
  for load in cold hot verify; do for label in "${order[@]}"; do run "$label" "$load" "$round"; done; done
  [ "$round" -eq 0 ] && echo "warm-up done" >&2 || echo "round $round of $ROUNDS done" >&2
done
python3 bench/engines-report.py "$WORK" "$ROUNDS" "$COLD_COUNT" "$((LICENSES / (ROUNDS + 1)))" "$t_sqlite" "$t_pg" "$LICENSES" "$PG_AUDIT" "${LABELS[@]}"
