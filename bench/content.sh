#!/usr/bin/env bash
# bench/content.sh: single-stream object transfer over TLS 1.3, strongroom
# against the peers issue 4 names, side by side in one run.
#
#  1. GET and PUT of one random file (1 GiB) with curl, one connection each,
#     HTTP/1.1, TLS 1.3 with TLS_AES_256_GCM_SHA384 on every server:
#       strongroom  PUT/GET /v1/workspaces/{ws}/objects/bench/1g.bin (Bearer
#                   session token; encrypts at rest)
#       nginx       Debian's nginx-light, the same file as plaintext (GET from
#                   its root, PUT through the dav module): the ceiling without
#                   at-rest encryption
#       rclone      `rclone serve webdav` over an rclone `crypt` remote on a
#                   local directory (a peer that also encrypts at rest)
#     Rounds alternate the server order; each round is PUT then GET of the
#     object it just stored, so every GET reads a warm page cache. The median
#     per server and direction is reported. One extra GET per server checks
#     the SHA-256 of what comes back.
#  2. `openssl speed -evp aes-256-gcm -bytes 16384 -seconds 3`: one core's
#     AES-256-GCM rate, the physical limit of any encrypting single stream.
#  3. Peak RSS (VmHWM, reset first through /proc/PID/clear_refs) of strongroom
#     during one streamed (chunked) upload of BENCH_BIG_GIB GiB from a
#     fixed-seed AES-CTR keystream.
# It prints MB/s (10^6 bytes/s, curl's %{speed_download}/%{speed_upload})
# and the ratios GET/nginx, GET/rclone, PUT/rclone against the issue's
# targets. It reports and does not assert: a missed target still exits 0.
# It exits non-zero when a server does not start, a transfer fails or returns
# the wrong size or digest, or there is not enough disk space. When
# strongroom's content routes are missing (GET /v1/workspaces or the PUT
# answers 404) its rows are skipped with a message and the rest still runs.
#
# Environment (all optional):
#   BENCH_CONTENT_MIB=1024   size of the GET/PUT file in MiB
#   BENCH_CONTENT_ROUNDS=3   rounds per server (median reported)
#   BENCH_BIG_GIB=10         size of the RSS upload in GiB (0 skips it)
#   BENCH_CONTENT_VERIFY=1   0 skips the SHA-256 check GETs
#   BENCH_TMPDIR=dir         scratch space (default $TMPDIR, else /var/tmp:
#                            needs about 4x the file plus BENCH_BIG_GIB free)
#   BENCH_CONTENT_OUT=path   also write the figures there as JSON
#   BENCH_SKIP_BUILD=1       skip `make build` (bootstrap --bench still runs)
#   STRONGROOM_BIN=path      binary to measure; default build/strongroom
set -euo pipefail

bench_out=${BENCH_CONTENT_OUT:+$(realpath -m "$BENCH_CONTENT_OUT")}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

mib=${BENCH_CONTENT_MIB:-1024}
rounds=${BENCH_CONTENT_ROUNDS:-3}
big_gib=${BENCH_BIG_GIB:-10}
verify=${BENCH_CONTENT_VERIFY:-1}
workers=$(nproc)
suite=TLS_AES_256_GCM_SHA384
get_nginx_target=0.80
rclone_target=2.0
rss_target_mib=64

die() { echo "bench/content: $*" >&2; exit 1; }
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"; }
positive BENCH_CONTENT_MIB "$mib"
positive BENCH_CONTENT_ROUNDS "$rounds"
[[ $big_gib =~ ^[0-9]+$ ]] || die "BENCH_BIG_GIB must be a non-negative integer, got '$big_gib'"
[[ $verify == 0 || $verify == 1 ]] || die "BENCH_CONTENT_VERIFY must be 0 or 1"

# --- packages and binary ------------------------------------------------------
scripts/bootstrap --bench
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  make --no-print-directory build
fi
bin=${STRONGROOM_BIN:-$repo/build/strongroom}
[[ -x $bin ]] || die "no strongroom binary at $bin"
nginx_bin=/usr/sbin/nginx
for tool in "$nginx_bin" rclone curl openssl sha256sum /usr/bin/python3; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
accounts=(/usr/bin/python3 "$repo/bench/accounts.py")
[[ -f ${accounts[1]} ]] || die "bench/accounts.py missing"
"$nginx_bin" -V 2>&1 | grep -q -- '--with-http_dav_module' ||
  die "this nginx has no dav module, so it cannot take the PUT"

