#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_api_acmedns.py -- the acme-dns compatible calls as clients make them: register (empty
# body, allowfrom), update (header and Basic credentials, lego's key names, //update, trailing
# slash, the compat prefix), health; every bad input; values visible in DNS right after the 200.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers, basic_headers, is_error, jraw, raw, txt_values  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
COMPAT = "/api/v1/acme-dns-compat"

with Daemon("[api]\nreg_delegate_per_day = 1000\n") as d:
    # --- register ---
    # lego: Content-Type application/json, Content-Length 0, empty body.
    st, hdrs, j = jraw(d, "POST", "/register", b"", {"Content-Type": "application/json"})
    t.eq(st, 201, "register with an empty body: 201")
    t.ok(hdrs.get("content-type", "").startswith("application/json"), "register: application/json")
    t.eq(sorted(j), sorted(["username", "password", "fulldomain", "subdomain", "allowfrom", "server_url"]),
         "register returns the credentials fields")
    creds = j
    t.ok(len(j["password"]) == 43 and all(c.isalnum() or c in "-_" for c in j["password"]),
         "secret: 43 characters of base64url (256 bits)")
    t.ok(len(j["username"]) == 36 and j["username"] == j["username"].lower(), "username: lowercase UUID")
    t.ok(len(j["subdomain"]) == 36 and j["subdomain"][14] == "4", "subdomain label: a UUIDv4")
    t.eq(j["fulldomain"], j["subdomain"] + ".localhostcert.test", "fulldomain under the default parent")
    t.eq(j["allowfrom"], [], "allowfrom defaults to []")
    t.ok(j["server_url"].startswith("http"), "server_url set")
    apex = j["fulldomain"] + "."

    st, _, j2 = jraw(d, "POST", "/register", b"")
    t.ok(st == 201 and j2["subdomain"] != creds["subdomain"] and j2["username"] != creds["username"],
         "a second register gives another subdomain and key")
    st, _, j3 = jraw(d, "POST", COMPAT + "/register", {})
    t.eq(st, 201, "register under the compat prefix with {}")
    st, _, j4 = jraw(d, "POST", "/register/", None)
    t.eq(st, 201, "register with a trailing slash (no redirect)")
    st, _, j5 = jraw(d, "POST", "//register", b"")
    t.eq(st, 201, "//register")

    st, _, ja = jraw(d, "POST", "/register", {"allowfrom": ["192.0.2.0/24", "2001:db8::/32"]})
    t.eq((st, ja.get("allowfrom") if isinstance(ja, dict) else None), (201, ["192.0.2.0/24", "2001:db8::/32"]),
         "register with allowfrom echoes it")
    st, _, jb = jraw(d, "POST", "/register", {"AllowFrom": ["127.0.0.1/32"]})
    t.eq((st, jb.get("allowfrom") if isinstance(jb, dict) else None), (201, ["127.0.0.1/32"]),
         "allowfrom key matched case-insensitively (AllowFrom)")
    st, _, jc = jraw(d, "POST", "/register", {"allowfrom": None})
    t.eq((st, jc.get("allowfrom") if isinstance(jc, dict) else None), (201, []), "allowfrom null = anywhere")
    st, _, jd = jraw(d, "POST", "/register", {"allowfrom": ["10.0.0.0/8"]})
    t.eq(st, 201, "register restricted to 10.0.0.0/8")

    for body, desc in ((b"{", "truncated JSON"), (b"[1,2]", "a JSON array"), (b"\"x\"", "a JSON string"),
                       (b"not json", "not JSON"), (b'{"a":1}{', "trailing garbage"),
                       (b'{"allowfrom":[],"allowfrom":[]}', "duplicate keys")):
        st, hdrs, data = raw(d, "POST", "/register", body, {"Content-Type": "application/json"})
        is_error(t, st, hdrs, data, 400, "malformed_json_payload", "register with " + desc)
    for af, desc in ((["192.0.2.0/33"], "prefix too long"), (["not-a-cidr"], "not an address"),
                     ([42], "a number"), ("10.0.0.0/8", "a string instead of a list"),
                     (["10.0.0.0/8", "2001:db8::/129"], "one bad entry of two"),
                     (["10.0.0.%d/32" % i for i in range(17)], "17 entries")):
        st, hdrs, data = raw(d, "POST", "/register", {"allowfrom": af})
        is_error(t, st, hdrs, data, 400, "invalid_allowfrom_cidr", "register allowfrom " + desc)

    # --- update ---
    v1, v2, v3 = txt_value("a1"), txt_value("a2"), txt_value("a3")
    # Exactly what goacmedns sends: keys SubDomain/Txt.
    st, hdrs, j = jraw(d, "POST", "/update", {"SubDomain": creds["subdomain"], "Txt": v1},
                       dict(api_headers(creds), **{"Content-Type": "application/json",
                                                   "User-Agent": "goacmedns (linux; amd64)"}))
    t.eq((st, j), (200, {"txt": v1}), "update with lego's keys: 200 {\"txt\"}")
    t.eq(txt_values(d, apex), sorted(["v=spf1 -all", v1]),
         "delegate: value at the subdomain apex next to the SPF string, right after the 200")
    r = d.query(apex, "TXT")
    t.ok(all(rr.ttl <= 60 for rr in r.answer), "apex TXT RRset has the short challenge TTL")

    st, _, j = jraw(d, "POST", "//update", {"subdomain": creds["subdomain"], "txt": v2}, api_headers(creds))
    t.eq((st, j), (200, {"txt": v2}), "POST //update (base URL with a trailing slash)")
    t.eq(txt_values(d, apex), sorted(["v=spf1 -all", v1, v2]), "two values at once")

    st, _, j = jraw(d, "POST", "/update/", {"subdomain": creds["subdomain"], "txt": v3}, basic_headers(creds))
    t.eq(st, 200, "update/ with a trailing slash and HTTP Basic credentials")
    t.eq(txt_values(d, apex), sorted(["v=spf1 -all", v2, v3]), "a third value drops the oldest")

    st, _, _ = jraw(d, "POST", COMPAT + "/update", {"subdomain": creds["fulldomain"], "txt": v1},
                    api_headers(creds))
    t.eq(st, 200, "update under the compat prefix, subdomain given as the full name")
    st, _, _ = jraw(d, "POST", COMPAT + "//update/", {"subdomain": creds["subdomain"].upper(), "txt": v2},
                    dict(api_headers(creds), **{"Content-Type": "text/plain"}))
    t.eq(st, 200, "compat //update/, subdomain in upper case, Content-Type text/plain ignored")
    t.eq(txt_values(d, apex), sorted(["v=spf1 -all", v1, v2]), "re-sent value becomes the newest")
    st, _, _ = jraw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": v2},
                    {"x-api-user": creds["username"].upper(), "x-api-key": creds["password"]})
    t.eq(st, 200, "header names any case; key id any case")

    # Credentials
    good = {"subdomain": creds["subdomain"], "txt": v3}
    wrong_secret = dict(creds, password=creds["password"][:-1] + ("A" if creds["password"][-1] != "A" else "B"))
    for hdrs_in, desc in (({}, "no credentials"),
                          ({"X-Api-User": creds["username"]}, "user without key"),
                          (api_headers(wrong_secret), "wrong secret"),
                          (api_headers(dict(creds, username="00000000-0000-4000-8000-000000000000")), "unknown key id"),
                          (api_headers(dict(creds, username="not-a-uuid")), "malformed key id"),
                          (basic_headers(wrong_secret), "wrong secret via Basic"),
                          ({"Authorization": "Basic !!!"}, "undecodable Basic"),
                          ({"Authorization": "Bearer " + creds["password"]}, "another auth scheme"),
                          (api_headers(j2), "another subdomain's key")):
        st, h, data = raw(d, "POST", "/update", good, hdrs_in)
        is_error(t, st, h, data, 401, "forbidden", "update with " + desc)
    t.ok(creds["password"].encode() not in open(d.log_path, "rb").read(), "no secret in the log")
    t.eq(txt_values(d, apex), sorted(["v=spf1 -all", v1, v2]), "refused updates changed nothing")

    # Bad values and subdomains (checked before the key, so also without credentials)
    for txt, desc in ((v1[:-1], "42 characters"), (v1 + "A", "44 characters"), (v1[:-1] + "=", "padding"),
                      (v1[:-1] + "+", "standard base64 '+'"), ("", "empty"), (None, "missing"), (42, "a number"),
                      ("x" * 300, "300 characters")):
        body = {"subdomain": creds["subdomain"]}
        if txt is not None:
            body["txt"] = txt
        st, h, data = raw(d, "POST", "/update", body, api_headers(creds))
        is_error(t, st, h, data, 400, "bad_txt", "txt " + desc)
    for sub, desc in (("", "empty"), (None, "missing"), ("bad_label", "underscore"), ("a..b", "empty label"),
                      ("-x", "leading hyphen"), ("x" * 64, "64 characters"), (["x"], "a list")):
        body = {"txt": v1}
        if sub is not None:
            body["subdomain"] = sub
        st, h, data = raw(d, "POST", "/update", body, api_headers(creds))
        is_error(t, st, h, data, 400, "bad_subdomain", "subdomain " + desc)
    st, h, data = raw(d, "POST", "/update", {"subdomain": j2["subdomain"], "txt": v1}, api_headers(creds))
    is_error(t, st, h, data, 401, "forbidden", "valid label of another subdomain")
    st, h, data = raw(d, "POST", "/update", {"subdomain": creds["subdomain"] + ".localcert.test", "txt": v1},
                      api_headers(creds))
    is_error(t, st, h, data, 401, "forbidden", "right label under the wrong parent")
    st, h, data = raw(d, "POST", "/update", b"{\"subdomain\":", api_headers(creds))
    is_error(t, st, h, data, 400, "malformed_json_payload", "update with broken JSON")

    # allowfrom: the 10.0.0.0/8 key may not be used from 127.0.0.1; the 127.0.0.1/32 one may.
    st, h, data = raw(d, "POST", "/update", {"subdomain": jd["subdomain"], "txt": v1}, api_headers(jd))
    is_error(t, st, h, data, 401, "forbidden", "update from outside the key's allowfrom")
    t.eq(txt_values(d, jd["fulldomain"] + "."), ["v=spf1 -all"], "nothing written from outside allowfrom")
    st, _, _ = jraw(d, "POST", "/update", {"subdomain": jb["subdomain"], "txt": v1}, api_headers(jb))
    t.eq(st, 200, "update from inside allowfrom")
    st, h, data = raw(d, "POST", "/update", {"subdomain": jd["subdomain"], "txt": v1},
                      dict(api_headers(jd), **{"X-Forwarded-For": "10.1.2.3"}))
    is_error(t, st, h, data, 401, "forbidden", "X-Forwarded-For from an untrusted peer is ignored")

    # --- health, routing, methods ---
    for p in ("/health", "/health/", COMPAT + "/health", "//health"):
        st, h, data = raw(d, "GET", p)
        t.eq((st, data), (200, b""), "GET %s: 200, empty body" % p)
    st, h, data = raw(d, "GET", "/update")
    is_error(t, st, h, data, 405, "method_not_allowed", "GET /update")
    t.eq(h.get("allow"), "POST", "405 names the allowed method")
    st, h, data = raw(d, "DELETE", "/register")
    is_error(t, st, h, data, 405, "method_not_allowed", "DELETE /register")
    for p in ("/nope", "/api/v1/acme-dns-compat", "/api/v1/acme-dns-compat/nope", "/updatex", "/api/v2/update"):
        st, h, data = raw(d, "POST", p, b"")
        is_error(t, st, h, data, 404, "not_found", "POST " + p)
    st, h, _ = raw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": v1}, api_headers(creds))
    t.ok(st == 200 and "location" not in h, "never a redirect")
    log = d.logtext()
    t.ok("update " + creds["fulldomain"] in log, "updates are logged (one line with the name)")
t.done()
