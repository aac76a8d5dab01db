#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# soak_api.py -- the API half of tests/soak/soak.sh: register subdomains, then update their
# challenge values continuously from several keep-alive clients, check a sample of updates
# in DNS right after the 200, and sample the daemon's RSS; print a JSON summary.
#   soak_api.py setup HTTP_PORT N CREDS_FILE QUERY_FILE
#   soak_api.py run HTTP_PORT DNS_PORT PID CREDS_FILE SECONDS THREADS RSS_CSV
import base64
import hashlib
import http.client
import json
import os
import random
import socket
import struct
import sys
import threading
import time


def txt_value(seed):
    return base64.urlsafe_b64encode(hashlib.sha256(str(seed).encode()).digest()).decode().rstrip("=")


def setup(port, n, creds_file, query_file):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    creds = []
    for i in range(n):
        c.request("POST", "/api/v1/register", body=b"", headers={"Content-Length": "0"})
        r = c.getresponse()
        body = r.read()
        if r.status != 201:
            raise SystemExit("register %d: %d %r" % (i, r.status, body))
        creds.append(json.loads(body))
    with open(creds_file, "w") as f:
        json.dump(creds, f)
    # The query mix: what a CA and curious resolvers ask about these names.
    lines = []
    for cr in creds:
        fq = cr["fulldomain"]
        lines += ["_acme-challenge.%s TXT" % fq, "%s A" % fq, "%s AAAA" % fq, "%s SOA" % fq,
                  "%s TXT" % fq, "nx-%s TXT" % fq, "www.%s A" % fq]
    parent = creds[0]["fulldomain"].split(".", 1)[1]
    lines += ["%s SOA" % parent, "%s NS" % parent, "nosuch.%s A" % parent]
    random.Random(1).shuffle(lines)
    with open(query_file, "w") as f:
        f.write("\n".join(lines) + "\n")


def dns_txt(port, name, timeout=2.0):
    """TXT strings at name over UDP (minimal client; one question, no EDNS)."""
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", 16, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, ("127.0.0.1", port))
        data = s.recv(4096)
    finally:
        s.close()
    out = []
    an = struct.unpack(">H", data[6:8])[0]
    pos = len(q)
    for _ in range(an):
        while data[pos] != 0 and data[pos] & 0xC0 != 0xC0:
            pos += data[pos] + 1
        pos += 2 if data[pos] & 0xC0 == 0xC0 else 1
        rtype, _, _, rdlen = struct.unpack(">HHIH", data[pos:pos + 10])
        pos += 10
        if rtype == 16:
            end = pos + rdlen
            p = pos
            while p < end:
                ln = data[p]
                out.append(data[p + 1:p + 1 + ln].decode())
                p += 1 + ln
        pos += rdlen
    return out


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run(http_port, dns_port, pid, creds_file, seconds, threads, rss_csv):
    creds = json.load(open(creds_file))
    stop = threading.Event()
    lock = threading.Lock()
    stats = {"updates": 0, "errors": 0, "checked": 0, "not_visible": 0, "latency_ms": []}
    err_samples = []

    def worker(k):
        mine = creds[k::threads]
        c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        i = 0
        while not stop.is_set():
            cr = mine[i % len(mine)]
            v = txt_value("%d-%d" % (k, i))
            body = json.dumps({"subdomain": cr["subdomain"], "txt": v}).encode()
            t0 = time.time()
            try:
                c.request("POST", "/update", body=body, headers={
                    "X-Api-User": cr["username"], "X-Api-Key": cr["password"],
                    "Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                st = r.status
            except Exception as e:  # noqa: BLE001
                st = repr(e)
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
            dt = (time.time() - t0) * 1000
            ok = st == 200
            visible = None
            if ok and i % 20 == 0:
                try:
                    visible = v in dns_txt(dns_port, "_acme-challenge.%s" % cr["fulldomain"])
                except Exception:  # noqa: BLE001
                    visible = False
            with lock:
                if ok:
                    stats["updates"] += 1
                    if len(stats["latency_ms"]) < 200000:
                        stats["latency_ms"].append(dt)
                else:
                    stats["errors"] += 1
                    if len(err_samples) < 10:
                        err_samples.append(str(st))
                if visible is not None:
                    stats["checked"] += 1
                    stats["not_visible"] += 0 if visible else 1
            i += 1

    ths = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    t_start = time.time()
    for t in ths:
        t.start()
    samples = []
    with open(rss_csv, "w") as f:
        f.write("t_s,rss_kb,updates\n")
        while time.time() - t_start < seconds:
            el = time.time() - t_start
            kb = rss_kb(pid)
            with lock:
                u = stats["updates"]
            samples.append((el, kb))
            f.write("%.0f,%d,%d\n" % (el, kb, u))
            f.flush()
            time.sleep(5)
    stop.set()
    for t in ths:
        t.join(60)
    elapsed = time.time() - t_start
    lat = sorted(stats["latency_ms"]) or [0]
    # RSS trend over the second half (after warm-up), by least squares, in KB per minute.
    half = [s for s in samples if s[0] >= seconds / 2] or samples
    n = len(half)
    mx = sum(s[0] for s in half) / n
    my = sum(s[1] for s in half) / n
    sxx = sum((s[0] - mx) ** 2 for s in half) or 1
    slope = sum((s[0] - mx) * (s[1] - my) for s in half) / sxx * 60
    out = {
        "seconds": round(elapsed, 1), "update_threads": threads, "updates": stats["updates"],
        "updates_per_s": round(stats["updates"] / elapsed, 1), "update_errors": stats["errors"],
        "error_samples": err_samples, "checked_in_dns": stats["checked"],
        "not_visible_after_200": stats["not_visible"],
        "update_latency_ms": {"p50": round(lat[len(lat) // 2], 2), "p99": round(lat[int(len(lat) * 0.99)], 2),
                              "max": round(lat[-1], 2)},
        "rss_kb": {"first": samples[0][1], "at_half": half[0][1], "last": samples[-1][1],
                   "max": max(s[1] for s in samples)},
        "rss_slope_kb_per_min_second_half": round(slope, 1),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        run(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6]),
            int(sys.argv[7]), sys.argv[8])
