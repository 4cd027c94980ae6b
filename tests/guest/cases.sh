# The in-guest cases, sourced by tests/run: guest NAME WANT_STATUS IMAGE [options] [-- args].
# Exit statuses are the app's own (scripts/run decodes isa-debug-exit); 127 is a panic.

# hello: greeting, arguments with quoting, exit 0
EXPECT=$'^Hello from Mayfly!$\n^argv\\[0\\] = "hello"$\n^argv\\[1\\] = "two words"$\n^argv\\[2\\] = "q\\"uote"$\n^argv\\[3\\] = ""$' \
  guest hello 0 build/hello.elf -- "two words" 'q"uote' ""
EXPECT=$'booted by multiboot1\nboot took [0-9]+ us\n^Hello from Mayfly!$' \
  guest hello-debug 0 build/hello.elf debug

# debug lists every device at boot, in a program that uses none; without it none is even looked for
qemu-img create -q -f raw build/tests/debug-vda.img 1M && qemu-img create -q -f raw build/tests/debug-vdb.img 2M
debug_devices="-drive file=build/tests/debug-vda.img,format=raw,if=virtio -drive file=build/tests/debug-vdb.img,format=raw,if=virtio"
EXPECT=$'^pci 00:[0-9a-f]{2}\\.0 1af4:1000 class 02\\.00\n^pci 00:[0-9a-f]{2}\\.0 1af4:1001 class 01\\.00\nnet0: virtio pci at pci 00:[0-9a-f.]+, features 0x[0-9a-f]+\nnet0: MAC 52:54:00:12:34:56, link up\nvda: virtio pci at pci\nvda: 2048 sectors \\(1 MiB\\)\nvdb: 4096 sectors \\(2 MiB\\)\n^Hello from Mayfly!$' \
  NET=1 QEMU_EXTRA=$debug_devices guest hello-debug-lists-devices 0 build/hello.elf debug
# (QEMU traces every status write: its resets write 0, SeaBIOS readies a boot disk with 3 at once,
# and only a Mayfly probe writes ACKNOWLEDGE = 1 alone, virtio 1.2 §3.1.1 step 2)
EXPECT=$'^Hello from Mayfly!$\nvirtio_set_status .* val 0' REJECT='virtio_set_status .* val 1$' NET=1 \
  QEMU_EXTRA="$debug_devices -trace virtio_set_status" guest hello-devices-on-first-use 0 build/hello.elf

# the kernel's share of the machine: runs in 4 MiB
EXPECT='^Hello from Mayfly!$' MEM=4M guest hello-4M 0 build/hello.elf
# RAM above 4 GiB (QEMU's pc puts what passes 3 GiB there): the first page tables come from
# below the boot map's 4 GiB, and the main thread's stack, taken from the top of RAM, lies above it
EXPECT=$'booted by .*; 62[0-9]{5} KiB RAM\n^Hello from Mayfly!$' MEM=6G guest hello-6G 0 build/hello.elf debug
EXPECT=$'module hello linked at 0x1[0-9a-f]{8}\n^Hello from Mayfly!$' MEM=6G guest hello-module-6G 0 build/hello.app debug

# bad command lines: a clear message, status 2, the app never runs
EXPECT="unknown kernel option 'bogus'" REJECT='Hello' guest cmdline-unknown-option 2 build/hello.elf debug bogus=1
EXPECT="kernel option 'debug' takes no value" REJECT='Hello' guest cmdline-flag-value 2 build/hello.elf debug=1
EXPECT='unterminated quote' REJECT='Hello' RAW_APPEND='-- "oops' guest cmdline-unterminated-quote 2 build/hello.elf
EXPECT='trailing backslash' REJECT='Hello' RAW_APPEND='-- oops\' guest cmdline-trailing-backslash 2 build/hello.elf

