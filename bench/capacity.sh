#!/usr/bin/env bash
# The per-unit figures docs/capacity.md scales up to the national shape, measured on this machine:
#   PostgreSQL   bytes per licence with its vehicles and violations, tables and indexes
#                (pg_total_relation_size per table after a seed), and per row of each table
#   SQLite       the registry file's bytes per licence (the same seed)
#   Redis        bytes per cached licence and per cached vehicle: used_memory's growth divided by the
#                entries the server wrote (lookups through elicense-bench), and MEMORY USAGE of a sample
#                of those real entries (with the value's length)
#   audit        bytes per record on PostgreSQL (the chain's blocks, then with the subject index) and in
#                SQLite (the trail's file and its subject index), after the runs below
#   CPU          server CPU per call (and the PostgreSQL cluster's) for a cache-hot GetLicense, a cold one
#                (a registry read), a vehicle lookup and VerifyCredential, with WAL bytes and commits per
#                call (what the disk sees; commits are pg_stat_database.xact_commit, read-only ones included)
# One throwaway PostgreSQL (scripts/pg-throwaway.sh, fsync on), one redis-server, one server on it at a
# time; everything on loopback, everything stopped by its own pid (or data directory) on exit and Ctrl+C.
#   LICENSES (50000)  CACHED (5000, distinct licences and plates looked up)  HOT_COUNT (10000)
#   VERIFY_COUNT (3000)  BUILD=0 uses the Release binaries already built (src/Server, src/Bench)
# About a minute on an idle 2-core machine with the defaults (5 min with a load average of 40). Needs redis-server, python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
LICENSES=${LICENSES:-50000} CACHED=${CACHED:-5000} HOT_COUNT=${HOT_COUNT:-10000} VERIFY_COUNT=${VERIFY_COUNT:-3000}
for tool in redis-server redis-cli python3 curl; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install redis-server python3 curl)"; exit 2; }; done
[ "$CACHED" -le "$LICENSES" ] || { echo "CACHED ($CACHED) must not exceed LICENSES ($LICENSES)"; exit 2; }
WORK=$(mktemp -d /tmp/elicense-capacity-XXXXXX)
source scripts/pg-throwaway.sh
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pg_stop
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ]; then
    mkdir -p "$WORK.logs" && find "$WORK" -maxdepth 2 \( -name '*.log' -o -name '*.txt' \) -exec cp -t "$WORK.logs" {} + 2>/dev/null
    echo "logs kept in $WORK.logs" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { printf '== %s\n' "$*" >&2; }
out() { printf '%-58s %s\n' "$1" "$2"; }  # one measured figure a line: what, value

[ "${BUILD:-1}" = 0 ] || { step "building (Release)"; dotnet build ELicense.slnx -c Release --nologo -v quiet > "$WORK/build.log" 2>&1 \
  || { grep -E 'error' "$WORK/build.log" | sort -u | head; exit 1; }; }
SERVER=$PWD/src/Server/bin/Release/net10.0/ELicense.Server
BENCH=(dotnet "$PWD/src/Bench/bin/Release/net10.0/elicense-bench.dll")
pg_start
PG_DB=$(pg_createdb elicense)
psql_at() { pg_psql -d elicense -At -F ' ' -c "$1"; }
mkdir -p "$WORK/pg" "$WORK/sqlite"

