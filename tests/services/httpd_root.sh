#!/usr/bin/env bash
# httpd_root.sh PORT TREE: httpd --root over a tree the host made (tests/services/cases.sh puts it
# in an initrd), as curl sees it: whole files, byte ranges, validators, names with spaces,
# redirects for directories. Prints "ok NAME" / "not ok NAME: why".
set -uo pipefail
port=$1
tree=$2
source "$(dirname "$0")/../lib/curl_checks.sh"
size=$(stat -c %s "$tree/big.bin")
# slice FIRST COUNT: those bytes of big.bin, cut on the host
slice() { python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.stdout.buffer.write(d[int(sys.argv[2]):int(sys.argv[2]) + int(sys.argv[3])])' "$tree/big.bin" "$1" "$2"; }

code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/")
check "GET / is the tree's index.html" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$tree/index.html"' "status $code or body differs"

code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/big.bin")
want=$(sha256sum <"$tree/big.bin" | cut -d' ' -f1)
got=$(sha256sum <"$tmp/b" | cut -d' ' -f1)
check "a 3 MiB file arrives whole (sha256)" '[ "$code" = 200 ] && [ "$got" = "$want" ]' "status $code, sha256 $got, expected $want"
check "a 200 says Accept-Ranges: bytes and the length" '[ "$(header accept-ranges)" = bytes ] && [ "$(header content-length)" = "$size" ]' \
  "Accept-Ranges '$(header accept-ranges)', Content-Length '$(header content-length)'"
lm=$(header last-modified)
check "Last-Modified is an IMF-fixdate" '[[ "$lm" =~ ^[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ GMT$ ]]' "'$lm'"
want_lm=$(TZ=GMT LC_ALL=C date -d "@$(stat -c %Y "$tree/big.bin")" '+%a, %d %b %Y %H:%M:%S GMT')
check "Last-Modified is the file's time in the archive" '[ "$lm" = "$want_lm" ]' "'$lm', expected '$want_lm'"

code=$("${C[@]}" -r 1000-1999 -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/big.bin")
slice 1000 1000 >"$tmp/want"
check "Range 1000-1999 is 206 with exactly those bytes" '[ "$code" = 206 ] && cmp -s "$tmp/b" "$tmp/want"' "status $code or bytes differ"
check "Range 1000-1999 has Content-Range bytes 1000-1999/$size" '[ "$(header content-range)" = "bytes 1000-1999/$size" ]' "'$(header content-range)'"

code=$("${C[@]}" -r -500 -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/big.bin")
slice $((size - 500)) 500 >"$tmp/want"
check "a suffix range (-500) is the last 500 bytes" '[ "$code" = 206 ] && cmp -s "$tmp/b" "$tmp/want" && [ "$(header content-range)" = "bytes $((size - 500))-$((size - 1))/$size" ]' \
  "status $code, Content-Range '$(header content-range)'"

code=$("${C[@]}" -r 3000000- -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/big.bin")
slice 3000000 $((size - 3000000)) >"$tmp/want"
check "an open range (3000000-) runs to the end" '[ "$code" = 206 ] && cmp -s "$tmp/b" "$tmp/want"' "status $code or bytes differ"

code=$("${C[@]}" -r 5000000- -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/big.bin")
check "a range past the end is 416 with Content-Range bytes */$size" '[ "$code" = 416 ] && [ "$(header content-range)" = "bytes */$size" ]' \
  "status $code, Content-Range '$(header content-range)'"

code=$("${C[@]}" -r 0-9,20-29 -o "$tmp/b" -w '%{http_code}' "$base/big.bin")
check "several ranges are ignored: 200 and the whole file" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$tree/big.bin"' "status $code"
code=$("${C[@]}" -H 'Range: bytes=9-3' -o "$tmp/b" -w '%{http_code}' "$base/big.bin")
check "a malformed range (9-3) is ignored: 200" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$tree/big.bin"' "status $code"

# (curl leaves -o's file alone when no body comes: count what it received instead)
out=$("${C[@]}" -H "If-Modified-Since: $lm" -o /dev/null -w '%{http_code} %{size_download}' "$base/big.bin")
check "If-Modified-Since with the Last-Modified value is 304, no body" '[ "$out" = "304 0" ]' "status and body bytes: $out"
code=$("${C[@]}" -H 'If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT' -o /dev/null -w '%{http_code}' "$base/index.html")
check "If-Modified-Since an older date is 200" '[ "$code" = 200 ]' "status $code"
code=$("${C[@]}" -H 'If-Modified-Since: yesterday' -o /dev/null -w '%{http_code}' "$base/index.html")
check "an unparseable If-Modified-Since is ignored: 200" '[ "$code" = 200 ]' "status $code"

code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' "$base/with%20space.txt")
check "%20 names a file with a space" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$tree/with space.txt"' "status $code"

code=$("${C[@]}" -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/media/clip.mp4")
check "an .mp4 is video/mp4" '[ "$code" = 200 ] && [ "$(header content-type)" = video/mp4 ]' "status $code, '$(header content-type)'"

code=$("${C[@]}" -o /dev/null -w '%{http_code}' "$base/no/such/file")
check "a missing file is 404" '[ "$code" = 404 ]' "status $code"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' "$base/media/")
check "a directory without index.html is 404 (no listing)" '[ "$code" = 404 ]' "status $code"
code=$("${C[@]}" -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/sub")
check "a directory without its slash is 301 to the slash" '[ "$code" = 301 ] && [ "$(header location)" = ./sub/ ]' "status $code, Location '$(header location)'"
code=$("${C[@]}" -L -o "$tmp/b" -w '%{http_code}' "$base/sub")
check "following it gives the directory's index.html" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$tree/sub/index.html"' "status $code"
code=$("${C[@]}" --path-as-is -o /dev/null -w '%{http_code}' "$base/../../etc/passwd")
check "a .. segment is refused (400)" '[ "$code" = 400 ]' "status $code"

code=$("${C[@]}" -I -o "$tmp/h" -w '%{http_code}' "$base/big.bin")
check "HEAD has the length, no body" '[ "$code" = 200 ] && [ "$(header content-length)" = "$size" ]' "status $code"
# a big body sent in chunks, then the next request on the same connection
out=$("${C[@]}" -o "$tmp/b" -o "$tmp/b2" -w '%{http_code} %{num_connects}\n' "$base/big.bin" "$base/index.html")
check "keep-alive after a chunked file: two requests, one connection" \
  '[ "$out" = $'"'"'200 1\n200 0'"'"' ] && cmp -s "$tmp/b" "$tree/big.bin" && cmp -s "$tmp/b2" "$tree/index.html"' "$(echo "$out" | tr '\n' '|')"
