#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_http_control_chars.py -- QA: "GET /%00" served the home page, and "/register%00x" was
# routed as "/register": a decoded NUL cut the path short. A path that holds NUL or any other
# control character is answered 400 bad_path (JSON), for browsers and API clients alike.
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, Tap  # noqa: E402

t = Tap()


def get(d, method, path, accept="text/html"):
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
    c.request(method, path, headers={"Accept": accept})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), body


with Daemon() as d:
    for path in ("/%00", "/%00/", "/login%00", "/login%00x", "/register%00", "/update%00",
                 "/api/v1/health%00", "/%01", "/%0a", "/%0d%0aSet-Cookie:x=1", "/%1f", "/%7f",
                 "/subdomains/%00"):
        for method, accept in (("GET", "text/html"), ("POST", "application/json")):
            st, ctype, body = get(d, method, path, accept)
            try:
                err = json.loads(body).get("error")
            except ValueError:
                err = None
            t.eq((st, ctype, err), (400, "application/json", "bad_path"), "%s %s: 400 bad_path" % (method, path))
    st, _, body = get(d, "GET", "/")
    t.ok(st == 200 and b"<html" in body, "the home page is still served at /")
    st, _, _ = get(d, "GET", "/%e2%82%ac")
    t.eq(st, 404, "a path with UTF-8 (not control) characters is an ordinary 404")
    st, _, _ = get(d, "GET", "/login%3Fx")
    t.eq(st, 404, "an escaped '?' is part of the path, not a query")
    st, _, _ = get(d, "GET", "/?done=%00")
    t.eq(st, 200, "a NUL in a query argument does not break the page")
    t.ok(d.alive(), "the daemon is still running")

t.done()
