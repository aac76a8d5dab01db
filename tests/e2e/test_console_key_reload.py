#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_console_key_reload.py -- QA: reloading the new-key page (the browser posts the form
# again) created another key. The "create a key" form carries the keys it saw; sent again
# (reload, double click, replay) it makes no key and shows no secret, and the limit of two
# keys still holds. The secret of the key it did make is shown once and works.
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from consolehelp import Browser  # noqa: E402
from harness import Daemon, Tap  # noqa: E402

t = Tap()
NAME = "reload.localhostcert.test"
SUB = "/subdomains/" + NAME
KEY_RE = re.compile(r"/keys/([0-9a-f-]{36})/delete")


def key_form(b):
    """The sub page's create-key form fields, and the key ids the page lists."""
    st, _, body = b.get(SUB)
    m = re.search(r'action="%s/keys">(.*?)</form>' % re.escape(SUB), body, re.S)
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', m.group(1))) if m else {}
    return fields, sorted(set(KEY_RE.findall(body)))


def secret(body):
    m = re.search(r'"password": "([A-Za-z0-9_-]+)"', body.replace("&quot;", '"'))
    return m.group(1) if m else None


with Daemon() as d:
    b = Browser(d)
    b.signup("alice")
    st, _, _ = b.post("/subdomains/new", {"label": "reload", "parent": "localhostcert.test"})
    t.eq(st, 303, "registered " + NAME)

    form, keys = key_form(b)
    t.eq((keys, form.get("keys_seen")), ([], ""), "no key yet; the form says it saw none")
    st, _, page = b.request("POST", SUB + "/keys", form=form)
    pw = secret(page)
    t.ok(st == 201 and pw is not None, "the form makes a key and shows its secret")
    _, keys = key_form(b)
    t.eq(len(keys), 1, "one key")

    # The reload: the browser posts exactly the same form again.
    st, h, body = b.request("POST", SUB + "/keys", form=form)
    t.eq((st, h["Location"]), (303, SUB + "?error=key-stale"), "reload of the new-key page: 303, no key")
    t.ok(secret(body) is None and (pw not in body), "no secret in that answer")
    _, keys2 = key_form(b)
    t.eq(keys2, keys, "still one key")
    st, _, body = b.get(SUB + "?error=key-stale")
    t.ok("No new key was made" in body, "the page says why")

    st, j = d.http_json("GET", "/api/v1/check", headers={"X-Api-User": keys[0], "X-Api-Key": pw})
    t.eq(st, 200, "the secret shown once works")

    # A fresh form makes the second key; replaying it makes no third, nor does a stale one.
    form2, _ = key_form(b)
    t.eq(form2.get("keys_seen"), keys[0], "the new form saw the first key")
    st, _, page2 = b.request("POST", SUB + "/keys", form=form2)
    t.ok(st == 201 and secret(page2) not in (None, pw), "second key made, with its own secret")
    for f, what in ((form2, "replay of the second form"), (form, "replay of the first form")):
        st, h, body = b.request("POST", SUB + "/keys", form=f)
        t.eq((st, h["Location"]), (303, SUB + "?error=key-stale"), what + ": no key")
    form3, keys3 = key_form(b)
    t.eq(len(keys3), 2, "two keys in all")
    st, h, _ = b.request("POST", SUB + "/keys", form=form3)
    t.eq((st, h["Location"]), (303, SUB + "?error=keys"), "an up-to-date form meets the limit of two")
    t.eq(len(key_form(b)[1]), 2, "still two keys")

t.done()
