#!/usr/bin/env python3
"""tree.py make DIR | expect DIR PREFIX | compare DIR PREFIX LOG
make: a tree to put in an initrd or on a disk (nested directories, modes, an empty file, a
1 MiB random file, names with spaces and non-ASCII letters). expect: the lines the guest's
`files --list PREFIX` prints for it (tests/guest/files). compare: those lines against the
guest's console log; prints what differs, exits 1 if anything does."""
import os
import stat
import sys


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def make(root):
    os.makedirs(os.path.join(root, "a/b/c/d"), exist_ok=True)
    os.makedirs(os.path.join(root, "private"), exist_ok=True)
    files = {
        "hello.txt": b"hello from the initrd\n",
        "empty": b"",
        "a/b/c/d/deep.txt": b"deep\n" * 100,
        "caf\u00e9 \u00fcn\u00ef.txt": "non-ASCII name\n".encode(),
        "private/key": b"secret\n",
        "big.bin": os.urandom(1 << 20),
    }
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    os.chmod(os.path.join(root, "private/key"), 0o600)
    os.chmod(os.path.join(root, "private"), 0o700)


def expect(root, prefix):
    lines = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            guest = prefix.rstrip("/") + "/" + os.path.relpath(full, root)
            st = os.stat(full)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                lines.append("entry %s dir %04o" % (guest, mode))
            else:
                data = open(full, "rb").read()
                lines.append("entry %s file %04o %d %d %016x" % (guest, mode, len(data), len(data), fnv1a(data)))
    return sorted(lines)


def main():
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "expect":
        print("\n".join(expect(sys.argv[2], sys.argv[3])))
    elif cmd == "compare":
        want = set(expect(sys.argv[2], sys.argv[3]))
        got = set(l.rstrip("\r\n") for l in open(sys.argv[4], encoding="utf-8", errors="replace") if l.startswith("entry "))
        for l in sorted(want - got):
            print("missing in the guest: " + l)
        for l in sorted(got - want):
            print("the guest has, the host not: " + l)
        sys.exit(0 if want == got else 1)


main()
