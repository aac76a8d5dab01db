#!/usr/bin/env python3
"""Turn one bench/results/<timestamp>/ directory into Markdown tables (stdout).

Usage: summarize.py RESULTS_DIR

Reads dns.tsv, servers.tsv, callgrind.tsv, api.jsonl and meta.txt written by
bench/run.sh. Throughput figures are the median of the repetitions, and "best"
is the highest (interference from other load on a shared box only ever lowers
them). Ratios are the server's figure divided by localcertd's.
"""
import json
import os
import statistics
import sys
from collections import OrderedDict

SERVER_ORDER = ["localcertd", "knot", "nsd", "bind", "pdns"]
REF = "localcertd"


def fnum(x, default=float("nan")):
    try:
        return float(x)
    except (TypeError, ValueError):
        return default


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        hdr = f.readline().rstrip("\n").split("\t")
        return [dict(zip(hdr, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def fmt_int(x):
    return "-" if x != x else f"{x:,.0f}"


def fmt(x, spec):
    return "-" if x != x else format(x, spec)


def fmt_ratio(x, ref):
    if x != x or ref != ref or ref == 0:
        return "-"
    return f"{x / ref:.2f}"


def human_n(n):
    n = int(n)
    if n >= 1000000 and n % 1000000 == 0:
        return f"{n // 1000000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def api_result(a):
    """The load client's JSON line with uniform keys (results from before the two clients were
    folded into bench/api-load/api_load.c used threads/ok_per_s/lat_ms_* and wall_s)."""
    r = dict(a.get("result") or {})
    if not r:
        return r
    r.setdefault("clients", r.get("threads"))
    r.setdefault("seconds", r.get("wall_s"))
    r["rate"] = r.get("updates_per_s", r.get("ok_per_s", 0))
    r["p50"] = r.get("p50_ms", r.get("lat_ms_p50", 0))
    r["p99"] = r.get("p99_ms", r.get("lat_ms_p99", 0))
    return r


def main():
    d = sys.argv[1]
    dns = read_tsv(os.path.join(d, "dns.tsv"))
    srv = read_tsv(os.path.join(d, "servers.tsv"))
    cg = read_tsv(os.path.join(d, "callgrind.tsv"))
    api = []
    if os.path.exists(os.path.join(d, "api.jsonl")):
        with open(os.path.join(d, "api.jsonl")) as f:
            api = [json.loads(line) for line in f if line.strip()]
    meta = open(os.path.join(d, "meta.txt")).read().splitlines() if os.path.exists(os.path.join(d, "meta.txt")) else []
    settings = {}
    for line in meta:
        if line.startswith("settings:"):
            for kv in line.split(":", 1)[1].split():
                if "=" in kv:
                    k, v = kv.split("=", 1)
                    settings[k] = v.strip('"')

    print(f"# localcert benchmark: {os.path.basename(os.path.normpath(d))}\n")
    for line in meta:
        if line.startswith(("date:", "command:", "settings:", "localcert:", "kernel:", "memory:")):
            print(f"- {line}")
    pk = [line.split(" ", 1)[1] for line in meta if line.startswith("package:")]
    if pk:
        print(f"- packages: {', '.join(pk)}")
    print()

    ns = sorted({int(r["N"]) for r in dns + srv + cg} | {int(a["N"]) for a in api})
    # per (N, server): aggregate DNS figures
    agg = {}
    for n in ns:
        for s in SERVER_ORDER:
            tp = [r for r in dns if int(r["N"]) == n and r["server"] == s and r["kind"] == "tput"]
            lat = [r for r in dns if int(r["N"]) == n and r["server"] == s and r["kind"] == "lat"]
            sv = [r for r in srv if int(r["N"]) == n and r["server"] == s]
            c = [r for r in cg if int(r["N"]) == n and r["server"] == s]
            if not (tp or sv or c):
                continue
            a = {}
            if tp:
                qps = [fnum(r["qps"]) for r in tp]
                eff = [fnum(r["completed"]) / fnum(r["server_cpu_s"]) if fnum(r["server_cpu_s"]) > 0 else float("nan")
                       for r in tp]
                a["qps_med"], a["qps_best"] = statistics.median(qps), max(qps)
                a["eff_med"], a["eff_best"] = statistics.median(eff), max(eff)
                a["lost"] = sum(int(fnum(r["lost"], 0)) for r in tp)
                a["other"] = statistics.median(fnum(r["other_cpu_s"]) for r in tp)
                a["dnsperf_cpu"] = statistics.median(fnum(r["dnsperf_cpu_s"]) for r in tp)
                a["srv_cpu"] = statistics.median(fnum(r["server_cpu_s"]) / fnum(r["wall_s"]) for r in tp)
                a["resp"] = tp[0]["resp_bytes"]
                a["reps"] = len(tp)
            if lat:
                L = lat[0]
                a["lat"] = f"{fnum(L['p50_ms']):.3f} / {fnum(L['p99_ms']):.3f} / {fnum(L['p999_ms']):.3f}"
                a["lat_lost"] = int(fnum(L["lost"], 0))
            if sv and sv[0]["load_s"] != "-":
                v = sv[0]
                a["load_s"] = fnum(v["load_s"])
                a["rss"], a["pss"] = fnum(v["rss_kb"]) * 1024, fnum(v["pss_kb"]) * 1024
                a["rss_after"], a["pss_after"] = fnum(v["rss_after_kb"]) * 1024, fnum(v["pss_after_kb"]) * 1024
                a["checks"] = v["checks"]
            if c and c[0]["Ir_per_query"] not in ("-", "", "0"):
                a["ir"] = fnum(c[0]["Ir_per_query"])
            agg[(n, s)] = a

    print("## DNS\n")
    print(f"Servers pinned to one CPU with one worker, dnsperf pinned to the other (`-c {settings.get('clients', '4')} "
          f"-q {settings.get('q', '?')}`), {settings.get('reps', '?')} × {settings.get('dur', '?')} s per server "
          f"and N, interleaved. **q/CPU-s** = queries answered ÷ server CPU time (utime+stime of its process tree); "
          f"× = ratio to localcertd. Latency at a fixed {settings.get('lat_qps', '?')} qps. "
          f"Memory after loading; B/sub = PSS ÷ N (PSS = RSS for one process; NSD's forked server shares its "
          f"zone copy-on-write). Instr/q = callgrind Ir of the server per query over a {20000:,}-query replay.\n")
    print("| N | server | q/CPU-s med | × | QPS med | QPS best | × | lost | p50 / p99 / p99.9 ms | "
          "answering after s | RSS MiB | PSS MiB | B/sub | instr/q | × | resp B | checks |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in ns:
        ref = agg.get((n, REF), {})
        for s in SERVER_ORDER:
            a = agg.get((n, s))
            if a is None:
                continue
            nan = float("nan")
            bsub = a.get("pss", nan) / n
            print(f"| {human_n(n)} | {s} | {fmt_int(a.get('eff_med', nan))} | {fmt_ratio(a.get('eff_med', nan), ref.get('eff_med', nan))} "
                  f"| {fmt_int(a.get('qps_med', nan))} | {fmt_int(a.get('qps_best', nan))} "
                  f"| {fmt_ratio(a.get('qps_med', nan), ref.get('qps_med', nan))} | {a.get('lost', '-')} "
                  f"| {a.get('lat', '-')} | {fmt(a.get('load_s', nan), '.2f')} | {fmt(a.get('rss', nan) / 1048576, '.0f')} "
                  f"| {fmt(a.get('pss', nan) / 1048576, '.0f')} | {fmt_int(bsub)} | {fmt_int(a.get('ir', nan))} "
                  f"| {fmt_ratio(a.get('ir', nan), ref.get('ir', nan))} | {a.get('resp', '-')} | {a.get('checks', '-')} |")
    print()
    if any("other" in a for a in agg.values()):
        print("CPU use during the saturation runs (median per run): server cores busy, dnsperf CPU-s, "
              "other processes' CPU-s (anything not server or dnsperf; only ever lowers QPS):\n")
        print("| N | " + " | ".join(s for s in SERVER_ORDER if any((n, s) in agg for n in ns)) + " |")
        cols = [s for s in SERVER_ORDER if any((n, s) in agg for n in ns)]
        print("|---|" + "---|" * len(cols))
        for n in ns:
            cells = []
            for s in cols:
                a = agg.get((n, s), {})
                cells.append(f"{a['srv_cpu']:.2f} / {a['dnsperf_cpu']:.1f} / {a['other']:.1f}" if "srv_cpu" in a else "-")
            print(f"| {human_n(n)} | " + " | ".join(cells) + " |")
        print()
    # marginal memory per subdomain between the smallest and each larger N
    if len(ns) > 1:
        print("Marginal memory per added subdomain, (PSS(N) − PSS(smallest N)) ÷ (N − smallest N), bytes:\n")
        print("| N | " + " | ".join(SERVER_ORDER) + " |")
        print("|---|" + "---:|" * len(SERVER_ORDER))
        n0 = ns[0]
        for n in ns[1:]:
            cells = []
            for s in SERVER_ORDER:
                a, b = agg.get((n, s), {}), agg.get((n0, s), {})
                cells.append(fmt_int((a["pss"] - b["pss"]) / (n - n0)) if "pss" in a and "pss" in b else "-")
            print(f"| {human_n(n)} | " + " | ".join(cells) + " |")
        print()

    if api:
        print("## Update API\n")
        print("localcertd: `POST /update` (acme-dns), SQLite WAL `synchronous=FULL`, 200 only once the value is "
              "in DNS. PowerDNS: `PATCH` REPLACE of the same `_acme-challenge` TXT rrset, gsqlite3 (WAL, default "
              "synchronous), `default-api-rectify=no` (with rectify each PATCH is O(zone)). Closed loop, keep-alive, "
              "random subdomain per request, 1 s warm-up not counted, C client (`bench/api-load/api_load.c`).\n")
        print("| N | server | clients | updates/s | errors | p50 / p99 ms | server CPU ms / update | client CPU s |")
        print("|---|---|---:|---:|---:|---|---:|---:|")
        for a in api:
            r = api_result(a)
            if a["run"] not in ("c1", "c16") or not r:
                continue
            ok = r["ok"]
            # the client's own figure covers the measured window only; the wrapper's, the whole run
            srv = r["server_cpu_s"] if r.get("server_cpu_s", -1) >= 0 else a["server_cpu_s"]
            cpu_per = srv * 1000 / ok if ok else float("nan")
            print(f"| {human_n(a['N'])} | {a['target']} | {r['clients']} | {r['rate']:,.0f} | {r['errors']} "
                  f"| {r['p50']:.2f} / {r['p99']:.2f} | {cpu_per:.3f} | {r.get('client_cpu_s')} |")
        print()
        vis = [a for a in api if a["run"] == "vis" and a.get("result")]
        if vis:
            print("Update → DNS visibility (sequential samples; the name is queried first so any cache holds the old answer):\n")
            print("| N | server | samples | fails | request sent → visible p50 / p99 ms | success status → visible p50 / p99 / max ms | first poll saw it |")
            print("|---|---|---:|---:|---|---|---:|")
            for a in vis:
                r = a["result"]
                print(f"| {human_n(a['N'])} | {a['target']} | {r['samples']} | {r['fails']} "
                      f"| {r['sent_to_visible_ms_p50']} / {r['sent_to_visible_ms_p99']} "
                      f"| {r['status_to_visible_ms_p50']} / {r['status_to_visible_ms_p99']} / {r['status_to_visible_ms_max']} "
                      f"| {r['first_poll_hit_fraction'] * 100:.0f} % |")
            print()
        ceil = [a for a in api if a["run"] == "client-ceiling" and a.get("result")]
        for a in ceil:
            r = api_result(a)
            print(f"Client ceiling (N={human_n(a['N'])}): the same client, 16 connections, `GET /health` on localcertd: "
                  f"{r['rate']:,.0f} requests/s using {r['client_cpu_s']} client CPU-s in {r['seconds']} s.")
        if ceil:
            print()

    load = read_tsv(os.path.join(d, "load.tsv"))
    if load:
        print("## How busy the machine was\n")
        print("Load averages and cores in use (over 1 s, every process) at the start and end of each phase; "
              "the machine has " + next((l.split("cpus:")[1].split(";")[0].strip() for l in meta if "cpus:" in l), "?")
              + " CPUs. Other engineers build and test on the same machine, so raw QPS and latency vary with this; "
              "q/CPU-s and instructions per query much less.\n")
        print("| N | phase | start: load 1m / 5m, cores busy | end: load 1m / 5m, cores busy |")
        print("|---|---|---|---|")
        seen = OrderedDict()
        for r in load:
            seen.setdefault((r["N"], r["phase"]), {})[r["event"]] = r
        for (n, ph), ev in seen.items():
            cell = lambda e: (f"{e['loadavg_1m']} / {e['loadavg_5m']}, {e['busy_cores']} ({e['time']} UTC)" if e else "-")
            print(f"| {human_n(n)} | {ph} | {cell(ev.get('start'))} | {cell(ev.get('end'))} |")
        print()

    print("## Targets\n")
    rows = []
    # 1. >= 1.5x best peer in q per server CPU-s at every N
    for n in ns:
        ref = agg.get((n, REF), {})
        peers = [(agg[(n, s)]["eff_med"], s) for s in SERVER_ORDER[1:] if "eff_med" in agg.get((n, s), {})]
        if "eff_med" in ref and peers:
            best, bs = max(peers)
            x = ref["eff_med"] / best
            rows.append((f"≥ 1.5× the best peer in q per server CPU-s, N={human_n(n)}",
                         f"{x:.2f}× ({ref['eff_med']:,.0f} vs {bs} {best:,.0f})", x >= 1.5))
    # 2. raw QPS >= every peer
    for n in ns:
        ref = agg.get((n, REF), {})
        peers = [(agg[(n, s)]["qps_med"], s) for s in SERVER_ORDER[1:] if "qps_med" in agg.get((n, s), {})]
        if "qps_med" in ref and peers:
            best, bs = max(peers)
            rows.append((f"raw QPS (pinned, median) ≥ every peer, N={human_n(n)}",
                         f"{ref['qps_med']:,.0f} vs best peer {bs} {best:,.0f} ({ref['qps_med'] / best:.2f}×)",
                         ref["qps_med"] >= best))
    # 3. <= 250 B RSS per subdomain at 1M
    big = max(ns) if ns else 0
    at = "" if big >= 1000000 else f" (measured at N={human_n(big)} only)"
    a = agg.get((big, REF), {})
    if "rss" in a:
        v = a["rss"] / big
        rows.append((f"≤ 250 B RSS per subdomain at N=1M{at}", f"{v:,.0f} B (RSS {a['rss'] / 1048576:.0f} MiB)", v <= 250))
    # 4. start to answering with 1M < 3 s
    if "load_s" in a:
        rows.append((f"start to answering < 3 s with 1M subdomains{at}", f"{a['load_s']:.2f} s", a["load_s"] < 3))
    # 5. flat 1k -> 1M within 10 %
    if len(ns) > 1:
        lo, hi = agg.get((ns[0], REF), {}), agg.get((big, REF), {})
        for key, what in (("eff_med", "q per server CPU-s"), ("qps_med", "QPS (pinned, median)")):
            if key in lo and key in hi:
                ch = hi[key] / lo[key] - 1
                rows.append((f"{what} flat from N={human_n(ns[0])} to N={human_n(big)}, within 10 %",
                             f"{lo[key]:,.0f} → {hi[key]:,.0f} ({ch * 100:+.1f} %)", abs(ch) <= 0.10))
    # 6. >= 10k durable updates/s with 16 clients, zero errors
    for x in api:
        if x["target"] == REF and x["run"] == "c16" and api_result(x):
            r = api_result(x)
            rows.append((f"≥ 10,000 durable updates/s with 16 clients, zero errors, N={human_n(x['N'])}",
                         f"{r['rate']:,.0f}/s, {r['errors']} errors", r["rate"] >= 10000 and r["errors"] == 0))
    print("| target | measured | met? |")
    print("|---|---|---|")
    for t, m, ok in rows:
        print(f"| {t} | {m} | {'**met**' if ok else '**not met**'} |")
    print()


if __name__ == "__main__":
    main()
