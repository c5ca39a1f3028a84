#!/usr/bin/env bash
# Whole-process CPU of `showcaster live` publishing 20 s of 720p30 at
# 2500 kbps to one, two and three RTMP destinations on a local nginx with
# libnginx-mod-rtmp (all at the same bitrate, so they share one encode).
# Only showcaster's own CPU is counted (user + sys, /usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECS:-20}
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cat >"$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process off;
worker_processes 1;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 64; }
rtmp { server { listen 127.0.0.1:$port; application live { live on; } } }
CONF
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
npid=$!
trap 'kill $npid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
run() {
	local n=$1 args=()
	for i in $(seq "$n"); do args+=(--rtmp "rtmp://127.0.0.1:$port/live/bench$i?expire=4102444800&sign=x"); done
	/usr/bin/time -f '%U %S' -o "$dir/t$n" ./bin/showcaster live --source test --size 1280x720 --fps 30 \
		--bitrate 2500k --duration "${secs}s" --stats-json "${args[@]}" >"$dir/s$n.json" 2>"$dir/e$n.log"
	read -r u s <"$dir/t$n"
	fps=$(tail -n 2 "$dir/s$n.json" | head -1 | grep -o '"fps":[0-9.]*' | cut -d: -f2 | tr '\n' ' ')
	awk -v n="$n" -v u="$u" -v s="$s" -v fps="$fps" 'BEGIN { printf "%d destination(s): %.2f CPU s (user %.2f, sys %.2f); fps per output: %s\n", n, u + s, u, s, fps }'
	echo "$u $s" >"$dir/c$n"
}
run 1; run 2; run 3
awk '{ c[NR] = $1 + $2 } END { printf "two / one: %.2f x   three / one: %.2f x\n", c[2] / c[1], c[3] / c[1] }' "$dir/c1" "$dir/c2" "$dir/c3"
