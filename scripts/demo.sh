#!/usr/bin/env bash
# Brings the whole system up on this machine and walks through a short inspector session:
# Redis (installed from Debian's packages if absent), a seeded registry, the server, the console.
# Everything it starts, it stops on exit. Options come from the environment:
#   LICENSES  licences to seed (default 100000; 1000000 takes about a minute)
#   PORT      server port on 127.0.0.1 (default 5080)
#   KEEP=1    leave the server and Redis running after the session
set -euo pipefail
cd "$(dirname "$0")/.."

LICENSES=${LICENSES:-100000}
PORT=${PORT:-5080}
REDIS_PORT=${REDIS_PORT:-6379}
DATA="$PWD/data/demo"  # absolute: dotnet run starts the server in src/Server
SERVER_URL="http://127.0.0.1:${PORT}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() { printf '\n\033[1;36m== %s\033[0m\n' "$*"; }
started_redis=""
server_pid=""
cleanup() {
  if [ "${KEEP:-}" = 1 ]; then
    echo "KEEP=1: server (pid ${server_pid:-none}) and Redis left running."
    return
  fi
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$started_redis" ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
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

step "Build"
dotnet build -c Release --nologo -v quiet

step "Seed ${LICENSES} synthetic licences into ${DATA}/registry.db"
mkdir -p "$DATA"
dotnet run --project src/Server -c Release --no-build -- seed --licenses "$LICENSES" --force \
  --Registry:Path="$DATA/registry.db" | tee "$DATA/seed.log"
LICENSE=$(grep -oE '\b[0-9]{17}[0-9X]\b' "$DATA/seed.log" | head -n 1 || true)

step "Server on ${SERVER_URL}"
dotnet run --project src/Server -c Release --no-build -- --urls "$SERVER_URL" \
  --Registry:Path="$DATA/registry.db" --Redis:Configuration="127.0.0.1:${REDIS_PORT}" \
  --Credentials:DevelopmentKeyPath="$DATA/issuer-dev-key.pem" > "$DATA/server.log" 2>&1 &
server_pid=$!
inspector() { dotnet run --project src/InspectorClient -c Release --no-build -- "$@" --server "$SERVER_URL"; }
for _ in $(seq 100); do
  if inspector keys >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then echo "server exited; see $DATA/server.log"; cat "$DATA/server.log"; exit 1; fi
  sleep 0.2
done

step "Inspector: the issuer's keys (what a handheld caches for offline checks)"
inspector keys
if [ -z "$LICENSE" ]; then echo "no sample licence number found in the seed output"; exit 1; fi

step "Inspector: look up licence ${LICENSE:0:6}********${LICENSE:14:4}"
inspector license "$LICENSE" || true

step "Holder's app: issue a credential and show it as a QR code"
inspector issue "$LICENSE" | tee "$DATA/issue.txt"
PAYLOAD=$(grep -oE '^EDL1:.*$' "$DATA/issue.txt" | head -n 1)

step "Officer: scan it (first scan)"
inspector verify "$PAYLOAD" --device demo-handheld-1 || true

step "Officer: scan the same code again on the same handheld (repeat, flagged)"
inspector verify "$PAYLOAD" --device demo-handheld-1 || true

step "Someone else replays the same code on another handheld"
inspector verify "$PAYLOAD" --device demo-handheld-2 || true

step "A forged code (one character changed)"
inspector verify "${PAYLOAD:0:60}$( [ "${PAYLOAD:60:1}" = A ] && echo B || echo A )${PAYLOAD:61}" --device demo-handheld-1 || true

step "Violations of the licence"
inspector violations --license "$LICENSE" --all || true

echo
echo "Done. Server log: $DATA/server.log. Run again with KEEP=1 to keep the server up for your own commands, e.g."
echo "  dotnet run --project src/InspectorClient -c Release --no-build -- license $LICENSE --server $SERVER_URL"
