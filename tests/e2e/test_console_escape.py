#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_escape.py -- every string a user can put on a console page comes back
# escaped: labels, parents, challenge values, user names and passwords on refused forms,
# query strings and paths, and names of subdomains and keys shown in tables.
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser  # noqa: E402
from harness import Daemon, Tap  # noqa: E402

t = Tap()
EVIL = '<b id=x>"&amp;\'</b>'
EVIL_ESC = "&lt;b id=x&gt;&quot;&amp;amp;&#39;&lt;/b&gt;"


def clean(body, what, expect_echo=True):
    """No raw markup from EVIL, and (when the page echoes it) the escaped form is there."""
    t.ok("<b id=x>" not in body and 'id=x>"' not in body, what + ": nothing unescaped")
    if expect_echo:
        t.ok(EVIL_ESC in body or EVIL_ESC.lower() in body, what + ": shown escaped")


def attrs_well_formed(body, what):
    """Every value="..." attribute closes before the next tag: no attribute was broken out of."""
    bad = [m for m in re.findall(r'value="([^"]*)"', body) if "<" in m or ">" in m]
    t.eq(bad, [], what + ": attribute values hold no raw < or >")


with Daemon() as d:
    b = Browser(d)
    b.get("/signup")
    st, _, body = b.post("/signup", {"name": EVIL, "password": "x", "password2": "y"})
    t.eq(st, 422, "sign-up with a bad name refused")
    clean(body, "sign-up name")
    attrs_well_formed(body, "sign-up form")

    st, _, body = b.post("/login", {"name": EVIL, "password": "whatever it is"})
    t.eq(st, 401, "log-in with an unknown name refused")
    clean(body, "log-in name")
    attrs_well_formed(body, "log-in form")

    b.signup("mallory")
    st, _, body = b.post("/subdomains/new", {"label": EVIL, "parent": "localhostcert.test"})
    t.eq(st, 422, "register with a bad label refused")
    clean(body, "label")
    attrs_well_formed(body, "register form")
    st, _, body = b.post("/subdomains/new", {"label": "fine", "parent": EVIL})
    t.eq(st, 422, "register under an unknown parent refused")
    clean(body, "parent", expect_echo=False)

    st, h, _ = b.post("/subdomains/new", {"label": "a-b1", "parent": "localhostcert.test"})
    t.eq(st, 303, "register a-b1")
    st, _, body = b.post("/subdomains/a-b1.localhostcert.test/txt", {"txt": EVIL})
    t.eq(st, 422, "a value with markup is refused")
    clean(body, "challenge value")
    attrs_well_formed(body, "value form")
    st, _, body = b.post("/subdomains/a-b1.localhostcert.test/txt/delete", {"txt": EVIL})
    t.eq(st, 404, "deleting a value that is not there is harmless: 404, nothing changes")

    for path in ("/subdomains/a-b1.localhostcert.test?done=" + "%3Cb%20id%3Dx%3E%22%26",
                 "/subdomains/a-b1.localhostcert.test?error=%3Cb%20id%3Dx%3E",
                 "/subdomains?done=%3Cb%20id%3Dx%3E", "/account?done=%3Cb%20id%3Dx%3E"):
        st, _, body = b.get(path)
        t.eq(st, 200, "GET " + path)
        clean(body, "query string of " + path.split("?")[0], expect_echo=False)
    st, _, body = b.get("/subdomains/%3Cb%20id%3Dx%3E%22%26/delete")
    t.eq(st, 404, "a path with markup is 404")
    clean(body, "path", expect_echo=False)
    st, _, body = b.get("/%3Cb%20id%3Dx%3E%22%26")
    t.eq(st, 404, "an unknown path with markup is 404")
    clean(body, "unknown path", expect_echo=False)

    st, _, body = b.post("/download", {"username": EVIL, "password": EVIL, "fulldomain": EVIL,
                                       "subdomain": EVIL, "format": "lego"})
    t.eq(st, 400, "download of credentials that are not ours refused")
    clean(body, "download", expect_echo=False)

    st, _, body = b.post("/account", {"current": EVIL, "password": EVIL, "password2": EVIL})
    t.eq(st, 401, "password change with a wrong current password refused")
    clean(body, "account form", expect_echo=False)

    # A value set through the API by a key shows in the table, escaped (the API only takes
    # base64url, so markup cannot get in there; check the page at least shows it as text).
    st, _, body = b.get("/subdomains/a-b1.localhostcert.test")
    t.ok("&lt;" not in body.split("<main")[0], "nothing odd in the page head")
    t.ok(body.count("<form") == body.count("</form>"), "forms are balanced")

t.done()
