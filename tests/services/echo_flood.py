#!/usr/bin/env python3
"""echo_flood.py TCP_PORT UDP_PORT [ROUNDS] [FLOOD_SECONDS]: apps/echo (one vCPU) under a UDP
flood while every host CPU is kept busy, then, after each round, it must still answer: a small
UDP probe and a 2 MiB TCP round trip. A lost kick or interrupt in virtio's notification
handshakes (virtio 1.2 §2.7.7, §2.7.10) leaves a queue waiting for good, and the echo deaf.
Under QEMU 7.2's TCG at one vCPU, before kernel/fence.c, this failed in 5 boots out of 5.
Prints ok / not ok lines."""
import os
import socket
import subprocess
import sys
import threading
import time

TCP_PORT, UDP_PORT = int(sys.argv[1]), int(sys.argv[2])
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
FLOOD_S = float(sys.argv[4]) if len(sys.argv) > 4 else 8
PROBE_TRIES, PROBE_WAIT_S = 10, 1.0
TCP_BYTES, TCP_LIMIT_S = 2 << 20, 60
TCP_STREAMS, PINGERS = 2, 4            # beside the blast: bulk TCP, and many idle-to-busy turns


def report(name, good, why=""):
    print(("ok " if good else "not ok ") + name + ("" if good else ": " + why), flush=True)


def flood(seconds):
    """Sends 1 KiB datagrams as fast as this host can for `seconds`, draining the echoes.
    Returns (sent, echoed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.connect(("127.0.0.1", UDP_PORT))
    s.settimeout(0.2)
    echoed, stop = [0], threading.Event()

    def drain():
        while not stop.is_set():
            try:
                echoed[0] += len(s.recv(2048)) > 0
            except (socket.timeout, ConnectionRefusedError):
                pass

    reader = threading.Thread(target=drain)
    reader.start()
    streams = [threading.Thread(target=tcp_round_trip) for _ in range(TCP_STREAMS)]
    streams += [threading.Thread(target=ping_pong, args=(stop,)) for _ in range(PINGERS)]
    for t in streams:
        t.start()
    payload, sent, end = os.urandom(1024), 0, time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            s.send(payload)
            sent += 1
        except (BlockingIOError, ConnectionRefusedError, OSError):
            time.sleep(0.001)
    time.sleep(1)                                 # the last echoes
    stop.set()
    reader.join()
    for t in streams:
        t.join()
    s.close()
    return sent, echoed[0]


def ping_pong(stop):
    """One datagram at a time, each sent when the last came back (or was lost): the guest goes
    idle and wakes again thousands of times, each a chance for the handshakes to race."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("127.0.0.1", UDP_PORT))
        s.settimeout(0.2)
        while not stop.is_set():
            try:
                s.send(b"ping")
                s.recv(64)
            except (socket.timeout, ConnectionRefusedError):
                pass


def probe(tag):
    """A small datagram that must come back, allowing for UDP's losses. Returns the tries taken, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(PROBE_WAIT_S)
        data = ("probe %s %s" % (tag, os.urandom(8).hex())).encode()
        for tries in range(1, PROBE_TRIES + 1):
            s.sendto(data, ("127.0.0.1", UDP_PORT))
            deadline = time.monotonic() + PROBE_WAIT_S
            while time.monotonic() < deadline:
                try:
                    back, _ = s.recvfrom(2048)
                except socket.timeout:
                    break
                if back == data:
                    return tries
    return None


def tcp_round_trip():
    """2 MiB through the echo, written and read at once. Returns (bytes back, whether equal)."""
    data = os.urandom(TCP_BYTES)
    with socket.create_connection(("127.0.0.1", TCP_PORT), timeout=TCP_LIMIT_S) as s:
        writer = threading.Thread(target=s.sendall, args=(data,))
        writer.start()
        back, deadline = bytearray(), time.monotonic() + TCP_LIMIT_S
        while len(back) < len(data) and time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            back += chunk
        writer.join(TCP_LIMIT_S)
    return len(back), bytes(back) == data


busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
try:
    for r in range(1, ROUNDS + 1):
        sent, echoed = flood(FLOOD_S)
        tries = probe(r)
        report("round %d: answers a probe after a %g s flood (%d datagrams sent, %d echoed)" % (r, FLOOD_S, sent, echoed),
               tries is not None, "no answer to %d tries %g s apart: a queue stalled" % (PROBE_TRIES, PROBE_WAIT_S))
        got, same = tcp_round_trip()
        report("round %d: a 2 MiB TCP round trip comes back whole" % r, same,
               "%d of %d bytes came back within %d s" % (got, TCP_BYTES, TCP_LIMIT_S))
finally:
    for p in busy:
        p.kill()
        p.wait()
