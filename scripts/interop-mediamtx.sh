#!/usr/bin/env bash
# WHIP interop check against MediaMTX (docs/interop.md).
#
#   scripts/interop-mediamtx.sh /path/to/mediamtx [workdir]
#
# Runs the given mediamtx binary on loopback only, publishes 1280x720@30
# H.264 + Opus to it with `showcaster live --whip`, reads the stream back
# over RTSP with ffmpeg/ffprobe (an independent decoder), then checks that
# stopping sends DELETE and that a MediaMTX restart during the show leads
# to a reconnect. Nothing is downloaded: it needs ffmpeg and ffprobe on
# PATH and bin/showcaster (built here with GOPROXY=off if missing;
# SHOWCASTER=path overrides). Exit status 0 when every check passes.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mtx=${1:?usage: $0 /path/to/mediamtx [workdir]}
[[ -x $mtx ]] || { echo "not executable: $mtx" >&2; exit 2; }
mtx=$(cd "$(dirname "$mtx")" && pwd)/$(basename "$mtx")
work=${2:-$(mktemp -d -t interop-mediamtx.XXXXXX)}
mkdir -p "$work"
sc=${SHOWCASTER:-$root/bin/showcaster}
for t in ffmpeg ffprobe; do
	command -v $t >/dev/null || { echo "$t not found on PATH" >&2; exit 2; }
done
if [[ ! -x $sc ]]; then
	echo "== building $sc (offline)"
	GOPROXY=off GOFLAGS=-mod=mod go build -tags "${TAGS:-x11}" -o "$sc" . || exit 2
fi

WHIP=http://127.0.0.1:8889/mystream/whip
RTSP=rtsp://127.0.0.1:8554/mystream
for port in 8554 8889; do
	if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
		echo "127.0.0.1:$port is already in use; stop what listens there first" >&2
		exit 2
	fi
done

mtx_pid= pub_pid=
cleanup() {
	[[ -n $pub_pid ]] && kill "$pub_pid" 2>/dev/null
	[[ -n $mtx_pid ]] && kill "$mtx_pid" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT

failed=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failed=1; }

# Loopback-only configuration. Keys were renamed over MediaMTX's history
# (protocols -> rtspTransports in v1.11, moq added in v1.19), so the
# variants are tried newest first and the first one the binary accepts is
# kept. Missing keys take MediaMTX's defaults.
config() { # $1 = variant
	cat <<-EOF
	logLevel: debug
	rtspAddress: 127.0.0.1:8554
	rtmp: no
	hls: no
	srt: no
	webrtc: yes
	webrtcAddress: 127.0.0.1:8889
	webrtcLocalUDPAddress: 127.0.0.1:8189
	webrtcIPsFromInterfaces: no
	webrtcAdditionalHosts: [127.0.0.1]
	webrtcICEServers2: []
	paths:
	  all_others:
	EOF
	case $1 in
	new) printf 'rtspTransports: [tcp]\nmoq: no\n' ;;
	mid) printf 'rtspTransports: [tcp]\n' ;;
	old) printf 'protocols: [tcp]\n' ;;
	esac
}

# start_mtx LOG: starts MediaMTX in $work, sets mtx_pid; 1 if it did not come up.
variant=
start_mtx() {
	local log=$1 v
	for v in ${variant:-new mid old}; do
		config "$v" >"$work/mediamtx.yml"
		(cd "$work" && exec "$mtx" mediamtx.yml) >"$log" 2>&1 &
		mtx_pid=$!
		for _ in $(seq 50); do
			grep -q 'WebRTC\] listener opened\|WebRTC\] started\|listener opened on 127.0.0.1:8889' "$log" && break
			kill -0 "$mtx_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$mtx_pid" 2>/dev/null; then
			variant=$v
			return 0
		fi
		wait "$mtx_pid" 2>/dev/null
		mtx_pid=
	done
	echo "MediaMTX did not start; its log:" >&2
	cat "$log" >&2
	return 1
}

stop_mtx() {
	kill "$mtx_pid" 2>/dev/null
	wait "$mtx_pid" 2>/dev/null
	mtx_pid=
}

# wait_state FILE STATE SECONDS [AFTER_LINE]: waits for a stats line with STATE.
wait_state() {
	local f=$1 st=$2 n=$(($3 * 10)) after=${4:-0}
	for _ in $(seq "$n"); do
		tail -n +"$((after + 1))" "$f" 2>/dev/null | grep -q "\"state\":\"$st\"" && return 0
		sleep 0.1
	done
	return 1
}

version=$("$mtx" --help 2>&1 | grep -o 'MediaMTX v[0-9][^ ,]*' | head -1)
echo "== ${version:-MediaMTX (unknown version)}, showcaster $(git -C "$root" describe --always --dirty 2>/dev/null), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
echo "== work dir $work"

start_mtx "$work/mediamtx-1.log" || exit 1
echo "== MediaMTX config variant: $variant"

echo "== 1. publish 25 s and read it back over RTSP"
"$sc" live --whip "$WHIP" --source test --size 1280x720 --fps 30 --bitrate 2500k \
	--duration 25s --stats-json >"$work/publish-1.jsonl" 2>"$work/publish-1.err" &
