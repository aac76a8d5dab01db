#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# test_http_slowloris.py -- a client that dribbles its request (headers or body) a byte at a
# time, never silent long enough for the idle timeout, is cut off at the whole-request
# deadline ([api] request_timeout_s) while normal clients are served meanwhile; the
# per-address connection cap holds against dribblers while other addresses are served; a
# keep-alive connection gets a fresh deadline for each request. Clients bind distinct
# loopback addresses (127.0.0.x) as their source.
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, Tap  # noqa: E402

t = Tap()
IDLE_S = 2
DEADLINE_S = 3


def connect(d, src, timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", d.http_port))
    return s


def closed_by_server(s, wait):
    """True if the server closes the connection (EOF or reset) within wait seconds."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def dribble(d, src, first, trickle, every=0.5, give_up=12.0, out=None):
    """Send first, then trickle one byte each `every` seconds (never idle for IDLE_S) until
    the server closes or give_up seconds pass. Returns (cut, seconds)."""
    s = connect(d, src)
    s.sendall(first)
    t0 = time.time()
    cut = False
    i = 0
    while time.time() - t0 < give_up:
        try:
            s.sendall(trickle[i % len(trickle):i % len(trickle) + 1])
        except OSError:
            cut = True
            break
        i += 1
        if closed_by_server(s, every):
            cut = True
            break
    took = time.time() - t0
    s.close()
    if out is not None:
        out.append((cut, took))
    return cut, took


def get_health(d, src, conn=None):
    """GET /health on a fresh (or the given keep-alive) connection; (status, seconds)."""
    own = conn is None
    s = conn or connect(d, src)
    t0 = time.time()
    try:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n%s\r\n" % (b"Connection: close\r\n" if own else b""))
        data = b""
        s.settimeout(5)
        while b"\r\n\r\n" not in data:
            c = s.recv(4096)
            if not c:
                break
            data += c
    except OSError:
        return None, time.time() - t0
    finally:
        if own:
            s.close()
    st = int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else None
    return st, time.time() - t0


conf = """[api]
conn_per_addr = 3
idle_timeout_s = %d
request_timeout_s = %d
""" % (IDLE_S, DEADLINE_S)

with Daemon(conf) as d:
    # --- dribbled headers and a dribbled body, while a normal client is served ---
    results = {"head": [], "body": []}
    th = [
        threading.Thread(target=dribble, args=(d, "127.0.0.2", b"GET /health HTTP/1.1\r\nHost: x\r\n",
                                               b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"),
                         kwargs={"out": results["head"]}),
        threading.Thread(target=dribble, args=(d, "127.0.0.3", b"POST /register HTTP/1.1\r\nHost: x\r\n"
                                               b"Content-Length: 1000\r\n\r\n", b" "),
                         kwargs={"out": results["body"]}),
    ]
    for x in th:
        x.start()
    served, worst = 0, 0.0
    t0 = time.time()
    while any(x.is_alive() for x in th) and time.time() - t0 < 15:
        st, took = get_health(d, "127.0.0.4")
        served += st == 200
        worst = max(worst, took)
        time.sleep(0.2)
    for x in th:
        x.join()
    cut, took = results["head"][0]
    t.ok(cut and DEADLINE_S - 0.5 <= took <= DEADLINE_S + 2.5,
         "headers dribbled a byte every 0.5 s are cut at the request deadline (after %.1f s; "
         "request_timeout_s = %d, idle_timeout_s = %d)" % (took, DEADLINE_S, IDLE_S))
    cut, took = results["body"][0]
    t.ok(cut and took <= DEADLINE_S + 2.5,
         "a body dribbled a byte every 0.5 s is cut at the request deadline (after %.1f s)" % took)
    t.ok(served >= 5 and worst < 1.0,
         "a normal client is served meanwhile (%d requests, slowest %.2f s)" % (served, worst))
    st, _ = get_health(d, "127.0.0.2")
    t.eq(st, 200, "the dribbling address is served normally afterwards")

    # --- the per-address cap holds against dribblers; other addresses are served ---
    results = []
    th = [threading.Thread(target=dribble, args=(d, "127.0.0.5", b"GET /health HTTP/1.1\r\n", b"X-A: b\r\n"),
                           kwargs={"out": results}) for _ in range(3)]
    for x in th:
        x.start()
    time.sleep(0.5)
    extra = connect(d, "127.0.0.5")
    t.ok(closed_by_server(extra, 1.5), "a 4th connection from the dribbling address is closed at once "
                                       "(conn_per_addr = 3)")
    extra.close()
    st, took = get_health(d, "127.0.0.6")
    t.ok(st == 200 and took < 1.0, "another address is served meanwhile (%.2f s)" % took)
    for x in th:
        x.join()
    t.ok(len(results) == 3 and all(c for c, _ in results),
         "all 3 dribblers are cut at the deadline (after %s s)" % ", ".join("%.1f" % s for _, s in results))
    time.sleep(0.3)
    st, _ = get_health(d, "127.0.0.5")
    t.eq(st, 200, "the address is served again once its dribblers are gone")

    # --- a keep-alive connection gets a fresh deadline for each request ---
    s = connect(d, "127.0.0.7")
    oks = 0
    t0 = time.time()
    for i in range(6):           # 6 requests 0.9 s apart: 4.5 s in all, over the 3 s deadline
        st, _ = get_health(d, None, conn=s)
        oks += st == 200
        if i < 5:
            time.sleep(0.9)
    span = time.time() - t0
    s.close()
    t.ok(oks == 6, "6 requests on one keep-alive connection over %.1f s are all served" % span)
t.done()
