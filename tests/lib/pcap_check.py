#!/usr/bin/env python3
"""pcap_check.py FILE GUEST_MAC BURST: check a QEMU filter-dump capture of tests/guest/net.
It must hold the guest's ARP request for 10.0.2.2, the gateway's reply to it, and BURST
1514-byte frames of ethertype 0x88B5 whose payload bytes are their sequence number."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcap import frames


def main(path, mac_text, burst):
    mac = bytes(int(b, 16) for b in mac_text.split(":"))
    guest_ip, gateway_ip = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2])
    request = reply = False
    seq = []
    for _, f in frames(path):
        if f[12:14] == b"\x08\x06" and len(f) >= 42:
            op = f[21]
            if op == 1 and f[6:12] == mac and f[:6] == b"\xff" * 6 and f[28:32] == guest_ip and f[38:42] == gateway_ip:
                request = True
            if op == 2 and f[28:32] == gateway_ip and f[38:42] == guest_ip and f[32:38] == mac:
                reply = True
        elif f[12:14] == b"\x88\xb5" and f[6:12] == mac:
            body = f[14:]
            if len(f) == 1514 and body == bytes([body[0]]) * len(body):
                seq.append(body[0])
    problems = []
    if not request:
        problems.append("no ARP request from the guest for 10.0.2.2")
    if not reply:
        problems.append("no ARP reply from 10.0.2.2 to the guest")
    want = [i % 256 for i in range(burst)]
    if seq != want:
        problems.append(f"{len(seq)} burst frames in the capture, expected {burst} in order")
    for p in problems:
        print(f"{path}: {p}")
    if not problems:
        print(f"{path}: ARP request and reply, and {burst} full-size frames in order")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
