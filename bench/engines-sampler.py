#!/usr/bin/env python3
"""bench/engines.sh's CPU sampler: every 100 ms one line "unix_ms sqlite_ticks postgres_ticks cluster_ticks"
(clock ticks, 1/100 s) for the SQLite server, the PostgreSQL server and the whole PostgreSQL cluster (the
postmaster with the children it has reaped, and its live children). One process reading /proc, so that
sampling costs the measured machine next to nothing. A pid of 0 (an engine not measured) and a missing
postmaster.pid count as 0. Ends when a measured server is gone."""
import sys, time

out, sqlite_pid, postgres_pid, postmaster_file = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
try:
    postmaster = open(postmaster_file).readline().strip()
except FileNotFoundError:
    postmaster = None


def ticks(pid, reaped=False):
    if pid == '0':
        return 0
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    # After the ")" that ends the command name: utime, stime, cutime, cstime are fields 12-15 (0-based 11-14).
    return sum(int(f) for f in fields[11:15 if reaped else 13])


def cluster():
    if postmaster is None:
        return 0
    total = ticks(postmaster, reaped=True)
    for child in open(f'/proc/{postmaster}/task/{postmaster}/children').read().split():
        try:
            total += ticks(child)
        except (FileNotFoundError, ProcessLookupError):
            pass  # exited between the listing and the read: its time is now among the reaped
    return total


with open(out, 'w', buffering=1) as f:
    while True:
        try:
            f.write(f'{int(time.time() * 1000)} {ticks(sqlite_pid)} {ticks(postgres_pid)} {cluster()}\n')
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.1)
