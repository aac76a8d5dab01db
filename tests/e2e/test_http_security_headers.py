#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_http_security_headers.py -- QA: CSP, X-Frame-Options and Referrer-Policy were set only
# on console pages, so JSON answers and errors (404, 405, 400, 401, 413) went without them.
# Every response the daemon makes carries the whole set.
import http.client
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
WANT = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def fetch(d, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    r.read()
    c.close()
    return r


with Daemon() as d:
    creds = d.register()
    big = b"{" + b" " * 20000 + b"}"
    cases = [
        ("GET", "/health", None, {}, 200),
        ("GET", "/api/v1/health", None, {}, 200),
        ("POST", "/register", b"{}", {"Content-Type": "application/json"}, 201),
        ("POST", "/register", b"{nope", {"Content-Type": "application/json"}, 400),
        ("POST", "/update", ('{"subdomain":"%s","txt":"%s"}' % (creds["subdomain"], txt_value(1))).encode(),
         {"X-Api-User": creds["username"], "X-Api-Key": "wrong"}, 401),
        ("GET", "/update", None, {}, 405),
        ("GET", "/nope", None, {}, 404),
        ("GET", "/api/v1/check", None, {"X-Api-User": creds["username"], "X-Api-Key": creds["password"]}, 200),
        ("POST", "/update", big, {"Content-Type": "application/json"}, 413),
        ("GET", "/%00", None, {}, 400),
        ("GET", "/", None, {"Accept": "text/html"}, 200),
        ("GET", "/nope", None, {"Accept": "text/html"}, 404),
        ("PUT", "/login", None, {"Accept": "text/html"}, 405),
        ("GET", "/subdomains", None, {"Accept": "text/html"}, 303),
        ("POST", "/instant", b"", {"Accept": "text/html"}, 403),
        ("GET", "/static/style.css", None, {}, 200),
    ]
    for method, path, body, hdrs, status in cases:
        r = fetch(d, method, path, body, hdrs)
        what = "%s %s (%d)" % (method, path, r.status)
        t.eq(r.status, status, what + ": status")
        got = {k: r.getheader(k) for k in WANT}
        t.eq(got, WANT, what + ": all security headers")
        t.ok(all(len(r.msg.get_all(k) or []) == 1 for k in WANT), what + ": each header once")

t.done()
