#!/usr/bin/env python3
"""http_capture_check.py PCAP PORT BODY_BYTES: from a QEMU filter-dump capture of the guest's NIC,
check that every HTTP request that reached the guest on PORT was answered in full: per
connection, the client's request heads and the guest's responses are put back in order by TCP
sequence number, and each request must have a whole 200 response whose body is BODY_BYTES long.
Prints one line of figures, and the connections that fail; exits 1 if any does."""
import os, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcap import frames



class Stream:
    """One direction of a connection: payload placed by sequence number."""
    def __init__(self):
        self.isn = None
        self.parts = {}

    def add(self, seq, syn, payload):
        if syn:
            self.isn = seq + 1
        elif payload and self.isn is not None:
            self.parts[(seq - self.isn) & 0xFFFFFFFF] = payload

    def bytes(self):
        out = bytearray()
        for at in sorted(self.parts):
            p = self.parts[at]
            if at > len(out):
                break                   # a hole: what follows was never seen whole
            out += p[len(out) - at:]
        return bytes(out)


def responses(data, body_bytes):
    """(whole 200 responses of body_bytes, bytes left over, problems)."""
    n, at, problems = 0, 0, []
    while at < len(data):
        end = data.find(b"\r\n\r\n", at)
        if end < 0:
            break
        head = data[at:end].decode(errors="replace").split("\r\n")
        length = next((int(h.split(":", 1)[1]) for h in head if h.lower().startswith("content-length:")), None)
        if not head[0].startswith("HTTP/1.1 200") or length != body_bytes:
            problems.append(f"response {n + 1}: {head[0]!r}, Content-Length {length}")
        if length is None or end + 4 + length > len(data):
            break
        at = end + 4 + length
        n += 1
    return n, len(data) - at, problems


def main(path, port, body_bytes):
    conns = {}
    for _, f in frames(path):
        if f[12:14] != b"\x08\x00" or f[23] != 6:
            continue                    # IPv4 TCP only
        ihl = (f[14] & 0x0F) * 4
        total = struct.unpack_from(">H", f, 16)[0]
        tcp = 14 + ihl
        sport, dport, seq = struct.unpack_from(">HHI", f, tcp)
        flags = f[tcp + 13]
        payload = f[tcp + (f[tcp + 12] >> 4) * 4:14 + total]
        if dport == port:
            key, direction = sport, 0   # client to guest
        elif sport == port:
            key, direction = dport, 1
        else:
            continue
        conns.setdefault(key, (Stream(), Stream()))[direction].add(seq, flags & 0x02, payload)
    asked = answered = bad = 0
    for key, (to_guest, from_guest) in sorted(conns.items()):
        requests = to_guest.bytes().count(b"\r\n\r\n")
        whole, left, problems = responses(from_guest.bytes(), body_bytes)
        asked += requests
        answered += min(whole, requests)
        if whole < requests or left or problems:
            bad += 1
            if bad <= 10:
                print(f"connection from port {key}: {requests} requests reached the guest, {whole} whole "
                      f"responses, {left} bytes of a cut one; {'; '.join(problems[:3])}")
    print(f"{len(conns)} connections, {asked} requests reached the guest, {answered} answered in full, "
          f"{bad} connections with a request unanswered or cut")
    sys.exit(1 if bad or asked == 0 else 0)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
