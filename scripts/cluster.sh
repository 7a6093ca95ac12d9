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
source scripts/lib/common.sh  # free ports, stop_pid, the Redis Cluster, the demo's callers and session
redis_pids=() server_pids=()
elapsed() { python3 -c "print(f'{__import__(\"time\").time() - $START:.1f}')"; }

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
    stop_pids "${server_pids[@]}"  # side by side: each drains for its grace at the same time
    stop_pids "${redis_pids[@]}"
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
step() { printf '\n\033[1;36m== %s\033[0m  \033[2m(at %s s)\033[0m\n' "$*" "$(elapsed)"; }  # where the run time goes

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
redis_cluster_start "$WORK"
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
demo_auth "$LICENSE"
start_replica() { # index: starts replica N in $WORK/replica-N
  local n=$1 dir="$WORK/replica-$1"
  mkdir -p "$dir"
  server_ports[n]=$(free_port); metrics_ports[n]=$(free_port)
  (cd "$dir" && exec "$SERVER" --urls "http://127.0.0.1:${server_ports[n]}" "${DB_ARGS[@]}" \
    --Redis:Configuration="$REDIS_CONFIGURATION" --Metrics:Url="http://127.0.0.1:${metrics_ports[n]}" \
    --Credentials:DevelopmentKeyPath=issuer-dev-key.pem --Audit:SubjectKeyPath=audit-subject-key --Redis:ProtectionKeyPath=redis-protection-key \
    "${demo_auth_args[@]}") > "$dir/server.log" 2>&1 &
  server_pids[n]=$!
}
wait_replica() { # index
  wait_grpc "${server_ports[$1]}" "${server_pids[$1]}" "$WORK/replica-$1/server.log" || exit 1
  echo "  replica $1: http://127.0.0.1:${server_ports[$1]}  metrics http://127.0.0.1:${metrics_ports[$1]}/metrics  pid ${server_pids[$1]}"
}
# The first replica makes the keys (issuer, audit subject, Redis protection); the others get copies, as
# real hosts would get them from a secret store. Replicas that made their own would not verify each other's codes.
start_replica 1; wait_replica 1; echo "  (replica 1 serving at $(elapsed) s)"
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

SESSION_OTHER=$SERVERS_ROTATED SESSION_WHERE=", through the three replicas"
SESSION_REPLAY_NOTE=", its addresses in another order (the claim lives in the Redis Cluster)"
SESSION_CHECKS_NOTE=" (one audit trail for the three replicas)"
demo_session

step "Calls each replica answered (its Metrics:Url; health checks left out) and its verdicts"
for n in 1 2 3; do
  curl -sf -m 2 "http://127.0.0.1:${metrics_ports[n]}/metrics" > "$DATA/metrics-$n.txt" || { echo "  replica $n: no metrics"; continue; }
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
