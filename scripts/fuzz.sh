#!/usr/bin/env bash
# make fuzz: each Go fuzz target for a while (FUZZTIME, default 1m). `make
# test` runs the targets' seed corpora only, as ordinary tests.
set -euo pipefail
cd "$(dirname "$0")/.."
TAGS=${TAGS:-x11}
FUZZTIME=${FUZZTIME:-1m}
targets=(
	"./app/store/ FuzzImportCSV"
	"./app/store/ FuzzParsePrice"
	"./publish/ FuzzParseICEServers"
	"./platform/server/ FuzzCheckOffer"
	"./platform/server/ FuzzParseAfter"
)
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== $name ($pkg, $FUZZTIME)"
	go test -tags "$TAGS" -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" "$pkg"
done
