#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_admin_404.py -- QA: docs/console.md says /admin is a 404 for everyone but staff,
# but a visitor was redirected to the sign-in page (303), which tells that the page exists, and
# another method gave 405 with Allow. Non-staff cannot tell /admin from a path that does not
# exist, in any way; staff see the statistics.
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser  # noqa: E402
from harness import Daemon, Tap  # noqa: E402

t = Tap()


def shape(who, method, path, accept_html=True):
    st, h, body = who.request(method, path, accept_html=accept_html)
    return st, h["Location"], h["Allow"], h["Content-Type"], re.sub(r'value="[^"]*"', "", body)


with Daemon() as d:
    visitor = Browser(d)
    user = Browser(d)
    user.signup("alice")
    for who, tag in ((visitor, "visitor"), (user, "signed-in user")):
        for method in ("GET", "HEAD", "POST", "PUT"):
            for accept in (True, False):
                a = shape(who, method, "/admin", accept)
                n = shape(who, method, "/no-such-page", accept)
                t.eq(a, n, "%s, %s /admin (%s): the same answer as a missing page" %
                     (tag, method, "HTML" if accept else "JSON"))
        st, h, _ = who.get("/admin")
        t.eq((st, h["Location"]), (404, None), "%s: GET /admin is 404, no redirect" % tag)

    out = d.ctl("staff-create", "boss").stdout
    pw = re.search(r"password: (\S+)", out).group(1)
    staff = Browser(d)
    st, _ = staff.login("boss", pw)
    t.eq(st, 303, "staff sign in")
    st, _, body = staff.get("/admin")
    t.ok(st == 200 and "Statistics" in body, "staff: /admin is the statistics page")
    st, h, _ = staff.request("PUT", "/admin")
    t.eq((st, h["Allow"]), (405, "GET, HEAD"), "staff: another method is 405 with Allow: GET, HEAD")

t.done()
