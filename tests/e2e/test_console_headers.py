#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_headers.py -- the console's security headers, cookie flags, HSTS behind a
# trusted TLS proxy, CSRF refusals, 404 for other users' things, hashed secrets at rest,
# sign-up switched off, and separate host names for console and API.
import hashlib
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser, set_cookies  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()

with Daemon("[api]\ntrusted_proxies = 127.0.0.1\n") as d:
    b = Browser(d)
    st, h, body = b.get("/")
    t.eq(st, 200, "home page 200")
    t.ok(h["Content-Type"].startswith("text/html"), "home is HTML")
    csp = h["Content-Security-Policy"] or ""
    for part in ("default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
                 "base-uri 'none'"):
        t.ok(part in csp, "CSP has " + part)
    t.ok("script-src" not in csp and "unsafe-inline" not in csp, "CSP allows no script and nothing inline")
    t.eq(h["X-Frame-Options"], "DENY", "X-Frame-Options DENY")
    t.eq(h["X-Content-Type-Options"], "nosniff", "nosniff")
    t.eq(h["Referrer-Policy"], "no-referrer", "Referrer-Policy")
    t.eq(h["Cache-Control"], "no-store", "no-store")
    t.ok(h["Strict-Transport-Security"] is None, "no HSTS over plain HTTP")
    cookies = set_cookies(h)
    t.ok(any(c.startswith("lc_csrf=") and "HttpOnly" in c and "SameSite=Lax" in c and "Secure" not in c
             for c in cookies), "visitor CSRF cookie: HttpOnly, SameSite=Lax, not Secure on plain HTTP")
    t.ok("<script" not in body, "no script on the home page")
    st, h, css = b.get("/static/style.css")
    t.eq((st, h["Content-Type"]), (200, "text/css; charset=utf-8"), "stylesheet served by the daemon")
    t.ok("@import" not in css and "url(http" not in css, "the stylesheet loads nothing from other sites")

    # Behind the trusted proxy that says the client used TLS: HSTS and Secure cookies.
    p = Browser(d)
    st, h, _ = p.get("/", headers={"X-Forwarded-Proto": "https"})
    t.eq(h["Strict-Transport-Security"], "max-age=31536000", "HSTS when a trusted proxy says https")
    t.ok(all("Secure" in c for c in set_cookies(h)), "cookies Secure over TLS")
    st, h, _ = p.get("/", headers={"X-Forwarded-Proto": "http, https"})
    t.ok(h["Strict-Transport-Security"] is not None, "the proxy's own (last) X-Forwarded-Proto counts")

    # Sign up: the session cookie and what is stored.
    b.get("/signup")
    st, h, _ = b.post("/signup", {"name": "alice", "password": "long enough password",
                                  "password2": "long enough password"})
    t.eq((st, h["Location"]), (303, "/subdomains"), "sign-up redirects to my subdomains")
    sess = [c for c in set_cookies(h) if c.startswith("lc_session=")]
    t.ok(len(sess) == 1 and "HttpOnly" in sess[0] and "SameSite=Lax" in sess[0] and "Path=/" in sess[0]
         and "Max-Age=604800" in sess[0] and "Secure" not in sess[0], "session cookie flags: " + str(sess))
    sid = sess[0].split(";")[0].split("=", 1)[1]
    t.ok(len(sid) == 43, "session id has 256 bits (43 base64url characters)")
    db = sqlite3.connect(os.path.join(d.data_dir, "localcert.db"))
    rows = db.execute("SELECT id_hash FROM sessions").fetchall()
    t.ok(any(r[0] == hashlib.sha256(sid.encode()).digest() for r in rows), "the store keeps SHA-256 of the id")
    t.ok(not any(sid.encode() in bytes(r[0]) for r in rows), "the id itself is not stored")
    pw = db.execute("SELECT pw_hash FROM users WHERE name = 'alice'").fetchone()[0]
    t.ok(pw.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), "password stored as Argon2id: " + pw[:32])
    db.close()

    # CSRF: a POST without the token, with a wrong one, and with another session's token.
    st, _, body = b.post("/subdomains/new", {"label": "nocsrf", "parent": "localhostcert.test"}, csrf=False)
    t.eq(st, 403, "POST without a CSRF token: 403")
    t.ok("not sent from this site" in body, "with a clear message")
    st, _, _ = b.post("/subdomains/new", {"label": "nocsrf", "parent": "localhostcert.test",
                                          "csrf": "x" * 43})
    t.eq(st, 403, "POST with a wrong CSRF token: 403")
    v = Browser(d)
    v.get("/")
    st, _, _ = v.post("/instant", {}, csrf=False)
    t.eq(st, 403, "visitor POST without the token: 403")
    st, _, _ = v.request("POST", "/instant", form={"csrf": b.csrf})
    t.eq(st, 403, "another session's token does not work for a visitor")
    st, h, _ = b.post("/subdomains/new", {"label": "mine", "parent": "localhostcert.test"})
    t.eq((st, h["Location"]), (303, "/subdomains/mine.localhostcert.test?done=registered"), "register with the token")

    # Another user's subdomain looks exactly like one that does not exist.
    e = Browser(d)
    e.signup("eve")
    st1, _, body1 = e.get("/subdomains/mine.localhostcert.test")
    st2, _, body2 = e.get("/subdomains/nosuch.localhostcert.test")
    t.eq((st1, st2), (404, 404), "someone else's subdomain and a missing one are both 404")
    t.ok("mine.localhostcert.test" not in body1, "the 404 does not echo the name")
    for path, form in (("/subdomains/mine.localhostcert.test/txt", {"txt": txt_value(1)}),
                       ("/subdomains/mine.localhostcert.test/keys", {}),
                       ("/subdomains/mine.localhostcert.test/delete", {})):
        st, _, _ = e.post(path, form)
        t.eq(st, 404, "POST %s as another user: 404" % path)
    st, _, _ = e.get("/admin")
    t.eq(st, 404, "statistics are 404 for non-staff")
    t.eq(d.query("_acme-challenge.mine.localhostcert.test", "TXT").answer, [], "nothing was set")

    # Unknown paths: JSON for API clients, HTML for browsers.
    st, h, body = b.get("/nope", accept_html=False)
    t.eq((st, h["Content-Type"]), (404, "application/json"), "unknown path without Accept: text/html is JSON 404")
    st, h, body = b.get("/nope")
    t.eq((st, h["Content-Type"]), (404, "text/html; charset=utf-8"), "for a browser an HTML 404")
    st, h, _ = b.request("PUT", "/login")
    t.eq(st, 405, "a known page with another method: 405")

    # Logging out ends the session on the server.
    st, h, _ = b.post("/logout", {})
    t.eq((st, h["Location"]), (303, "/"), "log out redirects home")
    st, h, _ = b.request("GET", "/subdomains", headers={"Cookie": "lc_session=" + sid})
    t.eq((st, h["Location"]), (303, "/login"), "the old session id no longer works")

# Sign-up off; console and API on their own host names.
conf = """[console]
signup = false
console_host = console.localhostcert.test
api_host = api.localhostcert.test
"""
with Daemon(conf) as d:
    c = Browser(d, host="console.localhostcert.test")
    st, _, body = c.get("/signup")
    t.eq(st, 403, "sign-up switched off: 403")
    t.ok("does not take new accounts" in body, "with a clear message")
    st, _, body = c.get("/login")
    t.ok(st == 200 and 'href="/signup"' not in body, "no sign-up link when it is off")
    st, _, _ = c.get("/")
    t.eq(st, 200, "console on its host")
    a = Browser(d, host="api.localhostcert.test")
    st, h, _ = a.get("/")
    t.eq(st, 404, "no console on the API host")
    st, _, _ = a.request("POST", "/register", accept_html=False)
    t.eq(st, 201, "API on its host")
    st, _, _ = c.request("POST", "/register", accept_html=False)
    t.eq(st, 404, "no API on the console host")
    st, _, _ = Browser(d, host="console.localhostcert.test:8053").get("/")
    t.eq(st, 200, "a port in Host does not matter")

t.done()
