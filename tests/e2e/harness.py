# SPDX-License-Identifier: MIT
# harness.py -- start the real localcertd on free loopback ports with a temporary
# data directory, and talk to it (DNS via dnspython, HTTP via urllib).
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import dns.message
import dns.query
import dns.rdatatype

LOCALCERTD = os.environ.get("LOCALCERTD", os.path.join(os.path.dirname(__file__), "../../build/localcertd"))
LOCALCERTCTL = os.environ.get("LOCALCERTCTL", os.path.join(os.path.dirname(__file__), "../../build/localcertctl"))


# A sanitizer build (make san / make tsan) writes its findings to stderr, which is
# the daemon's log here. Any of these lines fails the test that ran the daemon.
SANITIZER_REPORT = re.compile(r"(ERROR|WARNING): (Address|Leak|Thread|Memory|UndefinedBehavior)Sanitizer"
                              r"|SUMMARY: \w+Sanitizer|runtime error: ")

# Defaults for sanitizer builds (ignored by a normal build); the environment wins.
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:halt_on_error=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
    "TSAN_OPTIONS": "halt_on_error=0:second_deadlock_stack=1:suppressions="
                    + os.path.abspath(os.path.join(os.path.dirname(__file__), "../tsan/suppressions.txt")),
}


def sanitizer_env():
    env = dict(os.environ)
    for k, v in SANITIZER_ENV.items():
        env.setdefault(k, v)
    return env


def sanitizer_report(text):
    """The first lines of a sanitizer report in text, or None."""
    m = SANITIZER_REPORT.search(text or "")
    if m is None:
        return None
    start = text.rfind("\n", 0, m.start()) + 1
    return text[start:start + 3000]


class SanitizerFailure(AssertionError):
    """The daemon (or localcertctl) reported a memory/UB/thread error, or a clean stop failed."""


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(100):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            t.close()
            continue
        t.close()
        u.close()
        return port
    raise RuntimeError("no free port")


