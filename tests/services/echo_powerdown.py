#!/usr/bin/env python3
"""echo_powerdown.py LOGDIR: apps/echo with four connections echoing 1 KiB messages back and
forth and one idle connection, then the VM's ACPI power button (QMP system_powerdown). echo must
stop gracefully: each connection gets back exactly what it sent up to the stop (no byte changed
or lost before its end), then a clean end of stream (FIN, not a reset), and QEMU exits with
echo's status 0 within the grace (2 s) and a margin. Prints ok / not ok lines."""
import os, signal, socket, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qmp import QMP

LOGS = sys.argv[1]
BUSY, MESSAGE, RUN_BEFORE_S, EXIT_LIMIT_S = 4, 1024, 1.5, 10


def report(name, good, why=""):
    print(("ok " if good else "not ok ") + name + ("" if good else ": " + why), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def busy(port, index, result):
    """Ping-pong until the server ends the stream: (round trips, how it ended)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    rounds, ended = 0, "?"
    try:
        while True:
            msg = bytes([(index * 31 + rounds) % 251]) * MESSAGE
            try:
                s.sendall(msg)
            except OSError as e:
                ended = f"send failed: {e}"
                break
            got = b""
            while len(got) < MESSAGE:
                chunk = s.recv(MESSAGE - len(got))
                if not chunk:
                    break
                got += chunk
            if got and got != msg[:len(got)]:
                ended = "an echo differs from what was sent"
                break
            if len(got) < MESSAGE:
                ended = "eof" if s.recv(1) == b"" else "more after a short echo"
                break
            rounds += 1
    except ConnectionResetError:
        ended = "reset"
    except socket.timeout:
        ended = "timeout"
    finally:
        s.close()
    result[index] = (rounds, ended)


def main():
    port = free_port()
    tmp = tempfile.mkdtemp()
    qmp_path, log = os.path.join(tmp, "qmp"), os.path.join(LOGS, "powerdown-echo.log")
    env = dict(os.environ, HOSTFWD=f"tcp:127.0.0.1:{port}-:7", TIMEOUT="120",
               QEMU_EXTRA=f"-qmp unix:{qmp_path},server=on,wait=off")
    with open(log, "wb") as out:
        vm = subprocess.Popen(["scripts/run", "build/echo.elf"], env=env, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(600):
            if b"echo: listening" in open(log, "rb").read() or vm.poll() is not None:
                break
            time.sleep(0.1)
        else:
            pass
        if b"echo: listening" not in open(log, "rb").read():
            report("boots", False, f"see {log}")
            return
        idle = socket.create_connection(("127.0.0.1", port), timeout=10)
        idle.sendall(b"hello\n")
        idle_echo = idle.recv(16)
        result = {}
        threads = [threading.Thread(target=busy, args=(port, i, result)) for i in range(BUSY)]
        for t in threads:
            t.start()
        time.sleep(RUN_BEFORE_S)
        q = QMP(qmp_path)
        pressed = time.monotonic()
        q.command("system_powerdown")
        q.close()
        try:
            idle_end = idle.recv(16)
        except OSError as e:
            idle_end = repr(e)
        idle.close()                    # as a client does at the end of the stream
        try:
            status = vm.wait(EXIT_LIMIT_S)
        except subprocess.TimeoutExpired:
            status = None
        gone = time.monotonic() - pressed
        for t in threads:
            t.join(30)
        report("the idle connection echoes, then ends cleanly at the stop", idle_echo == b"hello\n" and idle_end == b"",
               f"echo {idle_echo!r}, then {idle_end!r}")
        for i in range(BUSY):
            rounds, ended = result.get(i, (0, "no result"))
            report(f"busy connection {i}: {rounds} whole round trips, then a clean end of stream", rounds > 0 and ended == "eof",
                   f"ended by {ended}")
        report(f"QEMU exits with echo's status 0, {gone:.1f} s after the button", status == 0,
               f"status {status} (see {log})")
        text = open(log, "rb").read().decode(errors="replace")
        report("echo says it stopped with no connection cut", "echo: stopping" in text and "0 connections cut" in text,
               f"see {log}")
    finally:
        if vm.poll() is None:
            os.killpg(vm.pid, signal.SIGKILL)
            vm.wait()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
