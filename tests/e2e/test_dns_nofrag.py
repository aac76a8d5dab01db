#!/usr/bin/env python3
# test_dns_nofrag.py -- UDP answers leave with the IPv4 "don't fragment" bit set (DNS flag
# day 2020): a forged ICMP "fragmentation needed" cannot make localcertd send fragments
# that an off-path attacker could swap (the kernel's default honours such ICMP and
# fragments locally). Reads the daemon's answers off a raw socket, so it
# needs root (CAP_NET_RAW); skipped otherwise.
import os, socket, struct, sys, time
sys.path.insert(0, os.path.dirname(__file__))
import dns.message
from harness import Daemon, Tap

t = Tap()
try:
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
except PermissionError:
    t.ok(True, "# SKIP needs CAP_NET_RAW to read IP headers")
    t.done()
    sys.exit(0)
raw.settimeout(0.2)

with Daemon("") as d:
    cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    cli.bind(("127.0.0.1", 0))
    cport = cli.getsockname()[1]
    for qtype in ("SOA", "TXT", "MX"):
        q = dns.message.make_query("localhostcert.test.", qtype)
        q.use_edns(0, payload=1232)
        cli.sendto(q.to_wire(), ("127.0.0.1", d.dns_port))
        cli.settimeout(2)
        cli.recvfrom(2048)
        hdr = None
        deadline = time.time() + 2
        while time.time() < deadline:
            try:
                pkt = raw.recv(65535)
            except socket.timeout:
                continue
            ihl = (pkt[0] & 0x0F) * 4
            sport, dport = struct.unpack("!HH", pkt[ihl:ihl + 4])
            if sport == d.dns_port and dport == cport:
                hdr = pkt
                break
        t.ok(hdr is not None, "%s answer seen on the raw socket" % qtype)
        if hdr is not None:
            frag = struct.unpack("!H", hdr[6:8])[0]
            t.ok(frag & 0x4000, "%s answer has DF set (flags/offset 0x%04x)" % (qtype, frag))
            t.eq(frag & 0x1FFF, 0, "%s answer is not a fragment" % qtype)
            # With the kernel's default (path MTU "want") DF is set too, but the kernel may
            # still fragment locally once a (forged) ICMP lowers the path MTU, and it draws a
            # fresh IP ID for every answer for that case. Path MTU ignored: ID 0.
            t.eq(struct.unpack("!H", hdr[4:6])[0], 0, "%s answer: IP ID 0, path MTU ignored" % qtype)
t.done()
