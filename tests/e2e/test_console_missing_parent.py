#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_missing_parent.py -- QA: registering a subdomain with a form that carries no
# parent (or an empty one) said "the parent domain is not served here"; it now asks for a
# parent. An unknown parent and a bad label keep their own messages.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser  # noqa: E402
from harness import Daemon, Tap  # noqa: E402

t = Tap()
with Daemon() as d:
    b = Browser(d)
    b.signup("pat")
    b.get("/subdomains/new")
    for form, desc in (({"label": "myapp"}, "no parent field"),
                       ({"label": "myapp", "parent": ""}, "an empty parent")):
        st, _, body = b.post("/subdomains/new", form)
        t.eq(st, 422, "%s: refused" % desc)
        t.ok("Choose a parent domain for &quot;myapp&quot;" in body, "%s: asks for a parent" % desc)
        t.ok("not served here" not in body, "%s: does not say the parent is not served" % desc)
    st, _, body = b.post("/subdomains/new", {"label": "myapp", "parent": "example.org"})
    t.ok(st == 422 and "not served here" in body, "an unknown parent: not served here")
    st, _, body = b.post("/subdomains/new", {"label": "-bad", "parent": ""})
    t.ok(st == 422 and "1 to 63 characters" in body, "a bad label without a parent: the label rule")
    st, _, body = b.post("/subdomains/new", {"label": "myapp", "parent": "localhostcert.test"})
    t.ok(st in (200, 303), "with a parent it is registered (%d)" % st)
t.done()
