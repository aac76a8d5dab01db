#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_ctl.py -- localcertctl against a running daemon's data directory: create, list, key-create,
# revoke, delete, stats; the daemon publishes each change in DNS within 2 seconds.
import json
import os
import sys
import time

import dns.rcode

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers, challenge_name, jraw, txt_values  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()


def within(seconds, check):
    """Poll check() until it is true or the time is up; returns (ok, elapsed)."""
    t0 = time.time()
    while True:
        if check():
            return True, time.time() - t0
        if time.time() - t0 > seconds:
            return False, time.time() - t0
        time.sleep(0.05)


def soa_answers(d, name):
    r = d.query(name, "SOA")
    return r.rcode() == dns.rcode.NOERROR and len(r.answer) == 1 and str(r.answer[0].name) == name


def update(d, creds, value):
    st, _, _ = jraw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": value}, api_headers(creds))
    return st


with Daemon() as d:
    ctl = lambda *a, **kw: d.ctl("--config", d.conf_path, *a, **kw)  # noqa: E731

    r = ctl("--help")
    t.ok(r.returncode == 0 and "key-create" in r.stdout, "--help")
    import subprocess, tempfile
    from harness import LOCALCERTCTL
    missing = os.path.join(tempfile.mkdtemp(prefix="lc-ctl-"), "typo")
    r = subprocess.run([LOCALCERTCTL, "--data", missing, "list"], capture_output=True, text=True, timeout=30)
    t.ok(r.returncode == 1 and "no database" in r.stderr and not os.path.exists(missing),
         "bug: list on a mistyped --data fails and creates nothing")
    t.eq(ctl("frobnicate", check=False).returncode, 2, "unknown command: exit 2")
    t.eq(d.ctl(check=False).returncode, 2, "no command: exit 2")
    t.eq(ctl("create", check=False).returncode, 2, "create without a label: exit 2")
    t.eq(ctl("revoke", "a", "b", check=False).returncode, 2, "too many arguments: exit 2")

    # create
    t.eq(d.query("demo.localhostcert.test.", "SOA").rcode(), dns.rcode.NXDOMAIN, "demo does not exist yet")
    r = ctl("create", "demo")
    creds = json.loads(r.stdout)
    t.eq(sorted(creds), sorted(["username", "password", "fulldomain", "subdomain", "server_url", "allowfrom"]),
         "create prints the credentials JSON")
    t.eq((creds["fulldomain"], creds["subdomain"]), ("demo.localhostcert.test", "demo"), "named subdomain")
    ok, took = within(2, lambda: soa_answers(d, "demo.localhostcert.test."))
    t.ok(ok, "the daemon serves demo.localhostcert.test within 2 s (%.2fs)" % took)
    r2 = d.query("demo.localhostcert.test.", "A")
    t.eq([x.address for x in r2.answer[0]] if r2.answer else None, ["127.0.0.1"], "localhost kind: A 127.0.0.1")

    v1 = txt_value("ctl1")
    t.eq(update(d, creds, v1), 200, "the printed key works through the API at once")
    t.eq(txt_values(d, challenge_name(creds)), [v1], "named: value at _acme-challenge, visible after the 200")

    r = ctl("create", "Demo", check=False)
    t.ok(r.returncode == 1 and "taken" in r.stderr, "create an existing name: exit 1, 'taken'")
    for bad in ("-x", "a--b", "x" * 64, "under_score", "ns1", "paypal"):
        r = ctl("create", "--", bad, check=False)
        t.ok(r.returncode == 1 and r.stderr.startswith("localcertctl: create"), "create %r refused: %s" % (bad, r.stderr.strip()))
    r = ctl("create", "x", "--parent", "example.org", check=False)
    t.ok(r.returncode == 1 and "not served" in r.stderr, "unknown parent refused")
    r = ctl("create", "x", "--allowfrom", "10.0.0.0/99", check=False)
    t.ok(r.returncode == 2 and "CIDR" in r.stderr, "bad --allowfrom refused")

    r = ctl("create", "office-printer", "--parent", "localcert.test")
    lc = json.loads(r.stdout)
    ok, took = within(2, lambda: soa_answers(d, "office-printer.localcert.test."))
    t.ok(ok, "a name under the local parent is served within 2 s (%.2fs)" % took)
    r2 = d.query("office-printer.localcert.test.", "A")
    t.eq((r2.rcode(), len(r2.answer)), (dns.rcode.NOERROR, 0), "local kind: no address records")

    r = ctl("create", "locked", "--allowfrom", "10.0.0.0/8, 2001:db8::/32")
    locked = json.loads(r.stdout)
    t.eq(locked["allowfrom"], ["10.0.0.0/8", "2001:db8::/32"], "--allowfrom stored")
    within(2, lambda: soa_answers(d, "locked.localhostcert.test."))
    t.eq(update(d, locked, v1), 401, "its key is refused from 127.0.0.1")

    # key-create, the limit of 2, revoke
    r = ctl("key-create", "DEMO.localhostcert.test.")
    k2 = json.loads(r.stdout)
    t.ok(k2["username"] != creds["username"] and k2["fulldomain"] == "demo.localhostcert.test",
         "key-create (any case, trailing dot) prints a second key")
    v2 = txt_value("ctl2")
    t.eq(update(d, k2, v2), 200, "the second key works")
    r = ctl("key-create", "demo.localhostcert.test", check=False)
    t.ok(r.returncode == 1 and "revoke one" in r.stderr, "a third key is refused")
    r = ctl("key-create", "nope.localhostcert.test", check=False)
    t.ok(r.returncode == 1 and "no subdomain" in r.stderr, "key-create for an unknown name")

    r = ctl("list")
    out = r.stdout
    t.ok(r.returncode == 0 and "demo.localhostcert.test  named  serial" in out, "list shows demo, its kind and serial")
    t.ok(creds["username"] in out and k2["username"] in out, "list shows both keys")
    t.ok(v1 in out and v2 in out, "list shows the challenge values")
    t.ok("last used 20" in out and "last used never" in out, "list shows created/last used")
    t.ok(creds["password"] not in out and k2["password"] not in out, "list never shows secrets")

    r = ctl("revoke", creds["username"])
    t.ok(r.returncode == 0 and "revoked" in r.stdout, "revoke")
    t.eq(update(d, creds, txt_value("ctl3")), 401, "a revoked key is refused at once")
    t.eq(update(d, k2, txt_value("ctl4")), 200, "the other key still works")
    t.ok(creds["username"] not in ctl("list").stdout, "list no longer shows the revoked key")
    r = ctl("revoke", creds["username"], check=False)
    t.ok(r.returncode == 1 and "no live key" in r.stderr, "revoke twice: exit 1")
    r = ctl("revoke", "not-a-key", check=False)
    t.eq(r.returncode, 1, "revoke a malformed id: exit 1")
    t.ok(json.loads(ctl("key-create", "demo.localhostcert.test").stdout)["username"], "a slot is free again")

    # delete: the daemon stops serving it; the name is never reissued
    r = ctl("delete", "office-printer.localcert.test")
    t.eq(r.returncode, 0, "delete")
    ok, took = within(2, lambda: d.query("office-printer.localcert.test.", "SOA").rcode() == dns.rcode.NXDOMAIN)
    t.ok(ok, "deleted name is gone from DNS within 2 s (%.2fs)" % took)
    r = ctl("create", "office-printer", "--parent", "localcert.test", check=False)
    t.ok(r.returncode == 1 and "never" in r.stderr, "a deleted name is not reissued")
    t.eq(update(d, lc, txt_value("gone")), 401, "keys of a deleted subdomain are refused")
    t.ok("DELETED" in ctl("list", "--all").stdout and "office-printer" not in ctl("list").stdout,
         "list --all shows deleted names, list does not")

    # stats (SPEC 4): the numbers of the console's statistics page, as text and as JSON
    import re
    from consolehelp import Browser
    t.ok("stats [--json]" in ctl("--help").stdout, "--help lists stats")
    d.register()  # a delegate subdomain
    d.http_json("POST", "/api/v1/register", {})  # an instant one
    pw = re.search(r"password: (\S+)", ctl("staff-create", "boss").stdout).group(1)
    staff = Browser(d)
    t.eq(staff.login("boss", pw)[0], 303, "staff signs in to the console")
    staff.post("/subdomains/new", {"label": "owned", "parent": "localhostcert.test"})
    st, _, page = staff.get("/admin")
    t.eq(st, 200, "the statistics page")

    def cells(label):
        m = re.search(r"<tr><td>%s</td>((?:<td class=\"num\">\d+</td>)+)</tr>" % re.escape(label), page)
        return [int(x) for x in re.findall(r"(\d+)</td>", m.group(1))] if m else None

    r = ctl("stats", "--json")
    j = json.loads(r.stdout)
    page_nums = {
        "accounts": cells("Accounts"), "staff": cells("Staff"), "sessions_live": cells("Signed-in sessions"),
        "instant": cells("Instant"), "delegate": cells("Delegate (acme-dns register)"), "named": cells("Named"),
        "owned": cells("Owned by an account"), "deleted": cells("Deleted (names never reissued)"),
        "new_accounts": cells("New accounts"), "new_subdomains": cells("New subdomains"),
        "keys_created": cells("Keys created"), "keys_used": cells("Keys used"),
    }
    ctl_nums = {
        "accounts": [j["accounts"]], "staff": [j["staff"]], "sessions_live": [j["sessions_live"]],
        "instant": [j["subdomains"]["instant"]], "delegate": [j["subdomains"]["delegate"]],
        "named": [j["subdomains"]["named"]], "owned": [j["subdomains_owned"]],
        "deleted": [j["subdomains_deleted"]], "new_accounts": j["new_accounts"],
        "new_subdomains": j["new_subdomains"], "keys_created": j["keys_created"], "keys_used": j["keys_used"],
    }
    t.eq(ctl_nums, page_nums, "stats --json gives the numbers the statistics page shows")
    t.eq(j["period_days"], [1, 7, 30, 90], "periods: 1, 7, 30 and 90 days")
    t.ok(("%d live keys" % j["keys_live"]) in page, "live keys as on the page (%d)" % j["keys_live"])
    t.eq((j["accounts"], j["staff"], j["subdomains"]), (1, 1, {"instant": 1, "delegate": 1, "named": 3}),
         "accounts and subdomains by kind")
    t.ok(j["subdomains_deleted"] == 1 and j["subdomains_owned"] == 1, "deleted and owned")
    t.ok(j["keys_used"][0] >= 1 and j["keys_created"][3] >= j["keys_live"], "keys used and created")
    r = ctl("stats")
    text = r.stdout
    t.ok(r.returncode == 0 and "last day" in text and "last 90 days" in text, "stats prints a plain-text table")
    for label, want in (("accounts", j["accounts"]), ("named", j["subdomains"]["named"]),
                        ("deleted", j["subdomains_deleted"])):
        t.ok(re.search(r"^  %s +%d$" % (label, want), text, re.M) is not None, "text: %s %d" % (label, want))
    row = re.search(r"^  keys created +(\d+) +(\d+) +(\d+) +(\d+)$", text, re.M)
    t.eq([int(x) for x in row.groups()] if row else None, j["keys_created"], "text: keys created per period")
    t.eq(ctl("stats", "--all", check=False).returncode, 2, "stats --all: exit 2")
    t.eq(ctl("list", "--json", check=False).returncode, 2, "--json applies to stats only")
t.done()
