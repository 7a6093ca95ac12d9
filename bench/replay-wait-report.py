#!/usr/bin/env python3
"""bench/replay-wait.sh's report: per WaitReplicas setting and concurrency, medians over the measured rounds
(round 0 is the warm-up). Arguments: WORK ROUNDS CONCURRENCY..."""
import bisect, json, statistics, sys

work, rounds, concurrencies = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
samples = [tuple(map(int, line.split())) for line in open(f'{work}/cpu.txt') if len(line.split()) == 5]
times = [s[0] for s in samples]
redis = {}
for line in open(f'{work}/redis.txt'):
    w, c, rnd, ev_calls, ev_us, wait_calls, wait_us = line.split()
    redis[(w, c, rnd)] = tuple(map(int, (ev_calls, ev_us, wait_calls, wait_us)))


def at(ms, col):
    i = min(max(bisect.bisect_left(times, ms), 1), len(samples) - 1)
    (t0, *a), (t1, *b) = samples[i - 1], samples[i]
    share = 0 if t1 == t0 else min(max((ms - t0) / (t1 - t0), 0), 1)
    return a[col] + (b[col] - a[col]) * share


out = {}
for c in concurrencies:
    print(f'verify, {c} callers, medians of {rounds} rounds:')
    for w in ('0', '1'):
        runs = []
        for rnd in range(1, rounds + 1):
            r = json.load(open(f'{work}/w{w}-c{c}-{rnd}.json'))
            start, end = r['window']['fromUnixMs'], r['window']['toUnixMs']
            calls = max(r['requests']['completed'], 1)
            ev_calls, ev_us, wait_calls, wait_us = redis[(w, c, str(rnd))]
            runs.append({'rps': r['throughput'], 'p50': r['latencyMs']['p50'], 'p99': r['latencyMs']['p99'],
                         'errors': r['requests']['errors'],
                         'server_us': (at(end, int(w)) - at(start, int(w))) * 10000 / calls,
                         'redis_us': (at(end, 2) - at(start, 2)) * 10000 / calls,
                         'script_us': ev_us / max(ev_calls, 1), 'wait_us': wait_us / max(wait_calls, 1),
                         'claims_per_wait': ev_calls / wait_calls if wait_calls else 0.0, 'waits': wait_calls})
        m = {k: (sum if k in ('errors', 'waits') else statistics.median)(x[k] for x in runs) for k in runs[0]}
        out[f'wait{w}-c{c}'] = m | {'rounds_rps': [round(x['rps']) for x in runs]}
        waits = f"  WAIT {m['wait_us']:.1f} µs Redis, {m['claims_per_wait']:.1f} scripts/WAIT" if w == '1' else ''
        print(f"  WaitReplicas={w}  {m['rps']:>7,.0f} verifies/s  p50 {m['p50']:6.2f} ms  p99 {m['p99']:6.2f} ms  errors {m['errors']}"
              f"  CPU µs/verify: server {m['server_us']:5.0f}  redis {m['redis_us']:4.0f}  EVALSHA {m['script_us']:.1f} µs Redis{waits}"
              f"  (rounds {out[f'wait{w}-c{c}']['rounds_rps']}/s)")
print(json.dumps(out))
