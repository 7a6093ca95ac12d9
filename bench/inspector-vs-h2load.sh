#!/usr/bin/env bash
# How close `elicense-bench` (closed loop) comes to h2load on the same endpoint: cache-hot GetLicense,
# h2load -c 16 -m 32 against elicense-bench, alternating, ROUNDS rounds of RUN_SECONDS each, one seeded
# registry, one server. Prints each round's throughputs and the median ratio.
#   ROUNDS       measured rounds, after one warm-up round (the server's JIT and caches) (default 3)
#   RUN_SECONDS  measured seconds per run (default 5; each run has 1 s of warm-up on top)
#   CONCURRENCY  elicense-bench --concurrency (default 512, as h2load's 16 × 32)
#   CONNECTIONS  elicense-bench --connections (default 16, as h2load's)
#   PIN          1: server on CPU 0, load generators on CPU 1, so that a generator's CPU does not come out
#                of the server's share (default 0: everything shares the cores, as in the other benches)
# Needs h2load (Debian: nghttp2-client) and redis-server. Only loopback; stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${RUN_SECONDS:-5}
CONCURRENCY=${CONCURRENCY:-512}
CONNECTIONS=${CONNECTIONS:-16}
PIN=${PIN:-0}
WORK=$(mktemp -d /tmp/elicense-h2load-XXXXXX)
REDIS_PORT=$((20000 + RANDOM % 10000)); PORT=$((REDIS_PORT + 1))
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in h2load redis-server redis-cli python3; do command -v $tool >/dev/null || { echo "$tool is required (h2load: apt-get install nghttp2-client)"; exit 2; }; done
SERVER_CPU=(); GENERATOR_CPU=()
if [ "$PIN" = 1 ]; then SERVER_CPU=(taskset -c 0); GENERATOR_CPU=(taskset -c 1); fi

dotnet build -c Release --nologo -v quiet >/dev/null
dotnet src/Server/bin/Release/net10.0/ELicense.Server.dll seed --licenses 10000 --force --Registry:Path="$WORK/registry.db" > "$WORK/seed.log"
LICENSE=$(grep -oE '\b[0-9]{17}[0-9X]\b' "$WORK/seed.log" | head -n 1)
echo "$LICENSE" > "$WORK/keys.txt"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --loglevel warning
"${SERVER_CPU[@]}" src/Server/bin/Release/net10.0/ELicense.Server --urls "http://127.0.0.1:$PORT" --Registry:Path="$WORK/registry.db" \
  --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Credentials:DevelopmentKeyPath="$WORK/key.pem" \
  --Audit:Path="$WORK/audit.db" --Audit:SubjectKeyPath="$WORK/audit-key" --Redis:ProtectionKeyPath="$WORK/redis-key" --Logging:LogLevel:Default=Warning \
  --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer \
  --Auth:Clients:0:RateLimit=10000000 > "$WORK/server.log" 2>&1 & pids+=($!)
sleep 4

# The same GetLicense request h2load sends every time: licence number and purpose 1, gRPC-framed.
python3 - "$WORK" "$LICENSE" <<'PY'
import struct, sys
work, lic = sys.argv[1:]
body = bytes([0x0a, len(lic)]) + lic.encode() + b'\x10\x01'
open(f'{work}/lic.bin', 'wb').write(b'\x00' + struct.pack('>I', len(body)) + body)
PY

URL="http://127.0.0.1:$PORT"
H=(-H content-type:application/grpc -H te:trailers -H "authorization: Bearer bench-officer-key-0001")
ratios=""
for round in $(seq 0 "$ROUNDS"); do
  h=$("${GENERATOR_CPU[@]}" h2load -c 16 -m 32 -t 1 -D "$SECONDS_PER_RUN" --warm-up-time=1 "${H[@]}" -d "$WORK/lic.bin" \
      "$URL/elicense.v1.VerificationService/GetLicense" 2>&1 | sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p')
  ELICENSE_API_KEY=bench-officer-key-0001 "${GENERATOR_CPU[@]}" dotnet src/Bench/bin/Release/net10.0/elicense-bench.dll license \
    --keys "$WORK/keys.txt" --server "$URL" --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" \
    --duration "${SECONDS_PER_RUN}s" --warmup 1s --quiet --json "$WORK/bench.json" > /dev/null
  i=$(python3 -c "import json; print(json.load(open('$WORK/bench.json'))['throughput'])")
  r=$(python3 -c "print(f'{$i / $h:.2f}')")
  if [ "$round" -eq 0 ]; then echo "warm-up round done (h2load $h, elicense-bench $i req/s)"; continue; fi
  ratios+="$r "
  printf 'round %d: h2load %8.0f req/s   elicense-bench %8.0f req/s   ratio %s   (load average %s)\n' "$round" "$h" "$i" "$r" "$(cut -d' ' -f1 /proc/loadavg)"
done
python3 -c "import statistics, sys; print('median ratio', statistics.median(float(x) for x in sys.argv[1:]))" $ratios
