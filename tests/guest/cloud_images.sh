#!/usr/bin/env bash
# The cloud import formats of make image (scripts/mkimage): IMAGE_FORMAT=gce (a tar.gz holding a
# sparse disk.raw), vmdk (stream-optimized) and vhd (fixed). Each is made by make, checked for
# what its cloud asks of it (GCE: one member disk.raw of whole GiB; Azure: whole MiB plus the
# 512-byte footer, a fixed disk; the VMDK stream-optimized), checked by qemu-img check where
# qemu-img can check the format (qcow2 and vmdk; it has no check for vpc, VHD's driver), and
# booted by QEMU through its own driver for the format: hello's output, command line and exit
# status. UEFI: the raw disk boots hello under OVMF (Debian's ovmf) as under BIOS, and so do the
# cloud formats, the ISO and a shared-OS overlay (scripts/mkimage-overlay); under UEFI hello
# powers the VM off by ACPI, whose tables the OS finds from GRUB's multiboot2 tag (no BIOS area).
# Every QEMU under `timeout -k 5 120`, ended by PID. Prints "ok NAME" or "not ok NAME: why".
set -u
cd "$(dirname "$0")/../.." || exit 2

dir=build/tests/cloud-images
rm -rf "$dir" && mkdir -p "$dir"
. tests/lib/guest_checks.sh
info() { qemu-img info -f "$1" --output=json "$2" | python3 -c "import json, sys; print(json.load(sys.stdin)$3)"; }
has() { grep -Eq -- "$2" "$1"; }
MiB=$((1024 * 1024)) GiB=$((1024 * 1024 * 1024))

# boot_wait IMAGE FORMAT LOG [QEMU options]: the disk under QEMU (BIOS, or the UEFI firmware the
# options name; GRUB either way) through FORMAT's driver, opened snapshot=on so nothing is written
# to it; waits and prints the app's exit status (isa-debug-exit's (s << 1) | 1) or qemu-N.
# MACHINE: the machine type (default pc).
boot_wait() {
  local image=$1 format=$2 log=$3
  shift 3
  timeout -k 5 120 qemu-system-x86_64 "${accel[@]}" -M "${MACHINE:-pc}" -m 256M -drive "file=$image,format=$format,snapshot=on" \
    -display none -no-reboot -nodefaults -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    "$@" </dev/null >"$log" 2>&1 &
  local qemu=$!
  pids+=("$qemu")
  wait "$qemu"
  local s=$?
  tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"
  if [ $((s & 1)) = 1 ]; then echo $((s >> 1)); else echo "qemu-$s"; fi
}
# uefi: the QEMU options of UEFI firmware, OVMF: its code read-only, its variables a fresh copy
OVMF=/usr/share/OVMF
vars=0
uefi() {
  vars=$((vars + 1))
  cp "$OVMF/OVMF_VARS.fd" "$dir/vars-$vars.fd"
  echo "-drive if=pflash,format=raw,readonly=on,file=$OVMF/OVMF_CODE.fd -drive if=pflash,format=raw,file=$dir/vars-$vars.fd"
}
# hello_ran LOG STATUS: hello booted by GRUB (multiboot2), with the command line the image carries
hello_ran() {
  [ "$2" = 0 ] && has "$1" 'booted by multiboot2' && has "$1" '^Hello from Mayfly!$' &&
    has "$1" '^argv\[1\] = "one"$' && has "$1" '^argv\[2\] = "two"$'
}

# --- made by make ----------------------------------------------------------------------------------
for f in gce vmdk vhd qcow2 img; do
  rm -f "build/hello.$([ $f = gce ] && echo tar.gz || echo $f)"
  make -s image RUN_APP=hello IMAGE_FORMAT=$f IMAGE_CMDLINE='debug -- one two' >"$dir/make-$f.log" 2>&1
  s=$?
  out=build/hello.$([ $f = gce ] && echo tar.gz || echo $f)
  check "make image IMAGE_FORMAT=$f writes $out" "$([ $s = 0 ] && [ -s "$out" ]; echo $?)" "status $s: $(tail -3 "$dir/make-$f.log")"
  cp "$out" "$dir/" 2>/dev/null
done
out=$(make -s image RUN_APP=hello IMAGE_FORMAT=vdi 2>&1)
s=$?
check "an unknown IMAGE_FORMAT is refused, naming it" "$([ $s != 0 ] && grep -q 'IMAGE_FORMAT must be one of .*: vdi$' <<<"$out"; echo $?)" \
  "status $s: $out"

