# Shared by the image tests that boot QEMU themselves (tests/guest/os_images.sh, cloud_images.sh):
# every QEMU started in the background under `timeout -k 5 N` has that timeout's PID put in $pids
# and is ended on any way out; check prints "ok NAME" or "not ok NAME: why". Source it from the
# repository's root.
pids=()
# SIGTERM, which timeout passes on to QEMU (and follows with a KILL after -k's 5 s); a SIGKILL
# would end timeout alone and leave QEMU running
cleanup() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
trap 'exit 1' TERM INT

check() { if [ "$2" = 0 ]; then echo "ok $1"; else echo "not ok $1: $3"; fi; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
read -ra accel <<<"$(scripts/accel)"
