#!/usr/bin/env python3
"""powerdown.py REGEX COMMAND...: run COMMAND (scripts/run ...) with a QMP socket added to its
QEMU (QEMU_EXTRA), copy its output, and when a line matches REGEX press the VM's ACPI power
button (QMP system_powerdown), as libvirt and clouds do. Exits with COMMAND's status."""
import os, re, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import QMP


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: powerdown.py REGEX COMMAND...")
    marker = re.compile(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="mayfly-qmp-")
    sock = os.path.join(tmp, "qmp.sock")
    env = dict(os.environ)
    env["QEMU_EXTRA"] = (env.get("QEMU_EXTRA", "") + f" -qmp unix:{sock},server=on,wait=off").strip()
    p = subprocess.Popen(sys.argv[2:], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    pressed = False
    for raw in p.stdout:
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()
        if not pressed and marker.search(raw.decode(errors="replace")):
            pressed = True
            try:
                q = QMP(sock)
                q.command("system_powerdown")
                q.close()
                print("powerdown.py: pressed the power button", flush=True)
            except (OSError, RuntimeError, ConnectionError) as e:
                print(f"powerdown.py: QMP failed: {e}", flush=True)
    status = p.wait()
    if not pressed:
        print(f"powerdown.py: never saw /{sys.argv[1]}/", flush=True)
    try:
        os.unlink(sock)
    except OSError:
        pass
    os.rmdir(tmp)
    sys.exit(status)


if __name__ == "__main__":
    main()