EXPECT="kernel option 'ip' wants dhcp or ADDR/PREFIX" REJECT='Hello' guest cmdline-bad-ip 2 build/hello.elf ip=10.0.2.15
EXPECT="kernel option 'gw' needs a static address" REJECT='Hello' guest cmdline-gw-without-ip 2 build/hello.elf gw=10.0.2.2
# net/ checks its own words at boot, in an app that has no network
EXPECT="kernel option 'dns' wants an IPv4 address" REJECT='Hello' guest cmdline-bad-dns 2 build/hello.elf ip=dhcp dns=10.0.2
EXPECT='^Hello from Mayfly!$' guest cmdline-net-options 0 build/hello.elf ip=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3
# host=NAME=ADDR and one ip= per interface: a malformed word, or a 5th ip= (NET_IFACES_MAX is 4), is named
EXPECT="kernel option 'host' wants a host name of 1-63 letters, digits, '-' and '\.' \(got 'bad_name=10\.0\.0\.1'\)" \
  REJECT='Hello' guest cmdline-bad-host-name 2 build/hello.elf host=db=10.0.0.2 host=bad_name=10.0.0.1
EXPECT="kernel option 'host' wants an IPv4 address after the name, .*\(got 'db=10\.89\.0'\)" REJECT='Hello' \
  guest cmdline-bad-host-address 2 build/hello.elf host=db=10.89.0
EXPECT="kernel option 'host' wants NAME=ADDR, .*\(got 'db'\)" REJECT='Hello' guest cmdline-host-without-address 2 build/hello.elf host=db
EXPECT="kernel option 'ip=10\.0\.0\.5/24' is one too many: more than 4 ip= options" REJECT='Hello' \
  guest cmdline-fifth-ip 2 build/hello.elf ip=dhcp ip=10.89.0.2/24 ip=10.90.0.5/24 ip=10.91.0.5/24 ip=10.0.0.5/24

# exit status propagation
EXPECT=$'unflushed output before exit\natexit handler ran' guest exit-0 0 build/exit.elf
EXPECT='atexit handler ran' guest exit-call-42 42 build/exit.elf -- exit 42
EXPECT='atexit handler ran' guest exit-return-7 7 build/exit.elf -- return 7
guest exit-call-127 127 build/exit.elf -- exit 127

pvh_copy() {    # pvh_copy ELF COPY: COPY without the multiboot1 magic
  python3 - "$1" "$2" <<'PY'
import sys
image = bytearray(open(sys.argv[1], 'rb').read())
at = image.find((0x1BADB002).to_bytes(4, 'little'), 0, 8192)
image[at:at + 4] = bytes(4)
open(sys.argv[2], 'wb').write(image)
PY
}

# libc, memory, threads, clocks
EXPECT=$'^0 checks failed$\nstderr reaches the console\na line without a newline is flushed at exit' \
  guest libc 0 build/libc.elf 'env=GREETING=hi there'
EXPECT='^0 checks failed$' guest memory 0 build/memory.elf
EXPECT='^0 checks failed$' guest threads 0 build/threads.elf
EXPECT=$'^0 checks failed$\nonly 127.0.0.1 is reachable' guest sockets 0 build/sockets.elf
EXPECT='^0 checks failed$' guest clock 0 build/clock.elf -- "$(date +%s)"

# files: the POSIX file API on the in-memory root
EXPECT='^0 checks failed$' guest files 0 build/files.elf

