#!/usr/bin/env python3
"""Small DNS helpers for bench/run.sh (standard library only).

  dnstool.py wait PORT QNAME QTYPE TIMEOUT [PID]
      Poll 127.0.0.1:PORT over UDP every 10 ms until QNAME QTYPE gets a NOERROR
      answer with data; print the wall-clock time (time.time()) it first did.
      Exit 1 on timeout or when PID (the server) has exited.
  dnstool.py check PORT CHECKFILE
      Lines "qname qtype rcode [substring]": rcode must match; for A/AAAA/MX/TXT
      with NOERROR the answer must hold data, and the substring (an address for
      A/AAAA, text otherwise) must occur in it. Prints "passed/total"; failures on stderr.
  dnstool.py replay PORT FILE [TIMEOUT]
      Send the queries of a dnsperf data file one at a time (one outstanding),
      retrying a lost one up to 3 times; print JSON {sent, answered, lost, wall_s}.
      Used for the callgrind instruction counts, where the server is ~50x slower.
  dnstool.py pcts FILE
      Latency percentiles (ms) from `dnsperf -v` output: "p50 p99 p999".
"""
import json
import os
import random
import socket
import struct
import sys
import time

QTYPES = {"A": 1, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def query(name, qtype, qid=None):
    qid = random.randrange(65536) if qid is None else qid
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)  # RD clear: authoritative only
    for part in name.rstrip(".").split("."):
        q += bytes([len(part)]) + part.encode()
    q += b"\x00" + struct.pack(">HH", QTYPES[qtype.upper()], 1)
    return qid, q


def ask(sock, addr, name, qtype, timeout):
    qid, q = query(name, qtype)
    sock.settimeout(timeout)
    sock.sendto(q, addr)
    deadline = time.monotonic() + timeout
    while True:
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        data = sock.recv(65535)
        if len(data) >= 12 and struct.unpack(">H", data[:2])[0] == qid:
            return data


def parse(data):
    flags, qd, an = struct.unpack(">HHH", data[2:8])
    return RCODES.get(flags & 15, str(flags & 15)), an


def udp():
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def cmd_wait(port, name, qtype, timeout, pid=None):
    s = udp()
    addr = ("127.0.0.1", int(port))
    end = time.monotonic() + float(timeout)
    while time.monotonic() < end:
        if pid and not os.path.exists(f"/proc/{pid}"):
            return 1
        try:
            rc, an = parse(ask(s, addr, name, qtype, 0.2))
            if rc == "NOERROR" and an > 0:
                print(f"{time.time():.3f}")
                return 0
        except (socket.timeout, OSError):
            pass
        time.sleep(0.01)
    return 1


def cmd_check(port, path):
    s = udp()
    addr = ("127.0.0.1", int(port))
    ok = tot = 0
    for line in open(path):
        parts = line.split()
        if len(parts) < 3:
            continue
        name, qtype, want = parts[:3]
        sub = parts[3] if len(parts) > 3 else None
        tot += 1
        try:
            data = ask(s, addr, name, qtype, 1.0)
        except (socket.timeout, OSError) as e:
            print(f"  check FAIL {name} {qtype}: {e}", file=sys.stderr)
            continue
        rc, an = parse(data)
        good = rc == want
        if good and want == "NOERROR" and qtype in ("A", "AAAA", "MX", "TXT"):
            good = an > 0
        if good and sub:
            needle = socket.inet_pton(socket.AF_INET6 if ":" in sub else socket.AF_INET, sub) \
                if qtype in ("A", "AAAA") else sub.encode()
            good = needle in data[12:]
        if good:
            ok += 1
        else:
            print(f"  check FAIL {name} {qtype}: want {want} {sub or ''}, got {rc} with {an} answers", file=sys.stderr)
    print(f"{ok}/{tot}")
    return 0


def cmd_replay(port, path, timeout=2.0):
    s = udp()
    addr = ("127.0.0.1", int(port))
    sent = answered = 0
    t0 = time.monotonic()
    for line in open(path):
        parts = line.split()
        if len(parts) < 2:
            continue
        sent += 1
        for _ in range(4):
            try:
                ask(s, addr, parts[0], parts[1], float(timeout))
                answered += 1
                break
            except socket.timeout:
                continue
    print(json.dumps({"sent": sent, "answered": answered, "lost": sent - answered,
                      "wall_s": round(time.monotonic() - t0, 2)}))
    return 0


def cmd_pcts(path):
    v = []
    opener = open
    if path.endswith(".gz"):
        import gzip
        opener = gzip.open
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("> ") and not line.startswith("> T "):
                try:
                    v.append(float(line.rsplit(None, 1)[1]))
                except ValueError:
                    pass
    v.sort()

    def p(q):
        return v[min(len(v) - 1, int(q * len(v)))] * 1000 if v else float("nan")
    print(f"{p(0.50):.3f} {p(0.99):.3f} {p(0.999):.3f}")
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "wait":
        return cmd_wait(*args)
    if cmd == "check":
        return cmd_check(*args)
    if cmd == "replay":
        return cmd_replay(*args)
    if cmd == "pcts":
        return cmd_pcts(*args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
