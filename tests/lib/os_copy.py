#!/usr/bin/env python3
"""os_copy.py SRC DST [PREFIX]: a copy of the shared OS (build/mayfly-os.elf) whose release
string, the symbol mayfly_os_release (os/build.mk, `make os OS_RELEASE=...`), begins with PREFIX
(default "v2-") instead: a file of other contents that boots the same way and has the same ABI,
for an OS update without a second build. Found where the symbol table says it is; fails when the
symbol is missing or its string is shorter than PREFIX. Prints the new release."""
import struct, sys

src, dst = sys.argv[1], sys.argv[2]
prefix = (sys.argv[3] if len(sys.argv) > 3 else "v2-").encode()
d = bytearray(open(src, "rb").read())
shoff, = struct.unpack_from("<Q", d, 40)
shentsize, shnum = struct.unpack_from("<HH", d, 58)
sh = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize) for i in range(shnum)]
symtab = next(s for s in sh if s[1] == 2)           # SHT_SYMTAB
strtab = sh[symtab[6]]
for off in range(symtab[4], symtab[4] + symtab[5], 24):
    name, _, _, shndx, value, _ = struct.unpack_from("<IBBHQQ", d, off)
    if d[strtab[4] + name:].split(b"\0", 1)[0] == b"mayfly_os_release":
        home = sh[shndx]
        at = home[4] + value - home[3]              # the section's file offset + the offset in it
        old = bytes(d[at:d.index(b"\0", at)])
        if len(old) < len(prefix):
            sys.exit(f"os_copy: the release '{old.decode()}' is shorter than '{prefix.decode()}'")
        d[at:at + len(prefix)] = prefix
        open(dst, "wb").write(d)
        print(d[at:d.index(b"\0", at)].decode())
        break
else:
    sys.exit("os_copy: no mayfly_os_release in " + src)
