#!/usr/bin/env bash
# Partial checksums for real: QEMU's user network never offers GUEST_CSUM, but a tap with vnet_hdr
# does, and the host kernel then hands its TCP segments over with NEEDS_CSUM (the checksum field
# holding only the pseudo-header's sum). httpd must complete them, or no connection opens.
# Runs as root inside a network namespace of its own (tests/services/cases.sh: unshare -n), with
# a tap at 10.99.0.1 and the guest at 10.99.0.2; only that namespace's addresses are used.
# Prints "ok NAME" or "not ok NAME: why". Argument: the log file for the guest's console.
set -u
cd "$(dirname "$0")/../.."
log=$1
check() { if [ "$2" = 0 ]; then echo "ok $1"; else echo "not ok $1: $3"; fi; }

ip link set lo up && ip tuntap add dev mftap0 mode tap vnet_hdr && ip addr add 10.99.0.1/24 dev mftap0 &&
  ip link set mftap0 up || { echo "not ok tap: could not make the tap device"; exit 1; }
QEMU_EXTRA="-netdev tap,id=tap0,ifname=mftap0,script=no,downscript=no,vnet_hdr=on -device virtio-net-pci,netdev=tap0" \
  TIMEOUT=300 setsid scripts/run build/httpd.elf debug ip=10.99.0.2/24 gw=10.99.0.1 </dev/null >"$log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 600); do grep -q '^httpd: serving' "$log" && break; sleep 0.1; done

features=$(grep -oE 'net0: virtio pci at [^,]*, features 0x[0-9a-f]+' "$log" | grep -oE '0x[0-9a-f]+$')
check "tap: GUEST_CSUM is negotiated (the device may send partial checksums)" \
  "$([ -n "$features" ] && (( (features >> 1) & 1 )); echo $?)" "features '$features'"
for file in index.html bench/64k.txt; do
  got=$(curl -sS --max-time 30 "http://10.99.0.2/$file" 2>&1 | sha256sum | cut -d' ' -f1)
  check "tap: /$file arrives intact over connections the host checksummed partially" \
    "$([ "$got" = "$(sha256sum <"apps/httpd/www/$file" | cut -d' ' -f1)" ]; echo $?)" "sha256 $got"
done
kill -0 $pid 2>/dev/null && ! grep -q panic "$log"
check "tap: still running at the end, no panic" $? "the VM stopped"