# --- scratch dir, cleanup ---------------------------------------------------------
scratch_parent=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
tmp=$(mktemp -d "$scratch_parent/strongroom-content.XXXXXX")
need_mib=$((mib * 5 + big_gib * 1024 + 512))
avail_mib=$(df -Pm "$tmp" | awk 'NR == 2 {print $4}')
if ((avail_mib < need_mib)); then
  rm -rf "$tmp"
  die "$scratch_parent has $avail_mib MiB free, the run needs about $need_mib MiB (set BENCH_TMPDIR, or shrink BENCH_CONTENT_MIB / BENCH_BIG_GIB)"
fi
sr_pid="" nginx_pid="" rclone_pid="" sampler_pid=""

stop() {  # stop PID: SIGTERM, then SIGKILL after 5 s.
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$sampler_pid"
  stop "$sr_pid"
  stop "$nginx_pid"
  stop "$rclone_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  /usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Every client call: HTTP/1.1, TLS 1.3 only, one AES-256-GCM suite, the
# certificate `strongroom init` made (all three servers use it), and no
# "Expect: 100-continue" (curl would otherwise wait up to 1 s before a body).
cert=$tmp/sr/tls/cert.pem
curl_tls=(curl -sS --http1.1 --tlsv1.3 --tls-max 1.3 --tls13-ciphers "$suite" --cacert "$cert"
  -H 'Expect:')

wait_ready() {  # wait_ready NAME PID URL LOG: until URL answers 2xx, 20 s at most.
  local name=$1 pid=$2 url=$3 log=$4
  for _ in $(seq 200); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench/content: $name exited during start-up; last log lines:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    if "${curl_tls[@]}" -f --max-time 1 -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bench/content: $name did not answer $url within 20 s; last log lines:" >&2
  tail -n 20 "$log" >&2 || true
  exit 1
}

tls13_cipher() {  # tls13_cipher NAME PORT: the suite a TLS 1.3 handshake with $suite picks
  local out cipher
  out=$(openssl s_client -connect "127.0.0.1:$2" -servername localhost -tls1_3 \
    -ciphersuites "$suite" </dev/null 2>&1 || true)
  cipher=$(grep -m1 -oE '^New, TLSv1\.3, Cipher is [A-Z0-9_]+' <<<"$out" | awk '{print $NF}' || true)
  [[ -n $cipher ]] || die "$1 did not complete a TLS 1.3 handshake with $suite"
  echo "$cipher"
}

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g |
  awk '{v[NR] = $1} END {if (NR == 0) {print "nan"; exit} m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m}'; }
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "nan" || b == "nan" || b == 0) print "n/a"; else printf "%.2f", a / b}'; }
verdict() {
  [[ $1 == n/a ]] && { echo "not measured"; return; }
  awk -v v="$1" -v t="$2" -v op="$3" \
    'BEGIN {ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "met" : "MISSED"}'
}
json_num() { [[ $1 == n/a || $1 == nan || -z $1 ]] && echo null || echo "$1"; }
kib_of() { awk -v f="$1" '$1 == f ":" {print $2}' "/proc/$2/status"; }
to_mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# --- the test file ------------------------------------------------------------------
src=$tmp/1g.bin
size=$((mib * 1024 * 1024))
head -c "$size" /dev/urandom >"$src"
src_sha=$(sha256sum "$src" | awk '{print $1}')

# --- strongroom ---------------------------------------------------------------------
"$bin" init --data "$tmp/sr" >/dev/null
sr_conf=$tmp/sr/strongroom.toml
set_key() {  # set_key KEY VALUE: only if the generated config has the key
  if grep -q "^$1 = " "$sr_conf"; then
    sed -i -e "s/^$1 = .*/$1 = $2/" "$sr_conf"
  fi
}
set_key workers "$workers"
set_key keep_versions 0  # each round replaces the object; keep no old versions on disk
set_key deleted_retention_seconds 0
set_key workspace_quota_bytes $(((big_gib + 4) * 1024 * 1024 * 1024 + 4 * size))
port_sr=$(free_port)
"$bin" serve --config "$sr_conf" --listen "127.0.0.1:$port_sr" >"$tmp/sr.log" 2>&1 &
sr_pid=$!
wait_ready strongroom "$sr_pid" "https://127.0.0.1:$port_sr/healthz" "$tmp/sr.log"

