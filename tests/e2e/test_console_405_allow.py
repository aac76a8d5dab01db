#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_405_allow.py -- QA: every console 405 said "Allow: GET, HEAD, POST", whatever
# the route took. The Allow header lists the methods of that path's routes (RFC 9110 15.5.6),
# and the API's 405s keep theirs.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser  # noqa: E402
from harness import Daemon, Tap  # noqa: E402

t = Tap()

with Daemon() as d:
    v = Browser(d)
    b = Browser(d)
    b.signup("alice")
    b.post("/subdomains/new", {"label": "allow", "parent": "localhostcert.test"})
    sub = "/subdomains/allow.localhostcert.test"
    cases = [
        (v, "PUT", "/", "GET, HEAD"),
        (v, "POST", "/", "GET, HEAD"),
        (v, "GET", "/instant", "POST"),
        (v, "DELETE", "/download", "POST"),
        (v, "PUT", "/login", "GET, HEAD, POST"),
        (v, "PATCH", "/signup", "GET, HEAD, POST"),
        (v, "GET", "/logout", "POST"),
        (v, "POST", "/static/style.css", "GET, HEAD"),
        (b, "PUT", "/account", "GET, HEAD, POST"),
        (b, "POST", "/subdomains", "GET, HEAD"),
        (b, "DELETE", "/subdomains/new", "GET, HEAD, POST"),
        (b, "PUT", sub, "GET, HEAD"),
        (b, "GET", sub + "/txt", "POST"),
        (b, "GET", sub + "/txt/delete", "POST"),
        (b, "PUT", sub + "/delete", "GET, HEAD, POST"),
        (b, "GET", sub + "/keys", "POST"),
        (b, "PUT", sub + "/keys/00000000-0000-4000-8000-000000000000/delete", "GET, HEAD, POST"),
    ]
    for who, method, path, allow in cases:
        st, h, _ = who.request(method, path)
        t.eq((st, h["Allow"]), (405, allow), "%s %s: 405, Allow: %s" % (method, path, allow))
    # The API's own routes (JSON clients).
    for method, path, allow in (("GET", "/update", "POST"), ("GET", "/register", "POST"),
                                ("POST", "/health", "GET, HEAD"), ("DELETE", "/api/v1/check", "GET, HEAD"),
                                ("GET", "/api/v1/acme-dns-compat/update", "POST")):
        st, h, _ = v.request(method, path, accept_html=False)
        t.eq((st, h["Allow"]), (405, allow), "API %s %s: 405, Allow: %s" % (method, path, allow))
    # A method the route does take is never a 405.
    st, _, _ = v.request("HEAD", "/login")
    t.eq(st, 200, "HEAD where GET is served: 200")

t.done()
