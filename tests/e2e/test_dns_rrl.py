#!/usr/bin/env python3
# test_dns_rrl.py -- response rate limiting: a flood of identical responses to one
# network is cut down (some answers "slip" as truncated replies so real resolvers
# retry over TCP); other names, other networks, TCP, and a CA validating at tens of
# queries a second from a few addresses are not hurt.
import os, socket, sys, threading, time
sys.path.insert(0, os.path.dirname(__file__))
import dns.flags, dns.message, dns.rcode
from harness import Daemon, Tap

t = Tap()
RATE = 20

def flood(port, wire, count, src="127.0.0.1", timeout=1.0):
    """Send count copies of wire as fast as possible; return the replies received.
    flood.seconds is how many clock seconds the sending spanned (the limiter counts per second)."""
    t0 = time.time()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    for _ in range(count):
        s.sendto(wire, ("127.0.0.1", port))
    flood.seconds = int(time.time()) - int(t0) + 1
    replies = []
    s.settimeout(timeout)
    try:
        while True:
            replies.append(s.recv(65535))
    except socket.timeout:
        pass
    s.close()
    return [dns.message.from_wire(r) for r in replies]

with Daemon("[dns]\nrrl_rate = %d\nrrl_slip = 2\n" % RATE) as d:
    q = dns.message.make_query("localhostcert.test.", "TXT")
    rs = flood(d.dns_port, q.to_wire(), 400)
    full = [r for r in rs if not (r.flags & dns.flags.TC)]
    tc = [r for r in rs if r.flags & dns.flags.TC]
    # A slow (sanitizer) build may still be answering when the next second starts.
    t.ok(len(full) <= RATE * (flood.seconds + 2), "flood of 400 identical queries: at most ~rate full answers (%d)" % len(full))
    t.ok(len(full) >= RATE // 2, "the first answers within the rate go out in full (%d)" % len(full))
    t.ok(len(tc) >= 30, "over the rate, about every 2nd response slips as TC (%d)" % len(tc))
    t.ok(all(len(r.answer) == 0 and len(r.question) == 1 for r in tc), "slipped responses: question only, no records")
    t.ok(len(rs) < 400, "the rest are dropped (%d replies to 400 queries)" % len(rs))

    r = d.query("_dmarc.localhostcert.test.", "TXT")
    t.ok(not (r.flags & dns.flags.TC) and len(r.answer) == 1, "another name from the same network is still answered")
    r = d.query("localhostcert.test.", "TXT", tcp=True)
    t.ok(len(r.answer) == 1, "TCP is never rate limited")
    rs = flood(d.dns_port, q.to_wire(), 5, src="127.1.2.3")
    t.eq(sum(1 for r in rs if not (r.flags & dns.flags.TC)), 5, "another /24 (127.1.2.0/24) is not affected")

    # NXDOMAIN for random names in one zone share one class (random-subdomain floods).
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    for i in range(300):
        s.sendto(dns.message.make_query("rnd%d.localcert.test." % i, "A").to_wire(), ("127.0.0.1", d.dns_port))
    s.settimeout(1.0)
    n = 0
    try:
        while True:
            s.recv(65535)
            n += 1
    except socket.timeout:
        pass
    s.close()
    t.ok(n < 200, "300 NXDOMAIN queries for random names in one zone are limited too (%d replies)" % n)


    # Regression: wildcard answers and NODATA for distinct names each had their own
    # class, so xN._domainkey.<zone> floods were never limited (fresh-eyes review).
    for qtype, what in (("TXT", "wildcard answers"), ("MX", "NODATA answers")):
        time.sleep(1.1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        t0 = time.time()
        for i in range(400):
            s.sendto(dns.message.make_query("x%d._domainkey.localhostcert.test." % i, qtype).to_wire(),
                     ("127.0.0.1", d.dns_port))
        secs = int(time.time()) - int(t0) + 1
        s.settimeout(1.0)
        full = 0
        try:
            while True:
                r = dns.message.from_wire(s.recv(65535))
                full += 0 if r.flags & dns.flags.TC else 1
        except socket.timeout:
            pass
        s.close()
        t.ok(full <= RATE * (secs + 2), "400 %s for distinct wildcard names are limited as one class (%d full)" % (what, full))

# Default settings: limiting is on, and a validating CA is never hurt.
with Daemon("") as d:
    rs = flood(d.dns_port, dns.message.make_query("localhostcert.test.", "NS").to_wire(), 400)
    t.ok(len([r for r in rs if not (r.flags & dns.flags.TC)]) <= 50 * (flood.seconds + 2), "limiting is on by default")
    time.sleep(1.1)
    # A CA validating: 3 addresses in different networks, 40 queries/s each for 2 s,
    # for its challenge names. Every one must be answered in full.
    results = {}
    def ca(src, name):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.settimeout(1.0)
        ok = 0
        for i in range(80):
            m = dns.message.make_query(name, "TXT")
            s.sendto(m.to_wire(), ("127.0.0.1", d.dns_port))
            try:
                r = dns.message.from_wire(s.recv(65535))
                if not (r.flags & dns.flags.TC) and r.id == m.id:
                    ok += 1
            except socket.timeout:
                pass
            time.sleep(1 / 40)
        s.close()
        results[src] = ok
    ths = [threading.Thread(target=ca, args=(src, name)) for src, name in
           (("127.10.0.1", "_dmarc.localhostcert.test."), ("127.20.0.1", "_dmarc.localhostcert.test."),
            ("127.30.0.1", "localcert.test."))]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.eq(sorted(results.values()), [80, 80, 80], "a CA at up to 40 q/s from 3 networks: every query answered in full")

with Daemon("[dns]\nrrl_rate = 0\n") as d:
    rs = flood(d.dns_port, dns.message.make_query("localhostcert.test.", "SOA").to_wire(), 300)
    # Not all 300: a busy machine may drop some datagrams, but no slips and far more than the rate.
    t.ok(len(rs) >= 200 and not any(r.flags & dns.flags.TC for r in rs), "rrl_rate = 0 turns limiting off (%d/300)" % len(rs))
t.done()
