#!/usr/bin/env python3
"""A minimal QMP client (QEMU Machine Protocol: JSON lines over a socket, docs/interop/qmp-spec):
the greeting, qmp_capabilities, then commands. Used as a module, or from the shell:
  qmp.py SOCKET COMMAND      e.g. qmp.py build/tests/x.qmp system_powerdown"""
import json, socket, sys, time


class QMP:
    def __init__(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:                     # QEMU creates the socket a moment after it starts
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.settimeout(timeout)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.file = self.sock.makefile("rwb")
        self._read()                    # {"QMP": {...}}: the greeting
        self.command("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise ConnectionError("QMP: QEMU closed the socket")
        return json.loads(line)

    def command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg).encode() + b"\n")
        self.file.flush()
        while True:                     # events may come before the answer
            reply = self._read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"QMP {name}: {reply['error'].get('desc')}")

    def close(self):
        self.sock.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: qmp.py SOCKET COMMAND")
    q = QMP(sys.argv[1])
    print(json.dumps(q.command(sys.argv[2])))
    q.close()
