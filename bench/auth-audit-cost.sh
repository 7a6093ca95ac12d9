#!/usr/bin/env bash
# What authentication, authorisation and the audit trail cost on the verify path and on a cache-hot
# lookup: the current tree against a baseline commit built from before they existed, side by side in
# one run (same machine, same seeded registry, same Redis), alternating, medians of ROUNDS runs.
#   BASELINE  commit without auth/audit (default 4340130, the last commit before issue 3); any later
#             commit works too (both servers get the same callers and audit options; a build from
#             before auth ignores them)
#   ROUNDS    measured rounds after one warm-up round (default 5)
#   LICENSES  licences to seed (default 100000)
#   N_VERIFY, N_LOOKUP  requests per verify / lookup run (default 30000 / 150000)
#   N_REFUSED requests per run of a refused-call flood (GetLicense without a key: UNAUTHENTICATED,
#             which builds since issue 13 record, aggregated per second); 0 (default) skips it
# Needs h2load (Debian: nghttp2-client) and redis-server. Only loopback; stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINE=${BASELINE:-4340130}
ROUNDS=${ROUNDS:-5}
LICENSES=${LICENSES:-100000}
N_VERIFY=${N_VERIFY:-30000}
N_LOOKUP=${N_LOOKUP:-150000}
N_REFUSED=${N_REFUSED:-0}
WORK=$(mktemp -d /tmp/elicense-bench-XXXXXX)
REDIS_PORT=$((20000 + RANDOM % 10000)); OLD_PORT=$((REDIS_PORT + 1)); NEW_PORT=$((REDIS_PORT + 2))
pids=()
cleanup() {
  # A server that died says why (its log goes with the work folder).
  for log in "$WORK/old.log" "$WORK/new.log"; do [ -s "$log" ] && grep -qiE 'fail|exception' "$log" && { echo "--- $log"; tail -n 20 "$log"; }; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  git worktree remove --force "$WORK/baseline" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in h2load redis-server python3; do command -v $tool >/dev/null || { echo "$tool is required (h2load: apt-get install nghttp2-client)"; exit 2; }; done

echo "building current tree and baseline $BASELINE ..."
dotnet build -c Release --nologo -v quiet >/dev/null
git worktree add -q "$WORK/baseline" "$BASELINE"
(cd "$WORK/baseline" && dotnet build -c Release --nologo -v quiet >/dev/null)

dotnet run --project src/Server -c Release --no-build -- seed --licenses "$LICENSES" --force --Registry:Path="$WORK/new.db" > "$WORK/seed.log"
cp "$WORK/new.db" "$WORK/old.db"
LICENSE=$(grep -oE '\b[0-9]{17}[0-9X]\b' "$WORK/seed.log" | head -n 1)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --loglevel warning

CALLERS=(--Metrics:Url=http://127.0.0.1:0 --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=10000000
  --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry) # metrics on a free port: two servers at once
(cd "$WORK/baseline/src/Server/bin/Release/net10.0" && exec ./ELicense.Server --urls "http://127.0.0.1:$OLD_PORT" --Registry:Path="$WORK/old.db" \
  --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:KeyPrefix=old: --Credentials:DevelopmentKeyPath="$WORK/old-key.pem" \
  --Audit:Path="$WORK/old-audit.db" --Audit:SubjectKeyPath="$WORK/old-audit-key" --Logging:LogLevel:Default=Warning "${CALLERS[@]}") > "$WORK/old.log" 2>&1 & pids+=($!)
src/Server/bin/Release/net10.0/ELicense.Server --urls "http://127.0.0.1:$NEW_PORT" --Registry:Path="$WORK/new.db" \
  --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:KeyPrefix=new: --Credentials:DevelopmentKeyPath="$WORK/new-key.pem" \
  --Audit:Path="$WORK/audit.db" --Audit:SubjectKeyPath="$WORK/audit-key" --Redis:ProtectionKeyPath="$WORK/redis-key" --Logging:LogLevel:Default=Warning "${CALLERS[@]}" > "$WORK/new.log" 2>&1 & pids+=($!)
sleep 4

issue() { ELICENSE_API_KEY=${2:-} dotnet "$1" issue "$LICENSE" --lifetime 600 --no-qr --server "$3" | grep -oE '^EDL1:.*$'; }
OLD_PAYLOAD=$(issue "$WORK/baseline/src/InspectorClient/bin/Release/net10.0/inspector.dll" bench-registry-key-0001 "http://127.0.0.1:$OLD_PORT")
NEW_PAYLOAD=$(issue src/InspectorClient/bin/Release/net10.0/inspector.dll bench-registry-key-0001 "http://127.0.0.1:$NEW_PORT")
python3 - "$WORK" "$OLD_PAYLOAD" "$NEW_PAYLOAD" "$LICENSE" <<'PY'
import struct, sys
work, old, new, lic = sys.argv[1:]
def field(n, b):
    out, l = bytes([n << 3 | 2]), len(b)
    while l >= 0x80: out += bytes([l & 0x7f | 0x80]); l >>= 7
    return out + bytes([l]) + b
frame = lambda m: b'\x00' + struct.pack('>I', len(m)) + m
open(f'{work}/verify-old.bin', 'wb').write(frame(field(1, old.encode()) + field(2, b'bench-device')))
open(f'{work}/verify-new.bin', 'wb').write(frame(field(1, new.encode()) + field(2, b'bench-device')))
open(f'{work}/lic-old.bin', 'wb').write(frame(field(1, lic.encode())))
open(f'{work}/lic-new.bin', 'wb').write(frame(field(1, lic.encode()) + b'\x10\x01'))  # purpose = roadside check
PY

H=(-H content-type:application/grpc -H te:trailers)
AUTH=(-H "authorization: Bearer bench-officer-key-0001")
rate() { h2load -n "$1" -c 16 -m 32 -t 1 "${H[@]}" "${@:4}" -d "$2" "$3" 2>&1 | sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p'; }
declare -A results
for round in $(seq 0 "$ROUNDS"); do
  ov=$(rate "$N_VERIFY" "$WORK/verify-old.bin" "http://127.0.0.1:$OLD_PORT/elicense.v1.VerificationService/VerifyCredential" "${AUTH[@]}")
  nv=$(rate "$N_VERIFY" "$WORK/verify-new.bin" "http://127.0.0.1:$NEW_PORT/elicense.v1.VerificationService/VerifyCredential" "${AUTH[@]}")
  ol=$(rate "$N_LOOKUP" "$WORK/lic-old.bin" "http://127.0.0.1:$OLD_PORT/elicense.v1.VerificationService/GetLicense" "${AUTH[@]}")
  nl=$(rate "$N_LOOKUP" "$WORK/lic-new.bin" "http://127.0.0.1:$NEW_PORT/elicense.v1.VerificationService/GetLicense" "${AUTH[@]}")
  orf=0; nrf=0
  if [ "$N_REFUSED" -gt 0 ]; then
    orf=$(rate "$N_REFUSED" "$WORK/lic-old.bin" "http://127.0.0.1:$OLD_PORT/elicense.v1.VerificationService/GetLicense")
    nrf=$(rate "$N_REFUSED" "$WORK/lic-new.bin" "http://127.0.0.1:$NEW_PORT/elicense.v1.VerificationService/GetLicense")
  fi
  if [ "$round" -eq 0 ]; then echo "warm-up done"; continue; fi
  echo "round $round: verify baseline $ov current $nv | GetLicense baseline $ol current $nl | refused baseline $orf current $nrf"
  results[vo]+="$ov "; results[vn]+="$nv "; results[lo]+="$ol "; results[ln]+="$nl "; results[ro]+="$orf "; results[rn]+="$nrf "
done
python3 - "${results[vo]}" "${results[vn]}" "${results[lo]}" "${results[ln]}" "${results[ro]}" "${results[rn]}" <<'PY'
import statistics, sys, json
vo, vn, lo, ln, ro, rn = ([float(x) for x in a.split()] for a in sys.argv[1:])
m = {k: statistics.median(v) for k, v in dict(verify_baseline=vo, verify_current=vn, lookup_baseline=lo, lookup_current=ln,
                                               refused_baseline=ro, refused_current=rn).items()}
print(f"VerifyCredential  baseline {m['verify_baseline']:>10,.0f} req/s   with auth+audit {m['verify_current']:>10,.0f} req/s   ratio {m['verify_current']/m['verify_baseline']:.2f}")
print(f"GetLicense (hot)  baseline {m['lookup_baseline']:>10,.0f} req/s   with auth+audit {m['lookup_current']:>10,.0f} req/s   ratio {m['lookup_current']/m['lookup_baseline']:.2f}")
if m['refused_baseline'] > 0:
    print(f"refused (no key)  baseline {m['refused_baseline']:>10,.0f} req/s   current         {m['refused_current']:>10,.0f} req/s   ratio {m['refused_current']/m['refused_baseline']:.2f}")
print(json.dumps(m))
PY
# What the refused floods left in the trail: aggregated, a handful of records per second, not one per call.
echo "current audit trail: $(src/Server/bin/Release/net10.0/ELicense.Server audit verify --Audit:Path="$WORK/audit.db" | head -n 1)"
