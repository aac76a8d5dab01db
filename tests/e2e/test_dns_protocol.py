#!/usr/bin/env python3
# test_dns_protocol.py -- EDNS, truncation, TCP (RFC 7766), opcodes, TSIG, ANY,
# CNAME following, and malformed input: each gets the documented answer and the
# daemon keeps serving.
import os, random, socket, struct, sys, time
sys.path.insert(0, os.path.dirname(__file__))
import dns.edns, dns.flags, dns.message, dns.name, dns.opcode, dns.query, dns.rcode
import dns.rdataclass, dns.rdatatype, dns.tsig, dns.tsigkeyring, dns.update
from harness import Daemon, Tap

t = Tap()
BIG = "\n".join('record = big TXT "%s"' % ("x%02d" % i * 20) for i in range(30))
CONF = """
[dns]
tcp_idle_timeout_ms = 1000
tcp_max_conns = 4

[zone example.test]
record = @ A 192.0.2.1
record = _acme-challenge.app CNAME _acme-challenge.target.example.test.
record = _acme-challenge.target TXT "hello"
record = out CNAME www.example.com.
record = dangling CNAME nope.example.test.
record = loop1 CNAME loop2
record = loop2 CNAME loop1
record = ring1 CNAME ring2
record = ring2 CNAME ring3
record = ring3 CNAME ring1
record = chain1 CNAME chain2
record = chain2 CNAME chain3
record = chain3 A 192.0.2.3
%s
""" % BIG

def raw_tcp(d, payloads, timeout=2.0):
    s = socket.create_connection(("127.0.0.1", d.dns_port), timeout=timeout)
    try:
        for p in payloads:
            s.sendall(struct.pack("!H", len(p)) + p)
        out = []
        buf = b""
        while len(out) < len(payloads):
            chunk = s.recv(65535)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                n = struct.unpack("!H", buf[:2])[0]
                out.append(buf[2:2 + n])
                buf = buf[2 + n:]
        return out
    finally:
        s.close()

def alive(d):
    r = d.query("example.test.", "A")
    return r.rcode() == dns.rcode.NOERROR

