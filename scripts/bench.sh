#!/usr/bin/env bash
# make bench: the Go benchmarks plus whole-process CPU of `showcaster live`
# against ffmpeg doing the same 20 s of 720p30 with one overlay.
# Figures go to stdout and to bench-out/; docs/benchmarks.md quotes them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench-out
mkdir -p "$out"
TAGS=${TAGS:-x11}
# Sections to run: go, platform, fuzz, cpu, dest, window (default all).
want=${*:-go platform fuzz cpu dest window}
has() { [[ " $want " == *" $1 "* ]]; }

if has go; then
echo "== Go benchmarks (one core)"
go test -tags "$TAGS" -run '^$' -benchmem -cpu 1 -count 3 \
	-bench 'Compose1080p4Overlays|EncodeX264720p|ComposeEncode720p|AACEncodeSecond' \
	./scene/ ./encode/ ./app/ | tee "$out/go-bench.txt"
fi

if has platform; then
echo "== Platform fan-out and glass-to-glass latency"
go test -tags "$TAGS" -run '^$' -bench 'RelayFanout' -benchtime 1x ./platform/server/ | tee "$out/fanout-relay.txt"
go test -tags "$TAGS" -run '^$' -bench 'EventSockets|WHEPFlood' -benchtime 1x -timeout 20m ./platform/server/ | tee "$out/platform-abuse.txt"
go test -tags "$TAGS" -count=1 -run 'TestViewerFanout' -v -timeout 20m ./e2e/ -args -fanout | tee "$out/fanout.txt"
go test -tags "$TAGS" -count=1 -run 'TestGlassToGlass' -v -timeout 10m ./e2e/ -args -latency -latency.settle 12s -latency.window 20s | tee "$out/latency.txt"
# The same with a sound server (a private PulseAudio with a null sink), as viewers with speakers have,
# then with a 20 ms output latency asked of it (what a typical sound card adds).
go test -tags "$TAGS" -count=1 -run 'TestGlassToGlass' -v -timeout 10m ./e2e/ -args -latency -latency.pulse -latency.settle 12s -latency.window 20s | tee "$out/latency-pulse.txt"
go test -tags "$TAGS" -count=1 -run 'TestGlassToGlass' -v -timeout 10m ./e2e/ -args -latency -latency.pulse -latency.settle 12s -latency.window 20s -latency.sink-ms 20 | tee "$out/latency-pulse20.txt"
echo "== Co-hosting: a guest's camera to the program, VP8 decode at 720p"
go test -tags "$TAGS" -count=1 -run 'TestGuestToProgramLatency' -v -timeout 10m ./e2e/ -args -latency | tee "$out/guest-latency.txt"
go test -tags "$TAGS" -run '^$' -bench 'DecodeVP8720p' -benchmem -cpu 1 -count 3 ./guest/ | tee "$out/guest-decode.txt"
fi

if has dest; then
echo "== CPU seconds: 20 s of 720p30 to one, two and three RTMP destinations sharing one encode"
scripts/bench-destinations.sh | tee "$out/destinations.txt"
fi

if has window; then
echo "== The studio window idle (preview only) against showcaster live, 20 s each, under Xvfb"
scripts/bench-window.sh 2>/dev/null | tee "$out/window.txt"
fi

if has fuzz; then
echo "== Fuzz targets, a minute each (scripts/fuzz.sh)"
scripts/fuzz.sh | tee "$out/fuzz.txt"
fi

has cpu || exit 0
echo "== CPU seconds: 20 s of 720p30 with one overlay"
data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
./bin/showcaster platform --addr 127.0.0.1:$port --data "$data" --studio-token benchtoken >"$data/platform.log" 2>&1 &
ppid=$!
trap 'kill $ppid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/api/shows" -H 'Authorization: Bearer benchtoken' >/dev/null 2>&1 && break; sleep 0.2; done
show=$(./bin/showcaster shows create --platform "http://127.0.0.1:$port" --token benchtoken \
	--title "基准测试 benchmark" --starts "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" --duration 60m --json | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' | head -1)
sleep 5 # the local platform audits in a few seconds
/usr/bin/time -f '%U %S' -o "$out/live.time" ./bin/showcaster live --platform "http://127.0.0.1:$port" --token benchtoken \
	--show "$show" --source test --size 1280x720 --fps 30 --bitrate 2500k --overlay "拍1号链接 立减20元" --duration 20s >/dev/null
/usr/bin/time -f '%U %S' -o "$out/ffmpeg.time" ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=1280x720:rate=30 -t 20 \
	-vf drawbox=x=0:y=620:w=1280:h=80:color=red@0.6:t=fill -c:v libx264 -preset veryfast -tune zerolatency -b:v 2500k -f null -
read -r lu ls <"$out/live.time"
read -r fu fs <"$out/ffmpeg.time"
awk -v lu="$lu" -v ls="$ls" -v fu="$fu" -v fs="$fs" 'BEGIN {
	l = lu + ls; f = fu + fs
	printf "showcaster live: %.2f CPU s (user %.2f, sys %.2f)\nffmpeg:          %.2f CPU s (user %.2f, sys %.2f)\nratio:           %.2f x\n", l, lu, ls, f, fu, fs, l / f
}' | tee "$out/cpu.txt"
