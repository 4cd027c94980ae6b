#!/usr/bin/env python3
"""slowloris.py PORT SLOW SECONDS: SLOW connections each send a request head a byte at a time
(every 1-3 seconds), more than httpd's connection table holds; meanwhile a fresh client must be served
every few seconds, and the slow connections must be closed by the server (a head has a deadline).
Prints ok / not ok lines."""
import socket
import sys
import time
import urllib.request

PORT, SLOW, SECONDS = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
HEAD = b"GET / HTTP/1.1\r\nHost: slow\r\nX-Padding: " + b"a" * 200


def report(name, good, why=""):
    print(("ok " if good else "not ok ") + name + ("" if good else ": " + why), flush=True)


slow = []
for _ in range(SLOW):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", PORT))
        s.setblocking(False)
        slow.append([s, 0, None])          # socket, bytes sent, when the server closed it
    except OSError:
        s.close()
served, tries, start = 0, 0, time.monotonic()
while time.monotonic() - start < SECONDS:
    for entry in slow:
        s, sent, closed = entry
        if closed is not None or sent >= len(HEAD):
            continue
        try:
            data = s.recv(1024)
            if not data:                       # the server gave up on it
                entry[2] = time.monotonic() - start
                continue
        except BlockingIOError:
            pass
        except OSError:
            entry[2] = time.monotonic() - start
            continue
        try:
            s.send(HEAD[sent:sent + 1])
            entry[1] += 1
        except OSError:
            entry[2] = time.monotonic() - start
    tries += 1
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/1k.txt", timeout=5) as r:
            served += r.status == 200 and len(r.read()) == 1024
    except OSError:
        pass
    time.sleep(1)
closed = [e[2] for e in slow if e[2] is not None]
report("%d slow connections opened" % len(slow), len(slow) == SLOW, "only %d" % len(slow))
report("fresh clients served during the attack (%d of %d)" % (served, tries), served >= tries - 1,
       "%d of %d requests served" % (served, tries))
report("the server closed the slow connections (%d of %d, the last after %.0f s)" %
       (len(closed), len(slow), max(closed) if closed else 0), len(closed) == len(slow),
       "%d of %d still open after %.0f s" % (len(slow) - len(closed), len(slow), SECONDS))
for e in slow:
    e[0].close()
