#!/usr/bin/env bash
# Throughput of ONE against THREE server replicas on this machine, side by side in one run: the same build,
# the same PostgreSQL (registry and audit trail, a throwaway cluster, fsync on), the same Redis, the same
# load generator with the same total concurrency and the same number of HTTP/2 connections; only the
# addresses differ (one, or three through the multi-address client's round robin). Rounds alternate (the
# order rotates), medians of ROUNDS rounds after one warm-up round. The three replicas run all along (the
# idle two cost their heartbeats and feeds in the one-replica rounds too; their CPU is counted).
#   one    elicense-bench --server A               --connections 6
#   three  elicense-bench --server A,B,C           --connections 2  (each channel balanced over the three:
#                                                                      6 connections, 2 per replica)
# Workloads (WORKLOADS): license (GetLicense over CACHED licences drawn uniformly, cache-hot after the
# warm-up, audited) and verify (fresh credentials: CREDENTIALS minted before each run's window, more
# minted during it only if the run uses them up). Reported per
# workload and configuration: calls/s, p50, p99, errors, and CPU per call of the servers (all three), Redis,
# the PostgreSQL cluster and the load generator, in its measured window (bench/cpu-sampler.py), and the
# load average before and after (2 cores shared with whatever else runs here: read it next to the figures).
#   ROUNDS (3)  DURATION (8)  CONCURRENCY (64)  LICENSES (50000)  CACHED (5000)  CREDENTIALS (12000)
#   WORKLOADS ("license verify")
#   REDIS       single (default: one redis-server) or cluster (6 nodes, 3 masters + 3 replicas)
#   LEAN=1      run the servers with workstation GC and no thread-pool spinning (DOTNET_gcServer=0,
#               DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0): what several replicas sharing few cores would
#               use; the default is the build's own runtime settings (server GC, the pool's spinning)
#   BUILD=0     use the Release binaries already built (src/Server, src/Bench)
# About 4 minutes with the defaults. Needs redis-server, redis-cli, openssl, python3, curl. Only loopback;
# stops everything it starts, by pid (PostgreSQL by its data directory), also on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-8} CONCURRENCY=${CONCURRENCY:-64} LICENSES=${LICENSES:-50000} CACHED=${CACHED:-5000} CREDENTIALS=${CREDENTIALS:-12000}
REDIS=${REDIS:-single}
read -ra WORKLOADS <<< "${WORKLOADS:-license verify}"
for w in "${WORKLOADS[@]}"; do case $w in license|verify) ;; *) echo "WORKLOADS holds license and verify, not '$w'"; exit 2 ;; esac; done
case $REDIS in single|cluster) ;; *) echo "REDIS is single or cluster, not '$REDIS'"; exit 2 ;; esac
for tool in redis-server redis-cli openssl python3 curl; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server openssl python3 curl)"; exit 2; }; done
WORK=$(mktemp -d /tmp/elicense-replicas-XXXXXX)
source scripts/pg-throwaway.sh
source scripts/lib/common.sh
redis_pids=() redis_ports=() server_pids=() sampler="" bench_pid=""
cleanup() {
  local rc=$? p
  touch "$WORK/stop"; [ -z "$sampler" ] || wait "$sampler" 2>/dev/null || true
  # The load generator of a run cut short (Ctrl+C, TERM): our child, set only while its run lasts (a finished
  # run's pid, still in bench.pid for the sampler, may belong to another process by now).
  [ -z "$bench_pid" ] || stop_pid "$bench_pid"
  stop_pids "${server_pids[@]}"
  stop_pids "${redis_pids[@]}"
  pg_stop
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ]; then  # a failure or TERM (143) keeps the logs; Ctrl+C does not
    mkdir -p "$WORK.logs" && find "$WORK" -maxdepth 2 \( -name '*.log' -o -name '*.txt' -o -name '*.json' \) -exec cp --backup=numbered -t "$WORK.logs" {} + 2>/dev/null
    echo "logs kept in $WORK.logs" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
step() { printf '== %s\n' "$*" >&2; }
LOAD_BEFORE=$(uptime)

[ "${BUILD:-1}" = 0 ] || { step "building (Release)"; dotnet build ELicense.slnx -c Release --nologo -v quiet > "$WORK/build.log" 2>&1 \
  || { grep -E 'error' "$WORK/build.log" | sort -u | head; exit 1; }; }
