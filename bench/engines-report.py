#!/usr/bin/env python3
"""bench/engines.sh's report: medians over the measured rounds of each engine's runs, side by side, and the
PostgreSQL/SQLite ratios. CPU per call is charged from the 100 ms samples over each run's measured window
(its JSON report's) plus the second after it."""
import bisect, json, math, statistics, sys

work, rounds, cold_count, slice_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
seed_sqlite, seed_pg, licenses, pg_audit = sys.argv[5], sys.argv[6], int(sys.argv[7]), sys.argv[8]
labels = sys.argv[9:]
samples = [tuple(map(int, line.split())) for line in open(f'{work}/cpu.txt') if len(line.split()) == 4]
times = [s[0] for s in samples]


def at(ms, column):
    """Ticks of a column at ms, interpolated between the samples around it."""
    i = min(max(bisect.bisect_left(times, ms), 1), len(samples) - 1)
    (t0, *a), (t1, *b) = samples[i - 1], samples[i]
    share = 0 if t1 == t0 else min(max((ms - t0) / (t1 - t0), 0), 1)
    return a[column] + (b[column] - a[column]) * share


def run(label, load, rnd):
    report = json.load(open(f'{work}/{label}-{load}-{rnd}.json'))
    start, end = report['window']['fromUnixMs'], report['window']['toUnixMs'] + 1000
    calls = max(report['requests']['completed'], 1)
    us = lambda column: (at(end, column) - at(start, column)) * 10000 / calls
    return {'rps': report['throughput'], 'server_us': us(0 if label == 'sqlite' else 1),
            'cluster_us': us(2) if label == 'postgres' else 0.0, 'p50_ms': report['latencyMs']['p50'],
            'p99_ms': report['latencyMs']['p99'], 'errors': report['requests']['errors']}


first_reads = slice_size * (1 - math.exp(-cold_count / slice_size)) / cold_count
titles = {'cold': f'GetLicense cold, uniform ({first_reads:.0%} first reads)', 'hot': 'GetLicense cache-hot, one licence',
          'verify': 'VerifyCredential, fresh credentials'}
out = {'licenses': licenses, 'rounds': rounds, 'seed_seconds': {'sqlite': float(seed_sqlite), 'postgres': float(seed_pg)},
       'postgres_audit': pg_audit}
pg = f'PostgreSQL {seed_pg} s; its audit trail: {pg_audit}' if 'postgres' in labels else 'PostgreSQL not measured'
print(f'engines side by side, medians of {rounds} rounds; {licenses:,} licences (seed: SQLite {seed_sqlite} s, {pg})')
for load, title in titles.items():
    m = {}
    for label in labels:
        runs = [run(label, load, r) for r in range(1, rounds + 1)]
        m[label] = {k: (sum if k == 'errors' else statistics.median)(r[k] for r in runs) for k in runs[0]}
    out[load] = m
    print(f'  {title}')
    if 'sqlite' in m:
        s = m['sqlite']
        print(f"    SQLite      {s['rps']:>9,.0f} req/s  {s['server_us']:6.1f} µs CPU/call"
              f"                          p50 {s['p50_ms']:.2f} ms  p99 {s['p99_ms']:.2f} ms  errors {s['errors']}")
    if 'postgres' in m:
        p = m['postgres']
        print(f"    PostgreSQL  {p['rps']:>9,.0f} req/s  {p['server_us']:6.1f} µs server + {p['cluster_us']:5.1f} µs cluster"
              f"  p50 {p['p50_ms']:.2f} ms  p99 {p['p99_ms']:.2f} ms  errors {p['errors']}")
    if len(m) == 2:
        p_total = p['server_us'] + p['cluster_us']
        out[load].update(ratio_rps=p['rps'] / s['rps'], ratio_cpu=p_total / s['server_us'])
        print(f"    PostgreSQL/SQLite: throughput {p['rps'] / s['rps']:.2f}, CPU per call {p_total / s['server_us']:.2f}"
              f" (server alone {p['server_us'] / s['server_us']:.2f})")
print(json.dumps(out))
