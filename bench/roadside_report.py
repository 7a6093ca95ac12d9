#!/usr/bin/env python3
"""VerifyCredential against CheckRoadside, side by side: the figures of bench/roadside.sh and of run.sh's
roadside step. Each round ran one elicense-bench verify run and one roadside run against the same server,
alternating; the table gives medians over the rounds of throughput, p50/p99 latency and server CPU per
call (the server's CPU time inside each run's measured window, from a 100 ms sampler), and roadside's
answers in short (may_drive, the joint outcomes; an INCONSISTENT one is a server bug).
As a script: roadside_report.py --dir DIR --rounds R --cpu-samples FILE [--out FILE]; the runs are
DIR/r<round>.side-verify.json and DIR/r<round>.side-roadside.json."""
import argparse
import json
import statistics


def cpu_reader(samples_path):
    samples = [tuple(map(float, l.split())) for l in open(samples_path) if len(l.split()) == 2]

    def at(ms):
        # Server CPU ticks (1/100 s) at wall time ms, linear between the two samples around it.
        before = max((s for s in samples if s[0] <= ms), default=samples[0])
        after = min((s for s in samples if s[0] >= ms), default=samples[-1])
        if after[0] == before[0]:
            return before[1]
        return before[1] + (after[1] - before[1]) * (ms - before[0]) / (after[0] - before[0])

    def cpu_us(report):
        # Server CPU µs per answered call inside the run's measured window.
        w = report['window']
        return (at(w['toUnixMs']) - at(w['fromUnixMs'])) * 10000 / max(report['requests']['completed'], 1)

    return cpu_us


def side_by_side(load, cpu_us, rounds):
    """Medians per workload; load(name) returns a run's JSON report, name 'r<round>.side-<workload>'."""
    out = {}
    for workload in ('verify', 'roadside'):
        runs = [load(f'r{r}.side-{workload}') for r in rounds]
        out[workload] = {
            'rps': statistics.median(r['throughput'] for r in runs),
            'p50_ms': statistics.median(r['latencyMs']['p50'] for r in runs),
            'p99_ms': statistics.median(r['latencyMs']['p99'] for r in runs),
            'cpu_us_per_call': statistics.median(cpu_us(r) for r in runs),
            'errors': sum(r['requests']['errors'] for r in runs),
            'per_round': [{'rps': r['throughput'], 'p50_ms': r['latencyMs']['p50'], 'p99_ms': r['latencyMs']['p99'],
                           'cpu_us_per_call': cpu_us(r)} for r in runs],
        }
        if workload == 'roadside':
            out[workload]['answers'] = runs[-1]['operations'][0].get('roadside')
            out[workload]['outcomes'] = runs[-1]['operations'][0]['verdicts']
        else:
            out[workload]['verdicts'] = runs[-1]['verdicts']
    v, c = out['verify'], out['roadside']
    out['ratio'] = {'cpu_per_call': c['cpu_us_per_call'] / v['cpu_us_per_call'] if v['cpu_us_per_call'] else None,
                    'rps': c['rps'] / v['rps'] if v['rps'] else None}
    return out


def render(m, write):
    v, c = m['verify'], m['roadside']
    write(f"  {'':<34} {'calls/s':>10} {'p50':>9} {'p99':>9} {'server CPU/call':>16}\n")
    for name, x in (('VerifyCredential (fresh credential)', v), ('CheckRoadside (fresh + mark/plate)', c)):
        write(f"  {name:<34} {x['rps']:>10,.0f} {x['p50_ms']:>7.2f}ms {x['p99_ms']:>7.2f}ms {x['cpu_us_per_call']:>13.1f} µs\n")
    r = m['ratio']
    write(f"  roadside / verify: {r['cpu_per_call']:.2f}× the CPU per call, {r['rps']:.2f}× the throughput\n")
    if c.get('answers'):
        a = c['answers']
        write(f"  roadside answers (last round): may_drive {a['mayDrive']:,}, not {a['mayNotDrive']:,}, inconsistent {a['inconsistent']:,}\n")
        for name, count in sorted(c['outcomes'].items(), key=lambda x: -x[1]):
            write(f"    {count:>8,}  {name}\n")
    if v['errors'] or c['errors']:
        write(f"  ERRORS: verify {v['errors']}, roadside {c['errors']} (see the runs' reports)\n")


def main():
    import sys
    p = argparse.ArgumentParser()
    p.add_argument('--dir', required=True)
    p.add_argument('--rounds', type=int, required=True)
    p.add_argument('--cpu-samples', required=True)
    p.add_argument('--out')
    a = p.parse_args()
    m = side_by_side(lambda name: json.load(open(f'{a.dir}/{name}.json')), cpu_reader(a.cpu_samples), range(1, a.rounds + 1))
    render(m, sys.stdout.write)
    if a.out:
        json.dump(m, open(a.out, 'w'), indent=2, ensure_ascii=False)


if __name__ == '__main__':
    main()
