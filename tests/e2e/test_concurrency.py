#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_concurrency.py -- DNS workers answering (UDP and TCP) while the API writes and
# localcertctl creates and deletes: every answer is whole and consistent, every
# acknowledged update is visible at once. This is also the threaded test that
# `make test-tsan` runs under ThreadSanitizer (the harness fails on any report).
import os
import random
import sys
import threading
import time

import dns.rcode
import dns.rdatatype

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
SECONDS = float(os.environ.get("CONCURRENCY_SECONDS", "3"))
SPF = "v=spf1 -all"

conf = """[dns]
rrl_rate = 0
[api]
reg_instant_burst = 100000
reg_instant_per_hour = 100000
reg_instant_per_week = 100000
reg_delegate_per_day = 100000
"""


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}          # fulldomain -> every value ever sent for it
        self.errors = []
        self.counts = {"udp": 0, "tcp": 0, "updates": 0, "registrations": 0, "ctl": 0}

    def error(self, msg):
        with self.lock:
            if len(self.errors) < 20:
                self.errors.append(msg)

    def count(self, what, n=1):
        with self.lock:
            self.counts[what] += n


def txt_strings(resp, name):
    out = []
    for rrset in resp.answer:
        if rrset.rdtype == dns.rdatatype.TXT and rrset.name.to_text().lower() == name.lower():
            out += [b"".join(x.strings).decode() for x in rrset]
    return out


def ask(d, name, rdtype, tcp):
    """One query, retried once on a timeout (a slow sanitizer build may miss one)."""
    for attempt in range(2):
        try:
            return d.query(name, rdtype, tcp=tcp, timeout=5)
        except Exception as e:  # noqa: BLE001 - dns.exception.Timeout, ConnectionError
            if attempt == 1:
                raise e
    return None


def querier(d, sh, subs, tcp, stop):
    rnd = random.Random()
    while not stop.is_set():
        creds = rnd.choice(subs)
        name = creds["fulldomain"] + "."
        try:
            r = ask(d, name, "TXT", tcp)
        except Exception as e:  # noqa: BLE001
            sh.error("%s TXT %s: %r" % ("tcp" if tcp else "udp", name, e))
            continue
        sh.count("tcp" if tcp else "udp")
        if r.rcode() != dns.rcode.NOERROR:
            sh.error("%s: rcode %s" % (name, dns.rcode.to_text(r.rcode())))
            continue
        vals = txt_strings(r, name)
        with sh.lock:
            known = set(sh.sent.get(creds["fulldomain"], ()))
        challenge = [v for v in vals if v != SPF]
        if SPF not in vals or len(challenge) > 2 or not set(challenge) <= known:
            sh.error("%s: unexpected TXT set %r" % (name, vals))


def updater(d, sh, subs, stop, seed):
    i = 0
    while not stop.is_set():
        creds = subs[i % len(subs)]
        v = txt_value("%s-%d" % (seed, i))
        i += 1
        with sh.lock:
            sh.sent.setdefault(creds["fulldomain"], set()).add(v)
        st, j = d.update(creds, v)
        if st != 200:
            sh.error("update %s: %s %r" % (creds["fulldomain"], st, j))
            continue
        sh.count("updates")
        # SPEC 1: visible as soon as the API has answered.
        r = ask(d, creds["fulldomain"] + ".", "TXT", False)
        if v not in txt_strings(r, creds["fulldomain"] + "."):
            sh.error("update %s: %s not served right after the 200" % (creds["fulldomain"], v))


def registrar(d, sh, stop):
    while not stop.is_set():
        st, j = d.http_json("POST", "/api/v1/register", {})
        if st != 201:
            sh.error("register: %s %r" % (st, j))
            continue
        sh.count("registrations")
        r = ask(d, j["fulldomain"] + ".", "SOA", False)
        if r.rcode() != dns.rcode.NOERROR or not r.answer:
            sh.error("new subdomain %s not served after the 201" % j["fulldomain"])


def ctl_churn(d, sh, stop):
    """Create and delete named subdomains from another process; the daemon's poll publishes them."""
    n = 0
    while not stop.is_set():
        label = "churn%d" % n
        n += 1
        r = d.ctl("create", label, check=False)
        r2 = d.ctl("delete", "%s.localhostcert.test" % label, check=False)
        if r.returncode != 0 or r2.returncode != 0:
            sh.error("ctl create/delete %s: %s %s" % (label, r.stderr, r2.stderr))
        sh.count("ctl")


def churn_querier(d, sh, stop):
    """Names that come and go: only NOERROR or NXDOMAIN, never SERVFAIL or silence."""
    rnd = random.Random()
    while not stop.is_set():
        name = "_acme-challenge.churn%d.localhostcert.test." % rnd.randrange(0, 8)
        try:
            r = ask(d, name, "TXT", rnd.random() < 0.3)
        except Exception as e:  # noqa: BLE001
            sh.error("churn %s: %r" % (name, e))
            continue
        if r.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            sh.error("churn %s: rcode %s" % (name, dns.rcode.to_text(r.rcode())))
        sh.count("udp")


with Daemon(conf) as d:
    subs = [d.register() for _ in range(6)]
    sh = Shared()
    for c in subs:
        sh.sent[c["fulldomain"]] = set()
    stop = threading.Event()
    threads = [threading.Thread(target=querier, args=(d, sh, subs, False, stop)) for _ in range(3)]
    threads += [threading.Thread(target=querier, args=(d, sh, subs, True, stop)) for _ in range(2)]
    threads += [threading.Thread(target=updater, args=(d, sh, subs[:3], stop, "a")),
                threading.Thread(target=updater, args=(d, sh, subs[3:], stop, "b")),
                threading.Thread(target=registrar, args=(d, sh, stop)),
                threading.Thread(target=ctl_churn, args=(d, sh, stop)),
                threading.Thread(target=churn_querier, args=(d, sh, stop))]
    for th in threads:
        th.start()
    time.sleep(SECONDS)
    stop.set()
    for th in threads:
        th.join(60)
    c = sh.counts
    print("# %d UDP and %d TCP queries, %d updates, %d registrations, %d ctl create+delete in %.0f s"
          % (c["udp"], c["tcp"], c["updates"], c["registrations"], c["ctl"], SECONDS))
    t.eq(sh.errors, [], "no wrong, partial or missing answers while the API and localcertctl write")
    t.ok(c["udp"] > 0 and c["tcp"] > 0 and c["updates"] > 0 and c["registrations"] > 0 and c["ctl"] > 0,
         "every kind of traffic ran")
    t.ok(not any(th.is_alive() for th in threads), "all threads finished")
t.done()
