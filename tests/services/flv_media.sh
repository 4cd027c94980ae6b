#!/usr/bin/env bash
# flv_media.sh DIR DISK: make the flv service test's media in DIR with the host's ffmpeg (nothing
# binary is committed) and a FAT disk image DISK holding them under /media, made with mtools.
# clip.flv has a keyframe every second (-g 25 at 25 fps), so there are places a player seeks to;
# clip.mp4 is H.264 when ffmpeg has libx264, MPEG-4 part 2 otherwise; clip.webm only with libvpx.
set -euo pipefail
dir=$1
disk=$2
rm -rf "$dir" && mkdir -p "$dir"
src=(-hide_banner -loglevel error -f lavfi -i testsrc=duration=4:size=320x240:rate=25)
ffmpeg "${src[@]}" -c:v flv1 -g 25 "$dir/clip.flv"
encoders=$(ffmpeg -hide_banner -encoders 2>/dev/null)
if grep -q ' libx264 ' <<<"$encoders"; then mp4=(-c:v libx264 -pix_fmt yuv420p); else mp4=(-c:v mpeg4); fi
ffmpeg "${src[@]}" "${mp4[@]}" -g 25 -movflags +faststart "$dir/clip.mp4"
if grep -q ' libvpx ' <<<"$encoders"; then
  ffmpeg "${src[@]}" -c:v libvpx -b:v 300k "$dir/clip.webm"
fi
rm -f "$disk"
truncate -s 8M "$disk"
mkfs.fat "$disk" >/dev/null
mmd -i "$disk" ::/media
mcopy -i "$disk" "$dir"/clip.* ::/media/
