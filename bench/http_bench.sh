#!/usr/bin/env bash
# HTTP throughput benchmark: crosswalk against nginx serving the same bytes.
#
# Prints figures; asserts nothing (exit 0 unless the setup itself fails,
# exit 2 when wrk or nginx is missing). See bench/README.md.
#
# Fairness: both servers get the same number of workers (default: one per
# core, each server's own default) and the same wrk settings. On a 2-core
# machine wrk shares the CPUs with the server under test, so requests/s move
# by 10-20 % from run to run; the server CPU time per request is steadier, and
# PIN=1 WORKERS=1 THREADS=1 (one core for wrk, one for the server) is the
# quietest setting there.
#
# Environment (all optional):
#   CROSSWALK_BIN  binary to benchmark (default: Release build in bench/out/build)
#   DURATION       measured run per target, wrk syntax (default 10s)
#   WARMUP         warm-up run per target (default 2s; 0 skips it)
#   CONNECTIONS    wrk connections (default 32)
#   THREADS        wrk threads (default 2)
#   WORKERS        crosswalk --workers and nginx worker_processes, the same
#                  number for both ("auto": one per core, the default)
#   CROSSWALK_SET  extra config for crosswalk serve, "KEY=VALUE ..." (default none)
#   ROUNDS         repeat the four measured runs; the table shows medians (default 1)
#   PIN            1: wrk on CPU 0, both servers on the other CPUs (taskset);
#                  default 0, everything shares every CPU
#   NGINX          nginx binary (default /usr/sbin/nginx); NGINX_SENDFILE=on
#                  turns nginx's sendfile on (default off, faster for tiny files)
#   KEEP_DATA      1: keep bench/out/data.* and the nginx root after the run
# shellcheck disable=SC2317 # functions called through trap and "over"
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$HERE/out
NGINX=${NGINX:-/usr/sbin/nginx}

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-auto}
KEEP_DATA=${KEEP_DATA:-0}
ROUNDS=${ROUNDS:-1}
PIN=${PIN:-0}

if ! command -v wrk >/dev/null 2>&1 || [ ! -x "$NGINX" ] ||
   ! command -v curl >/dev/null 2>&1; then
	echo "http_bench: wrk, nginx and curl are needed:" >&2
	echo "  apt-get install -y wrk nginx-light curl" >&2
	exit 2
fi
case $WORKERS in
auto | [1-9] | [1-9][0-9]) ;;
*) echo "http_bench: WORKERS must be auto or a number, got '$WORKERS'" >&2
   exit 2 ;;
esac
case $ROUNDS in
[1-9] | [1-9][0-9]) ;;
*) echo "http_bench: ROUNDS must be a number from 1 to 99, got '$ROUNDS'" >&2
   exit 2 ;;
esac

# Command prefixes that pin the load generator and the servers apart.
WRK_ON=()
SERVER_ON=()
if [ "$PIN" = 1 ]; then
	if [ "$(nproc)" -lt 2 ] || ! command -v taskset >/dev/null 2>&1; then
		echo "http_bench: PIN=1 needs taskset and at least 2 CPUs" >&2
		exit 2
	fi
	WRK_ON=(taskset -c 0)
	SERVER_ON=(taskset -c "1-$(($(nproc) - 1))")
fi

mkdir -p "$OUT"
CW_PID=
NGX_PID=
DATA=
NGX_DIR=

cleanup() {
	local pid
	for pid in $CW_PID $NGX_PID; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $CW_PID $NGX_PID; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "$KEEP_DATA" != 1 ]; then
		[ -n "$DATA" ] && rm -rf "$DATA"
		[ -n "$NGX_DIR" ] && rm -rf "$NGX_DIR/html" "$NGX_DIR/tmp"
	fi
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "http_bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

say() { printf '%s\n' "$*" >&2; }

# A TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
	local port
	for _ in $(seq 1 200); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	say "http_bench: no free port found"
	return 1
}

