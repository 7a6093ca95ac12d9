#!/usr/bin/env bash
# Brings the whole system up on this machine and walks through a short inspector session:
# Redis (installed from Debian's packages if absent), a seeded registry, the server, the console.
# Everything it starts, it stops on exit. Options come from the environment:
#   LICENSES  licences to seed (default 100000; 1000000 takes about a minute)
#   PORT      server port on 127.0.0.1 (default 5080)
#   KEEP=1    leave the server and Redis (and PostgreSQL) running after the session
#   REGISTRY  sqlite (default: the embedded files under data/demo) or postgres: a throwaway PostgreSQL
#             cluster (scripts/pg-throwaway.sh, installed from Debian's packages if absent) holds it
#   AUDIT     where the audit trail lives: sqlite or postgres (default: as REGISTRY)
set -euo pipefail
cd "$(dirname "$0")/.."
REGISTRY=${REGISTRY:-sqlite}
AUDIT=${AUDIT:-$REGISTRY}
for engine in "$REGISTRY" "$AUDIT"; do
  case $engine in sqlite|postgres) ;; *) echo "REGISTRY and AUDIT are sqlite or postgres, not '$engine'"; exit 2 ;; esac
done

LICENSES=${LICENSES:-100000}
PORT=${PORT:-5080}
REDIS_PORT=${REDIS_PORT:-6379}
DATA="$PWD/data/demo"  # absolute: dotnet run starts the server in src/Server
SERVER_URL="http://127.0.0.1:${PORT}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

source scripts/lib/common.sh  # the demo's callers and its inspector session (shared with scripts/cluster.sh)
step() { printf '\n\033[1;36m== %s\033[0m\n' "$*"; }
started_redis=""
server_pid=""
PG_DIR=""
cleanup() {
  if [ "${KEEP:-}" = 1 ]; then
    echo "KEEP=1: server (pid ${server_pid:-none}) and Redis left running."
    [ -z "$PG_DIR" ] || echo "  PostgreSQL too ($PG_DB); stop and delete it with:" \
      "$([ "$(id -u)" -eq 0 ] && echo 'runuser -u postgres -- ')$PG_BIN/pg_ctl -D $PG_DIR stop && rm -rf $PG_DIR"
    return
  fi
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$started_redis" ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  [ -z "$PG_DIR" ] || pg_stop
}
trap cleanup EXIT

step "Redis"
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: installing it from Debian's packages"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server
fi
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "using the Redis already running on 127.0.0.1:${REDIS_PORT}"
else
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --loglevel warning
  started_redis=1
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "started redis-server on 127.0.0.1:${REDIS_PORT}"
fi

