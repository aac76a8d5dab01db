#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_durability.py -- an update the API acknowledged survives kill -9: restart on the same data
# directory and the same values are served, keys still work, serials keep increasing.
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers, challenge_name, jraw, txt_values  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()
CONF = "[api]\nreg_instant_burst = 100\nreg_instant_per_hour = 100\n"
data = os.path.join(tempfile.mkdtemp(prefix="lc-durable-"), "data")


def serial(d, name):
    return d.query(name, "SOA").answer[0][0].serial


daemons = []


def daemon():
    d = Daemon(CONF, data_dir=data).start()
    daemons.append(d)
    return d


def update(d, creds, value):
    st, _, j = jraw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": value}, api_headers(creds))
    return st


d = daemon()
st, _, inst = jraw(d, "POST", "/api/v1/register", b"")
st2, _, dele = jraw(d, "POST", "/register", b"")
t.ok(st == 201 and st2 == 201, "registered an instant and a delegate subdomain")
want_inst, want_dele = [], []
for i in range(6):
    vi, vd = txt_value("inst%d" % i), txt_value("dele%d" % i)
    t.ok(update(d, inst, vi) == 200 and update(d, dele, vd) == 200, "update round %d acknowledged" % i)
    want_inst, want_dele = (want_inst + [vi])[-2:], (want_dele + [vd])[-2:]
serial_inst = serial(d, inst["fulldomain"] + ".")
t.eq(d.kill9(), -9, "kill -9 right after the last 200")

# Same data directory, fresh process and ports.
d = daemon()
t.eq(txt_values(d, challenge_name(inst)), sorted(want_inst), "instant: the two acknowledged values are served")
t.eq(txt_values(d, dele["fulldomain"] + "."), sorted(want_dele + ["v=spf1 -all"]),
     "delegate: the two acknowledged values are served at the apex")
t.eq(serial(d, inst["fulldomain"] + "."), serial_inst, "serial as before the crash")
v = txt_value("after")
t.eq(update(d, inst, v), 200, "the key still works after the restart")
t.ok(serial(d, inst["fulldomain"] + ".") > serial_inst, "serial keeps increasing")
t.eq(txt_values(d, challenge_name(inst)), sorted([want_inst[-1], v]), "and the new value is served")

# Repeat with a burst of writes from two clients and no pause before the kill.
for rnd in range(3):
    vals = [txt_value("r%d-%d" % (rnd, i)) for i in range(4)]
    codes = [update(d, inst if i % 2 == 0 else dele, x) for i, x in enumerate(vals)]
    d.kill9()
    d = daemon()
    t.ok(codes == [200] * 4, "round %d: 4 updates acknowledged before kill -9" % rnd)
    t.eq(txt_values(d, challenge_name(inst)), sorted([vals[0], vals[2]]), "round %d: instant values survived" % rnd)
    t.eq(txt_values(d, dele["fulldomain"] + "."), sorted([vals[1], vals[3], "v=spf1 -all"]),
         "round %d: delegate values survived" % rnd)
st, _, again = jraw(d, "POST", "/register", b"")
t.ok(st == 201 and again["subdomain"] not in (inst["subdomain"], dele["subdomain"]), "registration works after restarts")
t.eq(d.stop(), 0, "clean stop")
if os.environ.get("E2E_KEEP"):
    sys.stderr.write("kept %s\n" % data)
else:
    shutil.rmtree(os.path.dirname(data), ignore_errors=True)
    for x in daemons:
        shutil.rmtree(x.tmp, ignore_errors=True)
t.done()