# --- gce: a gzipped tar whose one member is a sparse disk.raw of whole GiB -------------------------
members=$(python3 - "$dir/hello.tar.gz" <<'PY'
import gzip, sys, tarfile
with tarfile.open(sys.argv[1], 'r:gz') as t:
    members = t.getmembers()
# GNU tar's old format: the header's magic is "ustar  " then NUL (POSIX's is "ustar", NUL, "00")
with gzip.open(sys.argv[1]) as f:
    gnu = f.read(512)[257:265] == b'ustar  \0'
print(*[f'{m.name}:{m.size}:{int(m.issparse())}:{gnu}' for m in members])
PY
)
name=${members%%:*} rest=${members#*:}
size=${rest%%:*}
check "the gce tarball holds one member, disk.raw, sparse, in GNU tar's format" \
  "$([ "$name" = disk.raw ] && [ "$members" = "disk.raw:$size:1:True" ]; echo $?)" "members (name:size:sparse:gnu): $members"
check "the gce disk.raw is a whole number of GiB" "$([ -n "$size" ] && [ "$size" -gt 0 ] && [ $((size % GiB)) = 0 ]; echo $?)" \
  "size $size"
mkdir -p "$dir/gce" && tar -xzf "$dir/hello.tar.gz" -C "$dir/gce"
s=$(boot_wait "$dir/gce/disk.raw" raw "$dir/gce.log")
check "the gce disk.raw, unpacked, boots hello by GRUB" "$(hello_ran "$dir/gce.log" "$s"; echo $?)" \
  "status $s; $(tail -5 "$dir/gce.log")"

# --- vmdk: stream-optimized, checked, booted by QEMU's vmdk driver -------------------------------
vmdk=$dir/hello.vmdk
kind=$(info vmdk "$vmdk" "['format-specific']['data']['create-type']" 2>&1)
check "the vmdk is stream-optimized" "$([ "$kind" = streamOptimized ]; echo $?)" "create-type: $kind"
s=$(boot_wait "$vmdk" vmdk "$dir/vmdk.log")
check "the vmdk boots hello through QEMU's vmdk driver" "$(hello_ran "$dir/vmdk.log" "$s"; echo $?)" \
  "status $s; $(tail -5 "$dir/vmdk.log")"

# --- vhd: fixed, whole MiB (at least 20) plus the footer, booted by QEMU's vpc driver ------------
vhd=$dir/hello.vhd
footer=$(python3 - "$vhd" <<'PY'
import struct, sys
with open(sys.argv[1], 'rb') as f:
    f.seek(-512, 2)
    foot = f.read(512)
# the VHD footer: cookie, then at 48 the current size and at 60 the disk type (2: fixed), big-endian
print(foot[:8].decode('latin-1'), struct.unpack_from('>Q', foot, 48)[0], struct.unpack_from('>I', foot, 60)[0])
PY
)
read -r cookie vsize dtype <<<"$footer"
fsize=$(stat -c %s "$vhd")
check "the vhd is a fixed VHD whose footer gives the size before it" \
  "$([ "$cookie" = conectix ] && [ "$dtype" = 2 ] && [ "$vsize" = $((fsize - 512)) ]; echo $?)" \
  "footer (cookie, size, type): $footer; file $fsize bytes"
check "the vhd's virtual size is a whole number of MiB, at least 20, plus 512 bytes of footer" \
  "$([ $(((fsize - 512) % MiB)) = 0 ] && [ $((fsize - 512)) -ge $((20 * MiB)) ] &&
     [ "$(info vpc "$vhd" "['virtual-size']")" = $((fsize - 512)) ]; echo $?)" \
  "file $fsize bytes, qemu-img's virtual size $(info vpc "$vhd" "['virtual-size']")"
s=$(boot_wait "$vhd" vpc "$dir/vhd.log")
check "the vhd boots hello through QEMU's vpc driver" "$(hello_ran "$dir/vhd.log" "$s"; echo $?)" \
  "status $s; $(tail -5 "$dir/vhd.log")"

# --- qemu-img check, on the formats it checks ----------------------------------------------------
for f in qcow2 vmdk; do
  out=$(qemu-img check -f $f "$dir/hello.$f" 2>&1)
  check "qemu-img check passes on the $f" $? "$out"
done

# --- UEFI: OVMF finds GRUB's EFI image in the EFI system partition, with no NVRAM boot entry ----
# (its boot manager says "BdsDxe: starting" on the serial console: the proof that UEFI booted it)
img=$dir/hello.img
type=$(python3 -c "import sys; m = open(sys.argv[1], 'rb').read(512); print(hex(m[446 + 4]), m[510:].hex())" "$img")
check "the raw disk keeps its MBR, partition 1 an EFI system partition (0xef)" "$([ "$type" = '0xef 55aa' ]; echo $?)" "type, signature: $type"
got=$(mtype -i "$img@@$((2048 * 512))" ::/EFI/BOOT/BOOTX64.EFI 2>&1 | head -c 2 | od -An -c | tr -d ' ')
check "the EFI system partition holds /EFI/BOOT/BOOTX64.EFI, a PE image" "$([ "$got" = MZ ]; echo $?)" "starts with: $got"
s=$(boot_wait "$img" raw "$dir/img-bios.log")
check "the raw disk boots hello under BIOS" "$(hello_ran "$dir/img-bios.log" "$s" && ! has "$dir/img-bios.log" 'BdsDxe'; echo $?)" \
  "status $s; $(tail -5 "$dir/img-bios.log")"
