#!/usr/bin/env bash
# Cache-warm GetLicense over licences drawn uniformly from the seeded registry, so that nearly every
# audited call has another audit subject (the h2load runs repeat one licence, hence one subject): the
# current tree against a baseline commit, side by side in one run (same registry, same Redis, alternating
# rounds after one warm-up round that fills the caches), medians of server CPU per call and throughput.
#   BASELINE  commit to compare with (default 9fd02d3: the subject index still inside the audit trail;
#             4340130, from before authentication and auditing, gives their whole cost)
#   ROUNDS    measured rounds (default 5)    COUNT  calls per run (default 60000)
# Needs redis-server and python3. Only loopback; stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINE=${BASELINE:-9fd02d3}
ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-60000}
WORK=$(mktemp -d /tmp/elicense-uniform-XXXXXX)
REDIS_PORT=$((20000 + RANDOM % 10000)); OLD_PORT=$((REDIS_PORT + 1)); NEW_PORT=$((REDIS_PORT + 2))
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  git worktree remove --force "$WORK/baseline" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in redis-server redis-cli python3; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server)"; exit 2; }; done

echo "building current tree and baseline $BASELINE ..."
dotnet build ELicense.slnx -c Release --nologo -v quiet >/dev/null
git worktree add -q "$WORK/baseline" "$BASELINE"
(cd "$WORK/baseline" && dotnet build src/Server -c Release --nologo -v quiet >/dev/null)

SERVER=src/Server/bin/Release/net10.0/ELicense.Server
"$SERVER" seed --licenses 100000 --force --Registry:Path="$WORK/new.db" > "$WORK/seed.log"
cp "$WORK/new.db" "$WORK/old.db"
python3 - "$WORK" <<'PY'
import sqlite3, sys
work = sys.argv[1]
db = sqlite3.connect(f'{work}/new.db')
open(f'{work}/keys.txt', 'w').write('\n'.join(r[0] for r in db.execute('SELECT license_number FROM licenses')) + '\n')
PY
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 & pids+=($!)

start() { # label directory port
  (cd "$2/src/Server/bin/Release/net10.0" && exec ./ELicense.Server --urls "http://127.0.0.1:$3" --Registry:Path="$WORK/$1.db" \
    --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:KeyPrefix="$1:" --Credentials:DevelopmentKeyPath="$WORK/$1-key.pem" \
    --Audit:Path="$WORK/$1-audit.db" --Audit:SubjectKeyPath="$WORK/$1-audit-key" --Redis:ProtectionKeyPath="$WORK/$1-redis-key" --Metrics:Url="http://127.0.0.1:$(($3 + 100))" \
    --Logging:LogLevel:Default=Warning \
    --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000) \
    > "$WORK/$1.log" 2>&1 &
  pids+=($!)
}
start old "$WORK/baseline" "$OLD_PORT"; OLD_PID=${pids[-1]}
start new "$PWD" "$NEW_PORT"; NEW_PID=${pids[-1]}
ready() { curl -sf -m 2 --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
  --data-binary @/dev/null "http://127.0.0.1:$1/grpc.health.v1.Health/Check"; }
for port in "$OLD_PORT" "$NEW_PORT"; do
  for _ in $(seq 1 300); do ready "$port" && break; sleep 0.1; done
  ready "$port" || { echo "server :$port did not start"; cat "$WORK"/*.log; exit 1; }
done

export ELICENSE_API_KEY=bench-officer-key-0001
BENCH=(dotnet src/Bench/bin/Release/net10.0/elicense-bench.dll)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # clock ticks (1/100 s)
# Each server's CPU is read at every round's start, so that a round charges it for all it did, including
# work done after its run (the current tree's subject index takes in the last second's records then).
sample() { echo "$1 $(cpu "$OLD_PID") $(cpu "$NEW_PID")" >> "$WORK/cpu.txt"; }
run() { # label port round
  "${BENCH[@]}" license --keys "$WORK/keys.txt" --skew uniform --server "http://127.0.0.1:$2" --concurrency 256 \
    --connections 8 --count "$COUNT" --warmup 0 --quiet --json "$WORK/$1-$3.json" > "$WORK/$1-$3.txt" 2>&1 \
    || { cat "$WORK/$1-$3.txt"; exit 1; }
}
for round in $(seq 0 "$ROUNDS"); do
  sample "$round"
  run old "$OLD_PORT" "$round"
  run new "$NEW_PORT" "$round"
  [ "$round" -eq 0 ] && echo "warm-up done (caches filled)" || echo "round $round done"
done
sleep 3
sample $((ROUNDS + 1))
python3 - "$WORK" "$ROUNDS" "$COUNT" "$BASELINE" <<'PY'
import json, statistics, sys
work, rounds, count, baseline = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
samples = [line.split() for line in open(f'{work}/cpu.txt')]
cpu = {}
for (r, o0, n0), (_, o1, n1) in zip(samples, samples[1:]):
    cpu['old', int(r)] = (int(o1) - int(o0)) * 10000 / count  # µs per call
    cpu['new', int(r)] = (int(n1) - int(n0)) * 10000 / count
m = {}
for label in ('old', 'new'):
    rates = [json.load(open(f'{work}/{label}-{r}.json'))['throughput'] for r in range(1, rounds + 1)]
    m[label] = (statistics.median(rates), statistics.median(cpu[label, r] for r in range(1, rounds + 1)))
    print(f"{label}: " + "  ".join(f"{rate:,.0f} req/s {cpu[label, r]:.1f} µs" for r, rate in zip(range(1, rounds + 1), rates)))
print(f"GetLicense, uniform over 100k licences: baseline {baseline} {m['old'][0]:,.0f} req/s {m['old'][1]:.1f} µs CPU/call | "
      f"current {m['new'][0]:,.0f} req/s {m['new'][1]:.1f} µs CPU/call | throughput ratio {m['new'][0] / m['old'][0]:.2f}")
PY