step "seeding $LICENSES licences into PostgreSQL and into SQLite (the same seed and day)"
TODAY=$(TZ=Asia/Shanghai date +%F)
(cd "$WORK/pg" && "$SERVER" seed --licenses "$LICENSES" --today "$TODAY" --Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB" --force) > "$WORK/seed-pg.log" 2>&1 \
  || { cat "$WORK/seed-pg.log"; exit 1; }
(cd "$WORK/sqlite" && "$SERVER" seed --licenses "$LICENSES" --today "$TODAY" --Registry:Path=registry.db --force) > "$WORK/seed-sqlite.log" 2>&1 \
  || { cat "$WORK/seed-sqlite.log"; exit 1; }
pg_psql -d elicense -c "VACUUM ANALYZE" >/dev/null  # settled sizes: visibility map and statistics, as a live database has them

echo "# bench/capacity.sh, $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), LICENSES=$LICENSES"
read -r n_lic n_veh n_vio <<< "$(psql_at "SELECT (SELECT count(*) FROM registry.licenses), (SELECT count(*) FROM registry.vehicles), (SELECT count(*) FROM registry.violations)")"
out "rows: licences vehicles violations" "$n_lic $n_veh $n_vio"
[ "$n_lic" = "$LICENSES" ] || { echo "registry.licenses holds $n_lic licences, not $LICENSES: this build did not seed PostgreSQL"; exit 1; }
while read -r table rows heap indexes total; do
  out "postgres registry.$table bytes/row (heap+toast, indexes, total)" "$((heap / (rows > 0 ? rows : 1))) $((indexes / (rows > 0 ? rows : 1))) $((total / (rows > 0 ? rows : 1)))  ($rows rows, $total bytes)"
done < <(psql_at "SELECT c.relname, (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM registry.' || c.relname, false, true, '')))[1]::text::bigint,
  pg_table_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'registry' AND c.relkind = 'r'
  AND c.relname IN ('licenses', 'vehicles', 'violations') ORDER BY 5 DESC")  # the rest are a few fixed pages
registry_bytes=$(psql_at "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'registry' AND c.relkind = 'r'")
out "postgres registry bytes per licence (all tables, indexes)" "$((registry_bytes / n_lic))  ($registry_bytes bytes; per licence $(python3 -c "print(f'{$n_veh/$n_lic:.2f} vehicles, {$n_vio/$n_lic:.2f} violations')"))"
sqlite_bytes=$(stat -c %s "$WORK/sqlite/registry.db")
out "sqlite registry file bytes per licence" "$((sqlite_bytes / n_lic))  ($sqlite_bytes bytes)"

# Keys: CACHED distinct licences and plates, in a random order; one licence for the hot load, 100 for verify.
psql_at "SELECT license_number FROM registry.licenses ORDER BY md5(license_number) LIMIT $CACHED" > "$WORK/keys-licences.txt"
psql_at "SELECT plate_number || ' ' || lpad(plate_type::text, 2, '0') FROM registry.vehicles ORDER BY md5(plate_number) LIMIT $CACHED" > "$WORK/keys-plates.txt"
head -n 1 "$WORK/keys-licences.txt" > "$WORK/keys-hot.txt"
tail -n 100 "$WORK/keys-licences.txt" > "$WORK/keys-verify.txt"
# Warm-up keys, none of them among the measured: the first calls of a fresh server pay for JIT and pools.
psql_at "SELECT license_number FROM registry.licenses ORDER BY md5(license_number) DESC LIMIT 500" > "$WORK/keys-warm.txt"
psql_at "SELECT plate_number || ' ' || lpad(plate_type::text, 2, '0') FROM registry.vehicles ORDER BY md5(plate_number) DESC LIMIT 500" >> "$WORK/keys-warm.txt"

REDIS_PORT=$(pg_free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$WORK/redis.log" 2>&1 & pids+=($!)
rc() { redis-cli -p "$REDIS_PORT" "$@"; }
for _ in $(seq 50); do rc ping >/dev/null 2>&1 && break; sleep 0.1; done
start() { # label engine-arguments...: prints nothing; sets SPID and SPORT
  local label=$1; shift
  SPORT=$(pg_free_port)
  (cd "$WORK/$label" && exec "$SERVER" --urls "http://127.0.0.1:$SPORT" "$@" \
    --Redis:Configuration="127.0.0.1:$REDIS_PORT" --Redis:KeyPrefix="$label:" --Metrics:Url= --Logging:LogLevel:Default=Warning \
    --Auth:Clients:0:Id=bench-officer --Auth:Clients:0:Key=bench-officer-key-0001 --Auth:Clients:0:Roles:0=officer --Auth:Clients:0:RateLimit=100000000 \
    --Auth:Clients:1:Id=bench-registry --Auth:Clients:1:Key=bench-registry-key-0001 --Auth:Clients:1:Roles:0=registry --Auth:Clients:1:RateLimit=100000000) \
    > "$WORK/$label.log" 2>&1 &
  SPID=$!; pids+=("$SPID")
  local _i
  for _i in $(seq 1 300); do
    curl -sf -m 2 --http2-prior-knowledge -o /dev/null -X POST -H content-type:application/grpc -H te:trailers \
      --data-binary @/dev/null "http://127.0.0.1:$SPORT/grpc.health.v1.Health/Check" && return 0
    kill -0 "$SPID" 2>/dev/null || break; sleep 0.1
  done
  echo "the $label server did not start:"; cat "$WORK/$label.log"; exit 1
}
export ELICENSE_API_KEY=bench-officer-key-0001 ELICENSE_REGISTRY_API_KEY=bench-registry-key-0001
used_memory() { rc info memory | awk -F: '/^used_memory:/ {print $2 + 0}'; }
keys_like() { rc --scan --pattern "$1" | wc -l; }
pg_counters() { psql_at "SELECT pg_current_wal_lsn() - '0/0', (SELECT xact_commit FROM pg_stat_database WHERE datname = 'elicense')"; }
# sample ENGINE PID: bench/engines-sampler.py on this server (and the PostgreSQL cluster) until it stops.
sample() {
  if [ "$1" = postgres ]; then python3 bench/engines-sampler.py "$WORK/cpu-$1.txt" 0 "$2" "$PG_DIR/postmaster.pid" &
  else python3 bench/engines-sampler.py "$WORK/cpu-$1.txt" "$2" 0 none & fi
  pids+=($!)
}
# warm ENGINE: an unmeasured mix over the warm-up keys (JIT, connection pools, the first Redis connections).
warm() {
  "${BENCH[@]}" --mix license=45,vehicle=45,verify=10 --keys "$WORK/keys-warm.txt" --concurrency 16 --count 3000 --warmup 0 \
    --connections 4 --server "http://127.0.0.1:$SPORT" --quiet > "$WORK/warm-$1.txt" 2>&1 || { cat "$WORK/warm-$1.txt"; exit 1; }
}
# measure NAME ENGINE bench-arguments...: one elicense-bench run; prints CPU per call in its measured window
# (bench/capacity-cpu.py) and, on PostgreSQL, WAL bytes and commits per call over the whole run (for verify
# that includes minting its credentials: an upper bound).
measure() {
  local name=$1 engine=$2 w0 x0 w1 x1; shift 2
  read -r w0 x0 <<< "$(pg_counters)"
  "${BENCH[@]}" "$@" --connections 4 --warmup 0 --server "http://127.0.0.1:$SPORT" --quiet --json "$WORK/$name.json" > "$WORK/$name.txt" 2>&1 \
    || { cat "$WORK/$name.txt"; exit 1; }
  sleep 1.5  # the second after the window is charged to the run (the subject index's pass)
  read -r w1 x1 <<< "$(pg_counters)"
  python3 bench/capacity-cpu.py "$WORK/cpu-$engine.txt" "$WORK/$name.json" "$name" "$engine" \
    "$(python3 -c "print(int(float('$w1') - float('$w0')))")" "$((x1 - x0))"
}

step "PostgreSQL server: $CACHED distinct licences, then $CACHED plates, looked up (the entries it writes to Redis)"
start pg --Registry:Provider=Postgres --Registry:ConnectionString="$PG_DB" --Audit:Provider=Postgres --Audit:ConnectionString="$PG_DB"
PG_SERVER=$SPID
sample postgres "$PG_SERVER"
warm postgres
rc memory purge >/dev/null
l0=$(keys_like 'pg:lic:*') v0=$(keys_like 'pg:veh:*') m0=$(used_memory)
# Uniform draws, two per key: about 86 % of the keys get read (so 43 % of the calls are first reads, the
# rest cache hits); the entries are counted in Redis, not assumed.
measure cold-license postgres license --keys "$WORK/keys-licences.txt" --skew uniform --concurrency 16 --count $((CACHED * 2))
n_lic_cached=$(( $(keys_like 'pg:lic:*') - l0 )); m1=$(used_memory)
measure vehicle postgres vehicle --keys "$WORK/keys-plates.txt" --skew uniform --concurrency 16 --count $((CACHED * 2))
n_veh_cached=$(( $(keys_like 'pg:veh:*') - v0 )); m2=$(used_memory)
out "cold-license, vehicle: share of calls that were first reads" "$((100 * n_lic_cached / (CACHED * 2))) % $((100 * n_veh_cached / (CACHED * 2))) %"
out "redis used_memory growth per cached licence" "$(( (m1 - m0) / (n_lic_cached > 0 ? n_lic_cached : 1) ))  ($n_lic_cached entries, $((m1 - m0)) bytes)"
out "redis used_memory growth per cached vehicle" "$(( (m2 - m1) / (n_veh_cached > 0 ? n_veh_cached : 1) ))  ($n_veh_cached entries, $((m2 - m1)) bytes)"
for kind in lic veh; do
  rc --scan --pattern "pg:$kind:*" > "$WORK/all-$kind.txt"  # whole, then cut: head on the pipe would SIGPIPE redis-cli
  [ -s "$WORK/all-$kind.txt" ] || { echo "no pg:$kind:* entries in Redis: did the server cache under another key?"; exit 1; }
  head -n 200 "$WORK/all-$kind.txt" > "$WORK/sample-$kind.txt"
  usage=$(sed 's/.*/MEMORY USAGE & SAMPLES 0/' "$WORK/sample-$kind.txt" | rc | awk '{s += $1; n++} END {printf "%.0f", s / n}')
  length=$(sed 's/.*/STRLEN &/' "$WORK/sample-$kind.txt" | rc | awk '{s += $1; n++} END {printf "%.0f", s / n}')
  out "redis MEMORY USAGE per $kind entry (mean of 200), value bytes" "$usage $length  (key e.g. $(head -n 1 "$WORK/sample-$kind.txt"))"
done

step "PostgreSQL server: CPU per cache-hot lookup and per verification"
measure hot-license postgres license --keys "$WORK/keys-hot.txt" --concurrency 32 --count "$HOT_COUNT"
measure verify postgres verify --keys "$WORK/keys-verify.txt" --concurrency 32 --count "$VERIFY_COUNT" --credentials "$VERIFY_COUNT"
# The replay claims the verifications left (they live for the credential's lifetime): their size in memory.
rc --scan --pattern 'pg:*rp:*' > "$WORK/all-rp.txt"
if [ -s "$WORK/all-rp.txt" ]; then
  grep -v -e 'epoch' -e 'incomplete' -e 'replicas' -e 'probe' -e 'replid' "$WORK/all-rp.txt" > "$WORK/claims-rp.txt" || true
  head -n 200 "$WORK/claims-rp.txt" > "$WORK/sample-rp.txt"
  usage=$(sed 's/.*/MEMORY USAGE & SAMPLES 0/' "$WORK/sample-rp.txt" | rc | awk '{s += $1; n++} END {printf "%.0f", s / n}')
  out "redis MEMORY USAGE per replay claim (mean of 200)" "$usage  ($(wc -l < "$WORK/all-rp.txt") rp keys after $VERIFY_COUNT verifications)"
fi
sleep 2  # the subject indexer's pass (every second) takes in the last records
read -r records chain index <<< "$(psql_at "SELECT (SELECT record_count FROM audit.head), pg_total_relation_size('audit.block'), pg_total_relation_size('audit.subject_entry')")"
out "audit postgres bytes/record: chain, with subject index" "$((chain / records)) $(((chain + index) / records))  ($records records, $chain + $index bytes)"

step "SQLite server: CPU per cache-hot lookup, and the audit file's bytes per record"
kill "$PG_SERVER"; wait "$PG_SERVER" 2>/dev/null || true
start sqlite --Registry:Path=registry.db --Audit:Path=audit.db
SQ_SERVER=$SPID
sample sqlite "$SQ_SERVER"
warm sqlite
measure hot-license-sqlite sqlite license --keys "$WORK/keys-hot.txt" --concurrency 32 --count "$HOT_COUNT"
measure cold-license-sqlite sqlite license --keys "$WORK/keys-licences.txt" --skew uniform --concurrency 16 --count "$CACHED"
out "cold-license-sqlite: share of calls that were first reads" "$((100 * $(keys_like 'sqlite:lic:*') / CACHED)) %"
sleep 2
kill "$SQ_SERVER"; wait "$SQ_SERVER" 2>/dev/null || true  # a clean stop checkpoints the WAL into the files
records=$(sqlite3 "$WORK/sqlite/audit.db" "SELECT record_count FROM meta")  # the warm-up's records too: the file holds them
file=$(stat -c %s "$WORK/sqlite/audit.db"); subjects=$(cat "$WORK"/sqlite/audit.subjects.db* 2>/dev/null | wc -c)
out "audit sqlite bytes/record: file, with subject index" "$((file / records)) $(((file + subjects) / records))  ($records records, $file + $subjects bytes)"