# FAT12, FAT16 and FAT32 disks made on the host (mkfs.fat, filled by mtools): the guest lists
# and checksums every file, runs the POSIX checks inside the mount, and makes a fixed set of
# changes; fsck.fat finds nothing and mtools sees exactly the same changes made on the host.
fat_image() {   # fat_image IMAGE TYPE MIB [TREE]
  rm -f "$1" && truncate -s "$3M" "$1" && mkfs.fat -F "$2" "$1" >/dev/null &&
    { [ -z "${4:-}" ] || LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mcopy -s -i "$1" "$4"/* ::/; }
}
fat_case() {    # fat_case NAME TYPE MIB BIG_MIB
  local name=$1 dir=$BUILD/tests/$1 disk
  rm -rf "$dir" && mkdir -p "$dir/tree" && python3 tests/lib/tree.py make "$dir/tree" "$4"
  if ! fat_image "$dir/disk.img" "$2" "$3" "$dir/tree" >"$dir/make.log" 2>&1; then
    fail "$name: mkfs.fat and mcopy make the disk" "they failed" "$dir/make.log"
    return
  fi
  disk="-drive file=$dir/disk.img,format=raw,if=virtio"
  QEMU_EXTRA=$disk guest "$name-list" 0 build/files.elf mount=vda:/data -- --list /data
  if python3 tests/lib/tree.py compare "$dir/tree" /data "$LOGS/guest-$name-list.log" fat >"$dir/compare.log" 2>&1; then
    pass "$name: the guest reads every file and directory as the host wrote them"
  else
    fail "$name: the guest reads every file and directory as the host wrote them" "they differ" "$dir/compare.log"
  fi
  EXPECT='^0 checks failed$' QEMU_EXTRA=$disk guest "$name-posix" 0 build/files.elf mount=vda:/data -- /data
  EXPECT='^0 checks failed$' QEMU_EXTRA=$disk guest "$name-mutate" 0 build/files.elf mount=vda:/data -- --mutate /data
  python3 tests/lib/tree.py mutate "$dir/tree"
  if fsck.fat -n "$dir/disk.img" >"$dir/fsck.log" 2>&1; then
    pass "$name: fsck.fat -n finds nothing after the guest's changes"
  else
    fail "$name: fsck.fat -n finds nothing after the guest's changes" "fsck.fat complains" "$dir/fsck.log"
  fi
  rm -rf "$dir/back" && mkdir "$dir/back"
  if LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mcopy -s -i "$dir/disk.img" '::/*' "$dir/back/" >"$dir/diff.log" 2>&1 &&
     diff -r "$dir/tree" "$dir/back" >>"$dir/diff.log" 2>&1; then
    pass "$name: mtools sees exactly what the guest wrote"
  else
    fail "$name: mtools sees exactly what the guest wrote" "the trees differ" "$dir/diff.log"
  fi
}
fat_case fat12 12 4 1
fat_case fat16 16 32 2
fat_case fat32 32 160 64

# a full disk: ENOSPC, and the filesystem stays consistent
fat_image "$BUILD/tests/fat-full.img" 12 1
EXPECT='^0 checks failed$' QEMU_EXTRA="-drive file=$BUILD/tests/fat-full.img,format=raw,if=virtio" \
  guest fat-full 0 build/files.elf mount=vda:/data -- --fill /data
if fsck.fat -n "$BUILD/tests/fat-full.img" >"$LOGS/fat-full-fsck.log" 2>&1; then
  pass "fat-full: fsck.fat -n finds nothing after ENOSPC"
else
  fail "fat-full: fsck.fat -n finds nothing after ENOSPC" "fsck.fat complains" "$LOGS/fat-full-fsck.log"
fi

# disks that hold no FAT are refused with the reason, and the program runs without them
fat_image "$BUILD/tests/fat-corrupt.img" 16 32 && printf '\0\0' | dd of="$BUILD/tests/fat-corrupt.img" bs=1 seek=510 conv=notrunc status=none
truncate -s 0 "$BUILD/tests/blank.img" && truncate -s 8M "$BUILD/tests/blank.img"
EXPECT=$'mount vda on /data refused: .*0x55AA\nmount vdb on /other refused: \nmount vdc on /x: no such disk\n^0 checks failed$' \
  QEMU_EXTRA="-drive file=$BUILD/tests/fat-corrupt.img,format=raw,if=virtio -drive file=$BUILD/tests/blank.img,format=raw,if=virtio" \
  guest fat-refused 0 build/files.elf mount=vda:/data mount=vdb:/other mount=vdc:/x

# durability: QEMU is killed (SIGKILL) right after fsync returned in the guest
fat_image "$BUILD/tests/fat-durable.img" 16 32
log=$LOGS/guest-fat-durable.log
QEMU_EXTRA="-drive file=$BUILD/tests/fat-durable.img,format=raw,if=virtio" TIMEOUT=$GUEST_TIMEOUT \
  setsid scripts/run build/files.elf mount=vda:/data -- --durable /data </dev/null >"$log" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q 'fsync returned' "$log" && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -KILL -- -$pid 2>/dev/null
wait $pid 2>/dev/null
if grep -q 'fsync returned' "$log" &&
   [ "$(MTOOLS_SKIP_CHECK=1 mtype -i "$BUILD/tests/fat-durable.img" ::/durable.txt 2>&1)" = "written, then fsync, then SIGKILL" ]; then
  pass "fat-durable: a file fsync returned for is on the disk after SIGKILL"
else
  fail "fat-durable: a file fsync returned for is on the disk after SIGKILL" "it is not" "$log"
fi

# the initrd: a tree made on the host, archived by cpio, unpacked at boot (multiboot1 and PVH
# hand it over differently) and listed by the guest with each file's size, mode and checksum
itree=$BUILD/tests/initrd-tree
rm -rf "$itree" && mkdir -p "$itree" && python3 tests/lib/tree.py make "$itree"
(cd "$itree" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) >"$BUILD/tests/initrd.cpio"
pvh_copy build/files.elf build/tests/files-pvh.elf
initrd_case() {   # initrd_case NAME IMAGE
  EXPECT='initrd: [0-9]+ files and directories unpacked into /' QEMU_EXTRA="-initrd $BUILD/tests/initrd.cpio" \
    guest "$1" 0 "$2" debug -- --list /
  if python3 tests/lib/tree.py compare "$itree" / "$LOGS/guest-$1.log" >"$LOGS/$1-compare.log" 2>&1; then
    pass "$1: every file and directory as on the host (size, mode, checksum)"
  else
    fail "$1: every file and directory as on the host" "they differ" "$LOGS/$1-compare.log"
  fi
}
initrd_case initrd-multiboot1 build/files.elf
initrd_case initrd-pvh build/tests/files-pvh.elf
# and through GRUB (multiboot2's module2), from a disk image that carries the archive
if INITRD=$BUILD/tests/initrd.cpio scripts/mkimage build/files.elf build/tests/files-initrd.img debug -- --list / \
     >"$LOGS/mkimage-initrd.log" 2>&1; then
  EXPECT=$'booted by multiboot2\ninitrd: [0-9]+ files and directories unpacked into /' guest initrd-grub 0 build/tests/files-initrd.img
  if python3 tests/lib/tree.py compare "$itree" / "$LOGS/guest-initrd-grub.log" >"$LOGS/initrd-grub-compare.log" 2>&1; then
    pass "initrd-grub: every file and directory as on the host (size, mode, checksum)"
  else
    fail "initrd-grub: every file and directory as on the host" "they differ" "$LOGS/initrd-grub-compare.log"
  fi
else
  fail "initrd-grub: scripts/mkimage with INITRD" "it failed" "$LOGS/mkimage-initrd.log"
fi
# the image libraries (libs/): a JPEG and a PNG made by ImageMagick, in an initrd, decoded by the
# guest to the size identify gives; then an in-guest encode/decode round trip and malformed data
images_case() {
  local tree=$BUILD/tests/images-tree want=() f
  rm -rf "$tree" && mkdir -p "$tree" &&
    convert -size 123x45 gradient:red-blue "$tree/a.jpg" &&
    convert -size 64x200 plasma:fractal -depth 8 "$tree/b.png" &&
    (cd "$tree" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) >"$BUILD/tests/images.cpio" ||
    { fail images "ImageMagick could not make the test images"; return; }
  for f in a.jpg b.png; do want+=("^/$f: $(identify -format '%wx%h' "$tree/$f")\$"); done
  EXPECT=$(printf '%s\n' "${want[@]}" '^0 checks failed$') QEMU_EXTRA="-initrd $BUILD/tests/images.cpio" \
    guest images 0 build/images.elf -- /a.jpg /b.png
}
images_case

head -c 3000 "$BUILD/tests/initrd.cpio" >"$BUILD/tests/initrd-cut.cpio"
EXPECT=$'initrd \\(3000 bytes\\) refused: at byte [0-9]+: the data runs past the end\n^0 checks failed$' \
  QEMU_EXTRA="-initrd $BUILD/tests/initrd-cut.cpio" guest initrd-malformed 0 build/files.elf

# crash reports: what happened, where (registers, symbolized backtrace), status 127, no hang
crash_expect() { printf '%s\n' "mayfly: panic in thread '$1'" 'backtrace:' "$2" "$3"; }
REJECT='no crash happened' EXPECT=$(crash_expect main 'NULL pointer dereference: write at address 0x0' '<crash_null\+0x[0-9a-f]+>'
  echo '  rip 0x[0-9a-f]{16} <crash_null'; echo 'rax 0x[0-9a-f]{16}  rbx') \
  guest crash-null 127 build/crash.elf -- null
REJECT='no crash happened' EXPECT=$(crash_expect main 'write to read-only memory at 0x[0-9a-f]+ \(program text\)' '<crash_write_text\+') \
  guest crash-write-text 127 build/crash.elf -- write-text
REJECT='no crash happened' EXPECT=$(crash_expect main 'divide error \(division by zero\)' '<crash_divide\+') \
  guest crash-divide 127 build/crash.elf -- divide
REJECT='no crash happened' EXPECT=$(crash_expect main "stack overflow in thread 'main'" '<crash_recurse\+') \
  guest crash-stack-overflow 127 build/crash.elf -- stack
REJECT='no crash happened' EXPECT=$(crash_expect pthread "stack overflow in thread 'pthread'" '<crash_recurse\+'
  echo 'the frame above [0-9]+ more times'; echo '<overflow_thread\+') \
  guest crash-thread-stack-overflow 127 build/crash.elf -- thread-stack
# stack clash: frames far larger than the guard, written at their lowest address first, fault on
# the guard (-fstack-clash-protection probes each page); without it they wrote below the guard,
# and the VLA sized to reach the thread below overwrote 64 bytes of that thread's stack
clash_guard="hit the guard region below its stack"
REJECT='no crash happened|pattern bytes overwritten' \
  EXPECT=$(crash_expect prober "stack overflow in thread 'prober': .* $clash_guard" '<clash_array\+'
  echo '<prober_thread\+') guest crash-clash-neighbour 127 build/crash.elf -- clash-neighbour
REJECT='no crash happened' EXPECT=$(crash_expect clash "stack overflow in thread 'clash': .* $clash_guard" \
  '<clash_array\+') guest crash-clash-64k 127 build/crash.elf -- clash-64k
REJECT='no crash happened' EXPECT=$(crash_expect clash "stack overflow in thread 'clash': .* $clash_guard" \
  '<clash_array\+') guest crash-clash-1m 127 build/crash.elf -- clash-1m
REJECT='no crash happened' EXPECT=$(crash_expect main "stack overflow in thread 'main': .* $clash_guard" \
  '<clash_array\+') guest crash-clash-main 127 build/crash.elf -- clash-main
# the boot stack's guard: the boot page tables below it are unmapped once the kernel's are loaded
REJECT='no crash happened' EXPECT=$(crash_expect main "stack overflow in thread 'boot': write at .* $clash_guard" \
  '<crash_boot_guard\+') guest crash-boot-stack-guard 127 build/crash.elf -- boot-guard
REJECT='no crash happened' EXPECT=$(crash_expect main 'execute of non-executable memory' '<crash_execute_data\+') \
  guest crash-execute-data 127 build/crash.elf -- execute-data
REJECT='no crash happened' EXPECT=$(crash_expect main 'killed by SIGABRT' '<abort\+') \
  guest crash-abort 127 build/crash.elf -- abort
REJECT='no crash happened' EXPECT=$(crash_expect main 'killed by SIGABRT' 'assertion "argc == 1000" failed') \
  guest crash-assert 127 build/crash.elf -- assert
REJECT='no crash happened' EXPECT=$(crash_expect pthread 'deadlock: every thread is blocked' '<waits_forever\+'
  echo "^  thread 'main' \(on a wait queue\)$") \
  guest crash-deadlock 127 build/crash.elf -- deadlock

# randomness: getrandom, getentropy and arc4random keep their contracts; two boots give different
# bytes and different stack canaries; with a virtio-rng device the generator says it used it
EXPECT='^0 checks failed$' guest random-boot-1 0 build/random.elf
EXPECT='^0 checks failed$' guest random-boot-2 0 build/random.elf
for what in getrandom: canary:; do
  one=$(grep "^$what" "$LOGS/guest-random-boot-1.log") two=$(grep "^$what" "$LOGS/guest-random-boot-2.log")
  if [ -n "$one" ] && [ -n "$two" ] && [ "$one" != "$two" ]; then
    pass "random: two boots print different ${what%:} values"
  else
    fail "random: two boots print different ${what%:} values" "'$one' and '$two'" "$LOGS/guest-random-boot-2.log"
  fi
done
EXPECT=$'random generator seeded from .*virtio-rng\n^0 checks failed$' QEMU_EXTRA='-device virtio-rng-pci' \
  guest random-virtio-rng 0 build/random.elf debug
EXPECT=$'rng0: virtio pci-legacy at\nrandom generator seeded from .*virtio-rng\n^0 checks failed$' \
  QEMU_EXTRA='-device virtio-rng-pci,disable-modern=on' guest random-virtio-rng-legacy 0 build/random.elf debug
EXPECT=$'random generator seeded from .*virtio-rng\n^0 checks failed$' QEMU_EXTRA='-device virtio-rng-device' \
  MACHINE=microvm guest random-virtio-rng-mmio 0 build/random.elf debug
# without a device: the CPU's sources alone (QEMU's default CPU model has no RDRAND: jitter), and
# with a CPU model that has RDRAND, the hardware alone (TCG's `max` model emulates RDRAND)
EXPECT=$'random generator seeded from [a-z, ]+$\n^0 checks failed$' REJECT='virtio-rng' guest random-cpu-only 0 build/random.elf debug
if [ "$(scripts/accel --name 2>/dev/null)" = tcg ]; then
  EXPECT=$'random generator seeded from (rdseed|rdrand)(, rdrand)?$\n^0 checks failed$' QEMU_EXTRA='-cpu max' \
    guest random-rdrand 0 build/random.elf debug
fi
# the first frame is the function that panicked (its call of panic is its last instruction)
REJECT='no crash happened' EXPECT=$(crash_expect main 'stack smashing detected' '#0 .*<__stack_chk_fail\+'; echo '#1 .*<crash_smash\+') \
  guest crash-stack-smash 127 build/crash.elf -- stack-smash

# boot paths: one ELF boots by multiboot1 (qemu -kernel), PVH, and multiboot2 (GRUB images)
booted() { printf '%s\n' "booted by $1" '^Hello from Mayfly!$' '^argv\[1\] = "x"$'; }
EXPECT=$(booted multiboot1) MACHINE=q35 guest boot-q35 0 build/hello.elf debug -- x
EXPECT=$(booted multiboot1) MACHINE=microvm guest boot-microvm 0 build/hello.elf debug -- x
EXPECT=$(booted multiboot1) QEMU_EXTRA='-bios /usr/share/qemu/qboot.rom' guest boot-qboot 0 build/hello.elf debug -- x
# without the multiboot1 header QEMU falls back to the PVH note
pvh_copy build/hello.elf build/tests/hello-pvh.elf
EXPECT=$(booted pvh) guest boot-pvh 0 build/tests/hello-pvh.elf debug -- x
EXPECT=$(booted pvh) MACHINE=microvm guest boot-pvh-microvm 0 build/tests/hello-pvh.elf debug -- x
if scripts/mkimage build/hello.elf build/tests/hello.iso debug -- x >/dev/null &&
   scripts/mkimage build/hello.elf build/tests/hello.qcow2 debug -- x >/dev/null; then
  EXPECT=$(booted multiboot2) guest boot-grub-iso 0 build/tests/hello.iso
  EXPECT=$(booted multiboot2) guest boot-grub-qcow2 0 build/tests/hello.qcow2
else
  fail boot-grub-images "scripts/mkimage failed"
fi

# without isa-debug-exit the kernel powers the VM off through ACPI (QEMU exits 0)
EXPECT='^Hello from Mayfly!$' REJECT='could not power off' NO_DEBUG_EXIT=1 guest poweroff-acpi-pc 0 build/hello.elf
EXPECT='^Hello from Mayfly!$' REJECT='could not power off' NO_DEBUG_EXIT=1 MACHINE=q35 guest poweroff-acpi-q35 0 build/hello.elf
EXPECT='^Hello from Mayfly!$' REJECT='could not power off' NO_DEBUG_EXIT=1 MACHINE=microvm guest poweroff-acpi-microvm 0 build/hello.elf

# virtio-blk: three disks made on the host (two writable, one read-only), checked whole by the
# guest; what the guest wrote is checked byte by byte on the host. On each transport.
DISK_SECTORS=8192
disk_case() {   # disk_case NAME MACHINE DEVICE [DEVICE_OPTIONS]
  local name=$1 machine=$2 device=$3 opts=${4:-} dir=$BUILD/tests/$1 extra="" i
  mkdir -p "$dir"
  for i in 1 2 3; do
    python3 tests/lib/pattern.py make "$dir/d$i.img" $i $DISK_SECTORS
    extra+=" -drive if=none,id=d$i,file=$dir/d$i.img,format=raw$([ $i = 3 ] && echo ,readonly=on) -device $device,drive=d$i$opts"
  done
  EXPECT='^0 checks failed$' MACHINE=$machine QEMU_EXTRA="$extra ${QEMU_GLOBAL:-}" guest "$name" 0 build/disk.elf
  local last=$((DISK_SECTORS - 1))
  if python3 tests/lib/pattern.py check "$dir/d1.img" 1 0:1:101 1:1:101 7:1:101 100:64:101 $last:1:101 >"$dir/check.log" &&
     python3 tests/lib/pattern.py check "$dir/d2.img" 2 5:1:102 1000:32:102 >>"$dir/check.log" &&
     python3 tests/lib/pattern.py check "$dir/d3.img" 3 >>"$dir/check.log"; then
    pass "$name: host reads back every byte"
  else
    fail "$name: host reads back every byte" "the disks differ" "$dir/check.log"
  fi
}
disk_case disk-pci pc virtio-blk-pci
disk_case disk-pci-legacy pc virtio-blk-pci ,disable-modern=on
disk_case disk-pci-intx pc virtio-blk-pci ,vectors=0
disk_case disk-q35 q35 virtio-blk-pci
disk_case disk-mmio microvm virtio-blk-device
QEMU_GLOBAL='-global virtio-mmio.force-legacy=false' disk_case disk-mmio-v2 microvm virtio-blk-device

# virtio-net: an ARP round trip with the user network's gateway and a burst of frames, captured
# on the host with filter-dump and checked there.
net_case() {    # net_case NAME MACHINE DEVICE [DEVICE_OPTIONS]
  local name=$1 machine=$2 device=$3 opts=${4:-} pcap=$BUILD/tests/$1.pcap mac=52:54:00:12:34:56
  rm -f "$pcap"
  EXPECT=$'^0 checks failed$\nARP reply: 10.0.2.2 is at 52:55:0a:00:02:02' MACHINE=$machine \
    QEMU_EXTRA="-netdev user,id=n0 -device $device,netdev=n0,mac=$mac$opts -object filter-dump,id=f0,netdev=n0,file=$pcap ${QEMU_GLOBAL:-}" \
    guest "$name" 0 build/net.elf
  if python3 tests/lib/pcap_check.py "$pcap" $mac 300 >"$pcap.log" 2>&1; then
    pass "$name: capture on the host"
  else
    fail "$name: capture on the host" "the capture is not as sent" "$pcap.log"
  fi
}
net_case net-pci pc virtio-net-pci
net_case net-pci-legacy pc virtio-net-pci ,disable-modern=on
net_case net-mmio microvm virtio-net-device
# a million frames through 512 buffers (more than the ring holds): the transmit path must not
# stall. One vCPU, where QEMU 7.2's TCG drops mfence (kernel/fence.c). And two NICs, each with
# its own name and MAC.
EXPECT=$'^0 checks failed$\nwithout a stall' SMP=1 QEMU_EXTRA='-netdev user,id=n0 -device virtio-net-pci,netdev=n0' \
  guest net-long-burst 0 build/net.elf -- 1 long
EXPECT=$'^0 checks failed$\nnet1 found' \
  QEMU_EXTRA='-netdev user,id=n0 -device virtio-net-pci,netdev=n0 -netdev user,id=n1 -device virtio-net-pci,netdev=n1' \
  guest net-two-nics 0 build/net.elf -- 2

# peers by name: host= names resolve before DNS (any case, with the hints and the port); other
# names still go to DNS and fail cleanly
EXPECT='^0 checks failed$' NET=1 guest peers-by-name 0 build/peers.elf host=peer=10.0.2.2 host=Other.Name=192.0.2.7
# one ip= per NIC, in device order: NIC 0 on the user network, NIC 1 on a private network (a
# multicast group on 127.0.0.1, the port picked at random); gw= and dns= go with the first
mcast=239.255.77.1:$((49152 + RANDOM % 16000))
two_nics="-netdev user,id=n0 -device virtio-net-pci,netdev=n0 -netdev socket,id=n1,mcast=$mcast,localaddr=127.0.0.1 -device virtio-net-pci,netdev=n1"
EXPECT=$'^mayfly: net1 address 10\\.89\\.0\\.2/24, gateway 0\\.0\\.0\\.0, .*\\(static\\)$\n^mayfly: net0 address 10\\.0\\.2\\.15/24, gateway 10\\.0\\.2\\.2, dns 10\\.0\\.2\\.3 \\(DHCP\\)$\n^0 checks failed$' \
  QEMU_EXTRA=$two_nics guest ip-per-nic 0 build/peers.elf ip=dhcp ip=10.89.0.2/24 -- --up
EXPECT=$'^mayfly: net0 address 10\\.0\\.2\\.16/24, gateway 10\\.0\\.2\\.2, dns 10\\.0\\.2\\.3 \\(static\\)$\n^mayfly: net1 address 10\\.89\\.0\\.2/24, gateway 0\\.0\\.0\\.0, .*\\(static\\)$\n^0 checks failed$' \
  QEMU_EXTRA=$two_nics guest ip-per-nic-static 0 build/peers.elf ip=10.0.2.16/24 ip=10.89.0.2/24 gw=10.0.2.2 dns=10.0.2.3 -- --up

# signals: the API (handlers, raise and kill, masks, alarm, EINTR from poll, select and sleeps)
EXPECT='^0 checks failed$' guest signals 0 build/signals.elf
# the ACPI power button (QMP system_powerdown) as SIGTERM on each machine's wiring: PIIX4's and
# ICH9's fixed button through the SCI, microvm's Generic Event Device; the handler runs in
# thread context and pause (or poll) returns EINTR
for machine in pc q35 microvm; do
  EXPECT=$'^SIGTERM handler ran$\n^pause returned -1, EINTR$' POWERDOWN_AT='^waiting for SIGTERM' \
    MACHINE=$machine guest "powerdown-$machine" 3 build/signals.elf -- --wait-term
done
EXPECT=$'^SIGTERM handler ran$\n^poll returned -1, EINTR$' POWERDOWN_AT='^waiting for SIGTERM' \
  guest powerdown-poll 3 build/signals.elf -- --poll-term
# waiting on a condition variable for the handler, with no device or timer: not a deadlock
EXPECT='^woken by the SIGTERM handler$' REJECT='deadlock' POWERDOWN_AT='^waiting for SIGTERM' \
  guest powerdown-cond 3 build/signals.elf -- --cond-term
# no handler: status 143, which isa-debug-exit's 7 bits carry as 15, after dirty file data is
# written back (the file was neither synced nor closed; mtools reads it from the disk after)
sig_disk=$BUILD/tests/powerdown-default.img
rm -f "$sig_disk" && mkfs.fat -C "$sig_disk" 4096 >/dev/null
EXPECT='SIGTERM with no handler: writing back files, exit status 143' POWERDOWN_AT='^waiting for SIGTERM' \
  QEMU_EXTRA="-drive file=$sig_disk,format=raw,if=virtio" \
  guest powerdown-default-writes-back 15 build/signals.elf mount=vda:/d -- --default /d/term.txt
if [ "$(MTOOLS_SKIP_CHECK=1 mtype -i "$sig_disk" ::/term.txt 2>&1)" = "written before the power button; no fsync, no close" ]; then
  pass "powerdown-default-writes-back: the file is on the disk (mtools)"
else
  fail "powerdown-default-writes-back: the file is on the disk (mtools)" "it is not" "$LOGS/guest-powerdown-default-writes-back.log"
fi
EXPECT='SIGTERM with no handler: writing back files, exit status 143' REJECT='raise returned' \
  guest raise-sigterm-default 15 build/signals.elf -- --raise-term
# --grace takes seconds from 0 to 3600: anything else is a usage error (status 2)
for bad in -1 abc 1e9 ""; do
  EXPECT='^usage: httpd .*--grace SECONDS' REJECT='serving' guest "httpd-grace-refused[$bad]" 2 build/httpd.elf -- --grace "$bad"
  EXPECT='usage: echo' REJECT='listening' guest "echo-grace-refused[$bad]" 2 build/echo.elf -- --grace "$bad"
done

# exit right after send and close: what TCP had not delivered yet still reaches the host
sink_port=$BUILD/tests/sink.port sink_log=$LOGS/sendexit-sink.log
rm -f "$sink_port"
python3 tests/lib/sink.py "$sink_port" >"$sink_log" 2>&1 &
sink_pid=$!
for _ in $(seq 50); do [ -s "$sink_port" ] && break; sleep 0.1; done
EXPECT='^sent 1048576 bytes, closed, exiting$' NET=1 guest sendexit 0 build/sendexit.elf -- "$(cat "$sink_port")" 1048576
wait $sink_pid
if grep -q '^received 1048576 bytes, pattern intact$' "$sink_log"; then
  pass "sendexit: the host received all 1 MiB, in order"
else
  fail "sendexit: the host received all 1 MiB, in order" "$(cat "$sink_log")" "$sink_log"
fi
