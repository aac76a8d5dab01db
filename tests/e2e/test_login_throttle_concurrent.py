#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_login_throttle_concurrent.py -- sign-in attempts are counted before Argon2id runs, so
# parallel wrong passwords cannot slip past the limit (40 at once all got 401 before); Argon2id
# runs are capped, so a burst does not take 19 MiB per connection (790 MiB before); the
# password change checks the current password under the same throttles.
import collections
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser  # noqa: E402
from harness import LOCALCERTD, Daemon, Tap  # noqa: E402

t = Tap()
with open(LOCALCERTD, "rb") as f:
    BINARY = f.read()  # once: a second f.read() is empty, so a TSan build was not seen
INSTRUMENTED = any(s in BINARY for s in (b"__asan_init", b"__tsan_init"))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0


def burst(d, forms, headers=None):
    """POST /login from len(forms) browsers at once; the statuses, Retry-After values, peak RSS."""
    bs = []
    for _ in forms:
        b = Browser(d)
        b.get("/login")
        bs.append(b)
    res, retry, peak, stop = collections.Counter(), [], [0], [False]

    def watch():
        while not stop[0]:
            peak[0] = max(peak[0], rss_kib(d.proc.pid))
            time.sleep(0.005)

    bar = threading.Barrier(len(forms))

    def go(i):
        bar.wait()
        st, h, _ = bs[i].post("/login", forms[i], headers=(headers or (lambda i: {}))(i))
        res[st] += 1
        if st in (429, 503):
            retry.append(h["Retry-After"])

    m = threading.Thread(target=watch)
    m.start()
    ts = [threading.Thread(target=go, args=(i,)) for i in range(len(forms))]
    for x in ts:
        x.start()
    for x in ts:
        x.join()
    stop[0] = True
    m.join()
    return res, retry, peak[0] // 1024


with Daemon("[api]\ntrusted_proxies = 127.0.0.1\n") as d:
    Browser(d).signup("victim", "the right password")

    # B1: 40 wrong passwords for one account from one address, all at once.
    res, retry, peak = burst(d, [{"name": "victim", "password": "wrong password %d" % i} for i in range(40)])
    t.eq(res[401], 5, "bug_login_throttle_race: only login_fail_max (5) of 40 parallel guesses are checked: %s"
         % dict(res))
    t.eq(res[429], 35, "the other 35 get 429")
    t.ok(all(r is not None and int(r) > 0 for r in retry), "each 429 has Retry-After")
    st, _ = Browser(d).login("victim", "the right password")
    t.eq(st, 429, "the account stays throttled for the window, even with the right password")

    # B1: 40 parallel sign-ins to different accounts from different addresses: every one is
    # checked or refused with 503 + Retry-After, and at most 4 Argon2id runs hold memory at once.
    base = rss_kib(d.proc.pid) // 1024
    res, retry, peak = burst(d, [{"name": "someone%d" % i, "password": "wrong password"} for i in range(40)],
                             headers=lambda i: {"X-Forwarded-For": "198.51.100.%d" % (i + 1)})
    t.eq(res[401] + res[503], 40, "distinct accounts: 401, or 503 when no hashing slot is free: %s" % dict(res))
    t.ok(all(r == "1" for r in retry), "a busy 503 says Retry-After: 1")
    if INSTRUMENTED:
        t.ok(True, "# SKIP resident size is not meaningful under a sanitizer")
    else:
        t.ok(peak - base < 4 * 19 + 40, "bug_argon2_memory: peak resident size grew by %d MiB (4 runs of 19 MiB "
             "at most; 790 MiB before)" % (peak - base))
        time.sleep(0.2)
        t.ok(rss_kib(d.proc.pid) // 1024 - base < 40, "and the memory is given back afterwards")

    # A sign-in that works does not count as a failure.
    Browser(d).signup("happy", "happy password 1")
    sts = [Browser(d).login("happy", "happy password 1")[0] for _ in range(7)]
    t.eq(sts, [303] * 7, "7 good sign-ins in a row: none throttled (successes are given back)")

with Daemon("") as d:
    # B2: the password change checks the current password under the sign-in throttles.
    b = Browser(d)
    b.signup("holder", "holder password 1")
    b.get("/account")
    sts = []
    for i in range(8):
        st, h, _ = b.post("/account", {"current": "guess %d" % i, "password": "new password 12",
                                       "password2": "new password 12"})
        sts.append(st)
    t.eq(sts, [401] * 5 + [429] * 3, "bug_account_password_oracle: wrong current passwords are throttled: %s" % sts)
    st, h, body = b.post("/account", {"current": "holder password 1", "password": "new password 12",
                                      "password2": "new password 12"})
    t.eq(st, 429, "the right one too, until the window ends")
    t.ok(h["Retry-After"] is not None and "Too many failed sign-ins" in body, "with Retry-After and a message")
    st, _ = Browser(d).login("holder", "holder password 1")
    t.eq(st, 429, "the guesses count against the account's sign-in limit too")

with Daemon("") as d:
    b = Browser(d)
    b.signup("racer", "racer password 1")
    b.get("/account")
    tok = b.csrf
    res = collections.Counter()
    bar = threading.Barrier(20)

    def change(i):
        bar.wait()
        st, _, _ = b.post("/account", {"csrf": tok, "current": "guess %d" % i, "password": "new password 12",
                                       "password2": "new password 12"})
        res[st] += 1

    ts = [threading.Thread(target=change, args=(i,)) for i in range(20)]
    for x in ts:
        x.start()
    for x in ts:
        x.join()
    t.eq((res[401], res[429]), (5, 15), "20 parallel wrong current passwords: 5 checked, 15 refused: %s"
         % dict(res))
t.done()
