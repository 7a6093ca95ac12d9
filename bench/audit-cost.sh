#!/usr/bin/env bash
# What the audit trail alone costs: the current tree against the same tree with the audit interceptor
# reduced to a pass-through (everything else identical: authentication, rate limits, shaping, metrics,
# configuration, registry, Redis), side by side in one run, alternating, medians of ROUNDS rounds after
# one warm-up round. Three loads:
#   verify   VerifyCredential, h2load, one repeated credential (the handheld's hot path)
#   hot      GetLicense, h2load, one repeated licence (cache-hot, the cheapest audited call)
#   uniform  GetLicense, elicense-bench, licences drawn uniformly from 100k (an audit subject per call)
# Reports throughput and server CPU per call (from /proc, charged per round including work after it).
#   ROUNDS  measured rounds (default 5)    PIN=1  servers on core 0, load generators on core 1
#   LOADS   which loads, in order (default "verify hot uniform")
#   ON_ARGS   extra server arguments for the current tree only (e.g. --Audit:MaxBatchDelay=00:00:00.001)
#   NOWAIT=1  also a copy that appends its records but answers without waiting for them to be
#             durable (not a valid build: it splits the cost into the wait and the append plus writer)
#   AGAINST=COMMIT  also that commit's build, audit on (e.g. the trail's previous storage, side by side)
# The pass-through is made by editing the copy (sed on AuditInterceptor.cs): no switch to turn auditing
# off exists in the product, on purpose. Needs h2load (nghttp2-client), redis-server, python3, curl.
# Only loopback; stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
PIN=${PIN:-0}
WORK=$(mktemp -d /tmp/elicense-auditcost-XXXXXX)
REDIS_PORT=$((20000 + RANDOM % 10000))
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for copy in off nowait against; do git worktree remove --force "$WORK/$copy" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in h2load redis-server python3 curl; do
  command -v $tool >/dev/null || { echo "$tool is required (apt-get install nghttp2-client redis-server python3 curl)"; exit 2; }
done
SERVER_CPU=(); LOAD_CPU=()
if [ "$PIN" = 1 ]; then SERVER_CPU=(taskset -c 0); LOAD_CPU=(taskset -c 1); fi

LABELS=(off on); [ "${NOWAIT:-0}" = 1 ] && LABELS+=(nowait)
[ -n "${AGAINST:-}" ] && LABELS+=(against)
echo "building the current tree and copies: ${LABELS[*]} ..."
build() { # directory project: quiet, but a failure shows its errors
  (cd "$1" && dotnet build "$2" -c Release --nologo -v quiet > "$WORK/build.log" 2>&1) \
    || { grep -E ' error |rror\(s\)' "$WORK/build.log" | sort -u | head -20; echo "building $2 in $1 failed"; exit 1; }
}
build . ELicense.slnx
copy() { # label: a worktree of HEAD plus the uncommitted changes to src/, then edited
  git worktree add -q --detach "$WORK/$1" HEAD
  git diff HEAD -- src | (cd "$WORK/$1" && git apply --allow-empty)
}
copy off
INTERCEPTOR="$WORK/off/src/Server/Hosting/AuditInterceptor.cs"
sed -i 's/? AuditedAsync(request, context, continuation, method, caller)/? continuation(request, context)/' "$INTERCEPTOR"
grep -q '? continuation(request, context)$' "$INTERCEPTOR" || { echo "could not reduce $INTERCEPTOR to a pass-through"; exit 1; }
build "$WORK/off" src/Server
if [ "${NOWAIT:-0}" = 1 ]; then
  copy nowait
  python3 - "$WORK/nowait/src/Server/Auditing/AuditWriter.cs" <<'PY'
import sys
path = sys.argv[1]; text = open(path).read()
# Both waits: the usual path (queued at once) and the one taken when the queue is full.
waits = {"? new ValueTask(pending.Task.WaitAsync(cancellationToken))": "? ValueTask.CompletedTask",
         "        await pending.Task.WaitAsync(cancellationToken);\n": ""}
for wait, instead in waits.items():
    if text.count(wait) != 1: sys.exit(f"could not find the durable wait {wait.strip()!r} in {path}")
    text = text.replace(wait, instead)
open(path, 'w').write(text)
PY
  build "$WORK/nowait" src/Server
