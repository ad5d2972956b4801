# Shared pieces of the benchmarks (sourced, not run).

# start_nginx OUT_DIR NAME: nginx serving OUT_DIR/nginx/html/NAME at
# http://127.0.0.1:$port/NAME (sets port and ngx_pid; the caller's cleanup
# stops it). Static file, open-file cache, no sendfile: the bytes come from
# memory as crosswalk's do.
start_nginx() {
  local dir=$1/nginx name=$2 user_line=
  mkdir -p "$dir/html" "$dir/tmp" "$dir/logs"
  port=$((20000 + RANDOM % 40000))
  [ "$(id -u)" = 0 ] && user_line='user root;'
  cat >"$dir/nginx.conf" <<NGINX
$user_line
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  types { } default_type application/json; access_log off;
  open_file_cache max=16 inactive=60s; sendfile off; tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi; uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server { listen 127.0.0.1:$port; root $dir/html; location = /$name { } }
}
NGINX
  "$nginx" -p "$dir" -c "$dir/nginx.conf" >/dev/null 2>&1 &
  ngx_pid=$!
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/$name" 2>/dev/null && break
    sleep 0.1
  done
}

# serve_with_token OUT_DIR SCOPE: a client of tenant bench with SCOPE, then
# `crosswalk serve` on a free loopback port, and a token for the client (sets
# cw_pid, url and token; $bin is the binary).
serve_with_token() {
  local out=$1 scope=$2 client id secret
  client=$("$bin" client add --tenant bench --scope "$scope" --json \
    --data-dir "$out/data")
  id=$(sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p' <<<"$client")
  secret=$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' <<<"$client")
  "$bin" serve --data-dir "$out/data" --listen 127.0.0.1:0 --log-level warn \
    >"$out/serve.out" 2>"$out/serve.err" &
  cw_pid=$!
  url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^crosswalk listening on \(http:[^ ]*\)$/\1/p' "$out/serve.out")
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$out/serve.err" >&2; exit 1; }
  token=$(curl -fsS -u "$id:$secret" -d grant_type=client_credentials \
    "$url/oauth/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
}
