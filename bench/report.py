#!/usr/bin/env python3
"""Turns bench/run.sh's raw results into one table of figures and ratios, printed and written as JSON.

Each load comparison ran ROUNDS times, alternating; the table gives medians. Targets are issue 4's.
"""
import argparse
import json
import os
import re
import statistics
import sys
from datetime import datetime, timezone


def parse_results(path):
    runs = {}
    for line in open(path):
        name, *fields = line.split()
        runs[name] = dict(f.split('=', 1) for f in fields if '=' in f)
    return runs


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--results', required=True)
    p.add_argument('--rounds', type=int, required=True)
    p.add_argument('--licenses', type=int, required=True)
    p.add_argument('--seed-seconds', type=float, required=True)
    p.add_argument('--registry-bytes', type=int, required=True)
    p.add_argument('--micro', nargs='*', default=[])
    p.add_argument('--cpu-samples', required=True)
    p.add_argument('--out', required=True)
    a = p.parse_args()
    runs = parse_results(a.results)
    rounds = range(1, a.rounds + 1)

    def h2(kind, field='rps'):
        return [float(runs[f'r{r}.{kind}'][field]) for r in rounds]

    def ib(name):
        return json.load(open(runs[name]['json']))

    samples = [tuple(map(float, l.split())) for l in open(a.cpu_samples) if len(l.split()) == 2]

    def cpu_at(ms):
        # Server CPU ticks at wall time ms, linear between the two samples around it.
        before = max((s for s in samples if s[0] <= ms), default=samples[0])
        after = min((s for s in samples if s[0] >= ms), default=samples[-1])
        if after[0] == before[0]:
            return before[1]
        return before[1] + (after[1] - before[1]) * (ms - before[0]) / (after[0] - before[0])

    def ib_cpu_us(report):
        # Server CPU µs per answered call inside the run's measured window.
        w = report['window']
        ticks = cpu_at(w['toUnixMs']) - cpu_at(w['fromUnixMs'])
        return ticks * 10000 / max(report['requests']['completed'], 1)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import roadside_report
    side = roadside_report.side_by_side(ib, ib_cpu_us, rounds)

    health = h2('health')
    license_h2 = h2('license')
    verify_h2 = h2('verify')
    verify_cpu = h2('verify', 'cpu_us')
    license_cpu = h2('license', 'cpu_us')
    health_cpu = h2('health', 'cpu_us')
    license_ib = [ib(f'r{r}.ib-license')['throughput'] for r in rounds]
    fresh = ib('verify-fresh')
    fresh_cpu_us = ib_cpu_us(fresh)
    cold = ib('verify-fresh-cold')
    cold_cpu_us = ib_cpu_us(cold)
    license_ib_cpu = [ib_cpu_us(ib(f'r{r}.ib-license')) for r in rounds]
    open_loop = ib('open-loop-license')
    es256_per_s = float(runs['openssl']['verify_per_s'])
    es256_us = 1e6 / es256_per_s
    redis = runs['redis']
    cached = int(redis['cached'])
    redis_per_licence = float(redis['bytes_per_key']) if cached else None

    micro = {}
    for path in a.micro:
        for b in json.load(open(path)).get('Benchmarks', []):
            name = f"{b.get('Type', '')}.{b.get('Method', '')}"
            micro[name] = {
                'mean_ns': (b.get('Statistics') or {}).get('Mean'),
                'median_ns': (b.get('Statistics') or {}).get('Median'),
                'allocated_bytes': (b.get('Memory') or {}).get('BytesAllocatedPerOperation'),
            }

    m = {
        'health_h2load_rps': median(health),
        'license_h2load_rps': median(license_h2),
        'license_inspector_rps': median(license_ib),
        'verify_h2load_rps': median(verify_h2),
        'license_inspector_cpu_us_per_call': median(license_ib_cpu),
        'health_cpu_us_per_call': median(health_cpu),
        'license_cpu_us_per_call': median(license_cpu),
        'verify_repeat_cpu_us_per_call': median(verify_cpu),
        'verify_fresh_rps': fresh['throughput'],
        'verify_fresh_cpu_us_per_call': fresh_cpu_us,
        'verify_fresh_verdicts': fresh['verdicts'],
        'verify_fresh_cold_rps': cold['throughput'],
        'verify_fresh_cold_cpu_us_per_call': cold_cpu_us,
        'verify_fresh_cold_verdicts': cold['verdicts'],
        'es256_verify_us_openssl': es256_us,
        'open_loop_rate_rps': open_loop['throughput'],
        'open_loop_latency_ms': open_loop['latencyMs'],
        'open_loop_errors': open_loop['requests']['errors'],
        'redis_bytes_per_cached_licence': redis_per_licence,
        'redis_cached_licences': cached,
        'registry_mib_per_million_licences': a.registry_bytes / a.licenses * 1e6 / 2**20,
        'verify_vs_roadside': side,
        'seed_seconds': a.seed_seconds,
        'seeded_licences': a.licenses,
        'rounds': a.rounds,
    }
    ratio = lambda x, y: x / y if x and y else None
    targets = [
        ('1. cache-hot GetLicense / Health (h2load)', ratio(m['license_h2load_rps'], m['health_h2load_rps']), '>= 0.80'),
        ('2. VerifyCredential server CPU / ES256 (fresh scans, licence cached)', ratio(m['verify_fresh_cpu_us_per_call'], es256_us), '<= 1.5'),
        ('2. VerifyCredential server CPU / ES256 (repeat scan, h2load)', ratio(m['verify_repeat_cpu_us_per_call'], es256_us), '<= 1.5'),
        ('3. elicense-bench / h2load (cache-hot GetLicense)', ratio(m['license_inspector_rps'], m['license_h2load_rps']), '>= 0.80'),
        ('4. open-loop p99 at half max rate (ms)', open_loop['latencyMs']['p99'], '<= 2'),
    ]

    def met(value, rule):
        if value is None:
            return '?'
        op, limit = rule.split()
        return 'met' if (value >= float(limit) if op == '>=' else value <= float(limit)) else 'NOT met'

    out = sys.stdout
    out.write(f"\nELicense performance — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, medians of {a.rounds} rounds\n\n")
    rows = [
        ('Health/Check, h2load', f"{m['health_h2load_rps']:,.0f} req/s", f"{m['health_cpu_us_per_call']:.1f} µs CPU/call"),
        ('GetLicense cache-hot, h2load', f"{m['license_h2load_rps']:,.0f} req/s", f"{m['license_cpu_us_per_call']:.1f} µs CPU/call"),
        ('GetLicense cache-hot, elicense-bench (closed loop)', f"{m['license_inspector_rps']:,.0f} req/s", f"{median(license_ib_cpu):.1f} µs CPU/call"),
        ('VerifyCredential repeat scan, h2load', f"{m['verify_h2load_rps']:,.0f} req/s", f"{m['verify_repeat_cpu_us_per_call']:.1f} µs CPU/call"),
        ('VerifyCredential fresh scans, licence cached, elicense-bench', f"{m['verify_fresh_rps']:,.0f} req/s", f"{fresh_cpu_us:.1f} µs CPU/call"),
        ('VerifyCredential fresh scans, licence cold, elicense-bench', f"{cold['throughput']:,.0f} req/s", f"{cold_cpu_us:.1f} µs CPU/call"),
        ('ES256 verify, openssl speed (1 core)', f"{es256_per_s:,.0f} /s", f"{es256_us:.1f} µs"),
        (f"Open loop at {m['open_loop_rate_rps']:,.0f} req/s (GetLicense)",
         f"p50 {open_loop['latencyMs']['p50']:.3f} ms", f"p99 {open_loop['latencyMs']['p99']:.3f} ms, max {open_loop['latencyMs']['max']:.1f} ms"),
        ('Redis memory per cached licence', f"{redis_per_licence:,.0f} B" if redis_per_licence else '?', f"{cached:,} licences cached"),
        ('Registry size per million licences', f"{m['registry_mib_per_million_licences']:,.0f} MiB", f"seed of {a.licenses:,}: {a.seed_seconds} s"),
    ]
    width = max(len(r[0]) for r in rows)
    for r in rows:
        out.write(f"  {r[0]:<{width}}  {r[1]:>16}  {r[2]}\n")
    out.write(f"\n  VerifyCredential and CheckRoadside side by side (elicense-bench, closed loop 64, medians of {a.rounds} rounds)\n")
    roadside_report.render(side, out.write)
    if micro:
        out.write('\n  Microbenchmarks (BenchmarkDotNet, short job)\n')
        mw = max(len(k) for k in micro)
        for k, v in sorted(micro.items()):
            mean = v['mean_ns']
            alloc = v['allocated_bytes']
            out.write(f"  {k:<{mw}}  {mean / 1000 if mean else float('nan'):>10.2f} µs  {alloc if alloc is not None else '?':>8} B allocated\n")
    # h2load counts every HTTP 200 as a success; the server's own count says how many were gRPC OK.
    failed_runs = {n: int(r['grpc_failed']) for n, r in runs.items() if int(r.get('grpc_failed', '0')) > 0}
    if failed_runs:
        out.write('\n  Note: calls that ended with a non-OK grpc-status (the req/s of h2load may include them; CPU per call counts OK calls only).\n'
                  '  Up to 512 (the streams in flight) are expected per run: h2load cancels them when its duration ends.\n')
        for n, count in sorted(failed_runs.items()):
            out.write(f"    {n}: {count:,}\n")
    out.write('\n  Targets\n')
    tw = max(len(t[0]) for t in targets)
    for name, value, rule in targets:
        shown = '?' if value is None else f'{value:.2f}'
        out.write(f"  {name:<{tw}}  {shown:>8}  {rule:<8}  {met(value, rule)}\n")

    m['targets'] = [{'target': n, 'value': v, 'rule': r, 'status': met(v, r)} for n, v, r in targets]
    m['microbenchmarks'] = micro
    m['runs'] = runs
    m['grpc_failed_runs'] = failed_runs
    json.dump(m, open(a.out, 'w'), indent=2, default=str)
    out.write(f"\n  written to {a.out}\n")


if __name__ == '__main__':
    main()
