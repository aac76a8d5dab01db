#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_api_proxy.py -- who the client is: X-Forwarded-For only from trusted proxies and only its
# rightmost hop; allowfrom and throttles per client (IPv4 /32, IPv6 /64); the API on IPv6.
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import api_headers, is_error, jraw, raw  # noqa: E402
from harness import Daemon, Tap, txt_value  # noqa: E402

t = Tap()


def raw_two_xff(d, path, body, headers, first, last):
    """A request with two X-Forwarded-For headers (http.client would merge nothing, but be explicit)."""
    import json
    data = json.dumps(body).encode()
    lines = ["POST %s HTTP/1.1" % path, "Host: 127.0.0.1", "Content-Type: application/json",
             "Content-Length: %d" % len(data), "X-Forwarded-For: " + first, "X-Forwarded-For: " + last,
             "Connection: close"] + ["%s: %s" % kv for kv in headers.items()]
    s = socket.create_connection(("127.0.0.1", d.http_port), timeout=5)
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
    reply = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    s.close()
    return int(reply.split(b" ", 2)[1])


conf = """[api]
trusted_proxies = 127.0.0.1/32
auth_fail_max = 2
auth_fail_window_s = 300
reg_delegate_per_day = 2
"""
with Daemon(conf) as d:
    xff = lambda a: {"X-Forwarded-For": a}  # noqa: E731
    st, _, creds = jraw(d, "POST", "/register", {"allowfrom": ["10.0.0.0/8"]}, xff("10.0.0.1"))
    t.eq(st, 201, "register through the proxy")
    body = {"subdomain": creds["subdomain"], "txt": txt_value("p")}
    h = api_headers(creds)

    st, _, _ = jraw(d, "POST", "/update", body, dict(h, **xff("10.1.2.3")))
    t.eq(st, 200, "trusted proxy, X-Forwarded-For inside allowfrom: 200")
    st, _, _ = jraw(d, "POST", "/update", body, dict(h, **xff("192.0.2.77, 10.1.2.3")))
    t.eq(st, 200, "a spoofed left part is ignored; the rightmost hop counts")
    st, _, _ = jraw(d, "POST", "/update", body, dict(h, **xff("10.1.2.3:4711")))
    t.eq(st, 200, "a hop with a port")
    st, _, _ = jraw(d, "POST", "/update", body, h)
    t.eq(st, 401, "no X-Forwarded-For: the proxy itself (127.0.0.1) is outside allowfrom")
    t.eq(raw_two_xff(d, "/update", body, h, "192.0.2.1", "10.9.9.9"), 200,
         "two X-Forwarded-For headers: the last one counts")

    # Failed key checks are counted per forwarded client.
    bad = dict(h, **{"X-Api-Key": "B" * 43})
    st, hd, data = raw(d, "POST", "/update", body, dict(bad, **xff("10.1.2.3, 192.0.2.1")))
    is_error(t, st, hd, data, 401, "forbidden", "client outside allowfrom (rightmost 192.0.2.1)")
    st, _, _ = raw(d, "POST", "/update", body, dict(bad, **xff("203.0.113.5")))
    st, _, _ = raw(d, "POST", "/update", body, dict(bad, **xff("203.0.113.5")))
    st, hd, data = raw(d, "POST", "/update", body, dict(bad, **xff("203.0.113.5")))
    is_error(t, st, hd, data, 429, "rate_limited", "203.0.113.5 throttled after 2 failures")
    st, _, _ = raw(d, "POST", "/update", body, dict(bad, **xff("203.0.113.6")))
    t.eq(st, 401, "its neighbour 203.0.113.6 is not")
    st, _, _ = raw(d, "POST", "/update", body, dict(bad, **xff("unknown")))
    t.eq(st, 401, "an unparseable hop falls back to the proxy address")

    # Registration limits per forwarded client; IPv6 clients count per /64.
    for i in range(2):
        st, _, _ = raw(d, "POST", "/register", b"", xff("198.51.100.1"))
        t.eq(st, 201, "198.51.100.1 registration %d" % (i + 1))
    st, _, _ = raw(d, "POST", "/register", b"", xff("198.51.100.1"))
    t.eq(st, 429, "198.51.100.1 over its daily limit")
    st, _, _ = raw(d, "POST", "/register", b"", xff("198.51.100.2"))
    t.eq(st, 201, "198.51.100.2 has its own limit")
    for i, a in enumerate(("2001:db8:1:2::1", "2001:db8:1:2:aaaa::9")):
        st, _, _ = raw(d, "POST", "/register", b"", xff(a))
        t.eq(st, 201, "IPv6 client %s" % a)
    st, _, _ = raw(d, "POST", "/register", b"", xff("2001:db8:1:2:ffff:ffff:ffff:ffff"))
    t.eq(st, 429, "a third address in the same /64 shares its limit")
    st, _, _ = raw(d, "POST", "/register", b"", xff("[2001:db8:1:3::1]:443"))
    t.eq(st, 201, "the next /64 does not")

