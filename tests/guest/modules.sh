# The shared OS (build/mayfly-os.elf) and app modules (build/NAME.app), sourced by tests/run: the
# in-guest tests that exercise libc, memory, threads, sockets, files and signals pass as modules
# too (the same programs and checks as cases.sh, built with MODULE=1), and the OS refuses, before
# any of its code runs and by name, a module built for another ABI, one that calls a symbol the OS
# does not have, a malformed one, and an image that is not a module.

module_dirs="exit libc memory threads sockets clock files signals crash random"
for d in $module_dirs; do
  make -s APP=tests/guest/$d MODULE=1 >>"$LOGS/build.log" 2>&1 || fail "build tests/guest/$d as a module" "make MODULE=1 failed" "$LOGS/build.log"
done
make -s APP=tests/modules/unresolved MODULE=1 >>"$LOGS/build.log" 2>&1 ||
  fail "build tests/modules/unresolved as a module" "make MODULE=1 failed" "$LOGS/build.log"

EXPECT=$'^Hello from Mayfly!$\n^argv\\[0\\] = "hello"$\n^argv\\[1\\] = "two words"$\n^argv\\[2\\] = "q\\"uote"$\n^argv\\[3\\] = ""$' \
  guest module-hello 0 build/hello.app -- "two words" 'q"uote' ""
EXPECT=$'mayfly-os .*, ABI [0-9]+\\+[0-9a-f]{12}, [0-9]+ symbols exported\nmodule hello linked at 0x[0-9a-f]+\n^Hello from Mayfly!$' \
  guest module-hello-debug 0 build/hello.app debug

EXPECT=$'unflushed output before exit\natexit handler ran' guest module-exit-0 0 build/exit.app
EXPECT='atexit handler ran' guest module-exit-call-42 42 build/exit.app -- exit 42
EXPECT=$'^0 checks failed$\nstderr reaches the console\na line without a newline is flushed at exit' \
  guest module-libc 0 build/libc.app 'env=GREETING=hi there'
EXPECT='^0 checks failed$' guest module-memory 0 build/memory.app
EXPECT='^0 checks failed$' guest module-threads 0 build/threads.app
EXPECT=$'^0 checks failed$\nonly 127.0.0.1 is reachable' guest module-sockets 0 build/sockets.app
EXPECT='^0 checks failed$' guest module-clock 0 build/clock.app -- "$(date +%s)"
EXPECT='^0 checks failed$' guest module-files 0 build/files.app
EXPECT='^0 checks failed$' guest module-signals 0 build/signals.app
EXPECT='^0 checks failed$' guest module-random 0 build/random.app
# the POSIX file checks inside a FAT16 disk the host made
mod_dir=$BUILD/tests/module-fat
rm -rf "$mod_dir" && mkdir -p "$mod_dir" && truncate -s 32M "$mod_dir/disk.img" && mkfs.fat -F 16 "$mod_dir/disk.img" >/dev/null
EXPECT='^0 checks failed$' QEMU_EXTRA="-drive file=$mod_dir/disk.img,format=raw,if=virtio" \
  guest module-fat16-posix 0 build/files.app mount=vda:/data -- /data
# an initrd after the module: the first ELF module is the app, the first other one the initrd
EXPECT=$'initrd: [0-9]+ files and directories unpacked into /\nmodule files linked' \
  INITRD=$BUILD/tests/initrd.cpio guest module-with-initrd 0 build/files.app debug -- --list /
# a fault in the module: register dump, and a backtrace that names the module's functions
REJECT='no crash happened' EXPECT=$(crash_expect main 'NULL pointer dereference: write at address 0x0' '<crash_null\+0x[0-9a-f]+>'
  echo '  rip 0x[0-9a-f]{16} <crash_null') guest module-crash-null 127 build/crash.app -- null
REJECT='no crash happened' EXPECT=$(crash_expect main 'write to read-only memory at 0x[0-9a-f]+ \(program text\)' '<crash_write_text\+') \
  guest module-crash-write-text 127 build/crash.app -- write-text
REJECT='no crash happened' EXPECT=$(crash_expect main 'stack smashing detected' '#0 .*<__stack_chk_fail\+'; echo '#1 .*<crash_smash\+') \
  guest module-crash-stack-smash 127 build/crash.app -- stack-smash

# refusals: one line naming why, status 126 (os/abi.h), none of the module's code run
os_abi=$(scripts/abi-of build/mayfly-os.elf)
other_abi="0+${os_abi#*+}"                    # the same length: the note is rewritten in place
python3 - build/hello.app "$BUILD/tests/hello-other-abi.app" "$os_abi" "$other_abi" <<'PY'
import sys
src, dst, old, new = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
data = open(src, 'rb').read()
assert data.count(old + b'\0') == 1 and len(old) == len(new)
open(dst, 'wb').write(data.replace(old + b'\0', new + b'\0'))
PY
EXPECT="mayfly: module refused: built for ABI ${other_abi//+/\\+}, this OS has ABI ${os_abi//+/\\+}" REJECT='Hello' \
  guest module-refused-other-abi 126 "$BUILD/tests/hello-other-abi.app"
EXPECT="mayfly: module refused: unresolved symbol 'mayfly_test_no_such_function': this OS does not have it" \
  REJECT='the module ran' guest module-refused-unresolved 126 build/unresolved.app
head -c 3000 build/httpd.app >"$BUILD/tests/httpd-cut.app"
EXPECT='mayfly: module refused: segment [0-9]+ does not fit the file' REJECT='serving' \
  guest module-refused-truncated 126 "$BUILD/tests/httpd-cut.app"
cp build/hello.elf "$BUILD/tests/hello-elf-as.app"
EXPECT='mayfly: module refused: an ELF of type 2, not a shared object' REJECT='Hello' \
  guest module-refused-not-a-module 126 "$BUILD/tests/hello-elf-as.app"
EXPECT='mayfly: module refused: none given: boot the shared OS with -initrd NAME.app' \
  guest module-refused-none 126 build/mayfly-os.elf
