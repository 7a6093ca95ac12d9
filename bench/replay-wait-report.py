#!/usr/bin/env python3
"""bench/replay-wait.sh's report: per WaitReplicas setting and concurrency, medians over the measured rounds
(round 0 is the warm-up). Arguments: WORK ROUNDS CONCURRENCY...

The masters' EVALSHA count is not the claims: both servers' heartbeats probe all 64 buckets every 250 ms,
whatever the load. So claims per WAIT is the run's verifications (the measured window's and the warm-up's:
one claim each, fresh credentials) over its WAITs. The EVALSHAs beyond those claims are the probes; Redis time
per claim script takes them off at the µs per probe of an idle interval (idle.txt, before the rounds). Not at
the idle rate: under load the heartbeat loop runs slower than every 250 ms (a tried run left no claims).
Probes under load cost more than idle ones, so the per-claim-script and per-verification µs are upper bounds."""
import bisect, json, statistics, sys

work, rounds, concurrencies = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
samples = [tuple(map(int, line.split())) for line in open(f'{work}/cpu.txt') if len(line.split()) == 5]
times = [s[0] for s in samples]
idle_ms, idle_calls, idle_us, *_ = map(int, open(f'{work}/idle.txt').read().split())
redis = {}
for line in open(f'{work}/redis.txt'):
    w, c, rnd, *counts = line.split()  # elapsed ms, EVALSHA calls, µs, WAIT calls, µs
    redis[(w, c, rnd)] = tuple(map(int, counts))


def at(ms, col):
    i = min(max(bisect.bisect_left(times, ms), 1), len(samples) - 1)
    (t0, *a), (t1, *b) = samples[i - 1], samples[i]
    share = 0 if t1 == t0 else min(max((ms - t0) / (t1 - t0), 0), 1)
    return a[col] + (b[col] - a[col]) * share


out = {'idle_evalsha_per_s': idle_calls * 1000 / max(idle_ms, 1)}
print(f"idle: {out['idle_evalsha_per_s']:,.0f} EVALSHA/s (both servers' heartbeats and probes, no load), "
      f"{idle_us / max(idle_calls, 1):.1f} µs each")
for c in concurrencies:
    print(f'verify, {c} callers, medians of {rounds} rounds:')
    for w in ('0', '1'):
        runs = []
        for rnd in range(1, rounds + 1):
            r = json.load(open(f'{work}/w{w}-c{c}-{rnd}.json'))
            start, end = r['window']['fromUnixMs'], r['window']['toUnixMs']
            calls = max(r['requests']['completed'], 1)
            claims = r['requests']['completed'] + r['requests']['warmup']  # every verification the stats saw
            elapsed, ev_calls, ev_us, wait_calls, wait_us = redis[(w, c, str(rnd))]
            probes = max(ev_calls - claims, 0)
            claim_us = max(ev_us - probes * idle_us / max(idle_calls, 1), 0)
            runs.append({'rps': r['throughput'], 'p50': r['latencyMs']['p50'], 'p99': r['latencyMs']['p99'],
                         'errors': r['requests']['errors'],
                         'server_us': (at(end, int(w)) - at(start, int(w))) * 10000 / calls,
                         'redis_us': (at(end, 2) - at(start, 2)) * 10000 / calls,  # Redis processes' CPU, all 6
                         'script_us': claim_us / max(claims, 1), 'wait_us': wait_us / max(wait_calls, 1),
                         'redis_cmd_us': (claim_us + wait_us) / max(claims, 1),  # commandstats per verification
                         'claims_per_wait': claims / wait_calls if wait_calls else 0.0,
                         'scripts_per_wait': ev_calls / wait_calls if wait_calls else 0.0,  # probes included
                         'evalsha_per_verify': ev_calls / max(claims, 1), 'elapsed_ms': elapsed, 'waits': wait_calls})
        m = {k: (sum if k in ('errors', 'waits') else statistics.median)(x[k] for x in runs) for k in runs[0]}
        out[f'wait{w}-c{c}'] = m | {'rounds_rps': [round(x['rps']) for x in runs]}
        waits = f"  WAIT {m['wait_us']:.1f} µs Redis, {m['claims_per_wait']:.1f} claims/WAIT" if w == '1' else ''
        print(f"  WaitReplicas={w}  {m['rps']:>7,.0f} verifies/s  p50 {m['p50']:6.2f} ms  p99 {m['p99']:6.2f} ms  errors {m['errors']}"
              f"  CPU µs/verify: server {m['server_us']:5.0f}  redis {m['redis_us']:4.0f}"
              f"  Redis µs/verify (commandstats) {m['redis_cmd_us']:.1f}, per claim script {m['script_us']:.1f}{waits}"
              f"  (rounds {out[f'wait{w}-c{c}']['rounds_rps']}/s)")
# Below 1 would mean a claim without its EVALSHA (the estimates above assume one per verification).
print('EVALSHA per verification (the claim, and the probes beyond it): '
      + ', '.join(f"{k} {v['evalsha_per_verify']:.2f}" for k, v in out.items() if k != 'idle_evalsha_per_s'))
print(json.dumps(out))