SERVER=$PWD/src/Server/bin/Release/net10.0/ELicense.Server
BENCH=(dotnet "$PWD/src/Bench/bin/Release/net10.0/elicense-bench.dll")
pg_start
PG_DB=$(pg_createdb elicense)
DB_ARGS=(--Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB" --Audit:Provider=Postgres --Audit:ConnectionString="$PG_DB")
mkdir -p "$WORK/r1" "$WORK/r2" "$WORK/r3"

step "seeding $LICENSES licences into PostgreSQL"
(cd "$WORK/r1" && "$SERVER" seed --licenses "$LICENSES" "${DB_ARGS[@]:0:2}" --force) > "$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; exit 1; }
pg_psql -d elicense -At -c "SELECT license_number FROM registry.licenses ORDER BY md5(license_number) LIMIT $CACHED" > "$WORK/keys-license.txt"
head -n 100 "$WORK/keys-license.txt" > "$WORK/keys-verify.txt"
[ "$(wc -l < "$WORK/keys-license.txt")" = "$CACHED" ] || { echo "fewer than $CACHED licences in PostgreSQL: did the seed reach it?"; exit 1; }

if [ "$REDIS" = cluster ]; then
  step "Redis Cluster: 6 nodes (3 masters + 3 replicas)"
  redis_cluster_start "$WORK"
else
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 &
  redis_pids+=($!)
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; kill -0 "${redis_pids[0]}" 2>/dev/null || break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null 2>&1 || { echo "redis-server on port $port did not answer PING within 5 s; its log:"; cat "$WORK/redis.log"; exit 1; }
  REDIS_CONFIGURATION=127.0.0.1:$port
fi

# One issuer key file copied to each replica; the audit subject and Redis protection keys shared through
# the environment (secrets, as a secret store would hand them to each host).
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$WORK/issuer.pem"
export Audit__SubjectKey Redis__ProtectionKey
Audit__SubjectKey=$(head -c 32 /dev/urandom | base64) Redis__ProtectionKey=$(head -c 32 /dev/urandom | base64)
declare -a ports
server_env=(); [ "${LEAN:-0}" = 0 ] || server_env=(DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)
step "three server replicas$([ "${LEAN:-0}" = 0 ] || echo ', workstation GC, no spinning')"
for n in 1 2 3; do
  cp "$WORK/issuer.pem" "$WORK/r$n/issuer.pem"
  ports[n]=$(free_port)
  (cd "$WORK/r$n" && exec env "${server_env[@]}" "$SERVER" --urls "http://127.0.0.1:${ports[n]}" "${DB_ARGS[@]}" \
    --Credentials:Keys:0:PrivateKeyPath=issuer.pem --Redis:Configuration="$REDIS_CONFIGURATION" --Metrics:Url= --Logging:LogLevel:Default=Warning \
    --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000 \
    --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry --Auth:Clients:1:RateLimit=100000000) \
    > "$WORK/r$n.log" 2>&1 &
  server_pids[n]=$!
done
for n in 1 2 3; do wait_grpc "${ports[n]}" "${server_pids[n]}" "$WORK/r$n.log"; done
A=http://127.0.0.1:${ports[1]} B=http://127.0.0.1:${ports[2]} C=http://127.0.0.1:${ports[3]}

# Columns: servers (all three), Redis (every node), the PostgreSQL cluster, the load generator of the run.
python3 bench/cpu-sampler.py "$WORK/cpu.txt" "$WORK/stop" "$(IFS=+; echo "${server_pids[*]:1}")" "$(IFS=+; echo "${redis_pids[*]}")" \
  "pg:$PG_DIR/postmaster.pid" "@$WORK/bench.pid" & sampler=$!
export ELICENSE_API_KEY=bench-officer-key-0001 ELICENSE_REGISTRY_API_KEY=bench-registry-key-0001
measure() { # workload configuration round
  local workload=$1 config=$2 round=$3 servers connections
  case $config in one) servers=$A connections=6 ;; three) servers=$A,$B,$C connections=2 ;; esac
  local args=("$workload" --keys "$WORK/keys-$workload.txt" --skew uniform)
  [ "$workload" = license ] || args+=(--credentials "$CREDENTIALS")
  "${BENCH[@]}" "${args[@]}" --server "$servers" --concurrency "$CONCURRENCY" --connections "$connections" \
    --duration "${DURATION}s" --warmup 1s --quiet --json "$WORK/$workload-$config-$round.json" > "$WORK/bench.txt" 2>&1 &
  bench_pid=$!; echo "$bench_pid" > "$WORK/bench.pid"
  wait "$bench_pid" || { bench_pid=""; cat "$WORK/bench.txt"; exit 1; }
  bench_pid=""
  sleep 1.2  # the second after the window (the audit subject index's pass) is charged to the run
}
step "warm-up round, then $ROUNDS rounds of (${WORKLOADS[*]}) x (one three), ${DURATION} s each, $CONCURRENCY callers"
for round in $(seq 0 "$ROUNDS"); do
  for workload in "${WORKLOADS[@]}"; do
    configs=(one three); [ $((round % 2)) = 0 ] || configs=(three one)
    for config in "${configs[@]}"; do measure "$workload" "$config" "$round"; done
  done
  [ "$round" -eq 0 ] && echo "warm-up done ($(cut -d' ' -f1-3 /proc/loadavg))" >&2 || echo "round $round of $ROUNDS done ($(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
touch "$WORK/stop"; wait "$sampler"; sampler=""
echo "# bench/replicas.sh $(date -u +%FT%TZ), $(nproc) cores, REDIS=$REDIS, LEAN=${LEAN:-0}, CONCURRENCY=$CONCURRENCY, DURATION=${DURATION}s, ROUNDS=$ROUNDS"
echo "# before: $LOAD_BEFORE"
echo "# after:  $(uptime)"
python3 bench/replicas-report.py "$WORK" "$ROUNDS" "${WORKLOADS[@]}"
