#!/usr/bin/env python3
# test_dns_listen.py -- several listen addresses (IPv4 and IPv6) at once.
# Regression: the UDP worker array was reallocated after the first address's
# workers had started, so they read freed memory (lost answers, a spinning thread).
import os, socket, sys
sys.path.insert(0, os.path.dirname(__file__))
import dns.message, dns.query, dns.rcode
from harness import Daemon, Tap, free_port

t = Tap()

def has_v6():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False

d = Daemon("[server]\ndns_workers = 2\n")
p2 = free_port()
addrs = [("127.0.0.1", d.dns_port), ("127.0.0.1", p2)]
if has_v6():
    addrs.append(("::1", free_port()))
listen = ",".join(("[%s]:%d" if ":" in a else "%s:%d") % (a, p) for a, p in addrs)
d.extra_args = ["--dns", listen]
with d:
    for a, p in addrs:
        udp = tcp = 0
        for i in range(20):
            q = dns.message.make_query("localhostcert.test.", "SOA")
            try:
                if dns.query.udp(q, a, port=p, timeout=1).rcode() == dns.rcode.NOERROR:
                    udp += 1
            except Exception:
                pass
        for i in range(5):
            q = dns.message.make_query("localhostcert.test.", "SOA")
            try:
                if dns.query.tcp(q, a, port=p, timeout=1).rcode() == dns.rcode.NOERROR:
                    tcp += 1
            except Exception:
                pass
        t.eq((udp, tcp), (20, 5), "every query answered on %s port %d (UDP, TCP)" % (a, p))
    t.ok(d.alive(), "daemon alive")
t.done()