class Daemon:
    """One localcertd process. Use as a context manager; stops it by PID."""

    def __init__(self, config="", data_dir=None, extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix="lc-e2e-")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.dns_port = free_port()
        self.http_port = free_port()
        while self.http_port == self.dns_port:  # the kernel may hand out a just-closed port again
            self.http_port = free_port()
        self.config_text = config
        self.extra_args = list(extra_args)
        self.proc = None
        self.log_path = os.path.join(self.tmp, "localcertd.log")
        self.conf_path = os.path.join(self.tmp, "localcert.ini")

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.http_port

    def start(self, wait=True):
        with open(self.conf_path, "w") as f:
            f.write(self.config_text)
        args = [LOCALCERTD, "--config", self.conf_path, "--data", self.data_dir,
                "--dns", "127.0.0.1:%d" % self.dns_port,
                "--http", "127.0.0.1:%d" % self.http_port] + self.extra_args
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL,
                                     env=sanitizer_env())
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("localcertd exited with %s:\n%s" % (self.proc.returncode, self.logtext()))
            try:
                st, _ = self.http("GET", "/health", timeout=1)
                if st == 200:
                    q = dns.message.make_query("localhostcert.test.", "SOA")
                    dns.query.udp(q, "127.0.0.1", port=self.dns_port, timeout=0.5)
                    return
            except Exception:
                pass
            time.sleep(0.05)
        raise RuntimeError("localcertd not ready:\n" + self.logtext())

    def logtext(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10, check=True):
        """Stop the daemon with sig and return its exit status. Unless check is
        False, raise SanitizerFailure when the log holds a sanitizer report, or
        when a SIGTERM/SIGINT stop did not end in exit status 0 (a leak report
        or a crash while draining)."""
        if self.proc is None:
            return None
        hung = False
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                hung = True
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        self.log.close()
        if check:
            self.check_clean(rc if sig in (signal.SIGTERM, signal.SIGINT) and not hung else None,
                             hung)
        return rc

    def check_clean(self, rc=None, hung=False):
        """Raise SanitizerFailure if the log has a sanitizer report, the daemon
        hung on a clean stop, or rc (a clean stop's status; None = not checked) is not 0."""
        text = self.logtext()
        report = sanitizer_report(text)
        if report is not None:
            raise SanitizerFailure("sanitizer report in %s:\n%s" % (self.log_path, report))
        if hung:
            raise SanitizerFailure("localcertd did not stop within the timeout:\n" + text[-3000:])
        if rc is not None and rc != 0:
            raise SanitizerFailure("localcertd exited %s on a clean stop:\n%s" % (rc, text[-3000:]))

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        # With an exception already on its way, report a sanitizer finding
        # without hiding the original error.
        try:
            self.stop()
        except SanitizerFailure as e:
            if exc[0] is None:
                raise
            sys.stderr.write("%s\n" % e)
        if exc[0] is None and not os.environ.get("E2E_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            sys.stderr.write("kept %s\n" % self.tmp)

    # ---- DNS ----
    def query(self, name, rdtype="A", tcp=False, use_edns=None, payload=None, timeout=2, **kw):
        """Without use_edns the query carries no OPT record (as pebble sends them)."""
        if use_edns is not None:
            kw["payload"] = payload or 1232
        q = dns.message.make_query(name, rdtype, use_edns=use_edns, **kw)
        return self.send(q, tcp=tcp, timeout=timeout)

    def send(self, q, tcp=False, timeout=2):
        if tcp:
            return dns.query.tcp(q, "127.0.0.1", port=self.dns_port, timeout=timeout)
        return dns.query.udp(q, "127.0.0.1", port=self.dns_port, timeout=timeout, ignore_unexpected=True)

    def raw_udp(self, data, timeout=1.0):
        """Send raw bytes; return the raw reply or None on silence."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(timeout)
        try:
            s.sendto(data, ("127.0.0.1", self.dns_port))
            return s.recvfrom(65535)[0]
        except socket.timeout:
            return None
        finally:
            s.close()

    # ---- HTTP ----
    def http(self, method, path, body=None, headers=None, timeout=5, raw_body=None):
        data = raw_body
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def http_json(self, method, path, body=None, headers=None, **kw):
        st, raw = self.http(method, path, body, headers, **kw)
        try:
            return st, (json.loads(raw) if raw else None)
        except ValueError:
            return st, raw

    def register(self, path="/register", body=None):
        st, j = self.http_json("POST", path, body if body is not None else {})
        assert st == 201, (st, j)
        return j

    def update(self, creds, txt, path="/update", subdomain=None):
        return self.http_json("POST", path, {"subdomain": subdomain or creds["subdomain"], "txt": txt},
                              {"X-Api-User": creds["username"], "X-Api-Key": creds["password"]})

    def ctl(self, *args, check=True):
        r = subprocess.run([LOCALCERTCTL, "--data", self.data_dir] + list(args),
                           capture_output=True, text=True, timeout=30, env=sanitizer_env())
        report = sanitizer_report(r.stderr)
        if report is not None:
            raise SanitizerFailure("sanitizer report from localcertctl %s:\n%s" % (args, report))
        if check and r.returncode != 0:
            raise RuntimeError("localcertctl %s failed (%d): %s" % (args, r.returncode, r.stderr))
        return r


def txt_value(seed):
    """A syntactically valid challenge value: 43 chars of base64url (what ACME clients send)."""
    import base64
    import hashlib
    return base64.urlsafe_b64encode(hashlib.sha256(str(seed).encode()).digest()).decode().rstrip("=")


class Tap:
    """Minimal TAP producer so the runner can count results."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc), flush=True)
        return cond

    def eq(self, got, want, desc):
        ok = self.ok(got == want, desc)
        if not ok:
            print("#   got:  %r\n#   want: %r" % (got, want), flush=True)
        return ok

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)
