#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# run.py -- run every tests/e2e/test_*.py (each in its own process, TAP output)
# and print "N passed, N failed". Exit status 1 if any failed.
import glob
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
only = sys.argv[1:]
files = sorted(glob.glob(os.path.join(here, "test_*.py")))
if only:
    files = [f for f in files if any(o in os.path.basename(f) for o in only)]
passed = failed = 0
for f in files:
    t0 = time.time()
    r = subprocess.run([sys.executable, f], capture_output=True, text=True, timeout=600)
    oks = sum(1 for line in r.stdout.splitlines() if line.startswith("ok "))
    nots = sum(1 for line in r.stdout.splitlines() if line.startswith("not ok "))
    good = r.returncode == 0 and nots == 0 and oks > 0
    print("%-40s %s (%d ok, %d not ok, %.1fs)" % (os.path.basename(f), "PASS" if good else "FAIL", oks, nots, time.time() - t0))
    if not good:
        sys.stdout.write(r.stdout[-6000:])
        sys.stdout.write(r.stderr[-4000:])
    passed += oks
    failed += nots + (0 if good or nots else 1)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
