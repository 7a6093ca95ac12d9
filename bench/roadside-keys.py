#!/usr/bin/env python3
"""Keys for elicense-bench roadside, from a seeded SQLite registry: the licence lines of LICENCE_KEYS (the
licences the run draws credentials for) and up to N vehicle records, one a line as BenchKeys reads them:
"plate type VIN vehicle_type valid_until" (vehicle type "-" when not recorded; only vehicles with an
inspection date: a mark carries it). roadside mints its inspection marks from these lines, so each mark
describes the registry's record exactly (as the server's IssueInspectionMark would sign it).
usage: roadside-keys.py REGISTRY_DB LICENCE_KEYS OUT [N=2000]"""
import sqlite3, sys

db_path, licence_keys, out = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
db = sqlite3.connect(db_path)
rows = db.execute('SELECT plate_number, plate_type, vin, vehicle_type, inspection_valid_until FROM vehicles '
                  'WHERE inspection_valid_until IS NOT NULL LIMIT ?', (n,)).fetchall()
with open(out, 'w') as f:
    f.write(open(licence_keys).read())
    for plate, ptype, vin, vtype, until in rows:
        f.write(f"{plate} {ptype:02d} {vin} {vtype or '-'} {until // 10000:04d}-{until // 100 % 100:02d}-{until % 100:02d}\n")
print(f"{len(rows)} vehicle records", file=sys.stderr)
