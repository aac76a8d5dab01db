#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_api_abuse.py -- HTTP connection limits hold while legitimate clients are served:
# connections per address ([api] conn_per_addr), in all (conn_max), idle connections closed
# (idle_timeout_s), trickled bodies cut (request_timeout_s; trickled headers:
# test_http_slowloris.py); and each address's throttles (failed key checks,
# registrations) leave other addresses alone. Clients use several loopback addresses
# (127.0.0.x) as distinct sources.
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()


def connect(d, src="127.0.0.1", timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", d.http_port))
    return s


def request(d, method, path, body=b"", headers=None, src="127.0.0.1", timeout=5):
    """One HTTP/1.1 request from a chosen source address; (status, body) or (None, reason)."""
    try:
        s = connect(d, src, timeout)
    except OSError as e:
        return None, repr(e)
    try:
        h = {"Host": "x", "Content-Length": str(len(body)), "Connection": "close"}
        h.update(headers or {})
        head = "%s %s HTTP/1.1\r\n%s\r\n\r\n" % (method, path, "\r\n".join("%s: %s" % kv for kv in h.items()))
        s.sendall(head.encode() + body)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError as e:
        return None, repr(e)
    finally:
        s.close()
    if not data.startswith(b"HTTP/1.1 "):
        return None, data[:40]
    status = int(data[9:12])
    return status, data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""


def closed_by_server(s, wait):
    """True if the server closes the connection (EOF or reset) within wait seconds."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def health_ok(d, src):
    st, _ = request(d, "GET", "/health", src=src)
    return st == 200


conf = """[api]
conn_per_addr = 4
conn_max = 10
idle_timeout_s = 2
request_timeout_s = 4
auth_fail_max = 3
auth_fail_window_s = 600
reg_instant_burst = 2
reg_instant_per_hour = 1
reg_delegate_per_day = 2
"""
with Daemon(conf) as d:
    # --- connections per address ---
    held = [connect(d, "127.0.0.2") for _ in range(4)]
    extra = connect(d, "127.0.0.2")
    t.ok(closed_by_server(extra, 1.5), "a 5th connection from one address is closed at once (conn_per_addr = 4)")
    extra.close()
    t.ok(health_ok(d, "127.0.0.3"), "another address is served meanwhile")
    for s in held:
        s.close()
    time.sleep(0.3)
    t.ok(health_ok(d, "127.0.0.2"), "the address is served again once its connections close")

    # --- connections in all: a newcomer gets in, the connection idle longest goes ---
    # (QA: 1,024 idle connections from 22 addresses locked every other client out.)
    held = []
    for i in range(10):
        held.append(connect(d, "127.0.0.%d" % (10 + i // 3)))
        time.sleep(0.02)  # so that held[0] has waited longest
    t.ok(health_ok(d, "127.0.0.20"), "an 11th client is served although 10 (conn_max) are open")
    t.ok(closed_by_server(held[0], 1.5), "the connection idle longest was closed to make room")
    t.ok(not any(closed_by_server(s, 0.1) for s in held[1:]), "the other nine stay open")
    for _ in range(5):
        t.ok(health_ok(d, "127.0.0.21"), "newcomers keep being served while idle ones are held")
    for s in held:
        s.close()
    time.sleep(0.3)
    t.ok("the one idle longest was closed" in d.logtext(), "making room is logged")

    # --- idle connections and trickled bodies ---
    s = connect(d, "127.0.0.4")
    t0 = time.time()
    t.ok(closed_by_server(s, 6), "an idle connection is closed (idle_timeout_s = 2)")
    took = time.time() - t0
    t.ok(1.5 <= took <= 5.5, "after about the idle timeout (%.1f s)" % took)
    s.close()
    s = connect(d, "127.0.0.5")
    s.sendall(b"POST /register HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
    t0 = time.time()
    cut = False
    for _ in range(20):           # one byte every 0.5 s: never idle for 2 s
        try:
            s.sendall(b" ")
        except OSError:
            cut = True
            break
        if closed_by_server(s, 0.5):
            cut = True
            break
    took = time.time() - t0
    s.close()
    t.ok(cut and took < 8, "a body trickled a byte at a time is cut off (after %.1f s; deadline 4 s)" % took)
    t.ok(health_ok(d, "127.0.0.5"), "that address is served normally afterwards")
    # A body that arrives in time is fine, even in pieces.
    s = connect(d, "127.0.0.6")
    s.sendall(b"POST /register HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 20\r\n\r\n")
    for piece in (b"{", b' "allowfrom"', b": [] }   "):
        time.sleep(0.3)
        s.sendall(piece)
    data = b""
    s.settimeout(5)
    while True:
        c = s.recv(4096)
        if not c:
            break
        data += c
    s.close()
    t.ok(data.startswith(b"HTTP/1.1 201"), "a body sent in pieces within the deadline is served (%r)" % data[:12])

    # --- per-address throttles leave other addresses alone ---
    st, body = request(d, "POST", "/register", src="127.0.0.7")
    creds = json.loads(body)
    v = json.dumps({"subdomain": creds["subdomain"], "txt": txt_value(1)}).encode()
    bad = dict(creds, password="B" * 43)
    for i in range(3):
        st, _ = request(d, "POST", "/update", v, api_headers(bad), src="127.0.0.8")
    st, _ = request(d, "POST", "/update", v, api_headers(creds), src="127.0.0.8")
    t.eq(st, 429, "after 3 failed key checks, 127.0.0.8 is throttled, even with the right key")
    st, _ = request(d, "POST", "/update", v, api_headers(creds), src="127.0.0.9")
    t.eq(st, 200, "the key owner at 127.0.0.9 updates as usual")
    for i in range(2):
        request(d, "POST", "/api/v1/register", src="127.0.0.8")
    st, _ = request(d, "POST", "/api/v1/register", src="127.0.0.8")
    t.eq(st, 429, "instant registrations: 127.0.0.8 is over its burst")
    st, _ = request(d, "POST", "/api/v1/register", src="127.0.0.9")
    t.eq(st, 201, "127.0.0.9 registers as usual")
    for i in range(2):
        request(d, "POST", "/register", src="127.0.0.8")
    st, _ = request(d, "POST", "/register", src="127.0.0.8")
    t.eq(st, 429, "delegate registrations: 127.0.0.8 is over its daily limit")
    st, _ = request(d, "POST", "/register", src="127.0.0.10")
    t.eq(st, 201, "127.0.0.10 registers as usual")
t.done()
