"""Reading the pcap files QEMU's filter-dump writes (little-endian, microsecond timestamps,
Ethernet frames): the one reader the capture checkers share."""
import struct, sys


def frames(path):
    """Yield (capture time in microseconds, frame bytes) for each record of the file."""
    data = open(path, "rb").read()
    if len(data) < 24 or struct.unpack_from("<I", data)[0] != 0xA1B2C3D4:
        sys.exit(f"{path}: not a little-endian microsecond pcap")
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack_from("<IIII", data, off)
        yield sec * 1_000_000 + usec, data[off + 16:off + 16 + incl]
        off += 16 + incl