read -ra fw <<<"$(uefi)"
s=$(boot_wait "$img" raw "$dir/img-uefi.log" "${fw[@]}")
check "the raw disk boots hello under UEFI (OVMF)" "$(hello_ran "$dir/img-uefi.log" "$s" && has "$dir/img-uefi.log" 'BdsDxe: starting'; echo $?)" \
  "status $s; $(tail -5 "$dir/img-uefi.log")"
# q35 with a display adapter, as clouds have: GRUB sets a GOP framebuffer and hands it over
read -ra fw <<<"$(uefi)"
s=$(MACHINE=q35 boot_wait "$img" raw "$dir/img-uefi-q35.log" "${fw[@]}" -device VGA)
check "the raw disk boots hello under UEFI on q35 with a display adapter" \
  "$(hello_ran "$dir/img-uefi-q35.log" "$s" && has "$dir/img-uefi-q35.log" 'BdsDxe: starting'; echo $?)" \
  "status $s; $(tail -5 "$dir/img-uefi-q35.log")"
# no isa-debug-exit: hello's exit powers off by ACPI (QEMU exits 0), the RSDP from GRUB's tag
read -ra fw <<<"$(uefi)"
timeout -k 5 120 qemu-system-x86_64 "${accel[@]}" -M pc -m 256M "${fw[@]}" -drive "file=$img,format=raw,snapshot=on" \
  -display none -no-reboot -nodefaults -serial stdio </dev/null >"$dir/img-uefi-acpi.log" 2>&1 &
qemu=$!
pids+=("$qemu")
wait "$qemu"
s=$?
check "under UEFI, hello's exit powers the VM off by ACPI" \
  "$([ $s = 0 ] && has "$dir/img-uefi-acpi.log" 'Hello from Mayfly!' && ! has "$dir/img-uefi-acpi.log" 'could not power off'; echo $?)" \
  "QEMU exited $s; $(tr -d '\r' <"$dir/img-uefi-acpi.log" | tail -3)"

for f in gce:raw vmdk:vmdk vhd:vpc qcow2:qcow2; do
  image=$dir/hello.${f%%:*}
  [ "${f%%:*}" = gce ] && image=$dir/gce/disk.raw
  read -ra fw <<<"$(uefi)"
  s=$(boot_wait "$image" "${f#*:}" "$dir/${f%%:*}-uefi.log" "${fw[@]}")
  check "the ${f%%:*} image boots hello under UEFI" "$(hello_ran "$dir/${f%%:*}-uefi.log" "$s" && has "$dir/${f%%:*}-uefi.log" 'BdsDxe: starting'; echo $?)" \
    "status $s; $(tail -5 "$dir/${f%%:*}-uefi.log")"
done

if scripts/mkimage build/hello.elf "$dir/hello.iso" debug -- one two >"$dir/iso.log" 2>&1; then
  read -ra fw <<<"$(uefi)"
  timeout -k 5 120 qemu-system-x86_64 "${accel[@]}" -M pc -m 256M "${fw[@]}" -cdrom "$dir/hello.iso" \
    -display none -no-reboot -nodefaults -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$dir/iso-uefi.log" 2>&1 &
  qemu=$!
  pids+=("$qemu")
  wait "$qemu"
  s=$?
  tr -d '\r' <"$dir/iso-uefi.log" >"$dir/iso.txt" && mv "$dir/iso.txt" "$dir/iso-uefi.log"
  check "the ISO boots hello under UEFI" "$(hello_ran "$dir/iso-uefi.log" "$([ $s = 1 ] && echo 0 || echo "qemu-$s")" && has "$dir/iso-uefi.log" 'BdsDxe: starting'; echo $?)" \
    "QEMU exited $s; $(tail -5 "$dir/iso-uefi.log")"
else
  check "the ISO is made" 1 "$(cat "$dir/iso.log")"
fi

# the shared OS: its base's partition 1 is the EFI system partition too; an overlay boots by UEFI
if make -s image MODULE=1 RUN_APP=hello IMAGE_CMDLINE='debug -- one two' >"$dir/os.log" 2>&1; then
  read -ra fw <<<"$(uefi)"
  s=$(boot_wait build/hello-on-os.qcow2 qcow2 "$dir/os-uefi.log" "${fw[@]}")
  check "a shared-OS overlay (make image MODULE=1) boots hello under UEFI" \
    "$(hello_ran "$dir/os-uefi.log" "$s" && has "$dir/os-uefi.log" 'module hello linked' && has "$dir/os-uefi.log" 'BdsDxe: starting'; echo $?)" \
    "status $s; $(tail -5 "$dir/os-uefi.log")"
else
  check "make image MODULE=1 makes the shared OS's images" 1 "$(tail -5 "$dir/os.log")"
fi
