#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_harness.py -- the harness itself: a sanitizer report in the daemon's log, or a
# failed clean stop, fails the test (so `make test-e2e-san` and `make test-tsan` mean something).
import os
import shutil
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, SanitizerFailure, Tap, sanitizer_report  # noqa: E402

t = Tap()


def fails(fn):
    try:
        fn()
    except SanitizerFailure:
        return True
    return False


reports = [
    "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020",
    "==1==ERROR: LeakSanitizer: detected memory leaks",
    "src/dns/name.c:12:5: runtime error: signed integer overflow",
    "WARNING: ThreadSanitizer: data race (pid=1)",
    "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior src/x.c:1:1",
]
for r in reports:
    t.ok(sanitizer_report("2026 info ready\n" + r + "\n    #0 frame\n") is not None, "detected: %s" % r[:40])
t.ok(sanitizer_report("info api: update x.localhostcert.test (serial 2)\n") is None, "an ordinary log is clean")

d = Daemon()
os.makedirs(os.path.dirname(d.log_path), exist_ok=True)
with open(d.log_path, "w") as f:
    f.write("info localcertd ready\ninfo localcertd stopped\n")
t.ok(not fails(lambda: d.check_clean(0)), "clean log, exit 0: passes")
t.ok(fails(lambda: d.check_clean(1)), "clean stop with exit 1 (e.g. a leak report): fails")
t.ok(fails(lambda: d.check_clean(None, hung=True)), "a daemon that hangs on SIGTERM: fails")
with open(d.log_path, "a") as f:
    f.write(reports[0] + "\n")
t.ok(fails(lambda: d.check_clean(None)), "a sanitizer report after kill -9: fails")
shutil.rmtree(d.tmp, ignore_errors=True)

# The real daemon: a clean SIGTERM stop passes the check.
with Daemon() as d2:
    pass
t.ok(True, "a real start and SIGTERM stop passes the check")
d3 = Daemon().start()
t.eq(d3.stop(signal.SIGKILL), -9, "kill -9 is not a failed clean stop")
t.done()
