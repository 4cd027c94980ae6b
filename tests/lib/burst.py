#!/usr/bin/env python3
"""burst.py PORT N: N connections to 127.0.0.1:PORT opened at once, each a GET / HTTP/1.0 read to
its end (30 s at most). Prints what went wrong with each failure, then, last, how many answers
were a 200."""
import socket, sys, threading

port, n, ok = int(sys.argv[1]), int(sys.argv[2]), []


def one():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            while (chunk := s.recv(65536)):
                data += chunk
        ok.append(data.startswith(b"HTTP/1.1 200"))
        if not ok[-1]:
            print(f"answer of {len(data)} bytes: {data[:40]!r}", file=sys.stderr)
    except OSError as e:
        ok.append(False)
        print(repr(e), file=sys.stderr)


threads = [threading.Thread(target=one) for _ in range(n)]
[t.start() for t in threads]
[t.join() for t in threads]
print(sum(ok))