# The value of KEY (a string) in a one-line JSON document on stdin.
json_string() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

# ---- 1. binary, data dir, credentials ---------------------------------------

if [ -n "${CROSSWALK_BIN:-}" ]; then
	BIN=$CROSSWALK_BIN
else
	BIN=$OUT/build/crosswalk
	say "building Release binary in $OUT/build ..."
	if ! { cmake -S "$ROOT" -B "$OUT/build" -DCMAKE_BUILD_TYPE=Release \
		     -DBUILD_TESTING=OFF &&
	       cmake --build "$OUT/build" -j"$(nproc)"; } >"$OUT/build.log" 2>&1
	then
		tail -n 30 "$OUT/build.log" >&2
		say "http_bench: build failed (log: $OUT/build.log)"
		exit 1
	fi
fi
[ -x "$BIN" ] || { say "http_bench: $BIN is not executable"; exit 1; }

DATA=$(mktemp -d "$OUT/data.XXXXXX")
rmdir "$DATA" # init wants to create it
"$BIN" init --data-dir "$DATA" --json >/dev/null # (prints the admin secret)
"$BIN" tenant add bench --data-dir "$DATA" >/dev/null
CLIENT_JSON=$("$BIN" client add --tenant bench \
	--scope "urn:crosswalk:scope:admin" --json --data-dir "$DATA")
CLIENT_ID=$(json_string client_id <<<"$CLIENT_JSON")
CLIENT_SECRET=$(json_string client_secret <<<"$CLIENT_JSON")

# ---- 2. servers ---------------------------------------------------------------

serve_args=(serve --data-dir "$DATA" --listen 127.0.0.1:0 --log-level warn)
[ "$WORKERS" != auto ] && serve_args+=(--workers "$WORKERS")
for pair in ${CROSSWALK_SET:-}; do
	serve_args+=(--set "$pair")
done
"${SERVER_ON[@]}" "$BIN" "${serve_args[@]}" >"$OUT/serve.out" 2>"$OUT/serve.err" &
CW_PID=$!
CW_URL=
for _ in $(seq 1 100); do
	CW_URL=$(sed -n 's/^crosswalk listening on \(http:[^ ]*\)$/\1/p' \
		"$OUT/serve.out")
	[ -n "$CW_URL" ] && break
	kill -0 "$CW_PID" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$CW_URL" ]; then
	cat "$OUT/serve.err" >&2
	say "http_bench: crosswalk serve did not start"
	exit 1
fi

TOKEN=$(curl -fsS -u "$CLIENT_ID:$CLIENT_SECRET" \
	-d grant_type=client_credentials "$CW_URL/oauth/token" |
	json_string access_token)
[ -n "$TOKEN" ] || { say "http_bench: no access token"; exit 1; }
AUTH="Authorization: Bearer $TOKEN"

NGX_DIR=$OUT/nginx
mkdir -p "$NGX_DIR/html" "$NGX_DIR/tmp" "$NGX_DIR/logs"
curl -fsS "$CW_URL/healthz" -o "$NGX_DIR/html/healthz"
curl -fsS -H "$AUTH" "$CW_URL/admin/v1/tenants" -o "$NGX_DIR/html/tenants"
chmod 755 "$NGX_DIR" "$NGX_DIR/html"
chmod 644 "$NGX_DIR/html/healthz" "$NGX_DIR/html/tenants"

NGX_WORKERS=$WORKERS
NGX_USER=
# As root the master would otherwise drop its workers to "nobody"; running
# them as root keeps every path under bench/out readable and writable.
[ "$(id -u)" = 0 ] && NGX_USER='user root;'

