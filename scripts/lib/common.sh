# Shared by scripts/cluster.sh, scripts/demo.sh and bench/replicas.sh, bench/replay-wait.sh: free loopback
# ports, readiness, stopping our own children, a 6-node Redis Cluster, the demo's callers and the demo's
# inspector session. Sourced; defines functions only and changes no shell option.
#   free_port               a TCP port free on 127.0.0.1 right now
#   free_redis_port         a port below 55536 free together with port + 10000 (the cluster bus)
#   grpc_ready PORT         true when the server on PORT answers grpc.health.v1.Health/Check
#   wait_grpc PORT PID LOG  waits up to 30 s for grpc_ready; false (LOG's tail shown) if PID exits or time runs out
#   stop_pid PID            TERM, up to STOP_SECONDS (20) to exit, then KILL; only our own children. A server
#                           bounds its own stop at Drain:Grace + Drain:MaxCallDuration + 5 s (DrainOptions:
#                           3 + 10 + 5 = 18 s by default): waiting less would KILL a replica still inside its
#                           drain, so the bound is above that (raise STOP_SECONDS with a longer Drain)
#   stop_pids PID...        the same for several at once: TERM to all, then one STOP_SECONDS bound for all
#                           (replicas drain side by side: each drain is paid once, not per replica)
#   redis_cluster_start DIR starts 6 cluster-enabled redis-server under DIR, creates 3 masters + 3 replicas,
#                           waits for cluster_state:ok; appends to the caller's arrays redis_pids and
#                           redis_ports (declare them first: the caller's cleanup stops redis_pids) and sets
#                           REDIS_CONFIGURATION (host:port,...)
#   demo_auth LICENSE       sets the array demo_auth_args: the demo's four callers (officer, transfer office,
#                           registry feed, holder of LICENSE), keys on the command line (fine on loopback)
#   demo_session            the demo's inspector session (sets PAYLOAD, QR_PAYLOAD). The caller sets DATA and
#                           LICENSE and defines step, officer, transfer, holder, the last three taking the
#                           addresses from SERVER_LIST when it is not empty; SESSION_OTHER (optional): the
#                           address list of a second device (the replay, the transfer office); SESSION_WHERE,
#                           SESSION_REPLAY_NOTE, SESSION_CHECKS_NOTE (optional): words added to three steps

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

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

grpc_ready() { curl -sf -m 2 --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
  --data-binary @/dev/null "http://127.0.0.1:$1/grpc.health.v1.Health/Check"; }

wait_grpc() {
  local _
  for _ in $(seq 300); do
    grpc_ready "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server on port $1 did not start; its log:" >&2; tail -n 40 "$3" >&2
  return 1
}

stop_pid() {
  kill "$1" 2>/dev/null || return 0
  local _
  for _ in $(seq $((${STOP_SECONDS:-20} * 10))); do kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

stop_pids() {
  local p alive _
  [ "$#" -gt 0 ] || return 0
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq $((${STOP_SECONDS:-20} * 10))); do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 1 ] || break
    sleep 0.1
  done
  for p in "$@"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

redis_cluster_start() {
  local work=$1 i dir attempt port pid _ first=${#redis_ports[@]}
  for i in 1 2 3 4 5 6; do
    dir="$work/redis-$i"; mkdir -p "$dir"
    for attempt in 1 2 3; do
      port=$(free_redis_port)
      redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
        --cluster-node-timeout 2000 --dir "$dir" --save '' --appendonly no --daemonize no --loglevel warning > "$dir/redis.log" 2>&1 &
      pid=$!
      for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if redis-cli -p "$port" ping >/dev/null 2>&1; then redis_pids+=("$pid"); redis_ports+=("$port"); break; fi
      # Lost the port to someone else between the check and the bind, or alive but not answering within 5 s
      # (not in redis_pids, so cleanup would not stop it, and a bare wait would block on it): stop it, another.
      stop_pid "$pid"
    done
    [ "${#redis_ports[@]}" = $((first + i)) ] || { echo "Redis node $i did not start:" >&2; cat "$dir/redis.log" >&2; return 1; }
  done
  local ports=("${redis_ports[@]:first:6}")
  # shellcheck disable=SC2046
  timeout 60 redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ports[@]}") --cluster-replicas 1 --cluster-yes > "$work/cluster-create.log" 2>&1 \
    || { cat "$work/cluster-create.log" >&2; return 1; }
  for port in "${ports[@]}"; do
    for _ in $(seq 100); do redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && break; sleep 0.1; done
    redis-cli -p "$port" cluster info | grep -q '^cluster_state:ok' || { echo "node $port: cluster not ok" >&2; redis-cli -p "$port" cluster info >&2; return 1; }
  done
  REDIS_CONFIGURATION=$(printf '127.0.0.1:%s,' "${ports[@]}"); REDIS_CONFIGURATION=${REDIS_CONFIGURATION%,}
}

