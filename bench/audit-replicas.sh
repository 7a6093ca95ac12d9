#!/usr/bin/env bash
# What the audit trail's commit costs with one and with two replicas appending to one PostgreSQL trail,
# and on SQLite with one replica for reference: the same build, alternating configurations round by round
# (their order rotates), medians of ROUNDS rounds after one warm-up round.
#   sqlite-1    one server, its trail in an SQLite file
#   postgres-1  one server, its trail in PostgreSQL (a throwaway cluster, scripts/pg-throwaway.sh, fsync on)
#   postgres-2  two servers in separate working directories appending to that same trail at once (the
#               same Audit:ConnectionString and Audit:SubjectKey, the same Redis prefix and protection key;
#               each its own copy of the issuer key and of every other file)
# The load: cache-hot GetLicense over 100 licences (the cheapest audited call, so the commit dominates),
# elicense-bench closed loop, CONCURRENCY callers on EACH replica for DURATION seconds. Reported: calls/s
# (all replicas), audit commits/s, records per commit, CPU per call (the servers; for PostgreSQL also the
# cluster's processes), latency p50 (mean of the replicas) and p99 (the worst replica), errors. Then
# `audit verify` reads each trail once (the two replicas' appends must form one intact chain).
#   ROUNDS (3)  DURATION (8)  CONCURRENCY (128)  LICENSES (100000)  FSYNC (on)
#   CONFIGS     which configurations, in order (default "sqlite-1 postgres-1 postgres-2")
#   REGISTRY    sqlite (default: each server its own copy of one seeded file, so that only the audit engine
#               differs) or postgres (the registry in the same cluster, shared)
# BUILD=0 uses the binaries already built (src/Server, src/Bench in Release). About 2.5 minutes
# with the defaults on an idle machine. Needs redis-server, openssl, python3, curl.
# Only loopback; stops everything it starts, also on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-8} CONCURRENCY=${CONCURRENCY:-128} LICENSES=${LICENSES:-100000} REGISTRY=${REGISTRY:-sqlite}
read -ra CONFIGS <<< "${CONFIGS:-sqlite-1 postgres-1 postgres-2}"
for c in "${CONFIGS[@]}"; do case $c in sqlite-1|postgres-1|postgres-2) ;; *) echo "CONFIGS holds sqlite-1, postgres-1, postgres-2, not '$c'"; exit 2 ;; esac; done
[[ " ${CONFIGS[*]} " == *" postgres-"* ]] && ON_PG=1 || ON_PG=0
[ "$ON_PG" = 1 ] || [ "$REGISTRY" = sqlite ] || { echo "REGISTRY=postgres needs a postgres configuration"; exit 2; }
for tool in redis-server openssl python3 curl; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server openssl python3 curl)"; exit 2; }; done
case $REGISTRY in sqlite|postgres) ;; *) echo "REGISTRY is sqlite or postgres"; exit 2 ;; esac
WORK=$(mktemp -d /tmp/elicense-auditreplicas-XXXXXX)
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
PG_DB=""
if [ "$ON_PG" = 1 ]; then pg_start; PG_DB=$(pg_createdb elicense); fi
mkdir -p "$WORK/s1" "$WORK/p1" "$WORK/p2"

step "seeding $LICENSES licences ($REGISTRY registry)"
if [ "$REGISTRY" = sqlite ]; then
  "$SERVER" seed --licenses "$LICENSES" --Registry:Path="$WORK/registry.db" --force > "$WORK/seed.log" 2>&1 \
    || { cat "$WORK/seed.log"; exit 1; }
  for s in s1 p1 p2; do cp "$WORK/registry.db" "$WORK/$s/registry.db"; done
  REGISTRY_ARGS=(--Registry:Path=registry.db)
  python3 -c "import sqlite3, sys; print('\n'.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute(
    'SELECT license_number FROM licenses ORDER BY license_number LIMIT 100')))" "$WORK/registry.db" > "$WORK/keys.txt"
