#!/usr/bin/env python3
# test_dns_subdomain.py -- a registered subdomain is its own zone: fixed records,
# challenge values visible right after the API's 200, serial bumps, delegate apex TXT.
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
import dns.flags, dns.rcode, dns.rdatatype
from harness import Daemon, Tap, txt_value

t = Tap()

def rr(resp, section, rdtype):
    return [r for r in getattr(resp, section) if r.rdtype == rdtype]

def texts(rrset):
    return sorted(b"".join(r.strings).decode() for r in rrset)

def serial(d, name):
    r = d.query(name, "SOA")
    return r.answer[0][0].serial

with Daemon("[api]\nreg_instant_burst = 100\nreg_instant_per_hour = 100\n") as d:
    st, j = d.http_json("POST", "/api/v1/register", {})
    t.eq(st, 201, "instant register 201")
    fqdn = j["fulldomain"] + "."
    t.ok(j["fulldomain"].endswith(".localhostcert.test"), "instant subdomain under the localhost parent")
    r = d.query(fqdn, "A")
    t.eq([x.address for x in r.answer[0]], ["127.0.0.1"], "instant subdomain A 127.0.0.1")
    t.ok(r.flags & dns.flags.AA, "subdomain answers are authoritative")
    r = d.query(fqdn, "AAAA")
    t.eq([x.address for x in r.answer[0]], ["::1"], "instant subdomain AAAA ::1")
    r = d.query(fqdn, "SOA")
    soa = r.answer[0]
    t.eq(str(soa.name), fqdn, "subdomain is its own zone apex (SOA owner)")
    t.eq((soa[0].refresh, soa[0].retry, soa[0].expire, soa[0].minimum), (10800, 3600, 604800, 60), "subdomain SOA timers")
    t.ok(soa.ttl <= 60, "subdomain SOA TTL <= 60")
    r = d.query(fqdn, "NS")
    t.ok(len(r.answer) == 1 and len(r.answer[0]) >= 1, "subdomain NS")
    r = d.query(fqdn, "MX")
    t.eq([(x.preference, str(x.exchange)) for x in r.answer[0]], [(0, ".")], "subdomain null MX")
    r = d.query(fqdn, "TXT")
    t.eq(texts(r.answer[0]), ["v=spf1 -all"], "subdomain null SPF")
    r = d.query("_dmarc." + fqdn, "TXT")
    t.eq(texts(r.answer[0]), ["v=DMARC1;p=reject;sp=reject;adkim=s;aspf=s"], "subdomain DMARC")
    for sel in ("x._domainkey.", "a.b._domainkey.", "*._domainkey."):
        r = d.query(sel + fqdn, "TXT")
        t.eq(texts(r.answer[0]) if r.answer else None, ["v=DKIM1; p="], "wildcard DKIM at " + sel)
    r = d.query(fqdn, "DS")
    auth = rr(r, "authority", dns.rdatatype.SOA)
    t.ok(r.rcode() == dns.rcode.NOERROR and not r.answer and len(auth) == 1 and str(auth[0].name) == "localhostcert.test.",
         "DS at a subdomain apex is answered by the parent (NODATA, parent SOA)")
    r = d.query("_domainkey." + fqdn, "TXT")
    t.eq((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0), "_domainkey NODATA")
    r = d.query("www." + fqdn, "A")
    t.eq(r.rcode(), dns.rcode.NXDOMAIN, "name below a subdomain NXDOMAIN")
    auth = rr(r, "authority", dns.rdatatype.SOA)
    t.ok(len(auth) == 1 and str(auth[0].name) == fqdn, "NXDOMAIN carries the subdomain's own SOA")
    r = d.query("_acme-challenge." + fqdn, "TXT")
    t.eq(r.rcode(), dns.rcode.NXDOMAIN, "no challenge yet: NXDOMAIN")

    s0 = serial(d, fqdn)
    v1, v2, v3 = txt_value(1), txt_value(2), txt_value(3)
    st, _ = d.update(j, v1)
    t.eq(st, 200, "update 200")
    r = d.query("_acme-challenge." + fqdn, "TXT")
    t.eq(texts(r.answer[0]), [v1], "value visible right after the 200")
    t.ok(1 <= r.answer[0].ttl <= 60, "challenge TTL short")
    s1 = serial(d, fqdn)
    t.ok(s1 > s0, "serial increased on update")
    d.update(j, v2)
    r = d.query("_acme-challenge." + fqdn, "TXT")
    t.eq(texts(r.answer[0]), sorted([v1, v2]), "two values at once")
    d.update(j, v3)
    r = d.query("_acme-challenge." + fqdn, "TXT")
    t.eq(texts(r.answer[0]), sorted([v2, v3]), "third value drops the oldest")
    t.ok(serial(d, fqdn) > s1, "serial increased again")
    r = d.query("_acme-challenge." + fqdn.upper(), "TXT")
    t.eq(texts(r.answer[0]), sorted([v2, v3]), "challenge lookup is case-insensitive")
    r = d.query("_acme-challenge." + fqdn, "A")
    t.eq((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0), "challenge name NODATA for A")
    auth = rr(r, "authority", dns.rdatatype.SOA)
    t.ok(len(auth) == 1 and str(auth[0].name) == fqdn, "NODATA carries the subdomain SOA")

    # Delegate subdomain (acme-dns register): values live at the apex next to SPF, short TTL.
    st, dj = d.http_json("POST", "/register", {})
    t.eq(st, 201, "delegate register 201")
    dfq = dj["fulldomain"] + "."
    d.update(dj, v1)
    r = d.query(dfq, "TXT")
    t.eq(texts(r.answer[0]), sorted(["v=spf1 -all", v1]), "delegate apex TXT = SPF + value")
    t.ok(r.answer[0].ttl <= 60, "delegate apex TXT takes the short TTL")
    r = d.query("_acme-challenge." + dfq, "TXT")
    t.eq(r.rcode(), dns.rcode.NXDOMAIN, "delegate has no _acme-challenge node")

    # Named subdomain under the local-kind parent: no address records.
    d.ctl("create", "myhost", "--parent", "localcert.test")
    import time
    for _ in range(40):
        r = d.query("myhost.localcert.test.", "SOA")
        if r.rcode() == dns.rcode.NOERROR and r.answer:
            break
        time.sleep(0.1)
    t.ok(r.rcode() == dns.rcode.NOERROR and len(r.answer) == 1, "localcertctl-created name served within 4 s")
    r = d.query("myhost.localcert.test.", "A")
    t.eq((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0), "local kind: no A record")
    r = d.query("myhost.localcert.test.", "AAAA")
    t.eq((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0), "local kind: no AAAA record")

    # Restart: same data served.
    d.stop()
    d.start()
    r = d.query("_acme-challenge." + fqdn, "TXT")
    t.eq(texts(r.answer[0]) if r.answer else None, sorted([v2, v3]), "values survive a restart")
    t.ok(serial(d, fqdn) >= s1, "serial does not go back after restart")
t.done()