# Where the registry and the audit trail live: the same settings for seed, the server and audit verify.
REGISTRY_ARGS=(--Registry:Path="$DATA/registry.db")
AUDIT_ARGS=(--Audit:Path="$DATA/audit.db")
if [ "$REGISTRY" = postgres ] || [ "$AUDIT" = postgres ]; then
  step "PostgreSQL (a throwaway cluster, deleted on exit)"
  source scripts/pg-throwaway.sh
  pg_start
  PG_DB=$(pg_createdb elicense)
  echo "database: $PG_DB"
  [ "$REGISTRY" = sqlite ] || REGISTRY_ARGS=(--Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB")
  [ "$AUDIT" = sqlite ] || AUDIT_ARGS=(--Audit:Provider=Postgres --Audit:ConnectionString="$PG_DB")
fi

step "Build"
dotnet build -c Release --nologo -v quiet

mkdir -p "$DATA"
if [ "$REGISTRY" = sqlite ]; then
  step "Seed ${LICENSES} synthetic licences into ${DATA}/registry.db"
  dotnet run --project src/Server -c Release --no-build -- seed --licenses "$LICENSES" --force \
    --Registry:Path="$DATA/registry.db" | tee "$DATA/seed.log"
else
  step "Seed ${LICENSES} synthetic licences into PostgreSQL (binary COPY)"
  # --force last: the host's configuration reads a bare switch as taking the next argument for its value.
  dotnet run --project src/Server -c Release --no-build -- seed --licenses "$LICENSES" "${REGISTRY_ARGS[@]}" --force \
    | tee "$DATA/seed.log"
  # A build without the PostgreSQL bulk loader would have seeded a file instead: say so rather than run on.
  seeded=$(pg_psql -d elicense -At -c "SELECT count(*) FROM registry.licenses" 2>/dev/null || echo none)
  [ "$seeded" = "$LICENSES" ] || { echo "registry.licenses holds ${seeded} licences, not ${LICENSES}: this build did not seed PostgreSQL"; exit 1; }
fi
LICENSE=$(grep -oE '\b[0-9]{17}[0-9X]\b' "$DATA/seed.log" | head -n 1 || true)
if [ -z "$LICENSE" ]; then echo "no sample licence number found in the seed output"; exit 1; fi

step "Server on ${SERVER_URL}"
# Demo callers, one per role, with their API keys on the command line (fine for a demo on loopback;
# production configuration holds only Auth:Clients:N:KeyHash). The holder acts for the sample licence.
demo_auth "$LICENSE"
dotnet run --project src/Server -c Release --no-build -- --urls "$SERVER_URL" \
  "${REGISTRY_ARGS[@]}" --Redis:Configuration="127.0.0.1:${REDIS_PORT}" \
  --Credentials:DevelopmentKeyPath="$DATA/issuer-dev-key.pem" \
  "${AUDIT_ARGS[@]}" --Audit:SubjectKeyPath="$DATA/audit-subject-key" --Redis:ProtectionKeyPath="$DATA/redis-protection-key" \
  "${demo_auth_args[@]}" > "$DATA/server.log" 2>&1 &
server_pid=$!
inspector() { dotnet run --project src/InspectorClient -c Release --no-build -- "$@" --server "${SERVER_LIST:-$SERVER_URL}"; }
officer() { ELICENSE_API_KEY=demo-officer-key-0001 inspector "$@"; }
transfer() { ELICENSE_API_KEY=demo-transfer-key-0001 inspector "$@"; }
holder() { ELICENSE_API_KEY=demo-holder-key-0001 inspector "$@"; }
for _ in $(seq 100); do
  if officer keys >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then echo "server exited; see $DATA/server.log"; cat "$DATA/server.log"; exit 1; fi
  sleep 0.2
done

demo_session

echo
echo "Done. Server log: $DATA/server.log. Run again with KEEP=1 to keep the server up for your own commands, e.g."
echo "  ELICENSE_API_KEY=demo-officer-key-0001 dotnet run --project src/InspectorClient -c Release --no-build -- license $LICENSE --purpose roadside-check --server $SERVER_URL"
echo "Open the handheld console (scan the demo QR image by typing its path, paste a QR text, or enter a licence number or plate):"
echo "  ELICENSE_API_KEY=demo-officer-key-0001 dotnet run --project src/InspectorClient -c Release --no-build -- --server $SERVER_URL --officer demo"
echo "  then type a QR image's path at the prompt. Codes live 3 minutes; a fresh demo-qr.png (refreshed until Ctrl+C):"
echo "  ELICENSE_API_KEY=demo-holder-key-0001 dotnet run --project src/InspectorClient -c Release --no-build -- holder $LICENSE --png $DATA/demo-qr.png --server $SERVER_URL"
echo "  Add --offline to the console to check codes with the issuer keys it has cached, and queue them for later."
echo "and check the audit trail's hash chain with"
echo "  dotnet run --project src/Server -c Release --no-build -- audit verify$(printf ' %q' "${AUDIT_ARGS[@]}")"
[ "$AUDIT" = sqlite ] || echo "  (while the PostgreSQL cluster is up: KEEP=1)"
