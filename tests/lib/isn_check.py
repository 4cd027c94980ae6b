#!/usr/bin/env python3
"""isn_check.py FILE GUEST_PORT MIN: TCP initial sequence numbers in a QEMU filter-dump capture.

The guest's SYN-ACKs from GUEST_PORT carry its ISNs (at least MIN connections). RFC 6528 makes
ISN = M + F(4-tuple, secret), M a clock ticking every 4 us. Subtracting M as the host saw it
(capture time / 4 us; the guest's clock has another origin, a constant that cancels in
differences) leaves F plus a few ticks of timing error. Consecutive differences of what is left
must be spread over the 32-bit space: at most one of them within 2^24 of 0 (a random difference
lands there with probability 1/128). lwIP's own ISNs (a counter advanced by its timer ticks) and
any "previous ISN plus a small step" give differences that are all small, and fail; so does a
constant step."""
import os, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcap import frames


GUEST_IP = bytes([10, 0, 2, 15])
SMALL = 1 << 24
TICK_US = 4

def syn_acks(path, port):
    """(capture time in us, ISN) of the first SYN-ACK of each connection from the guest's port."""
    seen = {}
    for t, f in frames(path):
        if len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6 or f[26:30] != GUEST_IP:
            continue
        ihl = (f[14] & 0x0F) * 4
        tcp = f[14 + ihl:]
        sport, dport, seq = struct.unpack_from(">HHI", tcp)
        flags = tcp[13]
        if sport == port and flags & 0x12 == 0x12:
            key = (f[30:34], dport)
            seen.setdefault(key, (t, seq))       # a retransmitted SYN-ACK repeats the ISN
    return sorted(seen.values())

def signed32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v

def main(path, port, minimum):
    conns = syn_acks(path, port)
    print("ISNs:", " ".join(f"{isn:#010x}" for _, isn in conns))
    if len(conns) < minimum:
        sys.exit(f"only {len(conns)} SYN-ACKs from port {port}, wanted {minimum}")
    rest = [(isn - t // TICK_US) & 0xFFFFFFFF for t, isn in conns]
    diffs = [signed32(b - a) for a, b in zip(rest, rest[1:])]
    print("differences after the 4 us clock:", " ".join(str(d) for d in diffs))
    raw = [signed32(b[1] - a[1]) for a, b in zip(conns, conns[1:])]
    problems = []
    if len(set(raw)) == 1:
        problems.append(f"the ISNs advance by a constant {raw[0]}")
    small = sum(1 for d in diffs if abs(d) < SMALL)
    if small > 1:
        problems.append(f"{small} of {len(diffs)} differences are within 2^24: each ISN follows from the one before")
    for p in problems:
        print("problem:", p)
    sys.exit(1 if problems else 0)

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
