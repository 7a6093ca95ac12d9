#!/usr/bin/env bash
# What the failover guarantee's optional part costs per verification: Replay:WaitReplicas=0 (the default:
# no WAIT; a failover's loss is found and said, SHARED_INCOMPLETE for one window on that shard) against
# WaitReplicas=1 (each new claim waits, group-committed per master, up to Replay:WaitTimeout = 20 ms for
# one replica to hold it), on a real 6-node Redis Cluster (3 masters + 3 replicas, scripts/lib/common.sh).
# Two servers run all along on that cluster, one per setting, each with its own copy of one seeded SQLite
# registry and its own SQLite audit trail (so that only the setting differs and PostgreSQL is not in the
# way); rounds alternate (the order rotates), medians of ROUNDS rounds after one warm-up round.
# The load: elicense-bench verify (fresh credentials: 1,000 per caller, at most 10,000, minted before each
# run's window; more during it only if the run uses them up), closed loop, at
# each of CONCURRENCIES callers, DURATION seconds. Reported per setting and concurrency: verifies/s, p50,
# p99, errors, server and Redis CPU per verification, and from the masters' INFO commandstats (reset before
# each run, summed over the three masters): claims per WAIT (the group commit: the run's verifications,
# warm-up included, over its WAITs), Redis µs per WAIT, and per claim script (with the writer-id check
# CLUSTER MYID every claim makes) and per verification (claim scripts and WAITs), both after taking off the
# EVALSHAs beyond the verifications (the servers' heartbeat probes) at their idle µs, measured before the rounds.
#   ROUNDS (3)  DURATION (8)  CONCURRENCIES ("4 32")  LICENSES (20000)  BUILD=0 (use the Release binaries)
# About 3.5 minutes with the defaults. Needs redis-server 7+, redis-cli, openssl, python3, curl. Only
# loopback; stops everything it starts, by pid, also on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-8} LICENSES=${LICENSES:-20000}
read -ra CONCURRENCIES <<< "${CONCURRENCIES:-4 32}"
for tool in redis-server redis-cli openssl python3 curl; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server openssl python3 curl)"; exit 2; }; done
WORK=$(mktemp -d /tmp/elicense-replaywait-XXXXXX)
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

step "seeding $LICENSES licences (SQLite, one file copied to each server)"
mkdir -p "$WORK/w0" "$WORK/w1"
"$SERVER" seed --licenses "$LICENSES" --Registry:Path="$WORK/registry.db" --force > "$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; exit 1; }
python3 -c "import sqlite3, sys; print('\n'.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute(
  'SELECT license_number FROM licenses ORDER BY license_number LIMIT 100')))" "$WORK/registry.db" > "$WORK/keys.txt"
[ "$(wc -l < "$WORK/keys.txt")" = 100 ] || { echo "no licences in the seeded registry"; exit 1; }

step "Redis Cluster: 6 nodes (3 masters + 3 replicas)"
redis_cluster_start "$WORK"
# The first node may still list a replica as a master for a moment after the create (gossip): poll, bounded.
for _ in $(seq 1 100); do
  masters=($(redis-cli -p "${redis_ports[0]}" cluster nodes | awk '$3 ~ /master/ {split($2, a, "[:@]"); print a[2]}'))
  [ "${#masters[@]}" = 3 ] && break
  sleep 0.1
done
[ "${#masters[@]}" = 3 ] || { echo "expected 3 masters, found ${#masters[@]} after 10 s"; exit 1; }

openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$WORK/issuer.pem"
export Redis__ProtectionKey; Redis__ProtectionKey=$(head -c 32 /dev/urandom | base64)
declare -A PORT PID
for w in 0 1; do
  cp "$WORK/issuer.pem" "$WORK/registry.db" "$WORK/w$w/"
  PORT[$w]=$(free_port)
  (cd "$WORK/w$w" && exec "$SERVER" --urls "http://127.0.0.1:${PORT[$w]}" --Registry:Path=registry.db --Audit:Path=audit.db \
    --Replay:WaitReplicas=$w --Credentials:Keys:0:PrivateKeyPath=issuer.pem --Redis:Configuration="$REDIS_CONFIGURATION" \
    --Metrics:Url= --Logging:LogLevel:Default=Warning \
    --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000 \
    --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry --Auth:Clients:1:RateLimit=100000000) \
    > "$WORK/w$w.log" 2>&1 &
  PID[$w]=$!; server_pids+=($!)