fi
if [ -n "${AGAINST:-}" ]; then
  git worktree add -q --detach "$WORK/against" "$AGAINST"
  build "$WORK/against" src/Server
fi

SERVER=src/Server/bin/Release/net10.0/ELicense.Server
"$SERVER" seed --licenses 100000 --force --Registry:Path="$WORK/on.db" > "$WORK/seed.log"
for label in "${LABELS[@]}"; do [ "$label" = on ] || cp "$WORK/on.db" "$WORK/$label.db"; done
LICENSE=$(grep -oE '\b[0-9]{17}[0-9X]\b' "$WORK/seed.log" | head -n 1)
python3 - "$WORK" <<'PY'
import sqlite3, sys
work = sys.argv[1]
db = sqlite3.connect(f'{work}/on.db')
open(f'{work}/keys.txt', 'w').write('\n'.join(r[0] for r in db.execute('SELECT license_number FROM licenses')) + '\n')
PY
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 & pids+=($!)

start() { # label directory port
  (cd "$2/src/Server/bin/Release/net10.0" && exec "${SERVER_CPU[@]}" ./ELicense.Server --urls "http://127.0.0.1:$3" \
    --Registry:Path="$WORK/$1.db" --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:KeyPrefix="$1:" \
    --Credentials:DevelopmentKeyPath="$WORK/$1-key.pem" --Audit:Path="$WORK/$1-audit.db" --Audit:SubjectKeyPath="$WORK/$1-audit-key" --Redis:ProtectionKeyPath="$WORK/$1-redis-key" \
    --Metrics:Url="http://127.0.0.1:$(($3 + 100))" --Logging:LogLevel:Default=Warning \
    --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000 \
    --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry \
    $([ "$1" = on ] && echo "${ON_ARGS:-}")) \
    > "$WORK/$1.log" 2>&1 &
  pids+=($!)
}
declare -A PORT PID
for i in "${!LABELS[@]}"; do
  label=${LABELS[$i]}; PORT[$label]=$((REDIS_PORT + 1 + i))
  [ "$label" = on ] && dir=$PWD || dir="$WORK/$label"
  start "$label" "$dir" "${PORT[$label]}"; PID[$label]=${pids[-1]}
done
ready() { curl -sf -m 2 --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
  --data-binary @/dev/null "http://127.0.0.1:$1/grpc.health.v1.Health/Check"; }
