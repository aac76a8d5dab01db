#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# http_auth_timing.py -- refused key checks over HTTP, timed from the client: an unknown
# key id vs a known id with a wrong secret, on POST /update (with a valid body, so the key
# check is what decides) and on GET /api/v1/check (docs/hardening.md). A measurement, not a
# test: it prints medians, p90, a KS test and a bootstrap interval for the difference of
# the medians.
# Usage: LOCALCERTD=build/localcertd http_auth_timing.py [SAMPLES_PER_KIND]
import http.client
import json
import math
import os
import random
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../e2e"))
from harness import Daemon  # noqa: E402


def ks(a, b):
    """Two-sample Kolmogorov-Smirnov D and its asymptotic p-value (a, b sorted)."""
    i = j = 0
    d = 0.0
    while i < len(a) and j < len(b):
        v = min(a[i], b[j])
        while i < len(a) and a[i] <= v:
            i += 1
        while j < len(b) and b[j] <= v:
            j += 1
        d = max(d, abs(i / len(a) - j / len(b)))
    en = math.sqrt(len(a) * len(b) / (len(a) + len(b)))
    lam = (en + 0.12 + 0.11 / en) * d
    p = sum(2 * (-1) ** (k - 1) * math.exp(-2 * lam * lam * k * k) for k in range(1, 101))
    return d, min(1.0, max(0.0, p))


def median_diff_ci(a, b, rounds=1000, seed=1):
    """95% bootstrap interval of median(b) - median(a): how far noise alone moves it."""
    rnd = random.Random(seed)
    diffs = []
    for _ in range(rounds):
        ra = sorted(rnd.choices(a, k=len(a)))
        rb = sorted(rnd.choices(b, k=len(b)))
        diffs.append(rb[len(rb) // 2] - ra[len(ra) // 2])
    diffs.sort()
    return diffs[int(rounds * 0.025)], diffs[int(rounds * 0.975)]


def describe(name, v):
    v = sorted(v)
    n = len(v)
    trim = v[n // 10: n - n // 10]
    print("%-26s n=%d  p10 %.1f  median %.1f  trimmed mean %.1f  p90 %.1f  (us)"
          % (name, n, v[n // 10], v[n // 2], sum(trim) / len(trim), v[9 * n // 10]))
    return v, sum(trim) / len(trim)


n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
with Daemon("[server]\nlog_level = error\n[api]\nauth_fail_max = 1000000\n") as d:
    creds = d.register()
    known = creds["username"]
    unknown = str(uuid.uuid4())
    wrong = "A" * 43
    body = json.dumps({"subdomain": creds["subdomain"], "txt": "B" * 43}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=10)

    def one(call, kind):
        hdrs = {"X-Api-User": unknown if kind == "unknown" else known, "X-Api-Key": wrong}
        t0 = time.perf_counter_ns()
        if call == "update":
            conn.request("POST", "/update", body=body, headers=hdrs)
        else:
            conn.request("GET", "/api/v1/check", headers=hdrs)
        r = conn.getresponse()
        r.read()
        t1 = time.perf_counter_ns()
        if r.status != 401:
            raise SystemExit("unexpected status %d" % r.status)
        return (t1 - t0) / 1e3

    results = {}
    for call in ("update", "check"):
        samples = {"unknown": [], "known": []}
        for _ in range(500):  # warm-up
            one(call, random.choice(("unknown", "known")))
        order = ["unknown"] * n + ["known"] * n
        random.shuffle(order)
        for kind in order:
            samples[kind].append(one(call, kind))
        results[call] = samples
    conn.close()
for call, title in (("update", "POST /update"), ("check", "GET /api/v1/check")):
    samples = results[call]
    print("%s, keep-alive connection, one outstanding request, samples interleaved:" % title)
    u, tu = describe("unknown key id", samples["unknown"])
    k, tk = describe("known id, wrong secret", samples["known"])
    dks, p = ks(u, k)
    lo, hi = median_diff_ci(u, k)
    print("known - unknown: median %+.2f us (95%% bootstrap interval %+.2f .. %+.2f), trimmed mean "
          "%+.2f us; KS D = %.4f (p = %.3g)"
          % (k[len(k) // 2] - u[len(u) // 2], lo, hi, tk - tu, dks, p))