with Daemon("[api]\nreg_delegate_per_day = 1\n") as d:
    st, _, creds = jraw(d, "POST", "/register", {"allowfrom": ["10.0.0.0/8"]}, {"X-Forwarded-For": "10.0.0.1"})
    t.eq(st, 201, "no trusted proxies: register")
    st, _, _ = raw(d, "POST", "/register", b"", {"X-Forwarded-For": "10.0.0.2"})
    t.eq(st, 429, "no trusted proxies: X-Forwarded-For does not escape the limit")
    st, hd, data = raw(d, "POST", "/update", {"subdomain": creds["subdomain"], "txt": txt_value("q")},
                       dict(api_headers(creds), **{"X-Forwarded-For": "10.1.2.3"}))
    is_error(t, st, hd, data, 401, "forbidden", "no trusted proxies: a spoofed X-Forwarded-For does not pass allowfrom")


def have_ipv6():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


class V6Daemon(Daemon):
    """The API on an IPv6 listen address ("[ADDR]:PORT")."""

    def __init__(self, config, addr):
        Daemon.__init__(self, config)
        self.addr = addr
        # A port free on the IPv6 address itself: free_port() checks 127.0.0.1 only, and
        # "[::]" also collides with a socket on any IPv4 address (it failed once in CI-like
        # runs with "Address already in use").
        self.http_port = self.dns_port
        while self.http_port == self.dns_port:
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s.bind((addr, 0))
            self.http_port = s.getsockname()[1]
            s.close()
        self.extra_args = ["--http", "[%s]:%d" % (addr, self.http_port)]

    @property
    def base(self):
        return "http://[::1]:%d" % self.http_port


if have_ipv6():
    with V6Daemon("", "::1") as d:
        st, _, c6 = jraw(d, "POST", "/register", {"allowfrom": ["::1/128"]}, host="::1")
        t.eq(st, 201, "API on [::1]: register")
        st, _, c4 = jraw(d, "POST", "/register", {"allowfrom": ["127.0.0.0/8"]}, host="::1")
        body = lambda c: {"subdomain": c["subdomain"], "txt": txt_value("v6")}  # noqa: E731
        st, _, _ = jraw(d, "POST", "/update", body(c6), api_headers(c6), host="::1")
        t.eq(st, 200, "IPv6 client inside allowfrom ::1/128")
        st, _, _ = jraw(d, "POST", "/update", body(c4), api_headers(c4), host="::1")
        t.eq(st, 401, "IPv6 client outside an IPv4 allowfrom")
    with V6Daemon("", "::") as d:
        st, _, c4 = jraw(d, "POST", "/register", {"allowfrom": ["127.0.0.0/8"]})
        t.eq(st, 201, "API on [::] takes IPv4 clients too")
        st, _, _ = jraw(d, "POST", "/update", {"subdomain": c4["subdomain"], "txt": txt_value("m")},
                        api_headers(c4))
        t.eq(st, 200, "an IPv4 client seen as ::ffff:127.0.0.1 matches 127.0.0.0/8")
else:
    t.ok(True, "# SKIP no IPv6 loopback")
t.done()