else
  (cd "$WORK/p1" && "$SERVER" seed --licenses "$LICENSES" --Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB" --force) \
    > "$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; exit 1; }
  REGISTRY_ARGS=(--Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB")
  pg_psql -d elicense -At -c "SELECT license_number FROM registry.licenses ORDER BY license_number LIMIT 100" > "$WORK/keys.txt"
fi
[ "$(wc -l < "$WORK/keys.txt")" = 100 ] || { echo "no licences to look up: did the seed reach the $REGISTRY registry?"; exit 1; }

# Keys: the issuer key is a file each server holds a copy of; the subject and protection keys are shared
# by the two PostgreSQL replicas (environment, not the command line: they are secrets).
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$WORK/issuer.pem"
for s in s1 p1 p2; do cp "$WORK/issuer.pem" "$WORK/$s/issuer.pem"; done
SUBJECT_KEY=$(head -c 32 /dev/urandom | base64) PROTECTION_KEY=$(head -c 32 /dev/urandom | base64)
REDIS_PORT=$(pg_free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 & pids+=($!)
declare -A PORT METRICS PID
start() { # server prefix arguments...: in its own working directory
  local s=$1 prefix=$2; shift 2
  PORT[$s]=$(pg_free_port); METRICS[$s]=$(pg_free_port)
  (cd "$WORK/$s" && exec "$SERVER" --urls "http://127.0.0.1:${PORT[$s]}" "${REGISTRY_ARGS[@]}" "$@" \
    --Credentials:Keys:0:PrivateKeyPath=issuer.pem --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:KeyPrefix="$prefix:" \
    --Metrics:Url="http://127.0.0.1:${METRICS[$s]}" --Logging:LogLevel:Default=Warning \
    --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000) \
    > "$WORK/$s.log" 2>&1 &
  pids+=($!); PID[$s]=$!
}
start s1 s --Audit:Path=audit.db
PG_AUDIT=(--Audit:Provider=Postgres --Audit:ConnectionString="$PG_DB")
SERVERS=(s1)
if [ "$ON_PG" = 1 ]; then
  Audit__SubjectKey=$SUBJECT_KEY Redis__ProtectionKey=$PROTECTION_KEY start p1 p "${PG_AUDIT[@]}"
  Audit__SubjectKey=$SUBJECT_KEY Redis__ProtectionKey=$PROTECTION_KEY start p2 p "${PG_AUDIT[@]}"
  SERVERS+=(p1 p2)
fi
ready() { curl -sf -m 2 --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
  --data-binary @/dev/null "http://127.0.0.1:$1/grpc.health.v1.Health/Check"; }
for s in "${SERVERS[@]}"; do
  for _ in $(seq 1 300); do ready "${PORT[$s]}" && break; kill -0 "${PID[$s]}" 2>/dev/null || break; sleep 0.1; done
  ready "${PORT[$s]}" || { echo "server $s did not start:"; cat "$WORK/$s.log"; exit 1; }
  # A build that ignored Audit:Provider would have made the default file: refuse to measure that.
  [ "$s" = s1 ] || [ ! -e "$WORK/$s/data/audit.db" ] || { echo "server $s made data/audit.db: this build has no PostgreSQL audit trail"; exit 1; }
done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # clock ticks (1/100 s)
metric() { curl -sf -m 5 "http://127.0.0.1:${METRICS[$1]}/metrics" | awk -v m="^$2" '$0 ~ m {n = int($2)} END {print n + 0}'; }
totals() { # servers...: "server_ticks cluster_ticks commits records"
  local s ticks=0 commits=0 records=0
  for s in "$@"; do
    ticks=$((ticks + $(cpu "${PID[$s]}"))); commits=$((commits + $(metric "$s" elicense_audit_commits_total)))
    records=$((records + $(metric "$s" elicense_audit_records_committed_total)))
  done
  echo "$ticks $([ "$ON_PG" = 1 ] && pg_cpu_ticks || echo 0) $commits $records"
}
export ELICENSE_API_KEY=bench-officer-key-0001
measure() { # configuration round
  local config=$1 round=$2 servers s before after loads=()
  case $config in sqlite-1) servers=(s1) ;; postgres-1) servers=(p1) ;; postgres-2) servers=(p1 p2) ;; esac
  before=($(totals "${servers[@]}"))
  for s in "${servers[@]}"; do  # one generator per replica, all at once
    "${BENCH[@]}" license --keys "$WORK/keys.txt" --server "http://127.0.0.1:${PORT[$s]}" --concurrency "$CONCURRENCY" --connections 8 \
      --duration "${DURATION}s" --warmup 0 --quiet --json "$WORK/$config-$round-$s.json" > "$WORK/$config-$s.txt" 2>&1 &
    loads+=($!)
  done
  for i in "${!loads[@]}"; do wait "${loads[$i]}" || { cat "$WORK/$config-${servers[$i]}.txt"; exit 1; }; done
  sleep 1.2  # the subject index's pass over this run's records lands in this run's CPU
  after=($(totals "${servers[@]}"))
  echo "$config $round ${#servers[@]} $((after[0] - before[0])) $((after[1] - before[1])) $((after[2] - before[2])) $((after[3] - before[3]))" >> "$WORK/results.txt"
}
step "warm-up round, then $ROUNDS rounds of ${CONFIGS[*]} (${DURATION} s each, $CONCURRENCY callers per replica)"
for round in $(seq 0 "$ROUNDS"); do
  for i in "${!CONFIGS[@]}"; do measure "${CONFIGS[$(((i + round) % ${#CONFIGS[@]}))]}" "$round"; done
  [ "$round" -eq 0 ] && echo "warm-up done" >&2 || echo "round $round of $ROUNDS done" >&2
done

step "audit verify, each trail once"
verify() { # label arguments...
  local t0 line; t0=$(date +%s.%N)
  line=$(cd "$WORK/$1" && shift && timeout 300 "$SERVER" audit verify "$@" 2>&1 | head -n 1) || true
  echo "$1 $(python3 -c "import time; print(f'{time.time() - $t0:.1f}')") $line" >> "$WORK/verify.txt"
}
verify s1 --Audit:Path=audit.db
[ "$ON_PG" = 0 ] || verify p1 "${PG_AUDIT[@]}"
python3 bench/audit-replicas-report.py "$WORK" "$ROUNDS"
