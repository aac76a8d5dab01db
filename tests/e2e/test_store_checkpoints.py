#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_store_checkpoints.py -- the daemon checkpoints its WAL on a thread of its own
# (lc-checkpoint; docs/storage.md): under a stream of updates the WAL stays bounded, the
# database file takes the changes, a kill -9 in the middle loses nothing acknowledged and
# leaves a database that passes SQLite's integrity check.
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apihelp import challenge_name, txt_values  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
CONF = "[api]\nreg_instant_burst = 100\nreg_instant_per_hour = 100\n"
CLIENTS, PER_CLIENT = 8, 700
data_dir = os.path.join(tempfile.mkdtemp(prefix="lc-ckpt-"), "data")  # outlives each daemon


def threads_of(pid):
    names = []
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
            names.append(f.read().strip())
    return names


def pump(d, creds, tag, acked):
    """Closed-loop keep-alive updates; records the last two acknowledged values."""
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=10)
    hdrs = {"X-Api-User": creds["username"], "X-Api-Key": creds["password"]}
    try:
        for i in range(PER_CLIENT):
            v = txt_value("%s-%d" % (tag, i))
            c.request("POST", "/update", json.dumps({"subdomain": creds["subdomain"], "txt": v}), hdrs)
            r = c.getresponse()
            r.read()
            if r.status == 200:
                acked[tag] = (acked.get(tag, ()) + (v,))[-2:]
    except (OSError, http.client.HTTPException):
        pass  # the daemon was killed under us
    finally:
        c.close()


with Daemon(CONF, data_dir=data_dir) as d:
    names = threads_of(d.proc.pid)
    t.ok("lc-checkpoint" in names, "the daemon runs a checkpoint thread (threads: %s)" % sorted(set(names)))
    creds = [d.register("/api/v1/register") for _ in range(CLIENTS)]
    wal = os.path.join(d.data_dir, "localcert.db-wal")
    sizes, stop = [], threading.Event()

    def watch():
        while not stop.wait(0.05):
            try:
                sizes.append(os.path.getsize(wal))
            except OSError:
                pass
    w = threading.Thread(target=watch)
    w.start()
    acked = {}
    ts = [threading.Thread(target=pump, args=(d, c, "c%d" % i, acked)) for i, c in enumerate(creds)]
    for x in ts:
        x.start()
    for x in ts:
        x.join()
    stop.set()
    w.join()
    t.eq(len(acked), CLIENTS, "every client got its updates acknowledged")
    # 5,600 updates write far more than 1,000 WAL pages; checkpoints let the WAL start over.
    t.ok(sizes and max(sizes) < 24 * 1024 * 1024,
         "the WAL stayed bounded under %d updates (max %d bytes)" % (CLIENTS * PER_CLIENT, max(sizes or [0])))
    ok = all(txt_values(d, challenge_name(c)) == sorted(acked["c%d" % i]) for i, c in enumerate(creds))
    t.ok(ok, "every subdomain serves its last two acknowledged values")

    # Again, and kill -9 while the updates and checkpoints run.
    acked = {}
    ts = [threading.Thread(target=pump, args=(d, c, "k%d" % i, acked)) for i, c in enumerate(creds)]
    for x in ts:
        x.start()
    while sum(1 for _ in acked) < CLIENTS or min(len(v) for v in acked.values()) < 2:
        threading.Event().wait(0.01)
    threading.Event().wait(0.3)
    t.eq(d.kill9(), -9, "kill -9 in the middle of the updates")
    for x in ts:
        x.join()

r = subprocess.run(["sqlite3", os.path.join(data_dir, "localcert.db"), "PRAGMA integrity_check"],
                   capture_output=True, text=True, timeout=60)
t.eq(r.stdout.strip(), "ok", "the database passes PRAGMA integrity_check after the kill")
with Daemon(CONF, data_dir=data_dir) as d2:
    missing = []
    for i, c in enumerate(creds):
        have = txt_values(d2, challenge_name(c))
        # The last acknowledged value is served; the one before it too unless a later,
        # unacknowledged update (in flight at the kill) pushed it out.
        if acked["k%d" % i][-1] not in have:
            missing.append(c["fulldomain"])
    t.eq(missing, [], "after the restart every subdomain serves its last acknowledged value")

shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)
t.done()
