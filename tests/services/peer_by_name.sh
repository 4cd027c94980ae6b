#!/usr/bin/env bash
# peer_by_name.sh LOGDIR: two guests the way the manager joins them to a private network. Each
# has NIC 0 on QEMU's user network (DHCP, nothing forwarded) and NIC 1 on a multicast group on
# 127.0.0.1 (the port picked at random). A runs echo at ip 10.89.0.2/24; B, at 10.89.0.3/24 with
# host=echo-a=10.89.0.2, resolves "echo-a", connects to TCP port 7, sends a line and must get it
# back, then exits 0. Both QEMUs have time limits and are ended by their PIDs.
# Prints ok / not ok lines.
set -u
logs=$1
ok() { echo "ok $1"; }
notok() { echo "not ok $1"; }
mcast=239.255.77.1:$((49152 + RANDOM % 16000))
# the MACs differ: QEMU gives every instance's second NIC the same one
private() { echo "-netdev socket,id=p0,mcast=$mcast,localaddr=127.0.0.1 -device virtio-net-pci,netdev=p0,mac=$1"; }
a_log=$logs/peer-by-name-a.log b_log=$logs/peer-by-name-b.log

NET=1 TIMEOUT=180 QEMU_EXTRA=$(private 52:54:00:89:00:02) \
  setsid scripts/run build/echo.elf ip=dhcp ip=10.89.0.2/24 -- --port 7 </dev/null >"$a_log" 2>&1 &
a=$!
for _ in $(seq 600); do grep -q '^echo: listening' "$a_log" && break; kill -0 $a 2>/dev/null || break; sleep 0.1; done
if ! grep -q '^echo: listening' "$a_log"; then
  notok "guest A (echo) boots (see $a_log)"
  kill -- -$a 2>/dev/null; wait $a 2>/dev/null
  exit 1
fi
grep -Eq 'net1 address 10\.89\.0\.2/24, .*\(static\)' "$a_log" && ok "guest A: net1 at 10.89.0.2/24" ||
  notok "guest A: net1 at 10.89.0.2/24 (see $a_log)"

NET=1 TIMEOUT=120 QEMU_EXTRA=$(private 52:54:00:89:00:03) \
  setsid scripts/run build/peers.elf ip=dhcp ip=10.89.0.3/24 host=echo-a=10.89.0.2 -- --echo echo-a 7 </dev/null >"$b_log" 2>&1 &
b=$!
wait $b
status=$?
if [ $status -eq 0 ] && grep -q '^ok - the line came back' "$b_log"; then
  ok "guest B resolves echo-a to 10.89.0.2, and its line comes back over the private network"
else
  notok "guest B resolves echo-a, and its line comes back: status $status ($(grep -E '^(not )?ok' "$b_log" | tr '\n' ' '); see $b_log)"
fi

if kill -0 $a 2>/dev/null && ! grep -q panic "$a_log"; then
  ok "guest A still running at the end, no panic"
else
  notok "guest A still running at the end, no panic (see $a_log)"
fi
kill -- -$a 2>/dev/null
wait $a 2>/dev/null
exit 0
