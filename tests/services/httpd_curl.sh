#!/usr/bin/env bash
# httpd_curl.sh PORT WWW: what curl sees of httpd. Prints "ok NAME" / "not ok NAME: why".
set -uo pipefail
port=$1
www=$2
source "$(dirname "$0")/../lib/curl_checks.sh"

code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/")
check "GET / is index.html" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$www/index.html"' "status $code or body differs"
check "GET / is text/html" 'grep -qi "^content-type: text/html" "$tmp/h"' "$(grep -i content-type "$tmp/h")"

code=$("${C[@]}" -I -o "$tmp/h" -w '%{http_code}' "$base/style.css")
size=$(stat -c %s "$www/style.css")
check "HEAD has the length and no body" '[ "$code" = 200 ] && grep -qi "^content-length: $size" "$tmp/h" && grep -qi "^content-type: text/css" "$tmp/h"' "status $code, $(tr -d '\r' <"$tmp/h" | tr '\n' '|')"

code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' "$base/no/such/file")
check "a missing file is 404" '[ "$code" = 404 ]' "status $code"

code=$("${C[@]}" -X POST -d x=1 -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/")
check "POST is 405 with Allow" '[ "$code" = 405 ] && grep -qi "^allow: GET, HEAD" "$tmp/h"' "status $code"

# keep-alive: curl reuses one connection for several URLs (num_connects counts new ones)
out=$("${C[@]}" -o /dev/null -o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\n' "$base/" "$base/style.css" "$base/bench/1k.txt")
check "keep-alive: three requests, one connection" '[ "$out" = $'"'"'200 1\n200 0\n200 0'"'"' ]' "$(echo "$out" | tr '\n' '|')"

"${C[@]}" -o "$tmp/b" "$base/bench/64k.txt"
check "a 64 KiB file arrives whole" 'cmp -s "$tmp/b" "$www/bench/64k.txt"' "body differs"

# the compiled-in files: ranges too, no Last-Modified (the image has no date for them), redirects
code=$("${C[@]}" -r 100-199 -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/bench/64k.txt")
check "a compiled-in file serves a range (206)" \
  '[ "$code" = 206 ] && cmp -s "$tmp/b" <(tail -c +101 "$www/bench/64k.txt" | head -c 100) && grep -qi "^content-range: bytes 100-199/$(stat -c %s "$www/bench/64k.txt")" "$tmp/h"' \
  "status $code, $(grep -i content-range "$tmp/h")"
code=$("${C[@]}" -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/style.css")
check "a compiled-in file: Accept-Ranges, no Last-Modified" 'grep -qi "^accept-ranges: bytes" "$tmp/h" && ! grep -qi "^last-modified" "$tmp/h"' "$(tr -d '\r' <"$tmp/h" | tr '\n' '|')"
code=$("${C[@]}" -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/bench")
check "a compiled-in directory without its slash is 301" '[ "$code" = 301 ] && grep -qi "^location: \./bench/" "$tmp/h"' "status $code"
