# Sourced by scripts/mkimage and scripts/mkimage-os: the parts of a GRUB disk that both make.
# A disk is a raw file: an MBR whose partitions are FAT file systems written by mtools (no root,
# no loop devices). It boots two ways, both ending in GRUB reading /boot/grub/grub.cfg from the
# first partition: BIOS runs GRUB's boot sector in the MBR, which loads GRUB's core image from the
# gap between the MBR and the first partition; UEFI firmware finds the first partition by its type
# (0xEF, an EFI system partition, which UEFI accepts in an MBR) and runs GRUB's EFI image from its
# removable-media path, /EFI/BOOT/BOOTX64.EFI, with no boot entry in the firmware's NVRAM.

SECTOR=512
PART_START=2048           # 1 MiB before the first partition: the MBR, then GRUB's core image

# disk_partitions DISK START COUNT [START COUNT]: the MBR's entries, FAT16 file systems; the first
# is the EFI system partition (type 0xEF) and the one marked bootable (for BIOSes that look), the
# others FAT16 LBA (type 0x0e). Sizes and starts are in sectors.
disk_partitions() {
  python3 - "$@" <<'PY'
import struct, sys
disk, parts = sys.argv[1], [int(x) for x in sys.argv[2:]]
table = b''
for i in range(0, len(parts), 2):
    table += struct.pack('<B3sB3sII', 0x80 if i == 0 else 0, b'\xfe\xff\xff', 0xef if i == 0 else 0x0e,
                         b'\xfe\xff\xff', parts[i], parts[i + 1])
with open(disk, 'r+b') as f:
    f.seek(446); f.write(table.ljust(64, b'\0'))
    f.seek(510); f.write(b'\x55\xaa')
PY
}

# disk_format DISK START COUNT [VOLUME SERIAL]: a FAT file system on the partition at START; prints
# the mtools image name of it (DISK@@offset) for mcopy -i.
disk_format() {
  local part="$1@@$(( $2 * SECTOR ))"
  mformat -i "$part" -T "$3" -h 16 -s 63 -H "$2" ${4:+-N "$4"} :: || return 1
  echo "$part"
}

# disk_grub_console: the head of every grub.cfg: GRUB's own console on COM1 too, so a serial-only
# VM shows the boot; no menu wait.
disk_grub_console() {
  printf '%s\n' 'serial --unit=0 --speed=115200' 'terminal_input serial console' \
    'terminal_output serial console' 'set timeout=0'
}

# The GRUB modules the configurations use, in both GRUB images (the disk has no module directory)
GRUB_MODULES="part_msdos fat multiboot2 normal configfile serial terminal boot test echo"
# Room GRUB's EFI image takes in the first partition (about 650 KiB), for the partition's size
GRUB_EFI_KIB=1024

# disk_install_grub DISK WORKDIR: the BIOS path, GRUB's boot sector in the MBR and its core image
# after it, which reads /boot/grub/grub.cfg from the first partition; and the UEFI path, GRUB's EFI
# image as /EFI/BOOT/BOOTX64.EFI in the first partition (at PART_START), which reads the same
# grub.cfg from the partition it was loaded from (its prefix names no device).
disk_install_grub() {
  local disk=$1 work=$2
  grub-mkimage -O x86_64-efi -o "$work/BOOTX64.EFI" -p /boot/grub $GRUB_MODULES efi_gop || return 1
  if [ $(( $(stat -c %s "$work/BOOTX64.EFI") / 1024 )) -ge $GRUB_EFI_KIB ]; then
    echo "mkimage: GRUB's EFI image is larger than the room kept for it (GRUB_EFI_KIB)" >&2
    return 1
  fi
  local part="$disk@@$(( PART_START * SECTOR ))"
  mmd -i "$part" ::/EFI ::/EFI/BOOT && mcopy -i "$part" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI || return 1
  printf 'set root=(hd0,msdos1)\nset prefix=(hd0,msdos1)/boot/grub\n' >"$work/early.cfg"
  grub-mkimage -O i386-pc -o "$work/core.img" -c "$work/early.cfg" -p /boot/grub biosdisk $GRUB_MODULES || return 1
  local core_sectors=$(( ($(stat -c %s "$work/core.img") + SECTOR - 1) / SECTOR ))
  if [ $core_sectors -ge $PART_START ]; then
    echo "mkimage: GRUB's core image does not fit before the partition" >&2
    return 1
  fi
  dd if=/usr/lib/grub/i386-pc/boot.img of="$disk" bs=440 count=1 conv=notrunc status=none &&
    dd if="$work/core.img" of="$disk" bs=$SECTOR seek=1 conv=notrunc status=none
}
