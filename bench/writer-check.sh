#!/usr/bin/env bash
# What the replay claim script's writer-id check costs Redis: the same trivial script with and without the
# call the check makes (CLUSTER MYID on a cluster; INFO replication, parsed for master_replid, on a single
# Redis), run by redis-benchmark as EVALSHA on one cluster-enabled redis-server that holds every slot,
# alternating round by round, medians of ROUNDS rounds. Reported: Redis's own time per script
# (INFO commandstats, usec_per_call of evalsha: no network, no client), so the difference is the check's.
#   ROUNDS (3)  REQUESTS (20000 per script and round)  CLIENTS (8)
# About 20 s. Needs redis-server, redis-cli, redis-benchmark, python3. Only loopback; stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} REQUESTS=${REQUESTS:-20000} CLIENTS=${CLIENTS:-8}
for tool in redis-server redis-cli redis-benchmark python3; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server python3)"; exit 2; }; done
source scripts/lib/common.sh
WORK=$(mktemp -d /tmp/elicense-writercheck-XXXXXX)
redis_pid=""
trap '[ -z "$redis_pid" ] || stop_pid "$redis_pid"; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
port=$(free_redis_port)
redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$WORK/nodes.conf" --dir "$WORK" \
  --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 & redis_pid=$!
rc() { redis-cli -p "$port" "$@"; }
for _ in $(seq 50); do rc ping >/dev/null 2>&1 && break; sleep 0.1; done
rc cluster addslotsrange 0 16383 >/dev/null
declare -A SCRIPT=(
  [none]="return 1"
  [myid]="local id = redis.call('CLUSTER', 'MYID') return 1"
  [info]="local id = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or '' return 1")
declare -A SHA
for s in none myid info; do SHA[$s]=$(rc script load "${SCRIPT[$s]}"); done
echo "# bench/writer-check.sh $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), redis $(redis-server --version | awk '{print $3}')"
for round in $(seq 1 "$ROUNDS"); do
  order=(none myid info); [ $((round % 2)) = 1 ] || order=(info myid none)
  for s in "${order[@]}"; do
    rc config resetstat >/dev/null
    redis-benchmark -p "$port" -n "$REQUESTS" -c "$CLIENTS" -q evalsha "${SHA[$s]}" 0 > /dev/null
    echo "$s $(rc info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:.*usec_per_call=\([0-9.]*\).*/\1/p')" >> "$WORK/results.txt"
  done
done
python3 - "$WORK/results.txt" <<'PY'
import collections, statistics, sys
r = collections.defaultdict(list)
for line in open(sys.argv[1]):
    s, us = line.split(); r[s].append(float(us))
base = statistics.median(r['none'])
for s, label in (('none', 'script without the check'), ('myid', 'with CLUSTER MYID (cluster)'), ('info', 'with INFO replication (single Redis)')):
    m = statistics.median(r[s])
    print(f"  {label:<38} {m:5.2f} µs per script (Redis time)  +{m - base:5.2f} µs   rounds {r[s]}")
PY
echo "# after: load $(cut -d' ' -f1-3 /proc/loadavg)"
