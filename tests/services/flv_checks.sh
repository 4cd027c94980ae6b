#!/usr/bin/env bash
# flv_checks.sh PORT DIR: the flv app over the media that flv_media.sh made in DIR (the guest
# serves them from a FAT disk under /media), as curl and ffprobe see it: FLV seeks to a keyframe,
# the seeks it must refuse, byte ranges on MP4 and WebM. Prints "ok NAME" / "not ok NAME: why".
set -uo pipefail
port=$1
dir=$2
source "$(dirname "$0")/../lib/curl_checks.sh"
flv=$dir/clip.flv
mp4=$dir/clip.mp4
flv_size=$(stat -c %s "$flv")
mp4_size=$(stat -c %s "$mp4")
sha() { sha256sum <"$1" | cut -d' ' -f1; }
# bytes FILE FIRST COUNT: those bytes of FILE, cut on the host
bytes() { tail -c +$(($2 + 1)) "$1" | head -c "$3"; }

# --- FLV seeks -------------------------------------------------------------------------------
# where the original's video keyframes are (ffprobe gives each packet's tag position); the
# second is a seek into the middle, as a player makes one
mapfile -t keys < <(ffprobe -v error -select_streams v -show_entries packet=pos,flags -of csv=p=0 "$flv" |
  awk -F, '$2 ~ /K/ { print $1 }')
pos=${keys[1]:-}
check "the test clip has keyframes to seek to" '[ "${#keys[@]}" -ge 3 ]' "keyframes at: ${keys[*]}"
pos=${pos:-13}
code=$("${C[@]}" -D "$tmp/h" -o "$tmp/seek.flv" -w '%{http_code}' "$base/media/clip.flv?start=$pos")
check "?start=$pos (a keyframe) is 200 video/x-flv" '[ "$code" = 200 ] && [ "$(header content-type)" = video/x-flv ]' \
  "status $code, Content-Type '$(header content-type)'"
check "its length is the 13-byte header and the file from $pos" \
  '[ "$(header content-length)" = $((13 + flv_size - pos)) ] && [ "$(stat -c %s "$tmp/seek.flv")" = $((13 + flv_size - pos)) ]' \
  "Content-Length '$(header content-length)', got $(stat -c %s "$tmp/seek.flv") bytes"
flags=$(od -A n -t x1 -j 4 -N 1 "$flv" | tr -d ' ')
want_head="464c5601${flags}0000000900000000"
got_head=$(od -A n -t x1 -N 13 "$tmp/seek.flv" | tr -d ' \n')
check "it starts with FLV version 1, the file's flags, data offset 9, PreviousTagSize0 0" \
  '[ "$got_head" = "$want_head" ]' "$got_head, expected $want_head"
bytes "$flv" "$pos" $((flv_size - pos)) >"$tmp/want"
check "after the header, its bytes are the original's from $pos" 'cmp -s <(tail -c +14 "$tmp/seek.flv") "$tmp/want"' \
  "$(cmp <(tail -c +14 "$tmp/seek.flv") "$tmp/want" 2>&1 | head -1)"
