#!/usr/bin/env python3
"""Update-to-DNS visibility (standard library only), for localcertd and PowerDNS.

  apivis.py localcert|pdns API_PORT DNS_PORT CREDS SAMPLES [PARENT] [PDNS_KEY]

K sequential samples: pick a random subdomain, query its challenge TXT over UDP
twice (so any cache holds the old answer), send the update (localcertd: POST
/update with the subdomain's key; PowerDNS: PATCH REPLACE of the rrset), then
poll UDP every 0.2 ms until the new value is served. Prints one JSON line with
the delay from "request sent" and from "success status received" (p50/p99/max
ms), and the fraction of samples whose very first poll after the status
already saw the value.
"""
import base64
import http.client
import json
import os
import random
import socket
import struct
import sys
import time


def rand_val(rng):
    return base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=")


def dns_query(name):
    q = struct.pack(">HHHHHH", random.randrange(65536), 0, 1, 0, 0, 0)
    for part in name.rstrip(".").split("."):
        q += bytes([len(part)]) + part.encode()
    return q + b"\x00" + struct.pack(">HH", 16, 1)


def pct(v, p):
    v = sorted(v)
    return round(v[min(len(v) - 1, int(p * len(v)))] * 1000, 3) if v else None


def main():
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        return 2
    target, api_port, dns_port, creds_path, samples = sys.argv[1:6]
    parent = sys.argv[6] if len(sys.argv) > 6 else "localhostcert.net"
    pdns_key = sys.argv[7] if len(sys.argv) > 7 else "benchkey"
    creds = [line.split() for line in open(creds_path) if line.strip()]
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    c = http.client.HTTPConnection("127.0.0.1", int(api_port), timeout=30)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    dst = ("127.0.0.1", int(dns_port))
    from_sent, from_ok, first_hit, fails = [], [], 0, 0
    for _ in range(int(samples)):
        label, kid, secret = creds[rng.randrange(len(creds))]
        rrname = f"_acme-challenge.{label}.{parent}"
        q = dns_query(rrname)
        for _w in range(2):
            s.sendto(q, dst)
            try:
                s.recv(4096)
            except socket.timeout:
                pass
        new = rand_val(rng)
        if target == "pdns":
            body = json.dumps({"rrsets": [{
                "name": rrname + ".", "type": "TXT", "ttl": 10, "changetype": "REPLACE",
                "records": [{"content": f'"{v}"', "disabled": False} for v in (new, rand_val(rng))]}]})
            t_sent = time.monotonic()
            c.request("PATCH", f"/api/v1/servers/localhost/zones/{parent}.", body=body,
                      headers={"X-API-Key": pdns_key, "Content-Type": "application/json"})
            want = 204
        else:
            body = json.dumps({"subdomain": label, "txt": new})
            t_sent = time.monotonic()
            c.request("POST", "/update", body=body,
                      headers={"X-Api-User": kid, "X-Api-Key": secret, "Content-Type": "application/json"})
            want = 200
        r = c.getresponse()
        r.read()
        t_ok = time.monotonic()
        if r.status != want:
            fails += 1
            continue
        needle = new.encode()
        n = 0
        t_seen = None
        while time.monotonic() - t_ok < 10:
            n += 1
            s.sendto(q, dst)
            try:
                data = s.recv(4096)
            except socket.timeout:
                data = b""
            if needle in data:
                t_seen = time.monotonic()
                break
            time.sleep(0.0002)
        if t_seen is None:
            fails += 1
            continue
        from_sent.append(t_seen - t_sent)
        from_ok.append(t_seen - t_ok)
        first_hit += n == 1
        time.sleep(0.005)
    print(json.dumps({
        "target": target, "samples": len(from_ok), "fails": fails,
        "sent_to_visible_ms_p50": pct(from_sent, 0.5), "sent_to_visible_ms_p99": pct(from_sent, 0.99),
        "status_to_visible_ms_p50": pct(from_ok, 0.5), "status_to_visible_ms_p99": pct(from_ok, 0.99),
        "status_to_visible_ms_max": round(max(from_ok) * 1000, 3) if from_ok else None,
        "first_poll_hit_fraction": round(first_hit / max(1, len(from_ok)), 3),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