pub_pid=$!
if wait_state "$work/publish-1.jsonl" live 20; then
	pass "publisher is live"
else
	fail "publisher not live after 20 s: $(tail -3 "$work/publish-1.err")"
fi
sleep 2
ffprobe -v error -rtsp_transport tcp -i "$RTSP" \
	-show_entries stream=codec_type,codec_name,profile,level,width,height,pix_fmt,sample_rate,channels \
	-of default=noprint_wrappers=0 >"$work/ffprobe.txt" 2>&1
cat "$work/ffprobe.txt"
if grep -q '^codec_name=h264' "$work/ffprobe.txt" && grep -q '^width=1280' "$work/ffprobe.txt" &&
	grep -q '^height=720' "$work/ffprobe.txt"; then
	pass "ffprobe: h264 1280x720"
else
	fail "ffprobe: no h264 1280x720 video"
fi
if grep -q '^codec_name=opus' "$work/ffprobe.txt"; then
	pass "ffprobe: opus audio"
else
	fail "ffprobe: no opus audio"
fi
rm -f "$work/frame.png"
timeout 30 ffmpeg -nostdin -v error -rtsp_transport tcp -i "$RTSP" -frames:v 1 -y "$work/frame.png"
size=$(ffprobe -v error -show_entries stream=width,height -of csv=p=0:s=x "$work/frame.png" 2>/dev/null)
if [[ $size == 1280x720 ]]; then
	pass "decoded a frame: $work/frame.png ($size)"
else
	fail "no decodable frame (got '${size}')"
fi
timeout 40 ffmpeg -nostdin -rtsp_transport tcp -i "$RTSP" -t 8 -f null - >"$work/ffmpeg-decode.log" 2>&1
frames=$(tr '\r' '\n' <"$work/ffmpeg-decode.log" | grep -o 'frame= *[0-9]*' | tail -1 | tr -dc 0-9)
derr=$(grep -ci 'error while decoding\|corrupt\|concealing' "$work/ffmpeg-decode.log")
if ((${frames:-0} >= 120 && derr == 0)); then
	pass "ffmpeg decoded $frames video frames in 8 s, no decode errors"
else
	fail "ffmpeg decoded ${frames:-0} video frames in 8 s with $derr decode errors ($work/ffmpeg-decode.log)"
fi
wait "$pub_pid"
rc=$?
pub_pid=
if ((rc == 0)); then pass "showcaster live exited 0"; else fail "showcaster live exited $rc: $(grep -v x264 "$work/publish-1.err" | tail -2)"; fi
sleep 0.5
if grep -q 'DELETE /mystream/whip/' "$work/mediamtx-1.log" &&
	grep -A10 'DELETE /mystream/whip/' "$work/mediamtx-1.log" | grep -q '200 OK' &&
	grep -q 'closed: terminated' "$work/mediamtx-1.log"; then
	pass "stop sent DELETE to the session URL; MediaMTX answered 200 and closed the session"
else
	fail "no DELETE / session close in $work/mediamtx-1.log"
fi

echo "== 2. MediaMTX restart during the show"
"$sc" live --whip "$WHIP" --source test --size 1280x720 --fps 30 --bitrate 2500k \
	--duration 40s --stats-json >"$work/publish-2.jsonl" 2>"$work/publish-2.err" &
pub_pid=$!
wait_state "$work/publish-2.jsonl" live 20 || fail "publisher not live after 20 s"
sleep 3
stop_mtx
echo "   MediaMTX stopped at $(date +%T)"
if wait_state "$work/publish-2.jsonl" reconnecting 15; then
	pass "stats went to reconnecting"
else
	fail "stats never went to reconnecting"
fi
mark=$(grep -n '"state":"reconnecting"' "$work/publish-2.jsonl" | head -1 | cut -d: -f1)
sleep 3
start_mtx "$work/mediamtx-2.log" || exit 1
echo "   MediaMTX restarted at $(date +%T)"
if wait_state "$work/publish-2.jsonl" live 30 "${mark:-0}"; then
	pass "stats back to live after the restart"
else
	fail "stats not back to live 30 s after the restart"
fi
if grep -q 'reconnect attempt' "$work/publish-2.err"; then
	pass "stderr: $(grep -c 'reconnect attempt' "$work/publish-2.err") reconnect attempt line(s)"
	grep 'reconnect attempt' "$work/publish-2.err" | sed 's/^/      /'
else
	fail "no reconnect attempt on stderr"
fi
sleep 4
if ffprobe -v error -rtsp_transport tcp -i "$RTSP" -show_entries stream=codec_name,width,height \
	-of csv=p=0 2>&1 | grep -q '^h264,1280,720'; then
	pass "after the reconnect, RTSP readers get h264 1280x720 again"
else
	fail "no h264 1280x720 over RTSP after the reconnect"
fi
wait "$pub_pid"
rc=$?
pub_pid=
if ((rc == 0)); then pass "showcaster live exited 0"; else fail "showcaster live exited $rc"; fi
grep -q 'closed: terminated' "$work/mediamtx-2.log" && pass "the reconnected session was closed by DELETE" ||
	fail "the reconnected session was not closed by DELETE"

echo "== logs and frame in $work"
if ((failed)); then
	echo "RESULT: FAIL"
	exit 1
fi
echo "RESULT: PASS"