start_nginx() {
	local port=$1
	cat >"$NGX_DIR/nginx.conf" <<EOF
# Written by bench/http_bench.sh; static twin of the crosswalk routes.
$NGX_USER
daemon off;
worker_processes $NGX_WORKERS;
pid $NGX_DIR/nginx.pid;
error_log $NGX_DIR/logs/error.log warn;
events {
	worker_connections 1024;
}
http {
	types { }
	default_type application/json;
	access_log off;
	# nginx at its best for small static files: descriptors stay open (no
	# open/fstat/close per request), and without sendfile a response is one
	# pread + one writev (with sendfile and tcp_nopush it is two setsockopt,
	# a writev and a sendfile). NGINX_SENDFILE=on to compare.
	open_file_cache max=16 inactive=60s;
	open_file_cache_valid 60s;
	sendfile ${NGINX_SENDFILE:-off};
	tcp_nopush on;
	# MHD never closes a keep-alive connection after N requests; make nginx
	# behave the same so both servers see only the requests wrk sends.
	keepalive_requests 1000000;
	client_body_temp_path $NGX_DIR/tmp/body;
	proxy_temp_path $NGX_DIR/tmp/proxy;
	fastcgi_temp_path $NGX_DIR/tmp/fastcgi;
	uwsgi_temp_path $NGX_DIR/tmp/uwsgi;
	scgi_temp_path $NGX_DIR/tmp/scgi;
	server {
		listen 127.0.0.1:$port;
		root $NGX_DIR/html;
		location = /healthz { }
		location = /tenants { }
	}
}
EOF
	"${SERVER_ON[@]}" "$NGINX" -p "$NGX_DIR" -c "$NGX_DIR/nginx.conf" \
		-e "$NGX_DIR/logs/error.log" \
		>"$NGX_DIR/logs/stdout.log" 2>&1 &
	NGX_PID=$!
	for _ in $(seq 1 50); do
		if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" \
			2>/dev/null; then
			return 0
		fi
		kill -0 "$NGX_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$NGX_PID" 2>/dev/null || true
	wait "$NGX_PID" 2>/dev/null || true
	NGX_PID=
	return 1
}

NGX_URL=
for _ in 1 2 3; do
	port=$(free_port)
	if start_nginx "$port"; then
		NGX_URL=http://127.0.0.1:$port
		break
	fi
done
if [ -z "$NGX_URL" ]; then
	tail -n 20 "$NGX_DIR/logs/error.log" "$NGX_DIR/logs/stdout.log" >&2 || true
	say "http_bench: nginx did not start"
	exit 1
fi

# Same bytes from both servers, or the comparison means nothing.
for pair in "healthz|$CW_URL/healthz|$NGX_URL/healthz" \
	    "tenants|$CW_URL/admin/v1/tenants|$NGX_URL/tenants"; do
	IFS='|' read -r name a b <<<"$pair"
	if ! cmp -s <(curl -fsS -H "$AUTH" "$a") <(curl -fsS "$b"); then
		say "WARNING: crosswalk and nginx bodies differ for $name"
	fi
done

# ---- 3. load -------------------------------------------------------------------

TARGETS="cw-healthz nginx-healthz cw-tenants nginx-tenants"

# wrk_args NAME: URL and extra wrk arguments of a target, one per line.
wrk_args() {
	case $1 in
	cw-healthz) printf '%s\n' "$CW_URL/healthz" ;;
	nginx-healthz) printf '%s\n' "$NGX_URL/healthz" ;;
	cw-tenants) printf '%s\n' "$CW_URL/admin/v1/tenants" -H "$AUTH" ;;
	nginx-tenants) printf '%s\n' "$NGX_URL/tenants" ;;
	esac
}

label() {
	case $1 in
	cw-healthz) echo "crosswalk GET /healthz" ;;
	nginx-healthz) echo "nginx static /healthz twin" ;;
	cw-tenants) echo "crosswalk GET /admin/v1/tenants" ;;
	nginx-tenants) echo "nginx static /tenants twin" ;;
	esac
}

# CPU time the rest of the machine used in one second, servers idle: what
# other processes will take from the runs.
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat; }
read -r busy0 idle0 < <(cpu_busy)
sleep 1
read -r busy1 idle1 < <(cpu_busy)
BACKGROUND=$(awk -v b=$((busy1 - busy0)) -v i=$((idle1 - idle0)) \
	'BEGIN { printf "%.0f", (b + i) ? 100 * b / (b + i) : 0 }')
