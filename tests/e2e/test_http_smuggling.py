#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_http_smuggling.py -- QA: a request with two different Content-Length headers was
# answered by the first one, and the rest of its body was then served as a second request
# (request smuggling behind a proxy that reads the other length); Content-Length beside
# Transfer-Encoding: chunked was accepted too and the connection kept open. Both are now a
# 400 bad_framing (JSON) and the connection is closed: nothing after them is answered.
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, Tap, txt_value  # noqa: E402
from apihelp import txt_values, challenge_name  # noqa: E402

t = Tap()


def exchange(d, raw, timeout=3.0):
    """Send raw bytes on one connection; read until the server closes or goes quiet."""
    s = socket.create_connection(("127.0.0.1", d.http_port), timeout=timeout)
    s.sendall(raw)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    s.close()
    return out


def update_request(creds, value, extra_headers, body_len=None, chunked=False):
    body = json.dumps({"subdomain": creds["subdomain"], "txt": value}).encode()
    head = ("POST /update HTTP/1.1\r\nHost: x\r\nX-Api-User: %s\r\nX-Api-Key: %s\r\n"
            % (creds["username"], creds["password"])).encode()
    for h in extra_headers:
        head += h.encode() + b"\r\n"
    if chunked:
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    return head + b"\r\n" + body


SMUGGLED = b"GET /smuggled-request HTTP/1.1\r\nHost: x\r\n\r\n"

with Daemon() as d:
    creds = d.register("/api/v1/register")
    name = challenge_name(creds)
    body_len = len(json.dumps({"subdomain": creds["subdomain"], "txt": txt_value(1)}))

    cases = [
        ("two different Content-Length", ["Content-Length: %d" % body_len,
                                          "Content-Length: %d" % (body_len + 40)], False),
        ("two equal Content-Length", ["Content-Length: %d" % body_len] * 2, False),
        ("Content-Length and chunked", ["Content-Length: 4", "Transfer-Encoding: chunked"], True),
        ("two Transfer-Encoding", ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], True),
    ]
    for i, (desc, hdrs, chunked) in enumerate(cases):
        value = txt_value(100 + i)
        out = exchange(d, update_request(creds, value, hdrs, chunked=chunked) + SMUGGLED)
        head, _, rest = out.partition(b"\r\n\r\n")
        t.ok(head.startswith(b"HTTP/1.1 400"), "%s: 400 (got %r)" % (desc, head[:40]))
        t.ok(b"bad_framing" in rest and b"application/json" in head.lower(),
             "%s: a JSON bad_framing error" % desc)
        t.ok(b"connection: close" in head.lower(), "%s: Connection: close" % desc)
        t.eq(out.count(b"HTTP/1.1 "), 1, "%s: the request after it is not answered" % desc)
        t.ok(value not in txt_values(d, name), "%s: the value was not stored" % desc)

    # Ordinary framing still works, keep-alive included.
    value = txt_value(200)
    out = exchange(d, update_request(creds, value, ["Content-Length: %d" % body_len])
                   + b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    t.eq(out.count(b"HTTP/1.1 200"), 2, "one Content-Length: 200, then the next request 200")
    t.ok(value in txt_values(d, name), "and the value is served")
    value = txt_value(201)
    out = exchange(d, update_request(creds, value, ["Transfer-Encoding: chunked",
                                                    "Connection: close"], chunked=True))
    t.ok(out.startswith(b"HTTP/1.1 200"), "a chunked body alone: 200")
    t.ok(value in txt_values(d, name), "and its value is served")
    t.ok("refused a request: more than one Content-Length header" in d.logtext(),
         "refusals are logged with the reason")
    t.ok(d.alive(), "the daemon is still running")

t.done()
