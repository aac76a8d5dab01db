#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_log_injection.py -- client-controlled strings (request paths, user names) cannot forge a
# log line (%0a) or write terminal escapes (%1b): every log line is escaped in util/log.c.
import http.client
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, Tap  # noqa: E402

t = Tap()
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (error|warn|info|debug) ")


def raw(d, method, path, headers=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


with Daemon("[server]\nlog_level = debug\n[api]\nauth_fail_max = 1\n") as d:
    forged = "/subdomains/x%0a2026-01-01T00:00:00.000Z%20info%20FORGED/txt"
    st = raw(d, "POST", forged, {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"},
             "a=b")
    t.eq(st, 400, "the QA request (a control character in the path) is refused: 400 bad_path")
    raw(d, "POST", "/subdomains/%1b[31mred%0d/txt", {"Accept": "text/html"}, "a=b")
    raw(d, "GET", "/%1b[2J" + "a" * 400, {"Accept": "text/html"})
    # A user name with a newline (the failed sign-in path logs the client, not the name,
    # but the sign-up path logs names it accepted: these never hold control characters).
    raw(d, "POST", "/login", {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"},
        "name=a%0aFORGED&password=x")
    d.stop()
    log = d.logtext()
    lines = log.splitlines()
    t.ok(lines and all(LINE.match(line) for line in lines),
         "bug_log_injection: every log line starts with our timestamp and level: %r"
         % [x for x in lines if not LINE.match(x)][:3])
    t.ok(not any("FORGED" in line and "\\x0a" not in line for line in lines), "no forged line")
    t.ok("\\x0a2026-01-01T00:00:00.000Z info FORGED/txt" in log, "the LF in the path is logged as \\x0a")
    t.ok("\x1b" not in log and "\r" not in log, "no ESC or CR byte in the log")
    t.ok("\\x1b[31mred\\x0d" in log, "ESC and CR are logged as \\x1b and \\x0d")
t.done()
