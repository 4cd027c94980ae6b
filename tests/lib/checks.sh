# The small helpers of the test scripts that print "ok NAME" / "not ok NAME: why" lines (tests/run's
# `checks`). Source it from the repository's root.

# check NAME STATUS WHY: ok when STATUS is 0, else not ok with WHY
check() { if [ "$2" = 0 ]; then echo "ok $1"; else echo "not ok $1: $3"; fi; }
# a TCP port on 127.0.0.1 free now
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# listening PORT: something listens on PORT, read from /proc/net/tcp so that no probe connects (a
# gdb stub takes one client)
listening() {
  awk -v p=":$(printf '%04X' "$1")" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
    /proc/net/tcp
}
