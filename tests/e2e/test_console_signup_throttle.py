#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_signup_throttle.py -- console sign-ups per address per day ([console]
# signup_per_day): over the limit an address gets 429 with Retry-After, a taken name uses no
# quota, and another address still signs up. Client addresses come from X-Forwarded-For
# through a trusted proxy (127.0.0.1).
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from consolehelp import Browser  # noqa: E402
from harness import Daemon, Tap  # noqa: E402

t = Tap()
PW = "long enough password"


def signup(d, name, addr):
    b = Browser(d)
    hdr = {"X-Forwarded-For": addr}
    b.get("/signup", headers=hdr)
    st, h, body = b.post("/signup", {"name": name, "password": PW, "password2": PW}, headers=hdr)
    return st, h


conf = """[api]
trusted_proxies = 127.0.0.1/32
[console]
signup_per_day = 2
"""
with Daemon(conf) as d:
    st, _ = signup(d, "alice", "192.0.2.1")
    t.eq(st, 303, "first sign-up from 192.0.2.1")
    st, _ = signup(d, "alice", "192.0.2.1")
    t.eq(st, 409, "a taken name is refused (409) ...")
    st, _ = signup(d, "bob", "192.0.2.1")
    t.eq(st, 303, "... and used no quota: the second sign-up from 192.0.2.1 works")
    st, h = signup(d, "carol", "192.0.2.1")
    t.eq(st, 429, "a third sign-up from 192.0.2.1 in a day is refused (signup_per_day = 2)")
    ra = h.get("Retry-After")
    t.ok(ra is not None and ra.isdigit() and 0 < int(ra) <= 86400, "with Retry-After (%r)" % ra)
    st, _ = signup(d, "carol", "192.0.2.2")
    t.eq(st, 303, "another address signs up meanwhile")
    t.ok(Browser(d).login("alice", PW)[0] == 303, "the accounts made work")
t.done()
