#!/usr/bin/env bash
# The studio window's own cost: bin/showcaster on a fresh profile under Xvfb
# (software GL), idle with the preview only, for 20 s after it settles; then
# `showcaster live` (capture, compose, x264, Opus, WHIP to the local platform)
# over the same 20 s for comparison. CPU seconds from /proc/PID/stat (utime +
# stime) over the window; memory is VmRSS at its end and VmHWM (peak).
# SHOWCASTER_CPUPROFILE=file on the studio writes a pprof CPU profile of the
# run (PROFILE=dir keeps one here: go tool pprof -top bin/showcaster dir/window.pprof).
# Then the same window on air (a trial to its embedded platform).
# SHOWCASTER_TOOLKIT_PREVIEW=1 measures the window with the preview drawn by the
# toolkit (every preview frame repaints the whole window), as before ui/native.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECS:-20}
settle=${SETTLE:-8}
bin=${SHOWCASTER_BIN:-./bin/showcaster}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
tck=$(getconf CLK_TCK)
cpu() { awk -v t="$tck" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
# spent PID: CPU seconds PID uses over $secs seconds after $settle seconds of settling.
spent() {
	sleep "$settle"
	local a b
	a=$(cpu "$1")
	sleep "$secs"
	b=$(cpu "$1")
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }'
}
mem() { awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%.0f MB (peak %.0f MB)", r / 1024, h / 1024 }' "/proc/$1/status"; }

d=$((90 + RANDOM % 100))
Xvfb ":$d" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
sleep 1
home="$tmp/home"
mkdir -p "$home/.cache" "$home/.config"
prof=()
if [[ -n "${PROFILE:-}" ]]; then mkdir -p "$PROFILE"; prof=("SHOWCASTER_CPUPROFILE=$PROFILE/window.pprof"); fi
env DISPLAY=":$d" HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
	XDG_DATA_HOME="$home/.local/share" LIBGL_ALWAYS_SOFTWARE=1 SHOWCASTER_TRACE_UI=1 "${prof[@]}" "$bin" >"$tmp/window.log" 2>&1 &
win=$!
pids+=($win)
idle=$(spent $win)
printf "window idle (preview only), %d s: %s CPU s, %s\n" "$secs" "$idle" "$(mem $win)"
# The studio's trace: frames shown and whole-window repaints over its last 5 s.
grep -o 'preview: .*' "$tmp/window.log" | tail -1 | sed 's/^/  /' || true

# The same window on air: a show planned and a trial started from the
# keyboard, as a host does, publishing to the studio's embedded platform
# (ONAIR=0 skips it).
if [[ "${ONAIR:-1}" != 0 ]] && command -v xdotool >/dev/null; then
	x() { DISPLAY=":$d" xdotool "$@"; }
	w=$(x search --name '^Showcaster$' | head -1)
	x key --window "$w" ctrl+shift+n
	sleep 1
	x type --delay 20 "bench"
	x key Return
	for _ in $(seq 30); do
		x key --window "$w" ctrl+t # refused until the audit approves
		sleep 2
		grep -q 'viewer link: ' "$tmp/window.log" && break
	done
	if grep -q 'viewer link: ' "$tmp/window.log"; then
		air=$(spent $win)
		printf "window on air (trial, 1280x720 30 fps, no viewers), %d s: %s CPU s, %s\n" "$secs" "$air" "$(mem $win)"
		grep -o 'preview: .*' "$tmp/window.log" | tail -1 | sed 's/^/  /' || true
	else
		echo "window on air: the trial did not start (see the studio's log)"
	fi
fi
kill -INT $win 2>/dev/null || true
for _ in $(seq 50); do kill -0 $win 2>/dev/null || break; sleep 0.2; done

port=$((20000 + RANDOM % 20000))
"$bin" platform --addr 127.0.0.1:$port --data "$tmp/platform" --studio-token benchtoken >"$tmp/platform.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/api/shows" -H 'Authorization: Bearer benchtoken' >/dev/null 2>&1 && break; sleep 0.2; done
show=$("$bin" shows create --platform "http://127.0.0.1:$port" --token benchtoken \
	--title "基准测试 benchmark" --starts "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" --duration 60m --json | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' | head -1)
sleep 5 # the local platform audits in a few seconds
"$bin" live --platform "http://127.0.0.1:$port" --token benchtoken --show "$show" --source test \
	--size "${SIZE:-1280x720}" --fps 30 --duration $((secs + settle))s >/dev/null 2>&1 &
live=$!
pids+=($live)
lc=$(spent $live)
printf "showcaster live %s, %d s: %s CPU s, %s\n" "${SIZE:-1280x720}" "$secs" "$lc" "$(mem $live)"
awk -v a="$idle" -v b="$lc" 'BEGIN { printf "window idle / live: %.2f x\n", a / b }'
wait $live 2>/dev/null || true
