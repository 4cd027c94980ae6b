#!/usr/bin/env bash
# Disk images of the shared OS (scripts/mkimage-os, scripts/mkimage-overlay, make image MODULE=1):
# one qcow2 base and a qcow2 overlay per service. Made by make, checked by qemu-img, moved
# together to another directory and booted by GRUB from there: hello's output and exit status,
# httpd's page over a forwarded port, an initrd handed over, the base alone; the overlays hold only
# the service partition's clusters and are a fraction of the base; a module for another ABI and a
# missing one are refused when the image is made. Every QEMU under `timeout -k 5 120`, ended by PID.
# Prints "ok NAME" or "not ok NAME: why" per check.
set -u
cd "$(dirname "$0")/../.." || exit 2

dir=build/tests/os-images
rm -rf "$dir" && mkdir -p "$dir"
. tests/lib/guest_checks.sh
info() { qemu-img info --output=json "$1" | python3 -c "import json, sys; print(json.load(sys.stdin).get('$2', ''))"; }

# boot IMAGE LOG [PORT]: the disk image under QEMU as a cloud VM boots it (BIOS, GRUB), in the
# background (its timeout's PID in $qemu, which passes a kill on to QEMU); the disk is opened
# snapshot=on so nothing is written to it. PORT: forwarded to the guest's port 80.
boot() {
  local net=()
  [ -n "${3:-}" ] && net=(-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$3-:80" -device virtio-net-pci,netdev=n0)
  timeout -k 5 120 qemu-system-x86_64 "${accel[@]}" -M pc -m 128M -drive "file=$1,format=qcow2,snapshot=on" \
    -display none -no-reboot -nodefaults -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    "${net[@]}" </dev/null >"$2" 2>&1 &
  qemu=$!
  pids+=("$qemu")
}
# boot_wait IMAGE LOG: boot and wait; prints the app's exit status (isa-debug-exit's (s << 1) | 1)
boot_wait() {
  boot "$1" "$2"
  wait "$qemu"
  local s=$?
  tr -d '\r' <"$2" >"$2.txt" && mv "$2.txt" "$2"
  if [ $((s & 1)) = 1 ]; then echo $((s >> 1)); else echo "qemu-$s"; fi
}
has() { grep -Eq -- "$2" "$1"; }

# --- made by make: the base once, an overlay per service ----------------------------------------
made=0
make -s image MODULE=1 RUN_APP=hello IMAGE_CMDLINE='debug -- one two' >"$dir/make.log" 2>&1 &&
  make -s image MODULE=1 RUN_APP=httpd >>"$dir/make.log" 2>&1 || made=1
check "make image MODULE=1 makes the base and an overlay per service" \
  "$([ $made = 0 ] && [ -f build/mayfly-os.qcow2 ] && [ -f build/hello-on-os.qcow2 ] && [ -f build/httpd-on-os.qcow2 ]; echo $?)" \
  "$(tail -5 "$dir/make.log")"
# moved together to another directory: the overlays name their base by its bare name
cp build/mayfly-os.qcow2 build/hello-on-os.qcow2 build/httpd-on-os.qcow2 "$dir/"
base=$dir/mayfly-os.qcow2 hello=$dir/hello-on-os.qcow2 httpd=$dir/httpd-on-os.qcow2
backings="$(info "$hello" backing-filename) $(info "$httpd" backing-filename)"
check "both overlays are backed by the base, named relative to them" \
  "$([ "$backings" = "mayfly-os.qcow2 mayfly-os.qcow2" ] && [ "$(realpath "$(info "$hello" full-backing-filename)")" = "$(realpath "$base")" ]; echo $?)" \
  "backing files: $backings; full: $(info "$hello" full-backing-filename)"
for f in "$base" "$hello" "$httpd"; do
  out=$(qemu-img check "$f" 2>&1)
  check "qemu-img check passes on $(basename "$f")" $? "$out"
done

# --- sizes: the overlays hold only the service partition's clusters -------------------------------
size() { stat -c %s "$1"; }
b=$(size "$base") h=$(size "$hello") w=$(size "$httpd")
echo "# sizes in bytes: base $b (OS $(size build/mayfly-os.elf)), hello overlay $h (module $(size build/hello.app)), httpd overlay $w (module $(size build/httpd.app))"
check "each overlay is under a quarter of the base" "$([ $((h * 4)) -lt "$b" ] && [ $((w * 4)) -lt "$b" ]; echo $?)" \
  "base $b, hello $h, httpd $w"
# partition 2 from the MBR the guest boots from (read through the overlay)
p2=$(qemu-img convert -O raw "$hello" "$dir/hello.raw" &&
  python3 -c "import struct, sys; m = open('$dir/hello.raw', 'rb').read(512); print(*struct.unpack_from('<II', m, 446 + 16 + 8))")
rm -f "$dir/hello.raw"
outside=$(qemu-img map --output=json "$httpd" | python3 -c "
import json, sys
start, count = map(int, '$p2'.split())
lo, hi = start * 512, (start + count) * 512
own = [e for e in json.load(sys.stdin) if e['depth'] == 0 and e['data']]
print(len(own), *[f\"{e['start']}+{e['length']}\" for e in own if e['start'] < lo or e['start'] + e['length'] > hi])")
check "the httpd overlay's data lies in the service partition only" \
  "$([ -n "$p2" ] && [ "${outside%% *}" -gt 0 ] && [ "$outside" = "${outside%% *}" ]; echo $?)" \
  "partition 2 (start, sectors): '$p2'; overlay extents, then those outside: $outside"

# --- two overlays on one base boot two services ---------------------------------------------------
s=$(boot_wait "$hello" "$dir/hello.log")
check "the hello overlay boots by GRUB: hello's output, its command line, exit status 0" \
  "$([ "$s" = 0 ] && has "$dir/hello.log" 'booted by multiboot2' && has "$dir/hello.log" 'module hello linked' &&
     has "$dir/hello.log" '^Hello from Mayfly!$' && has "$dir/hello.log" '^argv\[1\] = "one"$' &&
     has "$dir/hello.log" '^argv\[2\] = "two"$'; echo $?)" "status $s; $(tail -5 "$dir/hello.log")"

port=$(free_port)
boot "$httpd" "$dir/httpd.log" "$port"
got=1
for _ in $(seq 1000); do
  curl -s -m 5 -o "$dir/index.html" "http://127.0.0.1:$port/" && { got=0; break; }
  kill -0 "$qemu" 2>/dev/null || break
  sleep 0.1
done
check "the httpd overlay (same base) serves its page over a forwarded port" \
  "$([ $got = 0 ] && cmp -s "$dir/index.html" apps/httpd/www/index.html; echo $?)" \
  "curl $got; $(tr -d '\r' <"$dir/httpd.log" | tail -5)"
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
check "the httpd overlay ran httpd, not hello" "$(! grep -q 'Hello from Mayfly' "$dir/httpd.log"; echo $?)" \
  "$(tr -d '\r' <"$dir/httpd.log" | tail -5)"

# --- an initrd in the overlay, and the base alone ------------------------------------------------
mkdir -p "$dir/tree/etc" && echo hi >"$dir/tree/etc/greeting" &&
  (cd "$dir/tree" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) >"$dir/tree.cpio"
if INITRD=$dir/tree.cpio scripts/mkimage-overlay "$base" build/hello.app "$dir/hello-initrd.qcow2" debug >"$dir/initrd-make.log" 2>&1; then
  s=$(boot_wait "$dir/hello-initrd.qcow2" "$dir/initrd.log")
  check "an overlay with INITRD: the OS unpacks the archive and runs the module" \
    "$([ "$s" = 0 ] && has "$dir/initrd.log" 'initrd: [0-9]+ files and directories unpacked into /' &&
       has "$dir/initrd.log" '^Hello from Mayfly!$'; echo $?)" "status $s; $(tail -5 "$dir/initrd.log")"
else
  check "an overlay with INITRD is made" 1 "$(cat "$dir/initrd-make.log")"
fi
s=$(boot_wait "$base" "$dir/base.log")
check "the base alone boots the OS, which says no module was given (status 126)" \
  "$([ "$s" = 126 ] && has "$dir/base.log" 'module refused: none given'; echo $?)" "status $s; $(tail -3 "$dir/base.log")"

# --- refused when the image is made -------------------------------------------------------------
os_abi=$(scripts/abi-of build/mayfly-os.elf)
other_abi="0+${os_abi#*+}"
python3 - build/hello.app "$dir/other.app" "$os_abi" "$other_abi" <<'PY'
import sys
src, dst, old, new = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
data = open(src, 'rb').read()
assert data.count(old + b'\0') == 1 and len(old) == len(new)
open(dst, 'wb').write(data.replace(old + b'\0', new + b'\0'))
PY
out=$(scripts/mkimage-overlay "$base" "$dir/other.app" "$dir/other.qcow2" 2>&1)
s=$?
check "a module built for another ABI is refused, naming both ABIs, and no overlay is left" \
  "$([ $s = 2 ] && grep -qF "built for ABI $other_abi, the OS in $base has ABI $os_abi" <<<"$out" &&
     ! [ -e "$dir/other.qcow2" ] && ! [ -e "$dir/other.qcow2.part" ]; echo $?)" "status $s: $out"
out=$(scripts/mkimage-overlay "$base" "$dir/none.app" "$dir/none.qcow2" 2>&1)
s=$?
check "a missing module is refused" "$([ $s = 2 ] && grep -qF "no such module: $dir/none.app" <<<"$out"; echo $?)" "status $s: $out"
out=$(scripts/mkimage-overlay build/hello-on-os.qcow2 build/hello.app "$dir/x.qcow2" 2>&1)
s=$?
check "an overlay given as the base is refused" \
  "$([ $s = 2 ] && grep -qF "partition 2 of build/hello-on-os.qcow2 is not empty" <<<"$out"; echo $?)" "status $s: $out"
