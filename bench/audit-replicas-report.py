#!/usr/bin/env python3
"""bench/audit-replicas.sh's report: per configuration, medians over the measured rounds."""
import collections, json, statistics, sys

work, rounds = sys.argv[1], int(sys.argv[2])
servers = {'sqlite-1': ['s1'], 'postgres-1': ['p1'], 'postgres-2': ['p1', 'p2']}
rows = collections.defaultdict(list)
for line in open(f'{work}/results.txt'):
    config, rnd, _, server_ticks, cluster_ticks, commits, records = line.split()
    if int(rnd) == 0:
        continue
    reports = [json.load(open(f'{work}/{config}-{rnd}-{s}.json')) for s in servers[config]]
    calls = max(sum(r['requests']['completed'] for r in reports), 1)
    rps = sum(r['throughput'] for r in reports)
    commits, records = int(commits), int(records)
    rows[config].append({
        'rps': rps, 'commits_per_s': commits * rps / calls, 'records_per_commit': records / max(commits, 1),
        'server_us': int(server_ticks) * 10000 / calls,
        'cluster_us': int(cluster_ticks) * 10000 / calls if config.startswith('postgres') else 0.0,
        'p50_ms': statistics.mean(r['latencyMs']['p50'] for r in reports),
        'p99_ms': max(r['latencyMs']['p99'] for r in reports),
        'errors': sum(r['requests']['errors'] for r in reports)})
out = {}
print(f'audit commit cost, cache-hot GetLicense, medians of {rounds} rounds:')
for config, runs in rows.items():
    m = {k: (sum if k == 'errors' else statistics.median)(r[k] for r in runs) for k in runs[0]}
    out[config] = m
    cluster = f" + {m['cluster_us']:5.1f} cluster" if config.startswith('postgres') else ' ' * 16
    print(f"  {config:<11} {m['rps']:>9,.0f} calls/s {m['commits_per_s']:>7,.0f} commits/s {m['records_per_commit']:6.1f} records/commit"
          f"  {m['server_us']:6.1f} µs server{cluster} CPU/call  p50 {m['p50_ms']:.2f} ms  p99 {m['p99_ms']:.2f} ms  errors {m['errors']}")
print('audit verify (seconds, first line):')
for line in open(f'{work}/verify.txt'):
    label, seconds, result = (line.rstrip('\n').split(' ', 2) + [''])[:3]
    print(f"  {'sqlite-1' if label == 's1' else 'postgres'}: {seconds} s  {result}")
    out['verify_' + label] = {'seconds': float(seconds), 'result': result}
print(json.dumps(out))
