# SPDX-License-Identifier: MIT
# apihelp.py -- helpers for the API e2e tests (test_api_*.py, test_ctl.py, test_durability.py):
# raw HTTP requests with exact paths and headers, and challenge values read back through DNS.
import base64
import http.client
import json

import dns.flags
import dns.rdatatype


def raw(d, method, path, body=None, headers=None, host="127.0.0.1", port=None, timeout=5):
    """Send one request with the path exactly as given ("//update" stays as is).
    Returns (status, headers dict with lowercase names, body bytes)."""
    c = http.client.HTTPConnection(host, port or d.http_port, timeout=timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def jraw(d, method, path, body=None, headers=None, **kw):
    """raw() with the body decoded as JSON (None when empty)."""
    st, hdrs, data = raw(d, method, path, body, headers, **kw)
    try:
        return st, hdrs, (json.loads(data) if data else None)
    except ValueError:
        return st, hdrs, data


def api_headers(creds):
    return {"X-Api-User": creds["username"], "X-Api-Key": creds["password"]}


def basic_headers(creds):
    tok = base64.b64encode(("%s:%s" % (creds["username"], creds["password"])).encode()).decode()
    return {"Authorization": "Basic " + tok}


def is_error(t, st, hdrs, data, want_status, want_code, desc):
    """Check an error answer: status, JSON content type, one-line {"error","message"} body."""
    ok = t.eq(st, want_status, desc + ": status %d" % want_status)
    t.ok(hdrs.get("content-type", "").startswith("application/json"), desc + ": application/json")
    try:
        j = json.loads(data)
    except (ValueError, TypeError):
        j = None
    t.ok(isinstance(j, dict) and j.get("error") == want_code and isinstance(j.get("message"), str)
         and j["message"] != "", desc + ": error %s with a message (got %r)" % (want_code, data[:200]))
    t.ok(b"\n" not in data.strip(), desc + ": single-line body")
    return ok


def txt_values(d, name):
    """The TXT strings at name (absolute, trailing dot), sorted; [] for NXDOMAIN/NODATA."""
    r = d.query(name, "TXT")
    out = []
    for rrset in r.answer:
        if rrset.rdtype == dns.rdatatype.TXT:
            out += [b"".join(x.strings).decode() for x in rrset]
    return sorted(out)


def challenge_name(creds):
    """Where instant and named subdomains serve their challenge values.
    (Delegate subdomains serve them at their apex, "<fulldomain>.".)"""
    return "_acme-challenge.%s." % creds["fulldomain"]
