# SPDX-License-Identifier: MIT
# test_daemon_cli.py -- localcertd's command line, config errors, exit codes,
# the startup line, SIGHUP and a clean SIGTERM shutdown (src/main.c, src/conf/).
import os
import signal
import socket
import subprocess
import tempfile

from harness import LOCALCERTD, Daemon, SanitizerFailure, Tap, free_port, sanitizer_env, sanitizer_report

t = Tap()


def run(*args, timeout=10):
    r = subprocess.run([LOCALCERTD] + list(args), capture_output=True, text=True, timeout=timeout,
                       env=sanitizer_env())
    report = sanitizer_report(r.stderr)
    if report is not None:
        raise SanitizerFailure("sanitizer report from localcertd %s:\n%s" % (args, report))
    return r


r = run("--version")
t.ok(r.returncode == 0 and r.stdout.startswith("localcertd "), "--version prints the version, exit 0")
r = run("--help")
t.ok(r.returncode == 0 and "--config FILE" in r.stdout and "--dns ADDR:PORT" in r.stdout
     and "--log-level" in r.stdout, "--help lists the options, exit 0")
r = run("--bogus")
t.eq(r.returncode, 2, "unknown option: exit 2")
t.ok("--help" in r.stderr, "unknown option: points at --help")
r = run("extra-arg")
t.eq(r.returncode, 2, "stray argument: exit 2")

with tempfile.TemporaryDirectory() as tmp:
    bad = os.path.join(tmp, "bad.ini")
    with open(bad, "w") as f:
        f.write("[server]\nhttp_listen = 127.0.0.1:8053\nhttp_threads = many\n")
    r = run("--config", bad, "--data", os.path.join(tmp, "d"))
    t.eq(r.returncode, 2, "bad config: exit 2")
    t.ok("%s:3:" % bad in r.stderr and "http_threads" in r.stderr,
         "bad config: one line naming file:line and the key (%s)" % r.stderr.strip())
    t.eq(len(r.stderr.strip().splitlines()), 1, "bad config: exactly one error line")
    t.ok(not os.path.exists(os.path.join(tmp, "d")), "bad config: nothing created")

    r = run("--config", os.path.join(tmp, "missing.ini"))
    t.eq(r.returncode, 2, "missing config file: exit 2")
    t.ok("missing.ini" in r.stderr, "missing config file: named in the message")

    r = run("--dns", "localhost:53", "--data", os.path.join(tmp, "d"))
    t.eq(r.returncode, 2, "bad --dns: exit 2")
    t.ok("--dns" in r.stderr and "localhost:53" in r.stderr, "bad --dns: message names flag and value")
    r = run("--log-level", "loud", "--data", os.path.join(tmp, "d"))
    t.eq(r.returncode, 2, "bad --log-level: exit 2")

    # A port that is taken: a startup failure, exit 1, one clear line.
    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    r = run("--data", os.path.join(tmp, "d2"), "--dns", "127.0.0.1:%d" % free_port(),
            "--http", "127.0.0.1:%d" % port)
    busy.close()
    t.eq(r.returncode, 1, "HTTP port in use: exit 1")
    t.ok("127.0.0.1:%d" % port in r.stderr, "HTTP port in use: the address is named (%s)"
         % r.stderr.strip().splitlines()[-1:])

# A normal start: the ready line, SIGHUP is harmless, SIGTERM exits 0.
d = Daemon(config="[server]\nlog_level = info\n")
d.start()
log = d.logtext()
ready = [line for line in log.splitlines() if "localcertd ready:" in line]
t.eq(len(ready), 1, "one ready line")
t.ok(ready and ("dns=127.0.0.1:%d" % d.dns_port) in ready[0] and ("http=127.0.0.1:%d" % d.http_port) in ready[0]
     and "data=" in ready[0] and "subdomains=0" in ready[0], "ready line names dns, http, data, subdomains")
d.proc.send_signal(signal.SIGHUP)
st, _ = d.http("GET", "/health")
t.eq(st, 200, "still serving after SIGHUP")
creds = d.register()
rc = d.stop(signal.SIGTERM)
t.eq(rc, 0, "SIGTERM: exit 0")
t.ok("shutting down" in d.logtext() and "localcertd stopped" in d.logtext(), "SIGTERM: logged")

# Restart on the same data directory: the subdomain is still there.
d2 = Daemon(config="", data_dir=d.data_dir)
d2.start()
ready = [line for line in d2.logtext().splitlines() if "localcertd ready:" in line]
t.ok(ready and "subdomains=1" in ready[0], "restart: the registered subdomain was loaded")
ans = d2.query(creds["fulldomain"] + ".", "SOA")
t.ok(len(ans.answer) == 1, "restart: the subdomain answers SOA")
t.eq(d2.stop(signal.SIGINT), 0, "SIGINT: exit 0")

t.done()
