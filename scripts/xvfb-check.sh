#!/usr/bin/env bash
# A real studio window under Xvfb, on a fresh profile:
#   1. bin/showcaster opens a window titled "Showcaster" whose preview moves;
#   2. a show is created and a trial started from the keyboard (Ctrl+Shift+N, Ctrl+T);
#   3. a comment posted as a viewer on the platform API appears in the comments panel;
#   4. Ctrl+Q closes the window and the process exits cleanly.
# It prints start-up and comment-to-screen timings and, with SCREENSHOT=path,
# saves the window in that state.
#
# Needs: Xvfb, xdotool, imagemagick (import, compare), curl, fonts-wqy-microhei.
# Usage: scripts/xvfb-check.sh [path/to/showcaster]   (default bin/showcaster)
set -euo pipefail

BIN=${1:-bin/showcaster}
LANG_UI=${LANG_UI:-zh_CN}
SCREENSHOT=${SCREENSHOT:-}
for tool in Xvfb xdotool import compare curl; do
	command -v "$tool" >/dev/null || { echo "xvfb-check: $tool is missing (make deps)"; exit 2; }
done
[ -x "$BIN" ] || { echo "xvfb-check: $BIN not built (make build)"; exit 2; }
BIN=$(realpath "$BIN")

WORK=$(mktemp -d)
APP_PID=""
XVFB_PID=""
cleanup() {
	[ -n "$APP_PID" ] && { kill "$APP_PID" 2>/dev/null; wait "$APP_PID" 2>/dev/null; } || true
	[ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${KEEP_LOG:-}" ] && trap 'cp "$WORK/app.log" "$KEEP_LOG" 2>/dev/null; cleanup' EXIT
fail() {
	echo "xvfb-check: FAIL: $*"
	echo "--- studio log"
	grep -v '^ALSA' "$WORK/app.log" | tail -30 || true
	echo "--- Xvfb log"
	tail -10 "$WORK/xvfb.log" 2>/dev/null || true
	[ -n "$APP_PID" ] && ! kill -0 "$APP_PID" 2>/dev/null && { wait "$APP_PID"; echo "--- the studio had exited with status $?"; }
	exit 1
}

# A free display number.
DISP=""
for n in $(seq 90 140); do
	if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then DISP=":$n"; break; fi
done
[ -n "$DISP" ] || fail "no free X display"
Xvfb "$DISP" -screen 0 1400x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=$DISP
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

# Fresh profile: preferences, data and cache all under $WORK.
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_CACHE_HOME=$WORK/home/.cache XDG_DATA_HOME=$WORK/home/.local/share
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
START=$(date +%s%3N)
LANGUAGE=$LANG_UI SHOWCASTER_TRACE_UI=1 "$BIN" >"$WORK/app.log" 2>&1 &
APP_PID=$!

wait_log() { # pattern seconds
	for _ in $(seq $(($2 * 10))); do
		grep -q -- "$1" "$WORK/app.log" && return 0
		kill -0 "$APP_PID" 2>/dev/null || fail "the studio exited while waiting for '$1'"
		sleep 0.1
	done
	return 1
}

# 1. The window and its title.
WIN=""
for _ in $(seq 150); do
	WIN=$(xdotool search --name '^Showcaster$' 2>/dev/null | head -1) && [ -n "$WIN" ] && break
	sleep 0.1
done
[ -n "$WIN" ] || fail "no window titled Showcaster"
[ "$(xdotool getwindowname "$WIN")" = "Showcaster" ] || fail "window title is '$(xdotool getwindowname "$WIN")'"
echo "xvfb-check: window $WIN titled Showcaster"

wait_log "first preview frame" 20 || fail "no preview frame"
FIRST=$(grep -o 'first preview frame [0-9]* ms' "$WORK/app.log" | grep -o '[0-9]*')
echo "xvfb-check: first preview frame ${FIRST} ms after the window's start ($(($(date +%s%3N) - START)) ms wall clock incl. process start)"

# The preview moves: two shots of the preview area half a second apart differ.
# The preview sits in the window's top-left quarter, below the show bar.
sleep 1
import -window "$WIN" -crop 500x200+40+90 "$WORK/a.png"
sleep 0.5
import -window "$WIN" -crop 500x200+40+90 "$WORK/b.png"
DIFF=$(compare -metric AE "$WORK/a.png" "$WORK/b.png" null: 2>&1 || true)
DIFF=${DIFF%% *}
[ "${DIFF%.*}" -gt 50 ] 2>/dev/null || fail "the preview did not move ($DIFF pixels differ)"
echo "xvfb-check: preview moves ($DIFF pixels changed in 0.5 s)"

# 2. A show from the keyboard, then a trial once the platform approves it.
xdotool windowactivate --sync "$WIN" 2>/dev/null || xdotool windowfocus "$WIN"
sleep 0.3
xdotool key --window "$WIN" ctrl+shift+n
sleep 0.8
xdotool type --delay 30 "Xvfb trial"
xdotool key Return
wait_log "viewer link\|Approved\|approved" 1 || true
TRIAL_SENT=""
for _ in $(seq 40); do # the local platform audits in about 3 s
	xdotool key --window "$WIN" ctrl+t
	if wait_log "viewer link: " 2; then TRIAL_SENT=1; break; fi
done
[ -n "$TRIAL_SENT" ] || fail "the trial did not start (no viewer link)"
URL=$(grep -o 'viewer link: .*' "$WORK/app.log" | tail -1 | cut -d' ' -f3)
echo "xvfb-check: trial on air, viewer link $URL"

# 3. A viewer comments through the platform API.
BASE=${URL%%/watch/*}
REST=${URL#*/watch/}
SHOW=${REST%%\?*}
QUERY=""
case "$REST" in *\?*) QUERY="?${REST#*\?}" ;; esac
JAR=$WORK/viewer.cookies
curl -fsS -c "$JAR" -b "$JAR" "$BASE/api/shows/$SHOW/public$QUERY" >/dev/null || fail "viewer page API unreachable"
TEXT="请问1号链接还有货吗?"
SENT=$(date +%s%3N)
curl -fsS -c "$JAR" -b "$JAR" -H 'Content-Type: application/json' \
	-d "{\"text\":\"$TEXT\"}" "$BASE/api/shows/$SHOW/comments$QUERY" >"$WORK/comment.json" || fail "posting the comment failed"
wait_log "comments: 1 on screen" 10 || fail "the comment never reached the panel"
SHOWN=$(grep -o 'comments: 1 on screen, the newest [0-9]* ms' "$WORK/app.log" | head -1 | grep -o '[0-9]* ms')
echo "xvfb-check: comment in the panel ${SHOWN} after it was posted (poll saw it $(($(date +%s%3N) - SENT)) ms after the POST)"

# The preview still moves during the trial.
import -window "$WIN" -crop 500x200+40+90 "$WORK/c.png"
sleep 0.5
import -window "$WIN" -crop 500x200+40+90 "$WORK/d.png"
DIFF=$(compare -metric AE "$WORK/c.png" "$WORK/d.png" null: 2>&1 || true)
DIFF=${DIFF%% *}
[ "${DIFF%.*}" -gt 50 ] 2>/dev/null || fail "the preview froze during the trial"
if [ -n "$SCREENSHOT" ]; then
	# Dress the panel for the picture: more viewers, a held-back comment,
	# and a public and a private answer typed and clicked in the window.
	post() { # jar text
		curl -fsS -c "$1" -b "$1" "$BASE/api/shows/$SHOW/public$QUERY" >/dev/null
		curl -fsS -c "$1" -b "$1" -H 'Content-Type: application/json' -d "{\"text\":\"$2\"}" \
			"$BASE/api/shows/$SHOW/comments$QUERY" >/dev/null || true
	}
	post "$WORK/v2" "主播穿的这件有M码吗"
	post "$WORK/v3" "这是全网最便宜的吗"
	post "$WORK/v2" "红色的好看!"
	sleep 0.5
	eval "$(xdotool getwindowgeometry --shell "$WIN")" # WIDTH, HEIGHT
	xdotool mousemove --window "$WIN" $((WIDTH * 3 / 4)) 133 click 1
	sleep 0.3
	xdotool mousemove --window "$WIN" $((WIDTH - 400)) $((HEIGHT - 141)) click 1
	xdotool type --delay 150 "有的,马上上架"
	xdotool key Return
	sleep 0.8
	xdotool type --delay 150 "私信发你优惠券"
	xdotool mousemove --window "$WIN" $((WIDTH - 55)) $((HEIGHT - 141)) click 1
	sleep 3 # let a few stats reports arrive
	import -window "$WIN" "$SCREENSHOT"
	echo "xvfb-check: screenshot $SCREENSHOT"
fi

# 4. Ctrl+Q: the window closes and the studio shuts down.
# The studio may close the window on the key press, before xdotool sends the
# key releases to it; xdotool then reports BadWindow. That is success, not a
# failure: what counts is that the process exits cleanly below.
kill -0 "$APP_PID" 2>/dev/null || fail "the studio exited before Ctrl+Q"
xdotool key --window "$WIN" ctrl+q 2>"$WORK/xdotool.err" || grep -q BadWindow "$WORK/xdotool.err" || fail "Ctrl+Q could not be sent: $(cat "$WORK/xdotool.err")"
for _ in $(seq 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$APP_PID" 2>/dev/null; then fail "the studio did not exit after Ctrl+Q"; fi
wait "$APP_PID" && RC=0 || RC=$?
APP_PID=""
[ "$RC" = 0 ] || fail "the studio exited with status $RC"
echo "xvfb-check: OK"
