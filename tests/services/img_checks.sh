#!/usr/bin/env bash
# img_checks.sh PORT DIR: the img app over the images that img_media.sh made in DIR (the guest
# serves them from a FAT disk under /pics), as curl and ImageMagick's identify see the answers.
# Prints "ok NAME" / "not ok NAME: why".
set -uo pipefail
port=$1
dir=$2
source "$(dirname "$0")/../lib/curl_checks.sh"
C=(curl -sS --max-time 120)     # a transformation under TCG takes a while
# get QUERY: fetch /pics/QUERY into $tmp/b (head in $tmp/h); sets code
get() { code=$("${C[@]}" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$base/pics/$1"); }
# what identify says of $tmp/b: "FORMAT WxH" (empty when it cannot read it)
ident() { identify -format '%m %wx%h' "$tmp/b" 2>/dev/null; }
# image NAME QUERY WANT: 200 and identify reads "WANT" (as "JPEG 320x240")
image() {
  local want=$3
  get "$2"
  local got; got=$(ident)
  check "$1" '[ "$code" = 200 ] && [ "$got" = "$want" ]' "status $code, identify '$got', expected '$want'"
}

image "resize a JPEG to 320x240" "photo.jpg?w=320&h=240" "JPEG 320x240"
check "  ... as image/jpeg" '[ "$(header content-type)" = image/jpeg ]' "Content-Type '$(header content-type)'"
image "resize a PNG to 200x150" "photo.png?w=200&h=150" "PNG 200x150"
image "w alone keeps the aspect ratio (640x480 -> 160x120)" "photo.jpg?w=160" "JPEG 160x120"
image "h alone keeps the aspect ratio (640x480 -> 40x30)" "photo.png?h=30" "PNG 40x30"
image "fit=contain fits inside 100x100 (100x75)" "photo.jpg?w=100&h=100&fit=contain" "JPEG 100x75"
image "fit=cover fills 100x100" "photo.jpg?w=100&h=100&fit=cover" "JPEG 100x100"
image "rotate=90 swaps the sides" "photo.jpg?rotate=90" "JPEG 480x640"
image "rotate=180 keeps them" "photo.png?rotate=180" "PNG 640x480"
image "crop gives W x H" "photo.jpg?crop=10,20,300,100" "JPEG 300x100"
image "format=png from a JPEG is a PNG" "photo.jpg?format=png&w=64" "PNG 64x48"
check "  ... as image/png" '[ "$(header content-type)" = image/png ]' "Content-Type '$(header content-type)'"
image "all at once: crop, rotate, resize, encode" "photo.jpg?crop=0,0,400,200&rotate=270&h=100&format=png" "PNG 50x100"
get "photo.jpg?q=10"; small=$(stat -c %s "$tmp/b"); c10=$code
get "photo.jpg?q=95"; large=$(stat -c %s "$tmp/b")
check "q=10 is smaller than q=95" '[ "$c10" = 200 ] && [ "$code" = 200 ] && [ "$small" -lt "$large" ]' \
  "status $c10/$code, $small and $large bytes"

# a rotation by 180 puts the bottom-right corner's colour top left (a gradient: top blue, bottom yellow)
get "photo.png?rotate=180&format=png"
top=$(convert "$tmp/b" -crop 1x1+0+0 -format '%[fx:int(255*b)]' info: 2>/dev/null)
check "rotate=180 turns the gradient upside down (yellow on top)" '[ "${top:-255}" -lt 64 ]' "blue at the top left: ${top:-?}"

# no parameter: the file as it is, ranges too
get "photo.jpg"
check "no parameter is the file as it is" '[ "$code" = 200 ] && cmp -s "$tmp/b" "$dir/photo.jpg"' "status $code"
code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' -r 100-199 "$base/pics/photo.jpg")
check "  ... with ranges" '[ "$code" = 206 ] && cmp -s "$tmp/b" <(tail -c +101 "$dir/photo.jpg" | head -c 100)' "status $code"

# refused: the status, and a reason in the body
refused() {   # refused NAME QUERY STATUS WORD
  local want=$3 word=$4
  get "$2"
  check "$1 is $want with a reason" '[ "$code" = "$want" ] && grep -qi -- "$word" "$tmp/b"' \
    "status $code, body '$(head -c 120 "$tmp/b")'"
}
refused "an unknown parameter" "photo.jpg?zoom=2" 400 "unknown parameter"
refused "w that is no number" "photo.jpg?w=abc" 400 "whole numbers"
refused "w=0" "photo.jpg?w=0" 400 "whole numbers"
refused "h=-5" "photo.jpg?h=-5" 400 "whole numbers"
refused "w above the limit" "photo.jpg?w=5000" 400 "limit"
refused "rotate=45" "photo.jpg?rotate=45" 400 "rotate"
refused "a crop outside the image" "photo.jpg?crop=600,400,100,100" 400 "outside"
refused "a crop of zero width" "photo.jpg?crop=0,0,0,10" 400 "crop"
refused "q=0" "photo.jpg?q=0" 400 "q must"
refused "format=gif" "photo.jpg?format=gif" 400 "format"
refused "w given twice" "photo.jpg?w=10&w=20" 400 "twice"
refused "a PNG bomb (header claims 50000x50000)" "bomb.png?w=10" 413 "budget"
refused "a JPEG bomb (header claims 50000x50000)" "bomb.jpg?w=10" 413 "budget"
refused "a truncated JPEG" "truncated.jpg?w=10" 422 "premature end"
get "noise.jpg?w=10"
check "random bytes named .jpg are an error status" '[ "$code" = 415 ] || [ "$code" = 422 ]' "status $code"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' "$base/pics/none.jpg?w=10")
check "a missing file is 404" '[ "$code" = 404 ]' "status $code"

# ETag and If-None-Match
get "photo.jpg?w=120&h=90"
etag=$(header etag)
check "a result has an ETag" '[ "$code" = 200 ] && [[ "$etag" == \"*\" ]]' "status $code, ETag '$etag'"
cp "$tmp/b" "$tmp/first"
get "photo.jpg?h=90&w=120&fit=contain"
check "the same result asked in another order and spelling has the same ETag and bytes" \
  '[ "$(header etag)" = "$etag" ] && cmp -s "$tmp/b" "$tmp/first"' "ETag '$(header etag)'"
rm -f "$tmp/b"
code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' -H "If-None-Match: $etag" "$base/pics/photo.jpg?w=120&h=90")
check "If-None-Match with it is 304 with no body" '[ "$code" = 304 ] && [ ! -s "$tmp/b" ]' "status $code"
code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' -H 'If-None-Match: "other", '"$etag" "$base/pics/photo.jpg?w=120&h=90")
check "  ... also among other tags" '[ "$code" = 304 ]' "status $code"
code=$("${C[@]}" -o "$tmp/b" -w '%{http_code}' -H 'If-None-Match: "other"' "$base/pics/photo.jpg?w=120&h=90")
check "If-None-Match with another tag is 200" '[ "$code" = 200 ]' "status $code"
get "photo.jpg?w=121"
check "another result has another ETag" '[ "$code" = 200 ] && [ "$(header etag)" != "$etag" ]' "ETag '$(header etag)'"

# after all that, still serving
image "still serving afterwards" "photo.png?w=32" "PNG 32x24"
