#!/usr/bin/env python3
"""loadgen.py PORT SECONDS THREADS [PATH]: HTTP/1.0 GETs to 127.0.0.1:PORT from THREADS threads,
one connection per request, for SECONDS. Prints one line per request: START_TIME OK (1 when the
answer was a whole 200, else 0, followed by what went wrong) and, last, "done N". Times are time.monotonic() seconds, so a
caller can line them up with events it records with the same clock (loadgen prints its clock at
start: "clock T")."""
import socket, sys, threading, time

port, seconds, nthreads = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
path = sys.argv[4] if len(sys.argv) > 4 else "/"
results, lock = [], threading.Lock()


def one():
    start = time.monotonic()
    ok, why = 0, ""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
        ok = int(head.startswith(b"HTTP/1.1 200") and bool(length) and len(body) == length[0])
        why = "" if ok else f"answer of {len(data)} bytes: {data[:40]!r}"
    except OSError as e:
        why = repr(e)
    with lock:
        results.append((start, ok, why))


def worker(end):
    while time.monotonic() < end:
        one()


print(f"clock {time.monotonic():.6f}", flush=True)
end = time.monotonic() + seconds
threads = [threading.Thread(target=worker, args=(end,)) for _ in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for start, ok, why in sorted(results):
    print(f"{start:.6f} {ok} {why}".rstrip())
print(f"done {len(results)}")