password='Quartz-lantern-Orbit-7731-meadow'
email='content@bench.example'
"${accounts[@]}" signup "$port_sr" "$cert" "$email" "$password" "Bench Content" ||
  die "could not create $email"
token=$("${accounts[@]}" token "$port_sr" "$cert" "$email" "$password") ||
  die "could not sign in as $email"
auth=(-H "Authorization: Bearer $token")

sr_skip=""
ws_json=$tmp/workspaces.json
code=$("${curl_tls[@]}" "${auth[@]}" -o "$ws_json" -w '%{http_code}' \
  "https://127.0.0.1:$port_sr/v1/workspaces") || die "GET /v1/workspaces failed"
if [[ $code == 404 ]]; then
  sr_skip="GET /v1/workspaces answered 404: the content routes are not in this binary yet"
elif [[ $code != 200 ]]; then
  die "GET /v1/workspaces answered $code: $(head -c 300 "$ws_json")"
else
  ws_id=$(/usr/bin/python3 -c '
import json, sys
ws = [w["id"] for w in json.load(open(sys.argv[1]))["workspaces"] if w.get("personal")]
print(ws[0] if ws else "")' "$ws_json") || die "cannot parse GET /v1/workspaces"
  [[ -n $ws_id ]] || die "GET /v1/workspaces lists no personal workspace"
  [[ $ws_id =~ ^[A-Za-z0-9_-]+$ ]] || die "unexpected workspace id '$ws_id'"
fi
sr_url=https://127.0.0.1:$port_sr/v1/workspaces/${ws_id:-none}/objects/bench

# --- nginx ------------------------------------------------------------------------------
ng=$tmp/nginx
mkdir -p "$ng/www/files" "$ng/body"
port_ng=$(free_port)
# As root, nginx's workers would switch to "nobody" and could not reach the
# private scratch dir; keep them as the invoking user.
ng_user=""
if [[ $(id -u) == 0 ]]; then ng_user="user $(id -un) $(id -gn);"; fi
# TLS as strongroom's defaults (1.3 only, same suites, server preference); the
# dav module takes PUT (body to a temp file, renamed into place).
cat >"$ng/nginx.conf" <<EOF
daemon off;
master_process on;
$ng_user
worker_processes $workers;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path $ng/body;
  proxy_temp_path $ng/proxy;
  fastcgi_temp_path $ng/fastcgi;
  uwsgi_temp_path $ng/uwsgi;
  scgi_temp_path $ng/scgi;
  access_log off;
  server_tokens off;
  sendfile on;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port_ng ssl;
    ssl_certificate $tmp/sr/tls/cert.pem;
    ssl_certificate_key $tmp/sr/tls/key.pem;
    ssl_protocols TLSv1.3;
    ssl_prefer_server_ciphers on;
    ssl_conf_command Ciphersuites TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256;
    location = /healthz { return 200 'ok'; }
    location /files/ {
      root $ng/www;
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
      client_max_body_size 0;
    }
  }
}
EOF
"$nginx_bin" -p "$ng/" -e "$ng/error.log" -c "$ng/nginx.conf" >"$ng/stderr.log" 2>&1 &
nginx_pid=$!
wait_ready nginx "$nginx_pid" "https://127.0.0.1:$port_ng/healthz" "$ng/error.log"
ng_url=https://127.0.0.1:$port_ng/files/bench

# --- rclone serve webdav over crypt ----------------------------------------------------------
rc=$tmp/rclone
mkdir -p "$rc/store"
port_rc=$(free_port)
rc_pass=$(openssl rand -hex 24)
rc_salt=$(openssl rand -hex 24)
cat >"$rc/rclone.conf" <<EOF
[disk]
type = local

[secret]
type = crypt
remote = disk:$rc/store
filename_encryption = standard
directory_name_encryption = true
password = $(rclone obscure "$rc_pass")
password2 = $(rclone obscure "$rc_salt")
EOF
chmod 600 "$rc/rclone.conf"
rclone serve webdav secret: --config "$rc/rclone.conf" --addr "127.0.0.1:$port_rc" \
  --cert "$tmp/sr/tls/cert.pem" --key "$tmp/sr/tls/key.pem" --log-file "$rc/rclone.log" &
