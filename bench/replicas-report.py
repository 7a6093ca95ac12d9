#!/usr/bin/env python3
"""bench/replicas.sh's report: per workload and configuration, medians over the measured rounds (round 0 is
the warm-up) of calls/s, p50, p99 and CPU per call in each run's measured window plus the second after it
(the load generator's: the window alone, it exits after it). Arguments: WORK ROUNDS WORKLOAD..."""
import bisect, json, statistics, sys

work, rounds, workloads = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
samples = [tuple(map(int, line.split())) for line in open(f'{work}/cpu.txt') if len(line.split()) == 5]
times = [s[0] for s in samples]
GROUPS = ['servers', 'redis', 'postgres', 'client']


def at(ms, col):
    """Ticks of a column at ms, interpolated between the samples around it."""
    i = min(max(bisect.bisect_left(times, ms), 1), len(samples) - 1)
    (t0, *a), (t1, *b) = samples[i - 1], samples[i]
    share = 0 if t1 == t0 else min(max((ms - t0) / (t1 - t0), 0), 1)
    return a[col] + (b[col] - a[col]) * share


out = {}
for workload in workloads:
    print(f'{workload}: medians of {rounds} rounds')
    for config in ('one', 'three'):
        runs = []
        for rnd in range(1, rounds + 1):
            r = json.load(open(f'{work}/{workload}-{config}-{rnd}.json'))
            start, end = r['window']['fromUnixMs'], r['window']['toUnixMs']
            calls = max(r['requests']['completed'], 1)
            run = {'rps': r['throughput'], 'p50': r['latencyMs']['p50'], 'p99': r['latencyMs']['p99'],
                   'errors': r['requests']['errors']}
            for col, name in enumerate(GROUPS):
                stop = end if name == 'client' else end + 1000
                run[name + '_us'] = (at(stop, col) - at(start, col)) * 10000 / calls
            run['cores'] = sum(at(end, c) - at(start, c) for c in range(4)) / ((end - start) / 10)  # cores busy
            runs.append(run)
        m = {k: (sum if k == 'errors' else statistics.median)(x[k] for x in runs) for k in runs[0]}
        out[f'{workload}-{config}'] = m | {'rounds_rps': [round(x['rps']) for x in runs]}
        print(f"  {config:<5} {m['rps']:>8,.0f} calls/s  p50 {m['p50']:6.2f} ms  p99 {m['p99']:6.2f} ms  errors {m['errors']}"
              f"  CPU µs/call: servers {m['servers_us']:5.0f}  redis {m['redis_us']:4.0f}  postgres {m['postgres_us']:4.0f}"
              f"  client {m['client_us']:4.0f}  ({m['cores']:.2f} cores busy; rounds {out[f'{workload}-{config}']['rounds_rps']} calls/s)")
print(json.dumps(out))
