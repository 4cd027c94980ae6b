#!/usr/bin/env python3
"""sink.py PORTFILE: listen on 127.0.0.1 (a free port, written to PORTFILE), take one
connection, read it to its end, and print how many bytes came and whether they follow the
counting pattern of tests/guest/sendexit (byte i is i % 251). Gives up after 60 s.
It reads late and through a small buffer, so that the sender's data backs up in its own TCP
queue: what a sender that exits at once must not lose."""
import socket, sys, time

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind(("127.0.0.1", 0))
s.listen(1)
s.settimeout(60)
with open(sys.argv[1], "w") as f:
    f.write(str(s.getsockname()[1]))
c, _ = s.accept()
c.settimeout(60)
time.sleep(0.5)
data = bytearray()
while True:
    chunk = c.recv(1 << 16)
    if not chunk:
        break
    data += chunk
good = all(b == i % 251 for i, b in enumerate(data))
print(f"received {len(data)} bytes, pattern {'intact' if good else 'broken'}")
