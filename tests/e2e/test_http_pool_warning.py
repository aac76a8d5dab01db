#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_http_pool_warning.py -- a default start (http_threads = 0) logs no libmicrohttpd warning
# ("Zero size, specified for thread pool size, is ignored"); a pool still starts with N threads.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, Tap  # noqa: E402

t = Tap()
with Daemon("") as d:
    t.eq(d.http("GET", "/health")[0], 200, "default start serves")
    log = d.logtext()
    t.ok("thread pool" not in log and "Warning" not in log,
         "bug_pool_size_warning: no libmicrohttpd warning on a default start")
    t.ok("(a thread per connection)" in log, "a thread per connection by default")
with Daemon("[server]\nhttp_threads = 3\n") as d:
    t.eq(d.http("GET", "/health")[0], 200, "a pool of 3 serves")
    t.ok("(3 threads)" in d.logtext(), "the pool size is used")
t.done()
