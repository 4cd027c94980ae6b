#!/usr/bin/env python3
"""httpd_raw.py PORT WWW: httpd against raw sockets: keep-alive and pipelining, hostile and
malformed requests (each answered with its error status or dropped, and the next client still
served), and 200 connections open at once. Prints "ok NAME" / "not ok NAME: why"."""
import os
import socket
import sys
import time

PORT = int(sys.argv[1])
WWW = sys.argv[2]
TIMEOUT = 20
INDEX = open(os.path.join(WWW, "index.html"), "rb").read()


def report(name, good, why=""):
    print(("ok " if good else "not ok ") + name + ("" if good else ": " + why), flush=True)


def connect():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_response(s, buf=b""):
    """One response from s: (status, headers dict, body, leftover bytes). status 0: closed."""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            return 0, {}, b"", buf
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def get(path="/", extra=""):
    return ("GET %s HTTP/1.1\r\nHost: test\r\n%s\r\n" % (path, extra)).encode()


def still_serves(after):
    try:
        with connect() as s:
            s.sendall(get())
            status, _, body, _ = read_response(s)
        report("still serves after " + after, status == 200 and body == INDEX, "status %d" % status)
    except OSError as e:
        report("still serves after " + after, False, repr(e))


def answered_or_dropped(s):
    """The status the server answered with, or 0 if it closed the connection unanswered."""
    try:
        return read_response(s)[0]
    except ConnectionResetError:
        return 0


def keep_alive():
    with connect() as s:
        ok = True
        for path in ["/", "/style.css", "/bench/1k.txt", "/"]:
            s.sendall(get(path))
            status, headers, body, _ = read_response(s)
            ok &= status == 200 and headers.get("connection") == "keep-alive"
        report("keep-alive: four requests answered on one connection", ok)
        # pipelined: three requests in one write, three responses in order
        s.sendall(get("/") + get("/nope") + get("/style.css"))
        got, buf = [], b""
        for _ in range(3):
            status, _, body, buf = read_response(s, buf)
            got.append(status)
        report("pipelining: three requests in one write", got == [200, 404, 200], str(got))


def hostile(name, data, want, then_close_write=False):
    with connect() as s:
        try:
            s.sendall(data)
            if then_close_write:
                s.shutdown(socket.SHUT_WR)
            status = answered_or_dropped(s)
        except (BrokenPipeError, ConnectionResetError):
            status = 0
    report(name, status in want, "status %d, expected one of %s" % (status, want))
    still_serves(name)


def mid_request_disconnect():
    s = connect()
    s.sendall(b"GET /index.html HTTP/1.1\r\nHost: te")
    s.close()
    time.sleep(0.2)
    still_serves("a client that disconnects mid-request")


def concurrent(n):
    """n connections open at once, then a request on each. The connections are opened 2 ms
    apart: QEMU's user network (slirp) drops host-side connections when hundreds arrive within
    a few milliseconds (seen: the guest answers every SYN, slirp forwards no data and closes)."""
    socks = []
    try:
        for _ in range(n):
            socks.append(connect())
            time.sleep(0.002)
        for s in socks:                          # all are open before the first request goes out
            s.sendall(get("/", "Connection: close\r\n"))
        answered = sum(1 for s in socks if read_response(s)[0:3:2] == (200, INDEX))
        report("%d connections open at once, all answered" % n, answered == n, "%d of %d" % (answered, n))
    except OSError as e:
        report("%d connections open at once, all answered" % n, False, "%s after %d connections" % (e, len(socks)))
    finally:
        for s in socks:
            s.close()


keep_alive()
hostile("garbage is 400", b"\x16\x03\x01\x02\x10\x01\x11\x01\xfc\x03\x03" + os.urandom(200) + b"\r\n\r\n", [400, 0])
hostile("an unterminated head is dropped at end of input", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: b", [0], True)
hostile("a 100 KiB header line is 413", b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 102400 + b"\r\n\r\n", [413])
hostile("a NUL byte is 400", b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n", [400])
hostile("a NUL byte in an unfinished head is 400", b"GET / HTTP/1.1\r\nHost: \x00", [400])
hostile("no Host in HTTP/1.1 is 400", b"GET / HTTP/1.1\r\n\r\n", [400])
hostile("HTTP/2.0 is 505", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", [505])
hostile("a path outside the root is 400", get("/../../etc/passwd"), [400])
mid_request_disconnect()
concurrent(200)
still_serves("200 connections")
