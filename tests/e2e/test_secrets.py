#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_secrets.py -- secrets stay secret: no API key secret, password or session id
# the daemon received or issued appears in its log (at debug level); core dumps are
# off (RLIMIT_CORE 0, not dumpable); and, when the test may read the daemon's memory
# (root), none of them is left in its memory once the requests are done.
import base64
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers, basic_headers, raw  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
ROOT = os.geteuid() == 0


def fake_secret():
    """Shaped like a real secret (43 characters of base64url), never issued."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def set_cookies(hdrs_list):
    out = {}
    for k, v in hdrs_list:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name.strip()] = rest.split(";")[0]
    return out


def console_login(d, name, password):
    """Sign in through the console: returns (status, cookies) of the POST /login answer."""
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=10)
    c.request("GET", "/login")
    r = c.getresponse()
    r.read()
    cookies = set_cookies(r.getheaders())
    c.close()
    csrf = cookies.get("lc_csrf", "")
    body = urllib.parse.urlencode({"csrf": csrf, "name": name, "password": password})
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=30)
    c.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": "lc_csrf=" + csrf})
    r = c.getresponse()
    r.read()
    cookies.update(set_cookies(r.getheaders()))
    c.close()
    return r.status, cookies


def readable_maps(pid):
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            path = parts[5] if len(parts) > 5 else ""
            # Writable memory is where data the daemon received or built can be.
            if "w" in parts[1] and not path.startswith("/dev/") and path != "[vvar]":
                yield lo, hi, path


def scan_memory(pid, needles):
    """Which needles (bytes) occur anywhere in the process's writable memory.
    Mappings over 1 GiB (a sanitizer's shadow memory) are skipped."""
    found = set()
    chunk = 16 << 20
    overlap = max(len(n) for n in needles)
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for lo, hi, _ in readable_maps(pid):
            if hi - lo > (1 << 30):
                continue
            at = lo
            while at < hi:
                try:
                    mem.seek(at)
                    data = mem.read(min(chunk + overlap, hi - at))
                except OSError:
                    break
                for n in needles:
                    if n not in found and n in data:
                        found.add(n)
                at += chunk
    return found


with Daemon("[server]\nlog_level = debug\n[api]\nauth_fail_max = 1000\n") as d:
    secrets_seen = {}      # what -> secret text

    # --- API keys: issued, used with headers and with Basic, refused ---
    st, _, body = raw(d, "POST", "/register", b"")
    import json
    c1 = json.loads(body)
    secrets_seen["delegate secret"] = c1["password"]
    st, _, body = raw(d, "POST", "/api/v1/register", b"output_format=lego",
                      {"Content-Type": "application/x-www-form-urlencoded"})
    c2 = list(json.loads(body).values())[0]
    secrets_seen["instant secret"] = c2["password"]
    st, _, _ = raw(d, "POST", "/update", {"subdomain": c1["subdomain"], "txt": txt_value(1)}, api_headers(c1))
    t.eq(st, 200, "update with X-Api-Key")
    bh = basic_headers(c2)
    secrets_seen["Basic token"] = bh["Authorization"].split(" ", 1)[1]
    st, _, _ = raw(d, "POST", "/update", {"subdomain": c2["subdomain"], "txt": txt_value(2)}, bh)
    t.eq(st, 200, "update with HTTP Basic")
    st, _, _ = raw(d, "GET", "/api/v1/check", None, api_headers(c2))
    t.eq(st, 200, "check")
    wrong = fake_secret()
    secrets_seen["wrong secret"] = wrong
    st, _, _ = raw(d, "POST", "/update", {"subdomain": c1["subdomain"], "txt": txt_value(3)},
                   {"X-Api-User": c1["username"], "X-Api-Key": wrong})
    t.eq(st, 401, "wrong secret refused")
    # A secret pasted into the user field, and a key for an unknown id.
    st, _, _ = raw(d, "POST", "/update", {"subdomain": c1["subdomain"], "txt": txt_value(4)},
                   {"X-Api-User": c1["password"], "X-Api-Key": c1["password"]})
    t.eq(st, 401, "secret as the user name refused")
    pasted = fake_secret()
    secrets_seen["secret in Basic user"] = pasted
    tok = base64.b64encode(("%s:%s" % (pasted, pasted)).encode()).decode()
    secrets_seen["Basic token of it"] = tok
    st, _, _ = raw(d, "GET", "/api/v1/check", None, {"Authorization": "Basic " + tok})
    t.eq(st, 401, "secret as the Basic user name refused")
    # A malformed header line carrying a secret (libmicrohttpd's own error path, logged at debug).
    garbled = fake_secret()
    secrets_seen["malformed header"] = garbled
    s = socket.create_connection(("127.0.0.1", d.http_port), timeout=5)
    s.sendall(("GET /api/v1/check HTTP/1.1\r\nHost: x\r\nX-Api-Key %s\r\n\r\n" % garbled).encode())
    s.recv(4096)
    s.close()

    # --- localcertctl: a new subdomain and a second key, then used ---
    r = d.ctl("create", "secretstest")
    c3 = json.loads(r.stdout)
    secrets_seen["ctl create secret"] = c3["password"]
    r = d.ctl("key-create", c3["fulldomain"])
    c4 = json.loads(r.stdout)
    secrets_seen["ctl key-create secret"] = c4["password"]
    time.sleep(1.5)  # the daemon's poll publishes localcertctl's changes
    st, _, _ = raw(d, "POST", "/update", {"subdomain": c3["subdomain"], "txt": txt_value(5)}, api_headers(c4))
    t.eq(st, 200, "update with a key made by localcertctl")

    # --- console: a password, a failed password, a session id ---
    password = fake_secret()
    secrets_seen["console password"] = password
    r = subprocess.run([os.environ.get("LOCALCERTCTL", "build/localcertctl"), "--data", d.data_dir,
                        "user-create", "alice", "--password-stdin"], input=password + "\n",
                       capture_output=True, text=True, timeout=30)
    have_console = r.returncode == 0
    if have_console:
        st, cookies = console_login(d, "alice", password)
        t.ok(st in (302, 303) and "lc_session" in cookies, "console sign-in (%s)" % st)
        sid = cookies.get("lc_session", "")
        if sid:
            secrets_seen["session id"] = sid
            st, _, _ = raw(d, "GET", "/subdomains", None, {"Cookie": "lc_session=" + sid})
            t.eq(st, 200, "a page with the session")
        bad = fake_secret()
        secrets_seen["wrong console password"] = bad
        st, _ = console_login(d, "alice", bad)
        t.eq(st, 401, "wrong console password refused")
    else:
        t.ok(True, "# skip console: localcertctl user-create not available (%s)" % r.stderr.strip()[:80])

    # --- core dumps ---
    pid = d.proc.pid
    with open("/proc/%d/limits" % pid) as f:
        core = [line for line in f if line.startswith("Max core file size")]
    t.ok(core and re.match(r"Max core file size\s+0\s+0\s", core[0]), "RLIMIT_CORE is 0 (soft and hard): %r"
         % (core[0].strip() if core else None))
    # Not dumpable: /proc/PID/ belongs to root, so even the same user cannot read
    # the environment. Only meaningful when the daemon does not run as root.
    st_ = os.stat("/proc/%d" % pid)
    if not ROOT:
        t.eq(st_.st_uid, 0, "not dumpable: /proc/PID is owned by root")
    else:
        t.ok(True, "# dumpable flag checked below with an unprivileged daemon")

    # --- memory: nothing left behind (needs ptrace rights: root) ---
    time.sleep(0.3)  # connections closed, requests completed
    if ROOT:
        needles = {v.encode(): k for k, v in secrets_seen.items()}
        found = scan_memory(pid, list(needles))
        t.eq(sorted(needles[n] for n in found), [], "no secret left in the daemon's memory after use")
    else:
        t.ok(True, "# skip memory scan: needs root")

    d.stop()
    log = d.logtext()
    t.ok("api: update" in log and c1["username"] in log, "the log has the events (key ids included)")
    leaked = sorted(k for k, v in secrets_seen.items() if v in log)
    t.eq(leaked, [], "no secret, password or session id in the log (%d checked)" % len(secrets_seen))

# An unprivileged daemon: the same user cannot read /proc/PID/environ (not dumpable),
# while it can for an ordinary process of that user.
if ROOT and subprocess.run(["which", "setpriv"], capture_output=True).returncode == 0:
    d = Daemon("")
    os.chmod(d.tmp, 0o777)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    import harness
    orig = harness.LOCALCERTD
    with open(d.conf_path, "w") as f:
        f.write("")
    args = nobody + [orig, "--config", d.conf_path, "--data", d.data_dir, "--dns", "127.0.0.1:%d" % d.dns_port,
                     "--http", "127.0.0.1:%d" % d.http_port]
    d.log = open(d.log_path, "ab")
    d.proc = subprocess.Popen(args, stdout=d.log, stderr=d.log, stdin=subprocess.DEVNULL, env=harness.sanitizer_env())
    d.wait_ready()
    probe = nobody + ["sh", "-c", "cat /proc/%d/environ >/dev/null 2>&1 && echo readable || echo denied"]
    r = subprocess.run(probe[:-1] + [probe[-1] % d.proc.pid], capture_output=True, text=True)
    sleeper = subprocess.Popen(nobody + ["sleep", "30"])
    time.sleep(0.2)
    r2 = subprocess.run(probe[:-1] + [probe[-1] % sleeper.pid], capture_output=True, text=True)
    sleeper.kill()
    sleeper.wait()
    t.eq(r2.stdout.strip(), "readable", "control: an ordinary process of the same user is readable")
    t.eq(r.stdout.strip(), "denied", "the daemon is not dumpable: its own user cannot read /proc/PID/environ")
    t.eq(d.stop(), 0, "unprivileged daemon stops cleanly")
    import shutil
    shutil.rmtree(d.tmp, ignore_errors=True)
else:
    t.ok(True, "# skip dumpable check with an unprivileged daemon: needs root and setpriv")
t.done()
