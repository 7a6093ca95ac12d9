#!/usr/bin/env bash
# The multi-host shape on this one machine: a throwaway PostgreSQL (scripts/pg-throwaway.sh) holding the
# registry and the audit trail, a 6-node Redis Cluster (3 masters + 3 replicas), three server replicas on
# loopback ports with a seeded registry, then the demo's inspector session (scripts/demo.sh) against all
# three through the multi-address client (--server a,b,c). It stops everything it started, by pid (and
# PostgreSQL by its data directory), on exit, Ctrl+C or TERM, and prints how long it ran.
#
#   scripts/cluster.sh            bring it up, run the session, stop it all
#   KEEP=1 scripts/cluster.sh     leave it up: prints the addresses, the pids and how to stop them
#   scripts/cluster.sh --help     this text
#
# Environment:
#   LICENSES  licences to seed (default 100000)
#   BUILD=0   use the Release binaries already built (src/Server, src/InspectorClient)
#   KEEP=1    leave PostgreSQL, the Redis nodes and the replicas running after the session
# Ports: every port is free on 127.0.0.1 when picked; each Redis node's port is below 55536 and its
# cluster bus port (port + 10000) is free too. Needs redis-server 7+, redis-cli, python3, curl; PostgreSQL
# is installed from Debian's packages when missing (as pg-throwaway.sh does).
#
# On real hosts each part is its own machine: PostgreSQL a primary with a standby; the six Redis nodes on
# three hosts (no master on the same host as its replica); each server replica on its own host behind no
# load balancer (the inspector balances itself across the addresses it is given); the keys copied here
# into each replica's directory come from the deployment's secret store.
set -euo pipefail
case ${1:-} in
  "") ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) echo "cluster.sh takes no arguments (got '$1'); see scripts/cluster.sh --help" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
LICENSES=${LICENSES:-100000}
for tool in redis-server redis-cli python3 curl; do
  command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server python3 curl)" >&2; exit 2; }