# ffprobe must read the answer as a file of its own: FLV, its frames those of the original from the keyframe on
format=$(ffprobe -v error -show_entries format=format_name -of csv=p=0 "$tmp/seek.flv" 2>&1)
got_packets=$(ffprobe -v error -select_streams v -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$tmp/seek.flv" 2>&1)
want_packets=$(ffprobe -v error -select_streams v -show_entries packet=pos -of csv=p=0 "$flv" | awk -v p="$pos" '$1 >= p' | wc -l)
first_flags=$(ffprobe -v error -select_streams v -show_entries packet=flags -of csv=p=0 -read_intervals '%+#1' "$tmp/seek.flv" 2>&1)
check "ffprobe reads it as FLV with the original's $want_packets video frames from there" \
  '[ "$format" = flv ] && [ "$got_packets" = "$want_packets" ] && [ "$want_packets" -gt 0 ]' \
  "format '$format', $got_packets video packets, expected $want_packets"
check "its first video frame is a keyframe" '[[ "$first_flags" == K* ]]' "flags '$first_flags'"
# the minimum: right after the header (13 bytes here) is a seek to the first tag
code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.flv?start=13")
check "?start=13 (the first tag) is the whole file again" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$flv"' "status $code or bytes differ"
code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.flv?start=0")
check "?start=0 is the whole file" '[ "$code" = 200 ] && [ "$(sha "$tmp/b")" = "$(sha "$flv")" ]' "status $code"
code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.flv")
check "a plain GET of the .flv is the whole file, video/x-flv" \
  '[ "$code" = 200 ] && [ "$(sha "$tmp/b")" = "$(sha "$flv")" ] && [ "$(header content-type)" = video/x-flv ]' \
  "status $code, Content-Type '$(header content-type)'"
code=$("${C[@]}" -I -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/media/clip.flv?start=$pos")
check "HEAD with ?start= has the seek's length and no body" '[ "$code" = 200 ] && [ "$(header content-length)" = $((13 + flv_size - pos)) ]' \
  "status $code, Content-Length '$(header content-length)'"

# refused: 400, with the reason in the body
refused() {   # refused NAME QUERY-URL WORD: 400 and WORD in the body
  local code word=$3              # (check evaluates its condition with its own $1 $2 $3)
  code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' "$base$2")
  check "$1 is 400 with a reason" '[ "$code" = 400 ] && grep -qi -- "$word" "$tmp/b"' "status $code, body '$(head -c 100 "$tmp/b")'"
}
refused "?start= past the end" "/media/clip.flv?start=$((flv_size + 1000))" "past the end"
refused "?start= at the end" "/media/clip.flv?start=$flv_size" "past the end"
refused "?start= inside the header (5)" "/media/clip.flv?start=5" "inside the FLV header"
refused "?start= inside PreviousTagSize0 (12)" "/media/clip.flv?start=12" "inside the FLV header"
refused "?start=abc" "/media/clip.flv?start=abc" "not a byte offset"
refused "?start= with no value" "/media/clip.flv?start=" "not a byte offset"
refused "?start= a huge number" "/media/clip.flv?start=99999999999999999999999" "past the end"
refused "?start= on an MP4" "/media/clip.mp4?start=100" "not one"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' "$base/media/nothing.flv?start=100")
check "?start= on a missing file is 404" '[ "$code" = 404 ]' "status $code"

# --- byte ranges (RFC 9110 §14): MP4 ------------------------------------------------------------
code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.mp4")
check "a whole GET of the MP4 is the file (sha256), video/mp4, Accept-Ranges: bytes" \
  '[ "$code" = 200 ] && [ "$(sha "$tmp/b")" = "$(sha "$mp4")" ] && [ "$(header content-type)" = video/mp4 ] && [ "$(header accept-ranges)" = bytes ]' \
  "status $code, Content-Type '$(header content-type)', Accept-Ranges '$(header accept-ranges)'"
code=$("${C[@]}" -r 100-199 -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.mp4")
bytes "$mp4" 100 100 >"$tmp/want"
check "-r 100-199 is 206 with exactly those 100 bytes" '[ "$code" = 206 ] && cmp -s "$tmp/b" "$tmp/want"' "status $code or bytes differ"
check "-r 100-199 says Content-Range: bytes 100-199/$mp4_size" '[ "$(header content-range)" = "bytes 100-199/$mp4_size" ]' \
  "'$(header content-range)'"
code=$("${C[@]}" -r -50 -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.mp4")
bytes "$mp4" $((mp4_size - 50)) 50 >"$tmp/want"
check "-r -50 is the last 50 bytes" \
  '[ "$code" = 206 ] && cmp -s "$tmp/b" "$tmp/want" && [ "$(header content-range)" = "bytes $((mp4_size - 50))-$((mp4_size - 1))/$mp4_size" ]' \
  "status $code, Content-Range '$(header content-range)'"
code=$("${C[@]}" -r 30000- -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.mp4")
bytes "$mp4" 30000 $((mp4_size - 30000)) >"$tmp/want"
check "-r 30000- runs to the end" '[ "$code" = 206 ] && cmp -s "$tmp/b" "$tmp/want"' "status $code or bytes differ"
code=$("${C[@]}" -r $((mp4_size + 10))- -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/media/clip.mp4")
check "an unsatisfiable range is 416 with Content-Range: bytes */$mp4_size" \
  '[ "$code" = 416 ] && [ "$(header content-range)" = "bytes */$mp4_size" ]' "status $code, Content-Range '$(header content-range)'"

# --- WebM, when the host's ffmpeg could make one ----------------------------------------------------
if [ -f "$dir/clip.webm" ]; then
  webm=$dir/clip.webm
  code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/media/clip.webm")
  check "a whole GET of the WebM is the file (sha256), video/webm" \
    '[ "$code" = 200 ] && [ "$(sha "$tmp/b")" = "$(sha "$webm")" ] && [ "$(header content-type)" = video/webm ]' \
    "status $code, Content-Type '$(header content-type)'"
  code=$("${C[@]}" -r 1000-1999 -o "$tmp/b" -w '%{http_code}' "$base/media/clip.webm")
  bytes "$webm" 1000 1000 >"$tmp/want"
  check "-r 1000-1999 of the WebM is those bytes" '[ "$code" = 206 ] && cmp -s "$tmp/b" "$tmp/want"' "status $code or bytes differ"
fi