for port in "${PORT[@]}"; do
  for _ in $(seq 1 300); do ready "$port" && break; sleep 0.1; done
  ready "$port" || { echo "server :$port did not start"; cat "$WORK"/*.log; exit 1; }
done

INSPECTOR=(dotnet src/InspectorClient/bin/Release/net10.0/inspector.dll)
BENCH=(dotnet src/Bench/bin/Release/net10.0/elicense-bench.dll)
issue() { ELICENSE_API_KEY=bench-registry-key-0001 "${INSPECTOR[@]}" issue "$LICENSE" --lifetime 600 --no-qr --server "http://127.0.0.1:$1" | grep -oE '^EDL1:.*$'; }
for label in "${LABELS[@]}"; do issue "${PORT[$label]}" > "$WORK/payload-$label.txt"; done
python3 - "$WORK" "$LICENSE" "${LABELS[@]}" <<'PY'
import struct, sys
work, lic, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
def field(n, b):
    out, l = bytes([n << 3 | 2]), len(b)
    while l >= 0x80: out += bytes([l & 0x7f | 0x80]); l >>= 7
    return out + bytes([l]) + b
frame = lambda m: b'\x00' + struct.pack('>I', len(m)) + m
for label in labels:
    payload = open(f'{work}/payload-{label}.txt').read().strip()
    if not payload.startswith('EDL1:'): sys.exit(f'no credential was issued by the {label} server')
    open(f'{work}/verify-{label}.bin', 'wb').write(frame(field(1, payload.encode()) + field(2, b'bench-device')))
open(f'{work}/hot.bin', 'wb').write(frame(field(1, lic.encode()) + b'\x10\x01'))  # purpose = roadside check
PY

export ELICENSE_API_KEY=bench-officer-key-0001
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # clock ticks (1/100 s)
commits() { curl -sf -m 5 "http://127.0.0.1:$(($1 + 100))/metrics" | awk '/^elicense_audit_commits_total/ {n = int($2)} END {print n + 0}'; }
H=(-H content-type:application/grpc -H te:trailers -H "authorization: Bearer bench-officer-key-0001")
# One run: label load round count. Prints nothing; writes "load label round rate cpu_ticks count audit_commits".
run() {
  local label=$1 load=$2 port=${PORT[$1]} round=$3 count=$4 pid=${PID[$1]} rate before after
  before=$(cpu "$pid"); local commits_before; commits_before=$(commits "$port")
  case $load in
    verify|hot)
      local path=VerificationService/GetLicense data="$WORK/hot.bin"
      [ "$load" = verify ] && { path=VerificationService/VerifyCredential; data="$WORK/verify-$label.bin"; }
      rate=$("${LOAD_CPU[@]}" h2load -n "$count" -c 16 -m 32 -t 1 "${H[@]}" -d "$data" "http://127.0.0.1:$port/elicense.v1.$path" 2>&1 \
        | sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p') ;;
    uniform)
      "${LOAD_CPU[@]}" "${BENCH[@]}" license --keys "$WORK/keys.txt" --skew uniform --server "http://127.0.0.1:$port" \
        --concurrency 256 --connections 8 --count "$count" --warmup 0 --quiet --json "$WORK/u.json" > "$WORK/u.txt" 2>&1 \
        || { cat "$WORK/u.txt"; exit 1; }
      rate=$(python3 -c "import json; print(json.load(open('$WORK/u.json'))['throughput'])") ;;
  esac
  sleep 1.2  # let the subject index's pass for this run land in this run's CPU
  after=$(cpu "$pid")
  echo "$load $label $round $rate $((after - before)) $count $(($(commits "$port") - commits_before))" >> "$WORK/results.txt"
}
for round in $(seq 0 "$ROUNDS"); do
  for load in ${LOADS:-verify hot uniform}; do
    case $load in verify) n=30000 ;; hot) n=150000 ;; uniform) n=60000 ;; esac
    # Rotate which build goes first, so that none always runs on a machine warmed by another.
    for i in "${!LABELS[@]}"; do run "${LABELS[$(((i + round) % ${#LABELS[@]}))]}" $load "$round" $n; done
  done
  [ "$round" -eq 0 ] && echo "warm-up done" || echo "round $round done"
done
python3 - "$WORK/results.txt" "$ROUNDS" "$PIN" "${LABELS[@]}" <<'PY'
import collections, json, statistics, sys
path, rounds, pin, labels = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
rows = collections.defaultdict(list)
for line in open(path):
    load, label, rnd, rate, ticks, count, commits = line.split()
    if int(rnd) > 0:
        rows[load, label].append((float(rate), int(ticks) * 10000 / int(count), int(commits) * float(rate) / int(count)))
names = {'off': 'without audit', 'on': 'with audit', 'nowait': 'append, no wait', 'against': 'audit at AGAINST'}
out = {}
print(f"audit cost, medians of {rounds} rounds{' (servers pinned to core 0, load to core 1)' if pin == '1' else ''}:")
for load, title in (('verify', 'VerifyCredential (h2load)'), ('hot', 'GetLicense, one licence (h2load)'),
                    ('uniform', 'GetLicense, uniform over 100k (elicense-bench)')):
    if not rows[load, labels[0]]:
        continue
    m = {label: tuple(statistics.median(row[i] for row in rows[load, label]) for i in range(3)) for label in labels}
    out[load] = {names[label]: {'rps': rate, 'cpu_us_per_call': cpu, 'audit_commits_per_s': commits} for label, (rate, cpu, commits) in m.items()}
    print(f"  {title}")
    for label in labels:
        rate, cpu, commits = m[label]
        versus = '' if label == 'off' else (f"   throughput {rate / m['off'][0] - 1:+.1%}, CPU/call {cpu / m['off'][1] - 1:+.1%} "
                                            f"({cpu - m['off'][1]:+.1f} µs), {commits:,.0f} audit commits/s")
        print(f"    {names[label]:<16} {rate:>9,.0f} req/s {cpu:6.1f} µs CPU/call{versus}")
print(json.dumps(out))
PY
