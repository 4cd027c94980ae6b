#!/usr/bin/env python3
"""echo_client.py TCP_PORT UDP_PORT: round trips through apps/echo, 1 B to 64 KiB, over TCP
and UDP (a UDP datagram carries at most 65507 bytes over IPv4). Prints ok / not ok lines."""
import os
import socket
import sys

TCP_PORT, UDP_PORT = int(sys.argv[1]), int(sys.argv[2])
TIMEOUT = 20


def report(name, good, why=""):
    print(("ok " if good else "not ok ") + name + ("" if good else ": " + why), flush=True)


with socket.create_connection(("127.0.0.1", TCP_PORT), timeout=TIMEOUT) as s:
    for size in [1, 100, 1460, 1461, 4096, 65536]:
        data = os.urandom(size)
        s.sendall(data)
        back = b""
        while len(back) < size:
            chunk = s.recv(size - len(back))
            if not chunk:
                break
            back += chunk
        report("TCP round trip of %d bytes" % size, back == data, "%d bytes came back" % len(back))

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
u.settimeout(TIMEOUT)
for size in [1, 100, 1472, 1473, 8192, 65507]:
    data = os.urandom(size)
    ok, why = False, "no answer"
    for _ in range(3):                      # UDP may lose a datagram; the echo must come back
        u.sendto(data, ("127.0.0.1", UDP_PORT))
        try:
            back, _ = u.recvfrom(70000)
        except socket.timeout:
            continue
        ok, why = back == data, "%d bytes came back" % len(back)
        break
    report("UDP round trip of %d bytes" % size, ok, why)