rclone_pid=$!
wait_ready rclone "$rclone_pid" "https://127.0.0.1:$port_rc/" "$rc/rclone.log"
code=$("${curl_tls[@]}" -X MKCOL -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port_rc/bench/") ||
  die "MKCOL on rclone failed"
[[ $code == 201 || $code == 405 ]] || die "MKCOL /bench/ on rclone answered $code"
rc_url=https://127.0.0.1:$port_rc/bench

# --- transfers --------------------------------------------------------------------------------
declare -A url_of=([strongroom]=$sr_url [nginx]=$ng_url [rclone]=$rc_url)
declare -A speeds
servers=(nginx rclone)
[[ -z $sr_skip ]] && servers=(strongroom "${servers[@]}")

put() {  # put NAME ROUND: PUT the file; records MB/s, or sets sr_skip on strongroom's 404
  local name=$1 out code bytes speed
  local -a extra=()
  [[ $name == strongroom ]] && extra=("${auth[@]}")
  out=$("${curl_tls[@]}" "${extra[@]}" -T "$src" -o "$tmp/put.body" \
    -w '%{http_code} %{size_upload} %{speed_upload}' "${url_of[$name]}/1g.bin") ||
    die "PUT to $name failed: ${out:-curl error}"
  read -r code bytes speed <<<"$out"
  if [[ $name == strongroom && $code == 404 ]]; then
    sr_skip="PUT answered 404: the content routes are not in this binary yet"
    return 0
  fi
  [[ $code == 2* ]] || die "PUT to $name answered $code: $(head -c 300 "$tmp/put.body")"
  ((bytes == size)) || die "PUT to $name sent $bytes bytes, not $size"
  speeds[$name:put]+="$(awk -v s="$speed" 'BEGIN {printf "%.1f", s / 1e6}') "
}

get() {  # get NAME: GET the file to /dev/null; records MB/s
  local name=$1 out code bytes speed
  local -a extra=()
  [[ $name == strongroom ]] && extra=("${auth[@]}")
  out=$("${curl_tls[@]}" "${extra[@]}" -o /dev/null \
    -w '%{http_code} %{size_download} %{speed_download}' "${url_of[$name]}/1g.bin") ||
    die "GET from $name failed: ${out:-curl error}"
  read -r code bytes speed <<<"$out"
  [[ $code == 200 ]] || die "GET from $name answered $code"
  ((bytes == size)) || die "GET from $name returned $bytes bytes, not $size"
  speeds[$name:get]+="$(awk -v s="$speed" 'BEGIN {printf "%.1f", s / 1e6}') "
}

echo
echo "== content: single-stream GET and PUT of a $mib MiB random file over TLS 1.3"
echo "  curl --http1.1 --tlsv1.3 --tls13-ciphers $suite, one connection per transfer, no Expect: 100-continue"
echo "  $rounds rounds, server order alternating; each round PUTs the file, then GETs it back (warm page cache)"
echo "  strongroom  $("$bin" version 2>/dev/null || echo "$bin"), $workers workers, 127.0.0.1:$port_sr" \
  "${sr_skip:+(SKIPPED: $sr_skip)}"
[[ -z $sr_skip ]] && echo "              cipher $(tls13_cipher strongroom "$port_sr"), /v1/workspaces/$ws_id/objects/bench/1g.bin"
echo "  nginx       $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //') (nginx-light, dav PUT), cipher $(tls13_cipher nginx "$port_ng"), plaintext on disk"
echo "  rclone      $(rclone version | head -1) serve webdav over crypt (local disk), cipher $(tls13_cipher rclone "$port_rc")"
echo

for ((r = 1; r <= rounds; r++)); do
  order=("${servers[@]}")
  if ((r % 2 == 0)); then
    order=()
    for ((i = ${#servers[@]} - 1; i >= 0; i--)); do order+=("${servers[i]}"); done
  fi
  for name in "${order[@]}"; do
    [[ $name == strongroom && -n $sr_skip ]] && continue
    put "$name"
    if [[ $name == strongroom && -n $sr_skip ]]; then
      echo "round $r  strongroom  skipped: $sr_skip"
      continue
    fi
    get "$name"
    printf 'round %d  %-10s  PUT %8.1f MB/s  GET %8.1f MB/s\n' "$r" "$name" \
      "$(awk '{print $NF}' <<<"${speeds[$name:put]}")" "$(awk '{print $NF}' <<<"${speeds[$name:get]}")"
  done
done

if [[ $verify == 1 ]]; then
  for name in "${servers[@]}"; do
    [[ $name == strongroom && -n $sr_skip ]] && continue
    extra=()
    [[ $name == strongroom ]] && extra=("${auth[@]}")
    got=$("${curl_tls[@]}" -f "${extra[@]}" "${url_of[$name]}/1g.bin" | sha256sum | awk '{print $1}')
    [[ $got == "$src_sha" ]] || die "GET from $name returned different bytes (SHA-256 $got, sent $src_sha)"
  done
  echo "SHA-256 of every server's GET matches the file"
fi

# --- openssl speed -------------------------------------------------------------------------------
echo
echo "== openssl speed -evp aes-256-gcm -bytes 16384 -seconds 3 (one core)"
aes_k=$(openssl speed -evp aes-256-gcm -bytes 16384 -seconds 3 2>/dev/null |
  awk 'tolower($1) == "aes-256-gcm" && $NF ~ /k$/ {v = $NF} END {sub(/k$/, "", v); print v}')
[[ -n $aes_k ]] || die "cannot parse the output of openssl speed"
aes_mbs=$(awk -v k="$aes_k" 'BEGIN {printf "%.1f", k / 1000}')
echo "AES-256-GCM, 16 KiB buffers: $aes_mbs MB/s"

# --- peak RSS during a big streamed upload -------------------------------------------------------------
rss_note="" hwm_mib="n/a" max_rss_mib="n/a" before_mib="n/a" big_mbs="n/a"
if [[ -n $sr_skip ]]; then
  rss_note="skipped: $sr_skip"
elif ((big_gib == 0)); then
  rss_note="skipped: BENCH_BIG_GIB=0"
else
  # Drop the 1 GiB object first so the quota and the disk hold the big one.
  "${curl_tls[@]}" "${auth[@]}" -X DELETE -o /dev/null "$sr_url/1g.bin" || true
  before_mib=$(to_mib "$(kib_of VmRSS "$sr_pid")")
  hwm_reset=1
  echo 5 >"/proc/$sr_pid/clear_refs" 2>/dev/null || hwm_reset=0
  # Sample VmRSS too, in case clear_refs is not allowed here.
  (
    max=0
    while kill -0 "$sr_pid" 2>/dev/null; do
      v=$(kib_of VmRSS "$sr_pid" || echo 0)
      ((v > max)) && max=$v && echo "$max" >"$tmp/rss.max"
      sleep 0.2
    done
  ) &
  sampler_pid=$!
  big_bytes=$((big_gib * 1024 * 1024 * 1024))
  echo
  echo "== peak RSS of strongroom during a streamed $big_gib GiB PUT (chunked, fixed-seed AES-CTR keystream)"
  # openssl dies of SIGPIPE when head has enough; that is not a failure.
  out=$({ openssl enc -aes-128-ctr -nosalt -pass pass:strongroom-bench -pbkdf2 </dev/zero 2>/dev/null || true; } |
    head -c "$big_bytes" |
    "${curl_tls[@]}" "${auth[@]}" -T - -o "$tmp/big.body" \
      -w '%{http_code} %{size_upload} %{speed_upload}' "$sr_url/big.bin") ||
    die "the $big_gib GiB PUT failed: ${out:-curl error}"
  read -r code bytes speed <<<"$out"
  [[ $code == 2* ]] || die "the $big_gib GiB PUT answered $code: $(head -c 300 "$tmp/big.body")"
  # size_upload counts the chunk framing too, so it is a little more than the payload.
  ((bytes >= big_bytes)) || die "the $big_gib GiB PUT sent $bytes bytes, fewer than $big_bytes"
  stored=$("${curl_tls[@]}" "${auth[@]}" -I "$sr_url/big.bin" |
    awk 'tolower($1) == "content-length:" {sub(/\r$/, "", $2); print $2}')
  [[ $stored == "$big_bytes" ]] || die "HEAD after the $big_gib GiB PUT reports ${stored:-no} Content-Length, not $big_bytes"
  hwm_mib=$(to_mib "$(kib_of VmHWM "$sr_pid")")
  stop "$sampler_pid"
  sampler_pid=""
  max_rss_mib=$(to_mib "$(cat "$tmp/rss.max" 2>/dev/null || echo 0)")
  big_mbs=$(awk -v s="$speed" 'BEGIN {printf "%.1f", s / 1e6}')
  ((hwm_reset)) || rss_note="clear_refs refused: VmHWM is the peak since start-up"
  echo "RSS before $before_mib MiB; peak during the upload: VmHWM $hwm_mib MiB, sampled VmRSS max $max_rss_mib MiB; $big_mbs MB/s"
fi

# --- summary ------------------------------------------------------------------------------------------
declare -A med
for name in strongroom nginx rclone; do
  med[$name:get]=$(median "${speeds[$name:get]:-}")
  med[$name:put]=$(median "${speeds[$name:put]:-}")
done
get_ng=$(ratio_of "${med[strongroom:get]}" "${med[nginx:get]}")
get_rc=$(ratio_of "${med[strongroom:get]}" "${med[rclone:get]}")
put_rc=$(ratio_of "${med[strongroom:put]}" "${med[rclone:put]}")
put_ng=$(ratio_of "${med[strongroom:put]}" "${med[nginx:put]}")
rss_verdict=$(verdict "$hwm_mib" "$rss_target_mib" '<=')

echo
echo
echo "== summary: $mib MiB, single stream, TLS 1.3 $suite, median of $rounds rounds (MB/s = 10^6 bytes/s)"
printf '%-28s %12s %12s\n' server "GET MB/s" "PUT MB/s"
printf '%-28s %12s %12s\n' "strongroom (encrypted)" "${med[strongroom:get]/nan/skipped}" "${med[strongroom:put]/nan/skipped}"
printf '%-28s %12s %12s\n' "nginx (plaintext)" "${med[nginx:get]}" "${med[nginx:put]}"
printf '%-28s %12s %12s\n' "rclone crypt webdav" "${med[rclone:get]}" "${med[rclone:put]}"
printf '%-28s %12s\n' "openssl aes-256-gcm, 1 core" "$aes_mbs"
echo "GET strongroom/nginx:  $get_ng (target >= $get_nginx_target) $(verdict "$get_ng" "$get_nginx_target" '>=')"
echo "GET strongroom/rclone: $get_rc (target >= $rclone_target) $(verdict "$get_rc" "$rclone_target" '>=')"
echo "PUT strongroom/rclone: $put_rc (target >= $rclone_target) $(verdict "$put_rc" "$rclone_target" '>=')"
echo "PUT strongroom/nginx:  $put_ng (informational)"
echo "peak RSS during a $big_gib GiB upload: $hwm_mib$([[ $hwm_mib == n/a ]] || echo " MiB") (target <= $rss_target_mib MiB) $rss_verdict${rss_note:+ ($rss_note)}"
[[ -n $sr_skip ]] && echo "strongroom rows skipped: $sr_skip"

if [[ -n $bench_out ]]; then
  cat >"$bench_out" <<EOF
{
  "file_mib": $mib, "rounds": $rounds, "tls": "1.3", "cipher": "$suite", "http": "1.1",
  "strongroom_skipped": $([[ -n $sr_skip ]] && echo "\"$sr_skip\"" || echo null),
  "get_mbs": {"strongroom": $(json_num "${med[strongroom:get]}"), "nginx": $(json_num "${med[nginx:get]}"), "rclone_crypt": $(json_num "${med[rclone:get]}")},
  "put_mbs": {"strongroom": $(json_num "${med[strongroom:put]}"), "nginx": $(json_num "${med[nginx:put]}"), "rclone_crypt": $(json_num "${med[rclone:put]}")},
  "openssl_aes256gcm_mbs": $aes_mbs,
  "ratios": {"get_vs_nginx": $(json_num "$get_ng"), "get_vs_rclone": $(json_num "$get_rc"), "put_vs_rclone": $(json_num "$put_rc"), "put_vs_nginx": $(json_num "$put_ng")},
  "targets": {"get_vs_nginx": $get_nginx_target, "get_vs_rclone": $rclone_target, "put_vs_rclone": $rclone_target, "peak_rss_mib": $rss_target_mib},
  "big_upload": {"gib": $big_gib, "peak_rss_mib": $(json_num "$hwm_mib"), "sampled_max_rss_mib": $(json_num "$max_rss_mib"), "rss_before_mib": $(json_num "$before_mib"), "mbs": $(json_num "$big_mbs")}
}
EOF
  echo "figures written to $bench_out"
fi
