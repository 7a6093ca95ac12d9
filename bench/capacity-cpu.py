#!/usr/bin/env python3
"""bench/capacity.sh's CPU per call: charges the samples bench/engines-sampler.py wrote (clock ticks, 1/100 s,
every 100 ms) over one elicense-bench run's measured window (from its JSON report) plus the second after it
(the audit subject index's pass), so that minting credentials before a verify run is not charged to it.
Arguments: cpu.txt report.json name engine (postgres: the sampler's second and third columns; sqlite: its first)
wal-bytes commits (PostgreSQL's, over the whole run)
Prints one line: name, server and PostgreSQL-cluster µs per call, calls, req/s, errors, p99, WAL and commits."""
import bisect, json, sys

cpu, report_file, name, engine = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
pg = engine == 'postgres'
wal, commits = int(sys.argv[5]), int(sys.argv[6])
samples = [tuple(map(int, line.split())) for line in open(cpu) if len(line.split()) == 4]
times = [s[0] for s in samples]


def at(ms, col):
    """Ticks of a column at ms, interpolated between the samples around it."""
    i = min(max(bisect.bisect_left(times, ms), 1), len(samples) - 1)
    (t0, *a), (t1, *b) = samples[i - 1], samples[i]
    share = 0 if t1 == t0 else min(max((ms - t0) / (t1 - t0), 0), 1)
    return a[col] + (b[col] - a[col]) * share


report = json.load(open(report_file))
start, end = report['window']['fromUnixMs'], report['window']['toUnixMs'] + 1000
calls = max(report['requests']['completed'], 1)
us = lambda col: (at(end, col) - at(start, col)) * 10000 / calls
label = f'cpu {name} µs/call: server' + (', postgres cluster' if pg else '')
print(f"{label:<58} {us(1 if pg else 0):.0f}" + (f" {us(2):.0f}" if pg else '')
      + f"  ({calls} calls, {report['throughput']:.0f} req/s, {report['requests']['errors']} errors,"
      f" p99 {report['latencyMs']['p99']:.1f} ms" + (f"; WAL {wal / calls:.0f} B/call, {commits / calls:.3f} commits/call)" if pg else ')'))