with Daemon(CONF) as d:
    # EDNS
    r = d.query("example.test.", "A", use_edns=0, payload=4096)
    t.ok(r.edns == 0 and r.payload == 1232, "OPT echoed, advertising 1232")
    r = d.query("example.test.", "A")
    t.eq(r.edns, -1, "no OPT in the answer when the query had none")
    q = dns.message.make_query("example.test.", "A")
    q.use_edns(1)
    r = d.send(q)
    t.eq(r.rcode(), dns.rcode.BADVERS, "EDNS version 1 -> BADVERS")
    t.eq(len(r.answer), 0, "BADVERS carries no answer")
    q = dns.message.make_query("example.test.", "A", use_edns=0)
    wire = bytearray(q.to_wire())
    opt = wire[-11:]
    wire[11] += 1  # ARCOUNT 2
    r = dns.message.from_wire(d.raw_udp(bytes(wire) + bytes(opt)))
    t.eq(r.rcode(), dns.rcode.FORMERR, "two OPT records -> FORMERR")

    # QA: an OPT whose option length ran past its RDATA, or a 3-byte COOKIE, was NOERROR.
    def with_opt_rdata(rdata, qid):
        head = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1)
        question = b"\x07example\x04test\x00\x00\x01\x00\x01"
        opt = b"\x00" + struct.pack(">HHIH", 41, 1232, 0, len(rdata)) + rdata
        raw = d.raw_udp(head + question + opt)
        return None if raw is None else raw[3] & 0xF
    for rdata, desc in ((struct.pack(">HH", 10, 20) + b"x" * 8, "option length past the RDATA"),
                        (struct.pack(">HH", 10, 3) + b"abc", "a 3-byte COOKIE"),
                        (struct.pack(">HH", 10, 12) + b"x" * 12, "a 12-byte COOKIE"),
                        (struct.pack(">HH", 10, 41) + b"x" * 41, "a 41-byte COOKIE"),
                        (b"\x00\x0a\x00", "a cut-off option header")):
        t.eq(with_opt_rdata(rdata, 0x4242), dns.rcode.FORMERR, "EDNS %s -> FORMERR" % desc)
    for rdata, desc in ((b"", "no options"),
                        (struct.pack(">HH", 10, 8) + b"c" * 8, "a client COOKIE"),
                        (struct.pack(">HH", 10, 24) + b"c" * 24, "a client and server COOKIE"),
                        (struct.pack(">HH", 65001, 2) + b"zz", "an unknown option")):
        t.eq(with_opt_rdata(rdata, 0x4343), dns.rcode.NOERROR, "EDNS with %s -> answered" % desc)

    # Truncation: the big RRset does not fit in 512 bytes, or in 1232.
    r = d.query("big.example.test.", "TXT")
    t.ok(r.flags & dns.flags.TC, "UDP without EDNS: TC set")
    t.eq(len(r.answer), 0, "truncated answer is empty")
    r = d.query("big.example.test.", "TXT", use_edns=0, payload=4096)
    t.ok(r.flags & dns.flags.TC, "UDP with EDNS: TC when > 1232")
    r = d.query("big.example.test.", "TXT", tcp=True)
    t.ok(not (r.flags & dns.flags.TC) and len(r.answer[0]) == 30, "TCP: the full answer")

    # Opcodes
    for op in (dns.opcode.NOTIFY, dns.opcode.UPDATE, dns.opcode.STATUS, 3, 6):
        q = dns.message.make_query("example.test.", "SOA")
        q.set_opcode(op)
        raw = d.raw_udp(q.to_wire())
        t.eq(raw[3] & 0xF if raw else None, dns.rcode.NOTIMP, "opcode %d -> NOTIMP" % op)
    u = dns.update.UpdateMessage("example.test.")
    u.add("x", 60, "TXT", '"a"')
    r = dns.query.tcp(u, "127.0.0.1", port=d.dns_port, timeout=2)
    t.eq(r.rcode(), dns.rcode.NOTIMP, "RFC 2136 UPDATE over TCP -> NOTIMP")

    # TSIG: an unknown key gets NOTAUTH + BADKEY, not silence (RFC 8945 5.2.2).
    keyring = dns.tsigkeyring.from_text({"certbot.": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"})
    q = dns.message.make_query("example.test.", "SOA")
    q.use_tsig(keyring, keyname="certbot.", algorithm=dns.tsig.HMAC_SHA512)
    raw = d.raw_udp(q.to_wire())
    t.ok(raw is not None, "TSIG-signed query answered")
    rid, flags = struct.unpack("!HH", raw[:4])
    t.eq(flags & 0xF, dns.rcode.NOTAUTH, "TSIG with unknown key -> NOTAUTH")
    t.ok(raw.find(b"\x00\x11\x00\x00", len(raw) - 8) != -1, "TSIG error BADKEY (17) in the reply")

    q = dns.message.make_query("example.test.", "SOA")
    junk = bytearray(q.to_wire())
    junk[11] = 1  # ARCOUNT 1: a TSIG RR whose RDATA is garbage
    junk += b"\x03key\x00" + struct.pack("!HHIH", 250, 255, 0, 5) + b"\xff\xfe\x00\x01\x02"
    raw = d.raw_udp(bytes(junk))
    t.ok(raw is not None and (raw[3] & 0xF) == dns.rcode.FORMERR, "TSIG with malformed RDATA -> FORMERR")

    # Classes, meta types
    r = d.query("example.test.", "A", rdclass="CH")
    t.eq(r.rcode(), dns.rcode.REFUSED, "class CH REFUSED")
    r = d.send(dns.message.make_query("example.test.", "AXFR"), tcp=True)
    t.eq(r.rcode(), dns.rcode.REFUSED, "AXFR REFUSED (not offered yet)")
    r = d.query("example.test.", "ANY")
    t.eq(len(r.answer), 1, "ANY gets one RRset (RFC 8482)")

    # CNAME inside our zones is followed; outside it is not.
    r = d.query("_acme-challenge.app.example.test.", "TXT")
    types = [x.rdtype for x in r.answer]
    t.eq(types, [dns.rdatatype.CNAME, dns.rdatatype.TXT], "CNAME followed to TXT in the answer")
    r = d.query("_acme-challenge.app.example.test.", "CNAME")
    t.eq([x.rdtype for x in r.answer], [dns.rdatatype.CNAME], "CNAME query returns the CNAME only")
    r = d.query("out.example.test.", "A")
    t.eq((r.rcode(), [x.rdtype for x in r.answer]), (dns.rcode.NOERROR, [dns.rdatatype.CNAME]), "CNAME out of our zones: just the CNAME")
    # QA: a CNAME loop in a static zone filled the answer with the same RRsets nine times over.
    for start, owners in (("loop1", ["loop1", "loop2"]), ("loop2", ["loop2", "loop1"]),
                          ("ring2", ["ring2", "ring3", "ring1"])):
        # dnspython merges repeated RRsets, so count the records on the wire (ANCOUNT).
        wire = d.raw_udp(dns.message.make_query(start + ".example.test.", "A").to_wire())
        r = dns.message.from_wire(wire)
        got = [x.name.to_text() for x in r.answer]
        t.eq((r.rcode(), got, struct.unpack(">H", wire[6:8])[0]),
             (dns.rcode.NOERROR, [o + ".example.test." for o in owners], len(owners)),
             "CNAME loop from %s: each CNAME once, then the chain stops" % start)
    r = d.query("chain1.example.test.", "A")
    t.eq([(x.name.to_text(), x.rdtype) for x in r.answer],
         [("chain1.example.test.", dns.rdatatype.CNAME), ("chain2.example.test.", dns.rdatatype.CNAME),
          ("chain3.example.test.", dns.rdatatype.A)], "a CNAME chain without a loop is followed to the end")
    r = d.query("dangling.example.test.", "A")
    t.eq(r.rcode(), dns.rcode.NXDOMAIN, "CNAME to a missing name in our zone: NXDOMAIN (RFC 6604)")

    # Malformed input
    t.eq(d.raw_udp(b"\x12\x34\x01"), None, "shorter than a header: silence")
    r = d.raw_udp(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07exam")
    t.ok(r is not None and r[:2] == b"\x12\x34" and (r[3] & 0xF) == dns.rcode.FORMERR, "truncated question: FORMERR with the id")
    r = d.raw_udp(b"\x12\x35\x01\x00\x00\x02\x00\x00\x00\x00\x00\x00" + b"\x00\x00\x01\x00\x01" * 2)
    t.ok(r is not None and (r[3] & 0xF) == dns.rcode.FORMERR, "two questions: FORMERR")
    r = d.raw_udp(b"\x12\x36\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01")
    t.ok(r is not None and (r[3] & 0xF) == dns.rcode.FORMERR, "compression pointer in question: FORMERR")
    r = d.raw_udp(b"\x12\x37\x81\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01")
    t.eq(r, None, "a response (QR=1) is never answered")
    r = d.raw_udp(b"\x12\x38\x01\x00\x00\x01\x00\x00\x00\x00\x00\x05\x00\x00\x01\x00\x01")
    t.ok(r is not None and (r[3] & 0xF) == dns.rcode.FORMERR, "ARCOUNT beyond the packet: FORMERR")
    rnd = random.Random(7)
    base = dns.message.make_query("_acme-challenge.app.example.test.", "TXT", use_edns=0).to_wire()
    for i in range(3000):
        b = bytearray(base)
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            b = b[:rnd.randrange(len(b) + 1)]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(bytes(b), ("127.0.0.1", d.dns_port))
        s.close()
    for i in range(300):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 600))), ("127.0.0.1", d.dns_port))
        s.close()
    time.sleep(0.2)
    t.ok(alive(d) and d.alive(), "after 3300 mutated/random packets the daemon still answers")

    # TCP: several queries on one connection, answered in order (RFC 7766 6.2.1).
    qs = [dns.message.make_query(n, "A") for n in ("example.test.", "nx.example.test.", "example.com.")]
    for i, q in enumerate(qs):
        q.id = 1000 + i
    rs = [dns.message.from_wire(x) for x in raw_tcp(d, [q.to_wire() for q in qs])]
    t.eq([(x.id, x.rcode()) for x in rs], [(1000, 0), (1001, 3), (1002, 5)], "three pipelined TCP queries answered in order")
    rs = raw_tcp(d, [b"\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07exam"])
    t.ok(len(rs) == 1 and (rs[0][3] & 0xF) == dns.rcode.FORMERR, "malformed message over TCP: FORMERR")
    s = socket.create_connection(("127.0.0.1", d.dns_port), timeout=5)
    t0 = time.time()
    got = s.recv(10)
    t.ok(got == b"" and time.time() - t0 < 4, "idle TCP connection closed after the idle timeout")
    s.close()
    half = socket.create_connection(("127.0.0.1", d.dns_port), timeout=2)
    half.sendall(b"\x00\x40\x12")  # promises 64 bytes, sends 1, then goes away
    half.close()
    t.ok(alive(d), "half-sent TCP message does not hurt the server")
t.done()
