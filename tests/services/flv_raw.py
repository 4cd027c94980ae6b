#!/usr/bin/env python3
"""flv_raw.py PORT DIR: malformed requests to the flv app through raw sockets, each answered
with its error status (or the connection dropped, where no answer is possible), and the
service answering a good seek after every one. Prints "ok NAME" / "not ok NAME: why"."""
import os
import socket
import sys

port = int(sys.argv[1])
flv = open(os.path.join(sys.argv[2], "clip.flv"), "rb").read()
ADDR = ("127.0.0.1", port)


def exchange(data, read=True):
    """Send data on a new connection; the whole answer (until the server closes), or b''."""
    with socket.create_connection(ADDR, timeout=20) as s:
        s.sendall(data)
        if not read:
            return b""
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def status_of(answer):
    line = answer.split(b"\r\n", 1)[0]
    parts = line.split(b" ")
    return int(parts[1]) if len(parts) > 1 and parts[0] == b"HTTP/1.1" and parts[1].isdigit() else None


def good_seek():
    """A seek to the first tag, read whole: the whole file behind a 13-byte header of its own."""
    answer = exchange(b"GET /media/clip.flv?start=13 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    return status_of(answer) == 200 and body == flv


bad = [
    ("a line that is no request", b"GARBAGE\r\n\r\n", {400}),
    ("bytes that are no text", b"\x00\x01\x02\xff\xfe\r\n\r\n", {400}),
    ("start with a percent escape", b"GET /media/clip.flv?start=%31%33 HTTP/1.1\r\nHost: t\r\n\r\n", {400}),
    ("a control character in the query", b"GET /media/clip.flv?start=13\x01 HTTP/1.1\r\nHost: t\r\n\r\n", {400}),
    ("start given twice", b"GET /media/clip.flv?start=13&start=20 HTTP/1.1\r\nHost: t\r\n\r\n", {400}),
    ("a negative start", b"GET /media/clip.flv?start=-1 HTTP/1.1\r\nHost: t\r\n\r\n", {400}),
    ("HTTP/1.1 without Host", b"GET /media/clip.flv?start=13 HTTP/1.1\r\n\r\n", {400}),
    ("HTTP/2.0 in a request line", b"GET /media/clip.flv HTTP/2.0\r\nHost: t\r\n\r\n", {505}),
    ("POST with a body", b"POST /media/clip.flv?start=13 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc", {405}),
    ("a .. segment", b"GET /media/../../clip.flv?start=13 HTTP/1.1\r\nHost: t\r\n\r\n", {400}),
    ("a 9000-byte target", b"GET /" + b"a" * 9000 + b"?start=13 HTTP/1.1\r\nHost: t\r\n\r\n", {413, 414}),
    ("a 9000-byte start", b"GET /media/clip.flv?start=" + b"9" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", {413, 414}),
]
for name, data, want in bad:
    try:
        got = status_of(exchange(data))
        ok = got in want
        why = "status %s, expected %s" % (got, sorted(want))
    except OSError as e:
        ok, why = False, "socket: %s" % e
    print(("ok " if ok else "not ok ") + name + " is answered " + "/".join(map(str, sorted(want))) +
          ("" if ok else ": " + why))

# clients that go away: mid-head, and mid-body of a seek
for name, data in [("a head cut short", b"GET /media/clip.flv?sta"),
                   ("a seek abandoned after its first bytes", b"GET /media/clip.flv?start=13 HTTP/1.1\r\nHost: t\r\n\r\n")]:
    try:
        with socket.create_connection(ADDR, timeout=20) as s:
            s.sendall(data)
            if b"HTTP/1.1" in data:
                s.recv(100)
        print("ok the client sent %s and left" % name)
    except OSError as e:
        print("not ok the client sent %s and left: %s" % (name, e))

try:
    ok = good_seek()
    print(("ok " if ok else "not ok ") + "after all that, a seek still answers with the whole file behind its header" +
          ("" if ok else ": wrong answer"))
except OSError as e:
    print("not ok after all that, a seek still answers: %s" % e)