done
redis_major=$(redis-server --version | sed -E 's/.* v=([0-9]+).*/\1/')
[ "$redis_major" -ge 7 ] || { echo "redis-server 7 or newer is required (sharded pub/sub), this is $(redis-server --version)" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
START=$(date +%s.%N)
WORK=$(mktemp -d /tmp/elicense-cluster-XXXXXX)
source scripts/pg-throwaway.sh
redis_pids=() server_pids=()
elapsed() { python3 -c "print(f'{__import__(\"time\").time() - $START:.1f}')"; }

# stop_pid PID: TERM, up to 10 s to exit (a replica drains first), then KILL; only our own children.
stop_pid() {
  kill "$1" 2>/dev/null || return 0
  local _
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
# KEEP=1: what is left running and how to stop it (the arrays are filled by then).
kept() {
  echo
  echo "KEEP=1: left running (stop them with the commands below):"
  echo "  servers  --server $SERVERS   (pids ${server_pids[*]})"
  echo "  metrics  $(for n in 1 2 3; do printf 'http://127.0.0.1:%s/metrics ' "${metrics_ports[n]}"; done)"
  echo "  redis    Redis:Configuration=$REDIS_CONFIGURATION   (pids ${redis_pids[*]})"
  echo "  postgres $PG_DB   (data in $PG_DIR)"
  echo "  e.g. ELICENSE_API_KEY=demo-officer-key-0001 ${INSPECTOR[*]} license $LICENSE --purpose roadside-check --server $SERVERS"
  echo "stop:"
  echo "  kill ${server_pids[*]} ${redis_pids[*]}"
  echo "  $([ "$(id -u)" -eq 0 ] && echo 'runuser -u postgres -- ')$PG_BIN/pg_ctl -D $PG_DIR -m fast stop && rm -rf $PG_DIR $WORK"
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "${KEEP:-}" = 1 ] && [ "$rc" -eq 0 ]; then
    kept
  else
    for p in "${server_pids[@]}"; do stop_pid "$p"; done
    for p in "${redis_pids[@]}"; do stop_pid "$p"; done
    pg_stop
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ]; then
      mkdir -p "$WORK.logs" && find "$WORK" -name '*.log' -exec cp --backup=numbered -t "$WORK.logs" {} + 2>/dev/null
      echo "cluster.sh failed (exit $rc); logs kept in $WORK.logs" >&2
    fi
    rm -rf "$WORK"
  fi
  echo "cluster.sh ran $(elapsed) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
step() { printf '\n\033[1;36m== %s\033[0m\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# A port below 55536 that is free together with port + 10000 (the Redis cluster bus).
free_redis_port() {
  python3 - <<'PY'
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
for _ in range(200):
    p = random.randint(20000, 55535)
    if free(p) and free(p + 10000):
        print(p); break
else:
    raise SystemExit("no free port pair (p, p+10000) below 55536 on 127.0.0.1")
PY
}
grpc_ready() { curl -sf --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
  --data-binary @/dev/null "http://127.0.0.1:$1/grpc.health.v1.Health/Check"; }

step "Build"
if [ "${BUILD:-1}" = 0 ]; then echo "BUILD=0: using the binaries already built"; else
  for project in src/Server src/InspectorClient; do
    dotnet build "$project" -c Release --nologo -v quiet > "$WORK/build.log" 2>&1 || { grep -E 'error' "$WORK/build.log" | sort -u | head; exit 1; }
  done
fi
SERVER=$PWD/src/Server/bin/Release/net10.0/ELicense.Server
INSPECTOR=(dotnet "$PWD/src/InspectorClient/bin/Release/net10.0/inspector.dll")

step "Redis Cluster: 6 nodes on 127.0.0.1 (3 masters + 3 replicas)"
redis_ports=()
for i in 1 2 3 4 5 6; do
  dir="$WORK/redis-$i"; mkdir -p "$dir"
  for attempt in 1 2 3; do
    port=$(free_redis_port)
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
      --cluster-node-timeout 2000 --dir "$dir" --save '' --appendonly no --daemonize no --loglevel warning > "$dir/redis.log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if redis-cli -p "$port" ping >/dev/null 2>&1; then redis_pids+=("$pid"); redis_ports+=("$port"); break; fi
    wait "$pid" 2>/dev/null || true  # lost the port to someone else between the check and the bind: another
  done
  [ "${#redis_ports[@]}" = "$i" ] || { echo "Redis node $i did not start:"; cat "$dir/redis.log"; exit 1; }
done
nodes=$(printf '127.0.0.1:%s ' "${redis_ports[@]}")
# shellcheck disable=SC2086
redis-cli --cluster create $nodes --cluster-replicas 1 --cluster-yes > "$WORK/cluster-create.log" 2>&1 \
  || { cat "$WORK/cluster-create.log"; exit 1; }
for port in "${redis_ports[@]}"; do
  for _ in $(seq 100); do redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && break; sleep 0.1; done
  redis-cli -p "$port" cluster info | grep -q '^cluster_state:ok' || { echo "node $port: cluster not ok"; redis-cli -p "$port" cluster info; exit 1; }
done
REDIS_CONFIGURATION=$(printf '127.0.0.1:%s,' "${redis_ports[@]}"); REDIS_CONFIGURATION=${REDIS_CONFIGURATION%,}
redis-cli -p "${redis_ports[0]}" cluster nodes | awk '{split($2, a, "@"); print "  " a[1], ($3 ~ /master/ ? "master " $9 : "replica of " substr($4, 1, 8)), substr($1, 1, 8)}'

step "PostgreSQL (a throwaway cluster, deleted on exit): registry and audit trail"
pg_start
PG_DB=$(pg_createdb elicense)
echo "database: $PG_DB"
DB_ARGS=(--Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB" --Audit:Provider=Postgres --Audit:ConnectionString="$PG_DB")

step "Seed ${LICENSES} synthetic licences into PostgreSQL (binary COPY)"
mkdir -p "$WORK/seed"
(cd "$WORK/seed" && "$SERVER" seed --licenses "$LICENSES" "${DB_ARGS[@]:0:2}" --force) | tee "$WORK/seed.log"
seeded=$(pg_psql -d elicense -At -c "SELECT count(*) FROM registry.licenses" 2>/dev/null || echo none)
[ "$seeded" = "$LICENSES" ] || { echo "registry.licenses holds ${seeded} licences, not ${LICENSES}: this build did not seed PostgreSQL"; exit 1; }
LICENSE=$(grep -oE '\b[0-9]{17}[0-9X]\b' "$WORK/seed.log" | head -n 1 || true)
[ -n "$LICENSE" ] || { echo "no sample licence number found in the seed output"; exit 1; }

step "Three server replicas on loopback, each in its own directory (as on its own host)"
declare -a server_ports metrics_ports
start_replica() { # index: starts replica N in $WORK/replica-N
  local n=$1 dir="$WORK/replica-$1"
  mkdir -p "$dir"
  server_ports[n]=$(free_port); metrics_ports[n]=$(free_port)
  (cd "$dir" && exec "$SERVER" --urls "http://127.0.0.1:${server_ports[n]}" "${DB_ARGS[@]}" \
    --Redis:Configuration="$REDIS_CONFIGURATION" --Metrics:Url="http://127.0.0.1:${metrics_ports[n]}" \
    --Credentials:DevelopmentKeyPath=issuer-dev-key.pem --Audit:SubjectKeyPath=audit-subject-key --Redis:ProtectionKeyPath=redis-protection-key \
    --Auth:Clients:0:Id=demo-officer-handheld --Auth:Clients:0:Key=demo-officer-key-0001 --Auth:Clients:0:Roles:0=officer \
    --Auth:Clients:1:Id=demo-transfer-office --Auth:Clients:1:Key=demo-transfer-key-0001 --Auth:Clients:1:Roles:0=transfer \
    --Auth:Clients:2:Id=demo-registry-feed --Auth:Clients:2:Key=demo-registry-key-0001 --Auth:Clients:2:Roles:0=registry \
    --Auth:Clients:3:Id=demo-holder-app --Auth:Clients:3:Key=demo-holder-key-0001 --Auth:Clients:3:Roles:0=holder \
    --Auth:Clients:3:LicenseNumber="$LICENSE") > "$dir/server.log" 2>&1 &
  server_pids[n]=$!
}
wait_replica() { # index
  local n=$1 _
  for _ in $(seq 300); do
    grpc_ready "${server_ports[n]}" && { echo "  replica $n: http://127.0.0.1:${server_ports[n]}  metrics http://127.0.0.1:${metrics_ports[n]}/metrics  pid ${server_pids[n]}"; return 0; }
    kill -0 "${server_pids[n]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "replica $n did not start; its log:"; tail -n 40 "$WORK/replica-$n/server.log"; exit 1
}
# The first replica makes the keys (issuer, audit subject, Redis protection); the others get copies, as
# real hosts would get them from a secret store. Replicas that made their own would not verify each other's codes.
start_replica 1; wait_replica 1
for n in 2 3; do mkdir -p "$WORK/replica-$n"; cp -p "$WORK/replica-1"/{issuer-dev-key.pem,audit-subject-key,redis-protection-key} "$WORK/replica-$n/"; done
start_replica 2; start_replica 3
wait_replica 2; wait_replica 3
SERVERS="http://127.0.0.1:${server_ports[1]},http://127.0.0.1:${server_ports[2]},http://127.0.0.1:${server_ports[3]}"
echo "  --server $SERVERS"

# A one-shot command sends its first calls to whichever replica connects first, usually the first address;
# a second handheld is configured with the addresses in another order, as a different device may be.
SERVERS_ROTATED="http://127.0.0.1:${server_ports[2]},http://127.0.0.1:${server_ports[3]},http://127.0.0.1:${server_ports[1]}"
inspector() { "${INSPECTOR[@]}" "$@" --server "${SERVER_LIST:-$SERVERS}"; }
officer() { ELICENSE_API_KEY=demo-officer-key-0001 inspector "$@"; }
transfer() { ELICENSE_API_KEY=demo-transfer-key-0001 inspector "$@"; }
holder() { ELICENSE_API_KEY=demo-holder-key-0001 inspector "$@"; }
DATA="$WORK/session"; mkdir -p "$DATA"

step "Officer's handheld: the issuer's keys, through the three replicas"
officer keys

step "Officer: look up licence ${LICENSE:0:6}********${LICENSE:14:4} by number (a purpose is required and audited)"
officer license "$LICENSE" --purpose roadside-check || true

step "Holder's app: issue a credential and show it as a QR code"
holder issue "$LICENSE" | tee "$DATA/issue.txt"
PAYLOAD=$(grep -oE '^EDL1:.*$' "$DATA/issue.txt" | head -n 1)
[ -n "$PAYLOAD" ] || { echo "no credential was issued"; exit 1; }

step "Officer: scan it (first scan)"
officer verify "$PAYLOAD" --device demo-handheld-1 || true

step "Officer: scan the same code again on the same handheld (repeat, flagged)"
officer verify "$PAYLOAD" --device demo-handheld-1 || true

step "Someone else replays the same code on another handheld, its addresses in another order (the claim lives in the Redis Cluster)"
SERVER_LIST=$SERVERS_ROTATED officer verify "$PAYLOAD" --device demo-handheld-2 || true

step "A forged code (one character changed)"
officer verify "${PAYLOAD:0:60}$( [ "${PAYLOAD:60:1}" = A ] && echo B || echo A )${PAYLOAD:61}" --device demo-handheld-1 || true

step "A transfer office checks a fresh code: the verdict, without the holder's identity"
holder issue "$LICENSE" --no-qr > "$DATA/issue2.txt"
SERVER_LIST=$SERVERS_ROTATED transfer verify "$(grep -oE '^EDL1:.*$' "$DATA/issue2.txt" | head -n 1)" --device demo-transfer-desk || true

step "Holder's app: the dynamic QR code as an image ($DATA/demo-qr.png)"
holder holder "$LICENSE" --count 1 --png "$DATA/demo-qr.png" --lang en | tee "$DATA/holder.txt" | tail -n 4
QR_PAYLOAD=$(grep -oE '^EDL1:.*$' "$DATA/holder.txt" | head -n 1)

step "Officer's handheld console, fed through a pipe: the QR image, then the same code pasted (a repeat: amber)"
printf '%s\n%s\nq\n' "$DATA/demo-qr.png" "$QR_PAYLOAD" \
  | officer console --device demo-handheld-3 --officer demo --lang en --cache-dir "$DATA/handheld-cache" --export-dir "$DATA" \
  | tail -n 48

step "Violations of the licence"
officer violations --license "$LICENSE" --purpose violation-handling --all || true

step "Holder's app: who checked my licence? (one audit trail for the three replicas)"
holder checks "$LICENSE" || true

step "Calls each replica answered (its Metrics:Url; health checks left out) and its verdicts"
for n in 1 2 3; do
  curl -sf "http://127.0.0.1:${metrics_ports[n]}/metrics" > "$DATA/metrics-$n.txt" || { echo "  replica $n: no metrics"; continue; }
  calls=$(grep '^elicense_rpc_server_duration_seconds_count' "$DATA/metrics-$n.txt" | grep -vi health | awk '{s += $NF} END {print s + 0}' || true)
  verdicts=$(grep '^elicense_verify_verdicts_total' "$DATA/metrics-$n.txt" | while read -r line; do  # labels in any order
    printf '%s/%s=%s\n' "$(grep -o '[{,]verdict="[^"]*"' <<< "$line" | cut -d'"' -f2)" \
      "$(grep -o 'replay_check="[^"]*"' <<< "$line" | cut -d'"' -f2)" "${line##* }"
  done | paste -sd' ' || true)
  echo "  replica $n: $calls calls; verdicts: ${verdicts:-none}"
done

step "The audit trail's hash chain, written by three replicas"
(cd "$WORK/seed" && "$SERVER" audit verify "${DB_ARGS[@]:2:2}")

echo
echo "Done: the session ran against three replicas on a 6-node Redis Cluster and one PostgreSQL."
