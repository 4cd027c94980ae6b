# Shared by the image tests that boot QEMU themselves (tests/guest/os_images.sh, cloud_images.sh):
# every QEMU started in the background under `timeout -k 5 N` has that timeout's PID put in $pids
# and is ended on any way out; check prints "ok NAME" or "not ok NAME: why". Source it from the
# repository's root.
. tests/lib/checks.sh
pids=()
# SIGTERM, which timeout passes on to QEMU (and follows with a KILL after -k's 5 s); a SIGKILL
# would end timeout alone and leave QEMU running
cleanup() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
trap 'exit 1' TERM INT

read -ra accel <<<"$(scripts/accel)"