demo_auth() {
  demo_auth_args=(
    --Auth:Clients:0:Id=demo-officer-handheld --Auth:Clients:0:Key=demo-officer-key-0001 --Auth:Clients:0:Roles:0=officer
    --Auth:Clients:1:Id=demo-transfer-office --Auth:Clients:1:Key=demo-transfer-key-0001 --Auth:Clients:1:Roles:0=transfer
    --Auth:Clients:2:Id=demo-registry-feed --Auth:Clients:2:Key=demo-registry-key-0001 --Auth:Clients:2:Roles:0=registry
    --Auth:Clients:3:Id=demo-holder-app --Auth:Clients:3:Key=demo-holder-key-0001 --Auth:Clients:3:Roles:0=holder
    --Auth:Clients:3:LicenseNumber="$1")
}

demo_session() {
  local other=${SESSION_OTHER:-}
  step "Officer's handheld: the issuer's keys (what a handheld caches for offline checks)${SESSION_WHERE:-}"
  officer keys

  step "Officer: look up licence ${LICENSE:0:6}********${LICENSE:14:4} by number (a purpose is required and audited)"
  officer license "$LICENSE" --purpose roadside-check || true

  step "Holder's app: issue a credential and show it as a QR code"
  holder issue "$LICENSE" | tee "$DATA/issue.txt"
  PAYLOAD=$(grep -oE '^EDL1:.*$' "$DATA/issue.txt" | head -n 1)
  [ -n "$PAYLOAD" ] || { echo "no credential was issued" >&2; return 1; }

  step "Officer: scan it (first scan)"
  officer verify "$PAYLOAD" --device demo-handheld-1 || true

  step "Officer: scan the same code again on the same handheld (repeat, flagged)"
  officer verify "$PAYLOAD" --device demo-handheld-1 || true

  step "Someone else replays the same code on another handheld${SESSION_REPLAY_NOTE:-}"
  SERVER_LIST=$other officer verify "$PAYLOAD" --device demo-handheld-2 || true

  step "A forged code (one character changed)"
  officer verify "${PAYLOAD:0:60}$( [ "${PAYLOAD:60:1}" = A ] && echo B || echo A )${PAYLOAD:61}" --device demo-handheld-1 || true

  step "A transfer office checks a fresh code: the verdict, without the holder's identity"
  holder issue "$LICENSE" --no-qr > "$DATA/issue2.txt"
  SERVER_LIST=$other transfer verify "$(grep -oE '^EDL1:.*$' "$DATA/issue2.txt" | head -n 1)" --device demo-transfer-desk || true

  step "Holder's app: the dynamic QR code as an image ($DATA/demo-qr.png), as a screenshot of the app would be"
  holder holder "$LICENSE" --count 1 --png "$DATA/demo-qr.png" --lang en | tee "$DATA/holder.txt" | tail -n 4
  QR_PAYLOAD=$(grep -oE '^EDL1:.*$' "$DATA/holder.txt" | head -n 1)

  step "Officer's handheld console, fed through a pipe: the QR image, then the same code pasted (a repeat: amber)"
  # Interactively the console redraws one full screen; through a pipe each screen follows the last.
  printf '%s\n%s\nq\n' "$DATA/demo-qr.png" "$QR_PAYLOAD" \
    | officer console --device demo-handheld-3 --officer demo --lang en --cache-dir "$DATA/handheld-cache" --export-dir "$DATA" \
    | tail -n 48

  step "Violations of the licence"
  officer violations --license "$LICENSE" --purpose violation-handling --all || true

  step "Holder's app: who checked my licence?${SESSION_CHECKS_NOTE:-}"
  holder checks "$LICENSE" || true
}
