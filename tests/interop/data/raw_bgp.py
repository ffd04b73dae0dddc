#!/usr/bin/python3
"""A minimal raw BGP speaker that breaks the message header, for interop tests.

  raw_bgp.py --local ADDR --peer ADDR --as N --id A.B.C.D CASE

Connects from ADDR to PEER port 179, exchanges a valid OPEN (IPv4 unicast, 4-octet AS) and
KEEPALIVEs until the session is Established, then sends one broken message:

  bad-marker    a KEEPALIVE whose marker has a zero octet    (RFC 4271 6.1: expect 1/1)
  short-length  a header with length 18 (< 19)               (expect 1/2)
  long-length   an UPDATE header claiming 5000 octets (> 4096 without the extended message
                capability, which we do not announce); only the header is sent   (expect 1/2)
  keepalive-20  a KEEPALIVE of length 20                      (expect 1/2)
  bad-type      a message of type 9                           (expect 1/3)

then reads what the peer sends until a NOTIFICATION and the end of the connection. Prints one
line, e.g. "established; sent bad-marker; NOTIFICATION 1/1 data=; closed", and exits 0 if a
NOTIFICATION came and the peer closed the connection, 1 otherwise (the line says what
happened instead).

  cease-reconnect  not a broken message: right after the peer's next KEEPALIVE, sends
                NOTIFICATION Cease/Administrative Shutdown (6/2) and closes; connects again
                until the peer accepts (sends its OPEN), then stays silent for --quiet seconds
                (default 5) as a peer that delays its OPEN would. The peer is in OpenSent, where
                only its hold timer (240 s, RFC 4271 8.2.2) runs, so it must send nothing.
                Exits 0 if nothing came, 1 (saying what came) otherwise.
"""
import argparse
import ipaddress
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4


def message(mtype, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), mtype) + body


def open_message(asn, bgp_id, hold):
    caps = b""
    caps += bytes([1, 4]) + struct.pack("!HBB", 1, 0, 1)  # multiprotocol IPv4 unicast
    caps += bytes([65, 4]) + struct.pack("!I", asn)       # 4-octet AS
    params = bytes([2, len(caps)]) + caps
    my_as = asn if asn < 65536 else 23456
    body = struct.pack("!BHH", 4, my_as, hold) + ipaddress.IPv4Address(bgp_id).packed
    body += bytes([len(params)]) + params
    return message(OPEN, body)


BROKEN = {
    "bad-marker": b"\xff" * 7 + b"\x00" + b"\xff" * 8 + struct.pack("!HB", 19, KEEPALIVE),
    "short-length": MARKER + struct.pack("!HB", 18, KEEPALIVE),
    "long-length": MARKER + struct.pack("!HB", 5000, UPDATE),
    "keepalive-20": MARKER + struct.pack("!HB", 20, KEEPALIVE) + b"\x00",
    "bad-type": MARKER + struct.pack("!HB", 19, 9),
}


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def fill(self, n, deadline):
        while len(self.buf) < n and not self.eof:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                self.eof = True
                break
            if not chunk:
                self.eof = True
                break
            self.buf += chunk
        return len(self.buf) >= n

    def message(self, deadline):
        """The next (type, body), or None at end of connection or timeout."""
        if not self.fill(19, deadline):
            return None
        length, mtype = struct.unpack("!HB", self.buf[16:19])
        if length < 19 or not self.fill(length, deadline):
            return None
        body, self.buf = self.buf[19:length], self.buf[length:]
        return mtype, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--local", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--as", dest="asn", type=int, required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--quiet", type=float, default=5.0)
    ap.add_argument("case", choices=sorted(BROKEN) + ["cease-reconnect"])
    args = ap.parse_args()

    said = []

    def done(ok):
        print("; ".join(said))
        sys.exit(0 if ok else 1)

    deadline = time.monotonic() + args.timeout
    try:
        sock = socket.create_connection((args.peer, 179), timeout=args.timeout,
                                        source_address=(args.local, 0))
    except OSError as e:
        said.append("connect failed: %s" % e)
        done(False)
    sock.sendall(open_message(args.asn, args.id, 9))
    rd = Reader(sock)
    got_open = got_keepalive = False
    while not (got_open and got_keepalive):
        m = rd.message(deadline)
        if m is None:
            said.append("no session (eof=%s)" % rd.eof)
            done(False)
        mtype, body = m
        if mtype == OPEN:
            got_open = True
            sock.sendall(message(KEEPALIVE))
        elif mtype == KEEPALIVE and got_open:
            got_keepalive = True
        elif mtype == NOTIFICATION:
            said.append("NOTIFICATION %d/%d before Established" % (body[0], body[1]))
            done(False)
    said.append("established")
    if args.case == "cease-reconnect":
        cease_reconnect(args, sock, rd, said, done)

    sock.sendall(BROKEN[args.case])
    said.append("sent " + args.case)
    deadline = time.monotonic() + args.timeout
    while True:
        m = rd.message(deadline)
        if m is None:
            said.append("closed without NOTIFICATION" if rd.eof else "timeout, no NOTIFICATION")
            done(False)
        mtype, body = m
        if mtype == NOTIFICATION:
            said.append("NOTIFICATION %d/%d data=%s" % (body[0], body[1], body[2:].hex()))
            break
    # After a NOTIFICATION the peer closes the connection (RFC 4271 6).
    while not rd.eof:
        if not rd.fill(len(rd.buf) + 1, deadline):
            if not rd.eof:
                said.append("connection still open")
                done(False)
    said.append("closed")
    done(True)


def cease_reconnect(args, sock, rd, said, done):
    deadline = time.monotonic() + args.timeout
    while True:  # the peer's next KEEPALIVE: its keepalive timer has just been restarted
        m = rd.message(deadline)
        if m is None:
            said.append("no KEEPALIVE from the peer")
            done(False)
        if m[0] == KEEPALIVE:
            break
    sock.sendall(message(NOTIFICATION, bytes([6, 2])))
    sock.close()
    down = time.monotonic()
    said.append("sent Cease 6/2 after the peer's KEEPALIVE")
    deadline = down + args.timeout
    while True:  # the peer refuses (or accepts and closes) until it is out of Idle
        if time.monotonic() > deadline:
            said.append("peer never accepted a new connection")
            done(False)
        try:
            sock = socket.create_connection((args.peer, 179), timeout=1,
                                            source_address=(args.local, 0))
        except OSError:
            time.sleep(0.05)
            continue
        rd = Reader(sock)
        m = rd.message(time.monotonic() + 1)
        if m is not None and m[0] == OPEN:
            break
        sock.close()
        time.sleep(0.05)
    opened = time.monotonic()
    said.append("peer accepted again after %.1f s and sent its OPEN (OpenSent)" % (opened - down))
    m = rd.message(opened + args.quiet)
    if m is None and not rd.eof:
        said.append("nothing from the peer for %.0f s" % args.quiet)
        done(True)
    if m is None:
        said.append("peer closed the connection after %.1f s" % (time.monotonic() - opened))
    elif m[0] == NOTIFICATION:
        said.append("NOTIFICATION %d/%d after %.1f s" % (m[1][0], m[1][1],
                                                         time.monotonic() - opened))
    else:
        said.append("message type %d after %.1f s" % (m[0], time.monotonic() - opened))
    done(False)


if __name__ == "__main__":
    main()
