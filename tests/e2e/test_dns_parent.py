#!/usr/bin/env python3
# test_dns_parent.py -- the parent domains' own records, refusals, NXDOMAIN, case echo.
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
import dns.flags, dns.rcode, dns.rdatatype
from harness import Daemon, Tap

t = Tap()
CONF = """
[parent localhostcert.test]
kind = localhost
psl = https://github.com/publicsuffix/list/pull/0
record = ns1 A 127.0.0.1
record = ns1 AAAA ::1
record = api A 127.0.0.1
record = console CNAME api
record = mail MX 10 api

[parent localcert.test]
kind = local

[dns]
ns = ns1.localhostcert.test, ns2.localhostcert.test
soa_mailbox = hostmaster.localhostcert.test
"""

def rr(resp, section, rdtype):
    return [r for r in getattr(resp, section) if r.rdtype == rdtype]

def texts(rrset):
    return sorted(b"".join(r.strings).decode() for r in rrset)

with Daemon(CONF) as d:
    for parent in ("localhostcert.test.", "localcert.test."):
        r = d.query(parent, "SOA")
        t.eq(r.rcode(), dns.rcode.NOERROR, parent + " SOA NOERROR")
        t.ok(r.flags & dns.flags.AA, parent + " answer is authoritative")
        soa = rr(r, "answer", dns.rdatatype.SOA)
        t.ok(len(soa) == 1, parent + " SOA in ANSWER")
        s = soa[0][0]
        t.eq((str(s.mname), str(s.rname)), ("ns1.localhostcert.test.", "hostmaster.localhostcert.test."), parent + " SOA names")
        t.eq((s.refresh, s.retry, s.expire, s.minimum), (10800, 3600, 604800, 60), parent + " SOA timers per SPEC")
        t.ok(soa[0].ttl <= 60, parent + " SOA TTL <= 60")
        r = d.query(parent, "NS")
        t.eq(sorted(str(x.target) for x in r.answer[0]), ["ns1.localhostcert.test.", "ns2.localhostcert.test."], parent + " NS")
        r = d.query(parent, "MX")
        t.eq([(x.preference, str(x.exchange)) for x in r.answer[0]], [(0, ".")], parent + " null MX")
        r = d.query(parent, "TXT")
        t.eq(texts(r.answer[0]), ["v=spf1 -all"], parent + " null SPF")
        r = d.query("_dmarc." + parent, "TXT")
        t.eq(texts(r.answer[0]), ["v=DMARC1;p=reject;sp=reject;adkim=s;aspf=s"], parent + " DMARC reject")
        r = d.query("sel1._domainkey." + parent, "TXT")
        t.eq(texts(r.answer[0]), ["v=DKIM1; p="], parent + " wildcard DKIM")
        t.eq(str(r.answer[0].name), "sel1._domainkey." + parent, parent + " wildcard answer owner is the query name")
        r = d.query("nonexistent-label." + parent, "A")
        t.eq(r.rcode(), dns.rcode.NXDOMAIN, parent + " unknown name NXDOMAIN")
        t.ok(r.flags & dns.flags.AA, parent + " NXDOMAIN has AA")
        t.ok(len(rr(r, "authority", dns.rdatatype.SOA)) == 1, parent + " NXDOMAIN carries SOA in AUTHORITY")
        r = d.query(parent, "AAAA")
        t.eq((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0), parent + " NODATA for AAAA at apex")
        t.ok(len(rr(r, "authority", dns.rdatatype.SOA)) == 1, parent + " NODATA carries SOA")

    r = d.query("_psl.localhostcert.test.", "TXT")
    t.eq(texts(r.answer[0]), ["https://github.com/publicsuffix/list/pull/0"], "_psl TXT")
    r = d.query("ns1.localhostcert.test.", "A")
    t.eq([x.address for x in r.answer[0]], ["127.0.0.1"], "static A record for ns1")
    r = d.query("ns1.localhostcert.test.", "AAAA")
    t.eq([x.address for x in r.answer[0]], ["::1"], "static AAAA record for ns1")
    # Names in config rdata are relative to the zone, as in a zone file.
    r = d.query("console.localhostcert.test.", "A")
    t.eq([(x.rdtype, x.to_text()) for rs in r.answer for x in rs],
         [(dns.rdatatype.CNAME, "api.localhostcert.test."), (dns.rdatatype.A, "127.0.0.1")],
         "relative CNAME target resolved against the zone and followed")
    r = d.query("mail.localhostcert.test.", "MX")
    t.eq([x.to_text() for x in r.answer[0]], ["10 api.localhostcert.test."], "relative MX exchange")
    r = d.query("_domainkey.localhostcert.test.", "TXT")
    t.eq((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0), "_domainkey is an empty non-terminal (NODATA)")

    r = d.query("example.com.", "A")
    t.eq(r.rcode(), dns.rcode.REFUSED, "name outside every zone REFUSED")
    t.ok(not (r.flags & dns.flags.AA), "REFUSED has AA clear")
    r = d.query("xlocalhostcert.test.", "A")
    t.eq(r.rcode(), dns.rcode.REFUSED, "label boundary: xlocalhostcert.test is not ours")

    # 0x20: the question is echoed exactly; lookups are case-insensitive.
    r = d.query("Ns1.LocalHostCert.TeSt.", "A")
    t.eq(str(r.question[0].name), "Ns1.LocalHostCert.TeSt.", "question echoed with the client's case")
    t.eq([x.address for x in r.answer[0]], ["127.0.0.1"], "mixed-case query answered")
    t.eq(str(r.answer[0].name), "Ns1.LocalHostCert.TeSt.", "answer owner echoes the client's case")
    r = d.query("localhostcert.test.", "A", tcp=True)
    t.eq(r.rcode(), dns.rcode.NOERROR, "TCP answers too")
    r = d.query("localhostcert.test.", "SOA")
    t.ok(r.flags & dns.flags.RD, "RD copied from the query")
    t.ok(not (r.flags & dns.flags.RA), "RA clear: never recursive")
t.done()
