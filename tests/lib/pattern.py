#!/usr/bin/env python3
"""Disk patterns shared with tests/guest/disk: every 512-byte sector holds 64 words of
xorshift64 seeded from (seed, sector), so any byte can be checked on either side.

  pattern.py make FILE SEED SECTORS          write a disk of SECTORS sectors
  pattern.py check FILE SEED [FIRST:COUNT:SEED2 ...]
      check every sector: SEED's pattern, except the ranges rewritten with SEED2's
"""
import struct, sys

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def sector(seed, n):
    x = ((seed * GOLDEN) ^ (n * 0xBF58476D1CE4E5B9) ^ 0x94D049BB133111EB) & MASK or 1
    words = []
    for _ in range(64):
        x ^= (x << 13) & MASK
        x ^= x >> 7
        x ^= (x << 17) & MASK
        words.append(x)
    return struct.pack("<64Q", *words)


def make(path, seed, sectors):
    with open(path, "wb") as f:
        for n in range(sectors):
            f.write(sector(seed, n))


def check(path, seed, overrides):
    data = open(path, "rb").read()
    expect_seed = {}
    for o in overrides:
        first, count, seed2 = (int(v) for v in o.split(":"))
        for n in range(first, first + count):
            expect_seed[n] = seed2
    bad = [n for n in range(len(data) // 512)
           if data[n * 512:(n + 1) * 512] != sector(expect_seed.get(n, seed), n)]
    if bad:
        print(f"{path}: {len(bad)} sectors differ, first {bad[:8]}")
        return 1
    print(f"{path}: all {len(data) // 512} sectors as expected")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], int(sys.argv[3]), sys.argv[4:]))
    else:
        sys.exit(__doc__)
