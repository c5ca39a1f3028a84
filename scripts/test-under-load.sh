#!/usr/bin/env bash
# make test N times in a row (default 3) while two busy loops eat the CPU,
# as a loaded laptop or CI machine would; stops at the first failure.
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
( while :; do :; done ) & b1=$!
( while :; do :; done ) & b2=$!
trap 'kill $b1 $b2 2>/dev/null' EXIT
for i in $(seq 1 "$n"); do
	start=$(date +%s)
	if ! make test > "test-under-load-$i.log" 2>&1; then
		echo "run $i: FAIL after $(( $(date +%s) - start )) s (test-under-load-$i.log)"
		exit 1
	fi
	echo "run $i: pass in $(( $(date +%s) - start )) s"
done
