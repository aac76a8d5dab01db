#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_docs_readme.py -- QA found README and docs out of step with the tree: the make targets
# and the Layout section did not match the Makefile and the source folders, "staff-create"
# was shown twice, "Try it by hand" set the shell's USER variable and did not say it needs
# curl, jq and dig, localcertd --help did not mention the console, and docs/design.md's
# overview left the console out. Each of those is checked here, so they cannot drift again.
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import LOCALCERTD, Tap  # noqa: E402

t = Tap()
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


readme = read("README.md")
makefile = read("Makefile")

# Make targets: the README's list is the Makefile's .PHONY list, no more, no less.
phony = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())
para = re.search(r"^Make targets.*?(?=\n\n|\Z)", readme, re.M | re.S)
t.ok(para is not None, "README has a 'Make targets' paragraph")
listed = set(re.findall(r"`make ([a-z0-9-]+)`", para.group(0) if para else ""))
t.eq(sorted(listed - phony), [], "every make target the README lists exists in the Makefile")
t.eq(sorted(phony - listed), [], "every Makefile target is in the README's list")
mentioned = set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", readme)) - {"targets"}
t.eq(sorted(mentioned - phony), [], "every 'make X' anywhere in the README is a real target")

# Layout: every path listed exists, and every tracked folder is listed.
block = re.search(r"^## Layout\n\n```\n(.*?)```", readme, re.M | re.S)
t.ok(block is not None, "README has a Layout block")
paths = re.findall(r"^(\S+)", block.group(1) if block else "", re.M)
t.eq([p for p in paths if not os.path.exists(os.path.join(ROOT, p))], [], "every Layout path exists")
files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
if files:
    folders = {f.split("/")[0] + "/" for f in files if "/" in f} - {"src/", "tests/"}  # listed by part
    folders |= {"/".join(f.split("/")[:2]) + "/" for f in files if f.startswith(("src/", "tests/")) and f.count("/") >= 2}
    folders |= {f for f in files if f.startswith("src/") and f.count("/") == 1}
    t.eq(sorted(folders - set(paths)), [], "every tracked folder (and src/ file) is in Layout")
else:
    t.ok(True, "not a git checkout: tracked folders not compared # SKIP")

# Shell examples: staff-create shown once; no shell variable that clobbers the environment.
shell = "\n".join(re.findall(r"```sh\n(.*?)```", readme, re.S))
t.eq(len(re.findall(r"^\S*localcertctl .*staff-create", shell, re.M)), 1, "one staff-create command line")
t.eq(re.findall(r"(?:^|[;&|]\s*)(USER|HOME|PATH|SHELL|PWD|LANG|TERM)=", shell, re.M), [],
     "no example assigns USER, HOME, PATH or the like")

# Try it by hand: what it needs, and make deps really installs it.
tryit = re.search(r"^## Try it by hand\n(.*?)^```sh", readme, re.M | re.S)
intro = tryit.group(1) if tryit else ""
t.ok(all(("`%s`" % tool) in intro for tool in ("curl", "jq", "dig")), "Try it by hand says it needs curl, jq, dig")
t.ok("make deps" in intro, "and how to install them")
deps = read("scripts/deps.sh")
t.ok(all(re.search(r"\b%s\b" % p, deps) for p in ("curl", "jq", "bind9-dnsutils")),
     "scripts/deps.sh (make deps) installs curl, jq and dig")
t.ok(all(re.search(r"\b%s\b" % tool, shell) for tool in ("curl", "jq", "dig")), "the examples use exactly those")

# localcertd --help mentions the console and where it is set up.
h = subprocess.run([LOCALCERTD, "--help"], capture_output=True, text=True).stdout
t.ok("web console" in h and "[console]" in h, "localcertd --help mentions the web console and [console]")
t.ok(re.search(r"--http.*\n.*console|--http[^\n]*console", h) is not None, "--http says the console is served there")

# docs/design.md: the overview describes the console and src/web.
design = read("docs/design.md")
overview = design.split("## Threads")[0]
t.ok("web console" in overview and "src/web/" in overview, "design.md's overview describes the console (src/web/)")

# docs/console.md and the code agree on /admin for non-staff (test_console_admin_404.py checks the code).
console = read("docs/console.md")
t.ok(re.search(r"`/admin` answers exactly as a path\s+that\s+does not exist", console) is not None
     or re.search(r"`/admin` answers exactly as a path\s+does not exist", console) is not None,
     "console.md: /admin is a 404 for everyone but staff")
t.ok("303" not in re.sub(r"\s+", " ", console.split("## Sessions")[0].split("**Staff**")[1]),
     "console.md does not say /admin redirects")

t.done()
