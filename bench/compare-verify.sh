#!/bin/bash
# Side-by-side microbenchmarks of the verify path for two builds, alternating so both meet the same load.
# usage: bench/compare-verify.sh OLD_TREE [NEW_TREE=.] [ROUNDS=4]
#   Each tree must have bench/Microbenchmarks built in Release (dotnet build bench/Microbenchmarks -c Release).
#   Prints every round's mean (µs) per benchmark, old then new; take medians and ratios from them.
set -euo pipefail
old=$(cd "$1" && pwd); new=$(cd "${2:-.}" && pwd); rounds=${3:-4}
out=$(mktemp -d /tmp/compare-verify.XXXXXX)
run() { # tree label
  (cd "$1" && dotnet bench/Microbenchmarks/bin/Release/net10.0/ELicense.Microbenchmarks.dll \
    --filter '*CredentialBenchmarks.CredentialVerify' '*CredentialBenchmarks.Es256VerifyData' \
             '*VerifyPathBenchmarks.VerifyAsync' '*VerifyPathBenchmarks.VerifyCall' \
    --job short --inProcess --artifacts "$out/$2" > "$out/$2.log" 2>&1)
}
for r in $(seq 1 "$rounds"); do
  run "$old" "old$r"; run "$new" "new$r"
  echo "round $r of $rounds done" >&2
done
for b in CredentialVerify Es256VerifyData VerifyAsync VerifyCall; do
  for side in old new; do
    printf '%-17s %s:' "$b" "$side"
    for r in $(seq 1 "$rounds"); do
      grep -E "^\| *$b " "$out/$side$r.log" | awk -F'|' '{gsub(/ us/,"",$3); printf " %s", $3}'
    done
    echo
  done
done
echo "logs: $out"
