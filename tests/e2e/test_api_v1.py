#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_api_v1.py -- the service calls: POST /api/v1/register (instant subdomains, lego output),
# GET /api/v1/check, GET /api/v1/health; instant values at _acme-challenge.<name> in DNS.
import os
import sys

import dns.flags
import dns.rcode

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers, basic_headers, challenge_name, is_error, jraw, raw, txt_values  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
FIELDS = sorted(["username", "password", "fulldomain", "subdomain", "allowfrom", "server_url"])

with Daemon("[api]\nreg_instant_burst = 100\nreg_instant_per_hour = 100\n") as d:
    st, h, j = jraw(d, "POST", "/api/v1/register", b"")
    t.eq(st, 201, "instant register with no body: 201")
    t.eq(sorted(j) if isinstance(j, dict) else j, FIELDS, "credentials fields")
    t.ok(j["fulldomain"] == j["subdomain"] + ".localhostcert.test" and len(j["subdomain"]) == 36,
         "a UUID label under the default localhost parent")
    creds = j

    st, _, j = jraw(d, "POST", "/api/v1/register", {"output_format": "lego"})
    t.eq(st, 201, "output_format=lego (JSON body)")
    t.ok(isinstance(j, dict) and len(j) == 1, "lego format: one entry")
    (fq, inner), = j.items()
    t.ok(fq == inner["fulldomain"] and sorted(inner) == FIELDS, "lego format: {\"<fqdn>\": {credentials}}")
    st, _, j = jraw(d, "POST", "/api/v1/register", "output_format=lego",
                    {"Content-Type": "application/x-www-form-urlencoded"})
    t.ok(st == 201 and isinstance(j, dict) and len(j) == 1 and sorted(list(j.values())[0]) == FIELDS,
         "output_format=lego (form body)")
    st, _, j = jraw(d, "POST", "/api/v1/register?output_format=lego", b"")
    t.ok(st == 201 and isinstance(j, dict) and len(j) == 1 and sorted(list(j.values())[0]) == FIELDS,
         "output_format=lego (query argument)")
    st, _, j = jraw(d, "POST", "/api/v1/register/", {"OUTPUT_FORMAT": "json"})
    t.ok(st == 201 and sorted(j) == FIELDS, "output_format=json, key in any case, trailing slash")
    st, h, data = raw(d, "POST", "/api/v1/register", {"output_format": "yaml"})
    is_error(t, st, h, data, 400, "bad_output_format", "unknown output_format")
    st, h, data = raw(d, "POST", "/api/v1/register", b"{oops")
    is_error(t, st, h, data, 400, "malformed_json_payload", "instant register with bad JSON")
    st, h, data = raw(d, "POST", "/api/v1/register", {"allowfrom": ["300.1.1.1/8"]})
    is_error(t, st, h, data, 400, "invalid_allowfrom_cidr", "instant register with a bad CIDR")
    st, h, data = raw(d, "GET", "/api/v1/register")
    is_error(t, st, h, data, 405, "method_not_allowed", "GET /api/v1/register")

    # Instant subdomains keep their values at _acme-challenge.<name> (getlocalcert semantics).
    name = challenge_name(creds)
    v1, v2, v3 = txt_value("i1"), txt_value("i2"), txt_value("i3")
    t.eq(d.query(name, "TXT").rcode(), dns.rcode.NXDOMAIN, "no challenge yet: NXDOMAIN")
    for v, path in ((v1, "/update"), (v2, "/api/v1/acme-dns-compat/update"), (v3, "//update")):
        st, _, j = jraw(d, "POST", path, {"subdomain": creds["subdomain"], "txt": v}, api_headers(creds))
        t.eq((st, j), (200, {"txt": v}), "instant update via " + path)
    t.eq(txt_values(d, name), sorted([v2, v3]), "two newest values at _acme-challenge, oldest dropped")
    r = d.query(name, "TXT")
    t.ok(r.flags & dns.flags.AA and all(x.ttl <= 60 for x in r.answer), "authoritative, short TTL")
    t.eq(txt_values(d, creds["fulldomain"] + "."), ["v=spf1 -all"], "apex TXT keeps only the SPF string")

    # check
    st, h, j = jraw(d, "GET", "/api/v1/check", None, api_headers(creds))
    t.eq((st, j), (200, {"status": "ok", "domain": creds["fulldomain"]}), "check with headers")
    st, _, j = jraw(d, "GET", "/api/v1/check/", None, basic_headers(creds))
    t.eq((st, j), (200, {"status": "ok", "domain": creds["fulldomain"]}), "check with Basic, trailing slash")
    st, h, data = raw(d, "HEAD", "/api/v1/check", None, api_headers(creds))
    t.eq((st, data), (200, b""), "HEAD check")
    st, h, data = raw(d, "GET", "/api/v1/check")
    is_error(t, st, h, data, 401, "forbidden", "check without credentials")
    st, h, data = raw(d, "GET", "/api/v1/check", None, api_headers(dict(creds, password="x" * 43)))
    is_error(t, st, h, data, 401, "forbidden", "check with a wrong secret")
    st, h, data = raw(d, "POST", "/api/v1/check", b"", api_headers(creds))
    is_error(t, st, h, data, 405, "method_not_allowed", "POST check")
    st, _, far = jraw(d, "POST", "/api/v1/register", {"allowfrom": ["198.51.100.0/24"]})
    st, h, data = raw(d, "GET", "/api/v1/check", None, api_headers(far))
    is_error(t, st, h, data, 401, "forbidden", "check from outside allowfrom")
    st, _, near = jraw(d, "POST", "/api/v1/register", {"allowfrom": ["127.0.0.0/8", "::1"]})
    st, _, j = jraw(d, "GET", "/api/v1/check", None, api_headers(near))
    t.eq(st, 200, "check from inside allowfrom")

    # health
    st, h, j = jraw(d, "GET", "/api/v1/health")
    t.eq(st, 200, "deep health: 200")
    t.ok(isinstance(j, dict) and j.get("healthy") is True and j.get("store") == "ok" and j.get("dns") == "ok",
         "healthy: store and DNS probe ok (%r)" % (j,))
    t.ok(h.get("content-type", "").startswith("application/json"), "health is JSON")
    t.ok(isinstance(j, dict) and j.get("subdomains", 0) >= 6, "health counts published subdomains")
    st, h, data = raw(d, "POST", "/api/v1/health", b"")
    is_error(t, st, h, data, 405, "method_not_allowed", "POST health")

t.done()
