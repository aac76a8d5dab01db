#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_api_limits.py -- request body cap (413) and the per-address throttles (429 + Retry-After):
# failed key checks, instant registrations (bucket and weekly cap), delegate registrations.
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers, is_error, jraw, raw  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()


def retry_after(t, h, lo, hi, desc):
    ra = h.get("retry-after")
    t.ok(ra is not None and ra.isdigit() and lo <= int(ra) <= hi, "%s: Retry-After %r in [%d, %d]" % (desc, ra, lo, hi))


conf = """[api]
body_max = 1024
auth_fail_max = 3
auth_fail_window_s = 120
reg_instant_burst = 2
reg_instant_per_hour = 1
reg_instant_per_week = 100
reg_delegate_per_day = 3
"""
with Daemon(conf) as d:
    # --- body cap ---
    st, _, creds = jraw(d, "POST", "/register", b"")
    t.eq(st, 201, "register")
    v = txt_value("limits")
    body = ('{"subdomain":"%s","txt":"%s","pad":"%s"}' % (creds["subdomain"], v, "x" * 900)).encode()
    st, _, _ = jraw(d, "POST", "/update", body, api_headers(creds))
    t.ok(len(body) <= 1024 and st == 200, "a body just under body_max is accepted (%d bytes)" % len(body))
    body = ('{"subdomain":"%s","txt":"%s","pad":"%s"}' % (creds["subdomain"], v, "x" * 2000)).encode()
    st, h, data = raw(d, "POST", "/update", body, api_headers(creds))
    is_error(t, st, h, data, 413, "body_too_large", "a body over body_max")
    st, h, data = raw(d, "POST", "/register", b" " * 300000)
    is_error(t, st, h, data, 413, "body_too_large", "a 300 kB body is read and refused")
    # A Content-Length far over the cap is answered at once and the connection closed.
    s = socket.create_connection(("127.0.0.1", d.http_port), timeout=5)
    s.sendall(b"POST /update HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
    reply = s.recv(4096)
    s.close()
    t.ok(reply.startswith(b"HTTP/1.1 413"), "Content-Length of 100 MB: 413 before the body (%r)" % reply[:20])
    st, _, _ = jraw(d, "GET", "/health")
    t.eq(st, 200, "server fine after oversized bodies")

    # --- failed key checks ---
    bad = dict(creds, password="A" * 43)
    for i in range(3):
        st, h, data = raw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": v}, api_headers(bad))
        t.eq(st, 401, "failed key check %d: 401" % (i + 1))
    st, h, data = raw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": v}, api_headers(bad))
    is_error(t, st, h, data, 429, "rate_limited", "4th attempt after 3 failures")
    retry_after(t, h, 1, 120, "auth throttle")
    st, h, data = raw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": v}, api_headers(creds))
    is_error(t, st, h, data, 429, "rate_limited", "even the right key waits out the window")
    st, h, data = raw(d, "GET", "/api/v1/check", None, api_headers(creds))
    is_error(t, st, h, data, 429, "rate_limited", "check is throttled the same way")
    st, _, _ = jraw(d, "GET", "/health")
    t.eq(st, 200, "calls without keys are not affected")

    # --- instant registrations: bucket of 2, 1 per hour ---
    for i in range(2):
        st, _, _ = jraw(d, "POST", "/api/v1/register", b"")
        t.eq(st, 201, "instant registration %d within the burst" % (i + 1))
    st, h, data = raw(d, "POST", "/api/v1/register", b"")
    is_error(t, st, h, data, 429, "rate_limited", "instant registration beyond the burst")
    retry_after(t, h, 1000, 3600, "instant bucket refills at 1 per hour")

    # --- delegate registrations: 3 per day (1 used above) ---
    for i in range(2):
        st, _, _ = jraw(d, "POST", "/register", b"")
        t.eq(st, 201, "delegate registration %d within the day" % (i + 2))
    st, h, data = raw(d, "POST", "/register", b"")
    is_error(t, st, h, data, 429, "rate_limited", "delegate registration beyond the daily limit")
    retry_after(t, h, 80000, 86400, "delegate window")
    st, h, data = raw(d, "POST", "/api/v1/acme-dns-compat/register", b"")
    t.eq(st, 429, "the compat path shares the limit")
    st, h, data = raw(d, "POST", "/register", b"{bad")
    t.eq(st, 400, "bad input is still 400, not 429")
    t.ok("rate limited" in d.logtext(), "throttling is logged")

with Daemon("[api]\nreg_instant_burst = 50\nreg_instant_per_hour = 50\nreg_instant_per_week = 2\n") as d:
    for i in range(2):
        st, _, _ = jraw(d, "POST", "/api/v1/register", b"")
        t.eq(st, 201, "instant registration %d within the weekly cap" % (i + 1))
    st, h, data = raw(d, "POST", "/api/v1/register", b"")
    is_error(t, st, h, data, 429, "rate_limited", "instant registration beyond the weekly cap")
    retry_after(t, h, 600000, 604800, "weekly cap")
t.done()