# CPU time (clock ticks, user + system) a server has used so far: crosswalk's
# process, or nginx's master and workers. Requests/s depend on whatever else
# runs on the machine; CPU time per request much less so.
CLK_TCK=$(getconf CLK_TCK)
ticks() {
	local pids=$1
	[ "$1" = "$NGX_PID" ] && pids="$NGX_PID $(pgrep -P "$NGX_PID" | tr '\n' ' ')"
	# shellcheck disable=SC2086 # word splitting wanted
	for pid in $pids; do
		sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null || true
	done | awk '{t += $12 + $13} END {print t + 0}'
}
server_of() { case $1 in cw-*) echo "$CW_PID" ;; *) echo "$NGX_PID" ;; esac; }

rm -f "$OUT"/wrk-*.txt
for round in $(seq 1 "$ROUNDS"); do
	for name in $TARGETS; do
		mapfile -t args < <(wrk_args "$name")
		if [ "$round" = 1 ] && [ "$WARMUP" != 0 ]; then
			"${WRK_ON[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${args[@]}" \
				>"$OUT/wrk-$name.warmup.txt" 2>&1 || true
		fi
		say "round $round/$ROUNDS: wrk $name for $DURATION ..."
		t0=$(ticks "$(server_of "$name")")
		"${WRK_ON[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
			"${args[@]}" >"$OUT/wrk-$name.r$round.txt" 2>&1 || true
		t1=$(ticks "$(server_of "$name")")
		echo "server CPU ticks: $((t1 - t0)) at $CLK_TCK/s" \
			>>"$OUT/wrk-$name.r$round.txt"
	done
done

CW_HWM=$(awk '/^VmHWM:/ {print $2 " " $3}' "/proc/$CW_PID/status")
CW_THREADS=$(awk '/^Threads:/ {print $2}' "/proc/$CW_PID/status")

# ---- 4. figures ----------------------------------------------------------------

# Each takes one wrk output file and prints one number ("nan" if absent).
rps() { awk '/^Requests\/sec:/ {print $2; f=1} END {if (!f) print "nan"}' "$1"; }
p99() { # in ms
	awk '$1 == "99%" {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		m = -1
		if (u == "us") m = 0.001; else if (u == "ms") m = 1
		else if (u == "s") m = 1000; else if (u == "m") m = 60000
		printf "%.3f\n", v * m; f = 1
	} END {if (!f) print "nan"}' "$1"
}
non2xx() { awk '/Non-2xx or 3xx responses:/ {print $NF; f=1} END {if (!f) print 0}' "$1"; }
sockerr() {
	awk '/Socket errors:/ {
		n = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i
		print n; f = 1
	} END {if (!f) print 0}' "$1"
}
requests() { awk '/requests in/ {print $1; f=1} END {if (!f) print 0}' "$1"; }
cpu_per_req() { # server CPU microseconds per request
	awk '/requests in/ {n = $1} /^server CPU ticks:/ {t = $4; hz = $6}
	     END {if (n > 0 && hz > 0) printf "%.2f\n", t * 1e6 / hz / n; else print "nan"}' "$1"
}

# over FUNC NAME: FUNC of every round of target NAME, one per line.
over() {
	local r
	for r in $(seq 1 "$ROUNDS"); do "$1" "$OUT/wrk-$2.r$r.txt"; done
}
median() { # median FORMAT
	sort -g | awk -v fmt="$1\n" '{v[NR] = $1} END {
		if (NR == 0 || v[1] == "nan") { print "nan"; exit }
		if (NR % 2) m = v[(NR + 1) / 2]
		else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf fmt, m
	}'
}
spread() { # "min-max" of the requests/s, when there is more than one round
	sort -g | awk '{v[NR] = $1} END {
		if (NR > 1) printf "%.0f-%.0f\n", v[1], v[NR]; else print "-"
	}'
}
sum() { awk '{s += $1} END {print s + 0}'; }

cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
echo
echo "$("$BIN" version 2>/dev/null | head -n 1 || echo crosswalk) vs $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
echo "machine: nproc=$(nproc)${cpu_model:+, $cpu_model}; CPU busy before the runs: $BACKGROUND %"
echo "settings: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, warm-up $WARMUP," \
     "$ROUNDS round(s), median shown;" \
     "crosswalk --workers $WORKERS${CROSSWALK_SET:+ (--set $CROSSWALK_SET)}," \
     "nginx worker_processes $NGX_WORKERS${WRK_ON:+; wrk pinned to CPU 0, servers to the others}"
echo
printf '%-32s %11s %9s %10s %8s %15s %10s\n' target "requests/s" "p99 ms" requests \
	non-2xx "req/s min-max" "CPU us/req"
warn=0
declare -A RPS CPU
for name in $TARGETS; do
	RPS[$name]=$(over rps "$name" | median %.0f)
	bad=$(over non2xx "$name" | sum)
	errs=$(over sockerr "$name" | sum)
	CPU[$name]=$(over cpu_per_req "$name" | median %.2f)
	printf '%-32s %11s %9s %10s %8s %15s %10s\n' "$(label "$name")" \
		"${RPS[$name]}" "$(over p99 "$name" | median %.2f)" \
		"$(over requests "$name" | sum)" "$bad" "$(over rps "$name" | spread)" \
		"${CPU[$name]}"
	if [ "$bad" != 0 ]; then
		warn=1
		echo "  !!!!!!!! WARNING: $bad non-2xx responses from $(label "$name"):" \
		     "these figures measure errors, not the route !!!!!!!!"
	fi
	if [ "$errs" != 0 ]; then
		echo "  note: $errs socket errors (connect/read/write/timeout); see $OUT/wrk-$name.r*.txt"
	fi
	if [ "${RPS[$name]}" = nan ]; then
		warn=1
		echo "  !!!!!!!! WARNING: no figures from wrk; see $OUT/wrk-$name.r*.txt !!!!!!!!"
	fi
done
echo
ratio() {
	awk -v a="$1" -v b="$2" -v goal="$3" 'BEGIN {
		if (a == "nan" || b == "nan" || b == 0) { print "n/a"; exit }
		r = 100 * a / b
		printf "%5.1f %%  (target >= %d %%: %s)\n", r, goal,
		       (r >= goal) ? "met" : "BELOW"
	}'
}
echo "ratio crosswalk/nginx, /healthz:            $(ratio "${RPS[cw-healthz]}" "${RPS[nginx-healthz]}" 80)"
echo "ratio crosswalk/nginx, authenticated route: $(ratio "${RPS[cw-tenants]}" "${RPS[nginx-tenants]}" 50)"
cpu_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "nan" || b == "nan" || a == 0) print "n/a"
		else printf "%.1f %%\n", 100 * b / a
	}'
}
echo "server CPU efficiency crosswalk/nginx (nginx CPU per request / crosswalk's):" \
     "/healthz $(cpu_ratio "${CPU[cw-healthz]}" "${CPU[nginx-healthz]}")," \
     "authenticated route $(cpu_ratio "${CPU[cw-tenants]}" "${CPU[nginx-tenants]}")"
echo "crosswalk peak RSS (VmHWM): $CW_HWM ($CW_THREADS threads)"
echo "wrk output: $OUT/wrk-*.txt"
[ "$BACKGROUND" -ge 10 ] &&
	echo "note: other processes kept the CPUs $BACKGROUND % busy before the runs; expect noisy, low figures"
if [ "$warn" = 1 ]; then
	echo
	echo "!!!!!!!! WARNING: some runs returned errors or no figures; the table above is not a valid benchmark !!!!!!!!"
fi
exit 0
