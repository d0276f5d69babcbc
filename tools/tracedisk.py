#!/usr/bin/env python3
"""tools/tracedisk.py - disk images that carry reference strings to and from the kernel.

  tracedisk.py TRACE IMAGE      write IMAGE: a trace disk holding the file TRACE

The kernel's trace replay (trace=NAME, tests/trace_replay.c) reads its
trace from a disk of its own, the IDE primary master (QEMU -drive
index=0; the swap disk is the slave, index=1), laid out as
tests/trace_in.h says:

  sector 0    "VMLABTRC", then the length of the text in bytes (32 bits,
              little-endian); the rest of the sector zero
  sector 1..  the trace file's bytes as they are, then zeros to the end
              of a 4 KiB page (the kernel reads whole pages)

The kernel parses the text itself, so a malformed trace is refused there,
with its line named.  tools/runtests.py (make run TRACE=FILE) and
tools/report.py write trace disks with write_trace().

The other way, report=NAME writes the workload's reference string to a
disk on the same place (send_refs in tests/experiment.c), which
read_refs() reads back: "VMLABREF" and the count in sector 0, then the
references, 32 bits each (page << 1 | write), from sector 1.
"""
import os
import struct
import sys

SECTOR = 512
PAGE = 4096
TRACE_MAGIC = b"VMLABTRC"
REFS_MAGIC = b"VMLABREF"


def write_trace(trace, image):
    """Write IMAGE, a trace disk holding the bytes of the file TRACE;
    returns their length.  OSError if TRACE cannot be read."""
    with open(trace, "rb") as f:
        text = f.read()
    pad = -len(text) % PAGE
    with open(image, "wb") as f:
        f.write((TRACE_MAGIC + struct.pack("<I", len(text))).ljust(SECTOR, b"\0"))
        f.write(text)
        f.write(b"\0" * pad)
    return len(text)


def blank_refs(image, max_refs):
    """Write IMAGE, a zeroed disk with room for MAX_REFS references
    after the header sector, for report= to write into."""
    with open(image, "wb") as f:
        f.truncate(SECTOR + (max_refs * 4 + SECTOR - 1) // SECTOR * SECTOR)


def read_refs(image):
    """The references report= wrote to IMAGE, as a list of ints (page <<
    1 | write), or None if the kernel wrote none there."""
    with open(image, "rb") as f:
        hdr = f.read(SECTOR)
        if hdr[:8] != REFS_MAGIC:
            return None
        (n,) = struct.unpack("<I", hdr[8:12])
        data = f.read(4 * n)
    if len(data) != 4 * n:
        return None
    return list(struct.unpack("<%dI" % n, data))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tracedisk.py TRACE IMAGE")
    try:
        n = write_trace(sys.argv[1], sys.argv[2])
    except OSError as e:
        sys.exit("tracedisk: %s" % e)
    print("%s: a trace disk of %d bytes of text from %s"
          % (sys.argv[2], n, os.path.basename(sys.argv[1])))


if __name__ == "__main__":
    main()
