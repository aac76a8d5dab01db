#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_txt_delete_absent.py -- QA: deleting a challenge value that is not set (a
# reloaded or replayed delete form) bumped the zone serial. It must change nothing: 404 with
# the subdomain page, and the same SOA serial in DNS.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
NAME = "delme.localhostcert.test"


def serial(d):
    return d.query(NAME, "SOA").answer[0][0].serial


with Daemon() as d:
    b = Browser(d)
    b.signup("alice")
    st, h, _ = b.post("/subdomains/new", {"label": "delme", "parent": "localhostcert.test"})
    t.eq(st, 303, "registered " + NAME)
    v1, v2 = txt_value(1), txt_value(2)
    st, _, _ = b.post("/subdomains/%s/txt" % NAME, {"txt": v1})
    t.eq(st, 303, "a value set by hand")
    s0 = serial(d)

    st, _, body = b.post("/subdomains/%s/txt/delete" % NAME, {"txt": v2})
    t.eq(st, 404, "deleting a value that is not set: 404")
    t.ok("not set" in body and NAME in body, "with the subdomain page and a plain message")
    t.eq(serial(d), s0, "the serial did not change")
    st, _, _ = b.post("/subdomains/%s/txt/delete" % NAME, {"txt": "junk"})
    t.eq((st, serial(d)), (404, s0), "a value that could never be set: 404, same serial")

    st, h, _ = b.post("/subdomains/%s/txt/delete" % NAME, {"txt": v1})
    t.eq((st, h["Location"]), (303, "/subdomains/%s?done=deleted" % NAME), "deleting the real value")
    s1 = serial(d)
    t.ok(s1 > s0, "a real delete bumps the serial (%d -> %d)" % (s0, s1))
    st, _, _ = b.post("/subdomains/%s/txt/delete" % NAME, {"txt": v1})
    t.eq((st, serial(d)), (404, s1), "the same delete again (a reload): 404, serial unchanged")
    t.eq(d.query("_acme-challenge." + NAME, "TXT").answer, [], "no value is left in DNS")

t.done()
