#!/usr/bin/env python3
# test_dns_tcp.py -- TCP connection limits (RFC 7766 6.2.3): one client cannot take
# every slot, a full server closes its most idle connection to let a newcomer in,
# and trickled bytes do not keep an idle connection alive (slowloris).
import os, socket, struct, sys, time
sys.path.insert(0, os.path.dirname(__file__))
import dns.message, dns.rcode
from harness import Daemon, Tap

t = Tap()
Q = dns.message.make_query("localhostcert.test.", "SOA").to_wire()

def conn(d, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(2)
    s.connect(("127.0.0.1", d.dns_port))
    return s

def ask(s):
    """Send one query; True if a full answer comes back on this connection."""
    try:
        s.sendall(struct.pack("!H", len(Q)) + Q)
        hdr = s.recv(2)
        if len(hdr) < 2:
            return False
        n = struct.unpack("!H", hdr)[0]
        data = b""
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                return False
            data += chunk
        return dns.message.from_wire(data).rcode() == dns.rcode.NOERROR
    except OSError:
        return False

with Daemon("[dns]\ntcp_max_conns = 16\ntcp_idle_timeout_ms = 1500\nrrl_rate = 0\n") as d:
    # Per client (IPv4 address): an eighth of the slots, here 2.
    mine = [conn(d, "127.0.0.1") for _ in range(2)]
    t.ok(all(ask(s) for s in mine), "a client's first connections are served")
    third = conn(d, "127.0.0.1")
    t.ok(not ask(third), "a client beyond its share of connections is turned away")
    other = conn(d, "127.0.0.2")
    t.ok(ask(other), "another client still gets in")
    for s in mine + [third, other]:
        s.close()
    time.sleep(0.3)

    # Fill every slot from 8 clients, then a newcomer: the most idle connection makes room.
    crowd = []
    for i in range(8):
        for _ in range(2):
            s = conn(d, "127.0.1.%d" % (i + 1))
            crowd.append(s)
    time.sleep(0.2)
    for s in crowd[1:]:
        ask(s)  # everyone but crowd[0] is active
    newcomer = conn(d, "127.0.2.1")
    t.ok(ask(newcomer), "at the cap, a newcomer (e.g. a TC retry) is served")
    crowd[0].settimeout(1)
    try:
        closed = crowd[0].recv(10) == b""
    except OSError:
        closed = True
    t.ok(closed, "the most idle connection was closed to make room")
    for s in crowd + [newcomer]:
        s.close()
    time.sleep(0.3)

    # Slowloris: a byte every 0.5 s never completes a query; the idle timeout still applies.
    slow = conn(d, "127.0.3.1")
    t0 = time.time()
    gone = False
    while time.time() - t0 < 5:
        try:
            slow.sendall(b"\x01")  # length 0x0101: the message never completes
            slow.settimeout(0.5)
            if slow.recv(10) == b"":
                gone = True
                break
        except socket.timeout:
            continue
        except OSError:
            gone = True
            break
    took = time.time() - t0
    t.ok(gone and took < 3.5, "trickled bytes do not reset the idle timer (closed after %.1fs)" % took)
    slow.close()
    s = conn(d, "127.0.3.1")
    ok1 = ask(s)
    time.sleep(1.0)
    ok2 = ask(s)
    t.ok(ok1 and ok2, "a connection that keeps asking whole queries stays open past the idle time")
    s.close()
    t.ok(d.query("localhostcert.test.", "SOA", tcp=True).rcode() == dns.rcode.NOERROR, "TCP serves normally afterwards")
t.done()
