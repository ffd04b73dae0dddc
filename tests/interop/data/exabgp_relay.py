#!/usr/bin/python3
"""ExaBGP process (API) for interop tests: relays the lines written to a FIFO to ExaBGP.

ExaBGP runs this script and reads its standard output as API commands ("announce route ...",
"withdraw route ..."). The test shell writes commands into the FIFO named on the command line:

    echo "announce route 10.10.1.0/24 next-hop self" > "$WORK/exabgp.fifo"

The FIFO is opened read-write so that it never reports end-of-file between writers. Each
relayed line is also logged to standard error (ExaBGP's log) with a "relay:" prefix.
"""
import os
import sys


def main() -> int:
    fifo = sys.argv[1]
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDWR)
    buf = b""
    while True:
        chunk = os.read(fd, 4096)
        if not chunk:
            return 0
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            text = line.decode().strip()
            if not text:
                continue
            sys.stderr.write("relay: %s\n" % text)
            sys.stderr.flush()
            sys.stdout.write(text + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
