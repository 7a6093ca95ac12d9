#!/usr/bin/env python3
"""CPU sampler for bench/replicas.sh and bench/replay-wait.sh: every 100 ms one line "unix_ms t1 t2 ..." with
the CPU time (clock ticks, 1/100 s, user + system) of each group named on the command line, until the file
STOP exists. One process reading /proc, so that sampling costs the measured machine next to nothing.
Arguments: OUT STOP GROUP...; a GROUP is a '+'-joined list of:
  PID        that process (0 when it is gone)
  @FILE      the process whose pid FILE holds now (re-read each sample: the load generator of the current
             run); when it is gone, its last reading stays (so a window that ends as it exits is not zeroed)
  pg:FILE    a PostgreSQL cluster by its postmaster.pid: the postmaster with the children it has reaped,
             and its live children
Each window is one run's: pids change between runs, never inside one."""
import os, sys, time

out, stop, groups = sys.argv[1], sys.argv[2], [g.split('+') for g in sys.argv[3:]]
last = {}


def ticks(pid, reaped=False):
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    # After the ")" that ends the command name: utime, stime, cutime, cstime are fields 12-15 (0-based 11-14).
    return sum(int(f) for f in fields[11:15 if reaped else 13])


def cluster(pidfile):
    try:
        postmaster = open(pidfile).readline().strip()
        total = ticks(postmaster, reaped=True)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return 0
    for child in open(f'/proc/{postmaster}/task/{postmaster}/children').read().split():
        try:
            total += ticks(child)
        except (FileNotFoundError, ProcessLookupError):
            pass  # exited between the listing and the read: its time is now among the reaped
    return total


def member(spec):
    if spec.startswith('pg:'):
        return cluster(spec[3:])
    if spec.startswith('@'):
        try:
            pid = open(spec[1:]).read().strip()
            if pid.isdigit():  # empty while the script rewrites the file: keep the last reading
                last[spec] = (pid, ticks(pid))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
        return last.get(spec, ('', 0))[1]
    try:
        return ticks(spec)
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


with open(out, 'w', buffering=1) as f:
    while not os.path.exists(stop):
        f.write(f'{int(time.time() * 1000)} ' + ' '.join(str(sum(member(m) for m in g)) for g in groups) + '\n')
        time.sleep(0.1)
