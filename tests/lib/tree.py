#!/usr/bin/env python3
"""tree.py make DIR [BIG_MIB] | expect DIR PREFIX | compare DIR PREFIX LOG [fat] | mutate DIR
make: a tree to put in an initrd or on a disk (nested directories, modes, an empty file, a
random file of BIG_MIB MiB (1), names with spaces and non-ASCII letters). expect: the lines the
guest's `files --list PREFIX` prints for it (tests/guest/files). compare: those lines against the
guest's console log (with "fat": the modes FAT reports, 0755 and 0644); prints what differs,
exits 1 if anything does. mutate: the changes `files --mutate` makes in the guest."""
import os
import stat
import sys


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def make(root, big_mib=1):
    os.makedirs(os.path.join(root, "a/b/c/d"), exist_ok=True)
    os.makedirs(os.path.join(root, "private"), exist_ok=True)
    files = {
        "hello.txt": b"hello from the initrd\n",
        "empty": b"",
        "a/b/c/d/deep.txt": b"deep\n" * 100,
        "caf\u00e9 \u00fcn\u00ef.txt": "non-ASCII name\n".encode(),
        "private/key": b"secret\n",
        "big.bin": os.urandom(big_mib << 20),
    }
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    os.chmod(os.path.join(root, "private/key"), 0o600)
    os.chmod(os.path.join(root, "private"), 0o700)


def mutate(root):
    os.makedirs(os.path.join(root, "new"))
    open(os.path.join(root, "new/made.txt"), "w").write("made in the guest\n")
    open(os.path.join(root, "hello.txt"), "a").write("and appended\n")
    os.rename(os.path.join(root, "a/b/c/d/deep.txt"), os.path.join(root, "moved-deep.txt"))
    os.truncate(os.path.join(root, "big.bin"), 1000)
    os.remove(os.path.join(root, "empty"))
    os.rmdir(os.path.join(root, "a/b/c/d"))
    open(os.path.join(root, "a/b/long name with spaces, and more than eight.characters"), "w").write("long\n")


def expect(root, prefix, fat=False):
    lines = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            guest = prefix.rstrip("/") + "/" + os.path.relpath(full, root)
            st = os.stat(full)
            mode = stat.S_IMODE(st.st_mode)
            if fat:
                mode = 0o755 if stat.S_ISDIR(st.st_mode) else 0o644
            if stat.S_ISDIR(st.st_mode):
                lines.append("entry %s dir %04o" % (guest, mode))
            else:
                data = open(full, "rb").read()
                lines.append("entry %s file %04o %d %d %016x" % (guest, mode, len(data), len(data), fnv1a(data)))
    return sorted(lines)


def main():
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    elif cmd == "mutate":
        mutate(sys.argv[2])
    elif cmd == "expect":
        print("\n".join(expect(sys.argv[2], sys.argv[3])))
    elif cmd == "compare":
        want = set(expect(sys.argv[2], sys.argv[3], len(sys.argv) > 5 and sys.argv[5] == "fat"))
        got = set(l.rstrip("\r\n") for l in open(sys.argv[4], encoding="utf-8", errors="replace") if l.startswith("entry "))
        for l in sorted(want - got):
            print("missing in the guest: " + l)
        for l in sorted(got - want):
            print("the guest has, the host not: " + l)
        sys.exit(0 if want == got else 1)


main()
