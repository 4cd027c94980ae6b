#!/usr/bin/env bash
# img_media.sh DIR DISK: make the img service test's images in DIR with the host's ImageMagick
# (nothing binary is committed) and a FAT disk image DISK holding them under /pics, made with
# mtools. Besides two good images: bombs (a small PNG and a small JPEG whose headers claim
# 50000x50000 pixels), a truncated JPEG and random bytes named .jpg.
set -euo pipefail
dir=$1
disk=$2
rm -rf "$dir" && mkdir -p "$dir"
convert -size 640x480 plasma:fractal -quality 92 "$dir/photo.jpg"
convert -size 640x480 gradient:blue-yellow "$dir/photo.png"
convert -size 1x1 xc:white "$dir/tiny.png"
convert -size 16x16 xc:white "$dir/tiny.jpg"
head -c $(($(stat -c %s "$dir/photo.jpg") / 2)) "$dir/photo.jpg" >"$dir/truncated.jpg"
head -c 20000 /dev/urandom >"$dir/noise.jpg"
python3 - "$dir" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
side = 50000
# PNG: IHDR is the first chunk, at byte 8: length, "IHDR", width, height, ...; its CRC covers
# the type and data (PNG spec §5.3), so it is computed anew over the patched data
png = bytearray(open(d + "/tiny.png", "rb").read())
assert png[12:16] == b"IHDR"
png[16:24] = struct.pack(">II", side, side)
png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
open(d + "/bomb.png", "wb").write(png)
# JPEG: the frame header (SOF0..SOF2: FFC0..FFC2) holds precision, then height and width, 16 bits each
jpg = bytearray(open(d + "/tiny.jpg", "rb").read())
i = 2
while jpg[i + 1] not in (0xC0, 0xC1, 0xC2):
    i += 2 + struct.unpack(">H", jpg[i + 2:i + 4])[0]
jpg[i + 5:i + 9] = struct.pack(">HH", side, side)
open(d + "/bomb.jpg", "wb").write(jpg)
PY
rm -f "$disk"
truncate -s 8M "$disk"
mkfs.fat "$disk" >/dev/null
mmd -i "$disk" ::/pics
mcopy -i "$disk" "$dir"/*.jpg "$dir"/*.png ::/pics/