done
for w in 0 1; do wait_grpc "${PORT[$w]}" "${PID[$w]}" "$WORK/w$w.log"; done
python3 bench/cpu-sampler.py "$WORK/cpu.txt" "$WORK/stop" "${PID[0]}" "${PID[1]}" "$(IFS=+; echo "${redis_pids[*]}")" "@$WORK/bench.pid" & sampler=$!

export ELICENSE_API_KEY=bench-officer-key-0001 ELICENSE_REGISTRY_API_KEY=bench-registry-key-0001
stats() { # EVALSHA calls, µs; WAIT calls, µs: summed over the masters
  local p
  for p in "${masters[@]}"; do redis-cli -p "$p" info commandstats; done | tr -d '\r' | python3 -c "
import re, sys
t = {'evalsha': [0, 0], 'wait': [0, 0]}
for line in sys.stdin:
    m = re.match(r'cmdstat_(evalsha|wait):calls=(\d+),usec=(\d+)', line)
    if m: t[m[1]][0] += int(m[2]); t[m[1]][1] += int(m[3])
print(*t['evalsha'], *t['wait'])"
}
now_ms() { date +%s%3N; }
resetstat() { local p; for p in "${masters[@]}"; do redis-cli -p "$p" config resetstat >/dev/null; done; }
# Both servers run EVALSHA all along without any load: each one's heartbeat probes all 64 buckets every
# 250 ms. Redis's µs per probe with no load, measured once here, is what the report charges the EVALSHAs
# beyond a run's verifications at, to leave the claim scripts' own time.
step "the servers' idle EVALSHA (heartbeats' probes), 5 s"
resetstat; idle_from=$(now_ms); sleep 5; echo "$(($(now_ms) - idle_from)) $(stats)" > "$WORK/idle.txt"
measure() { # wait concurrency round
  local w=$1 c=$2 round=$3 from
  resetstat; from=$(now_ms)
  "${BENCH[@]}" verify --keys "$WORK/keys.txt" --credentials $((c * 1000 < 10000 ? c * 1000 : 10000)) --server "http://127.0.0.1:${PORT[$w]}" \
    --concurrency "$c" --connections 4 --duration "${DURATION}s" --warmup 1s --quiet --json "$WORK/w$w-c$c-$round.json" > "$WORK/bench.txt" 2>&1 &
  bench_pid=$!; echo "$bench_pid" > "$WORK/bench.pid"
  wait "$bench_pid" || { bench_pid=""; cat "$WORK/bench.txt"; exit 1; }
  bench_pid=""
  local counts; counts=$(stats)
  echo "$w $c $round $(($(now_ms) - from)) $counts" >> "$WORK/redis.txt"
}
step "warm-up round, then $ROUNDS rounds of WaitReplicas 0 and 1 at ${CONCURRENCIES[*]} callers, ${DURATION} s each"
for round in $(seq 0 "$ROUNDS"); do
  for c in "${CONCURRENCIES[@]}"; do
    order=(0 1); [ $((round % 2)) = 0 ] || order=(1 0)
    for w in "${order[@]}"; do measure "$w" "$c" "$round"; done
  done
  [ "$round" -eq 0 ] && echo "warm-up done ($(cut -d' ' -f1-3 /proc/loadavg))" >&2 || echo "round $round of $ROUNDS done ($(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
touch "$WORK/stop"; wait "$sampler"; sampler=""
echo "# bench/replay-wait.sh $(date -u +%FT%TZ), $(nproc) cores, 6-node Redis Cluster, DURATION=${DURATION}s, ROUNDS=$ROUNDS"
echo "# before: $LOAD_BEFORE"
echo "# after:  $(uptime)"
python3 bench/replay-wait-report.py "$WORK" "$ROUNDS" "${CONCURRENCIES[@]}"
