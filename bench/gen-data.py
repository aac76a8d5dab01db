#!/usr/bin/env python3
"""Generate the benchmark data set for localcertd and its peers (standard library only).

Usage: gen-data.py N --out DIR --ctl PATH/TO/localcertctl [--seed S] [--queries Q]

Every server gets the same N subdomains <label>.localhostcert.net (UUID-shaped
labels, like instant subdomains), holding the records localcertd serves for a
`localhost`-kind parent, with the same TTLs and names:

  <label>                 A 127.0.0.1, AAAA ::1, MX 0 ., TXT "v=spf1 -all"      (TTL 300)
  _dmarc.<label>          TXT "v=DMARC1;p=reject;sp=reject;adkim=s;aspf=s"   (TTL 300)
  *._domainkey.<label>    TXT "v=DKIM1; p="                                   (TTL 300)
  _acme-challenge.<label> TXT, two 43-character base64url values             (TTL 10)

Files written into DIR:
  localhostcert.net.zone  RFC 1035 master file (knot, nsd, bind): one parent zone
  pdns.sqlite3            PowerDNS gsqlite3 database (Debian schema), same records
  localcert.db            localcertd's own SQLite store: subdomains, 2 challenge
                          values each, one API key each (secret known to the bench)
  creds.tsv               label, key id, secret (for the API load client)
  labels.txt              the N labels
  queries.txt             dnsperf query file (the mix below, shuffled)
  replay.txt              the first 20,000 lines of queries.txt (callgrind replay)
  check.txt               "qname qtype rcode [substring]" probes every server must pass
  STAMP, STAMP.store      generator version + parameters, and the store schema version of
                          localcertctl (each part is reused while its stamp matches)

Query mix (percent): 40 _acme-challenge TXT, 20 A, 10 AAAA, 10 nonexistent
label (NXDOMAIN), 10 MX, 5 SOA, 5 x._domainkey TXT (wildcard).

The one difference between localcertd and the peers: in localcertd every
subdomain is its own zone apex (SOA and NS at <label>); the peers serve one
parent zone, because an NS at <label> there would be a zone cut (a referral),
and a million separate zones is not a fair "best showing" for any of them.
So `<label> SOA` (5 % of queries) is an answer from localcertd and NODATA with
the parent SOA from the peers; both are one SOA record, in different sections.
"""
import argparse
import base64
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

VERSION = "3"
PARENT = "localhostcert.net"
NS = ["ns1.localhostcert.net.", "ns2.localhostcert.net."]
MBOX = "hostmaster.localhostcert.net."
TTL = 300          # localcertd ttl_fixed
TTL_SOA = 60       # localcertd ttl_soa
TTL_ACME = 10      # localcertd ttl_challenge
SOA_RDATA = f"{NS[0]} {MBOX} 1 10800 3600 604800 60"
SPF = "v=spf1 -all"
DMARC = "v=DMARC1;p=reject;sp=reject;adkim=s;aspf=s"
DKIM = "v=DKIM1; p="
PDNS_SCHEMA = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql"
REPLAY = 20000

MIX = [(40, "acme"), (20, "a"), (10, "aaaa"), (10, "nx"), (10, "mx"), (5, "soa"), (5, "dkim")]


def uuid4_from(rng):
    h = "%032x" % rng.getrandbits(128)
    return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[rng.randrange(4)]}{h[17:20]}-{h[20:32]}"


def b64url43(raw32):
    return base64.urlsafe_b64encode(raw32).decode().rstrip("=")


def label_records(label, v1, v2):
    """(owner relative to the parent, ttl, type, rdata in master-file syntax)"""
    return [
        (label, TTL, "A", "127.0.0.1"),
        (label, TTL, "AAAA", "::1"),
        (label, TTL, "MX", "0 ."),
        (label, TTL, "TXT", f'"{SPF}"'),
        (f"_dmarc.{label}", TTL, "TXT", f'"{DMARC}"'),
        (f"*._domainkey.{label}", TTL, "TXT", f'"{DKIM}"'),
        (f"_acme-challenge.{label}", TTL_ACME, "TXT", f'"{v1}"'),
        (f"_acme-challenge.{label}", TTL_ACME, "TXT", f'"{v2}"'),
    ]


def apex_records():
    """What localcertd's parent apex carries (bench config: ns1/ns2 A 127.0.0.1 static records)."""
    return [
        ("@", TTL_SOA, "SOA", SOA_RDATA),
        ("@", TTL, "NS", NS[0]),
        ("@", TTL, "NS", NS[1]),
        ("@", TTL, "MX", "0 ."),
        ("@", TTL, "TXT", f'"{SPF}"'),
        ("_dmarc", TTL, "TXT", f'"{DMARC}"'),
        ("*._domainkey", TTL, "TXT", f'"{DKIM}"'),
        ("ns1", TTL, "A", "127.0.0.1"),
        ("ns2", TTL, "A", "127.0.0.1"),
    ]


def write_zone(path, labels, acme):
    with open(path, "w") as f:
        f.write(f"$ORIGIN {PARENT}.\n$TTL {TTL}\n")
        for owner, ttl, typ, rdata in apex_records():
            f.write(f"{owner}\t{ttl}\tIN\t{typ}\t{rdata}\n")
        buf = []
        for label in labels:
            v1, v2 = acme[label]
            for owner, ttl, typ, rdata in label_records(label, v1, v2):
                buf.append(f"{owner}\t{ttl}\tIN\t{typ}\t{rdata}\n")
            if len(buf) > 100000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


def write_pdns(path, labels, acme):
    if os.path.exists(path):
        os.unlink(path)
    db = sqlite3.connect(path)
    with open(PDNS_SCHEMA) as f:
        db.executescript(f.read())
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    cur = db.cursor()
    rows = []
    ins = ("INSERT INTO records (domain_id,name,type,content,ttl,prio,disabled,ordername,auth)"
           " VALUES (?,?,?,?,?,?,?,?,?)")

    def add(owner, ttl, typ, rdata):
        # gsql backends keep the MX preference in the prio column; names have no trailing dot
        prio = 0
        if typ == "MX":
            pref, rdata = rdata.split(None, 1)
            prio = int(pref)
        name = PARENT if owner == "@" else f"{owner}.{PARENT}"
        rows.append((1, name, typ, rdata, ttl, prio, 0, None, 1))

    cur.execute("INSERT INTO domains (id, name, type) VALUES (1, ?, 'NATIVE')", (PARENT,))
    for r in apex_records():
        add(*r)
    for label in labels:
        v1, v2 = acme[label]
        for r in label_records(label, v1, v2):
            add(*r)
        if len(rows) > 200000:
            cur.executemany(ins, rows)
            rows.clear()
    cur.executemany(ins, rows)
    db.commit()
    db.close()


def key_for(i):
    """Deterministic key id (UUIDv4-shaped) and secret for subdomain number i."""
    h = hashlib.sha256(b"localcert-bench-key-%d" % i).digest()
    rng = random.Random(h)
    secret = b64url43(hashlib.sha256(b"localcert-bench-secret-%d" % i).digest())
    return uuid4_from(rng), secret


def write_localcert(data_dir, ctl, labels, acme):
    """An empty store made by the real binary (current schema), filled in bulk."""
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, "localcert.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    create_empty_store(ctl, data_dir)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    cols = {r[1] for r in db.execute("PRAGMA table_info(subdomains)")}
    want = {"id", "label", "parent", "kind", "serial", "created", "deleted", "seq", "txt0", "txt1"}
    if not want <= cols:
        sys.exit(f"gen-data.py: localcert.db schema changed (subdomains has {sorted(cols)}); update bench/gen-data.py")
    now = int(time.time())
    subs, keys, creds = [], [], []
    for i, label in enumerate(labels, 1):
        v1, v2 = acme[label]  # oldest first, as the store keeps them (txt0, txt1)
        subs.append((i, label, PARENT, 0, 1, now, 0, i, v1, v2))  # kind 0 = instant: TXT at _acme-challenge.<label>
        kid, secret = key_for(i)
        keys.append((kid, i, hashlib.sha256(secret.encode()).digest(), "[]", now))
        creds.append(f"{label}\t{kid}\t{secret}\n")
    db.execute("BEGIN")
    db.executemany("INSERT INTO subdomains (id,label,parent,kind,serial,created,deleted,seq,txt0,txt1)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?)", subs)
    db.executemany("INSERT INTO keys (id,sub_id,secret_hash,allowfrom,created) VALUES (?,?,?,?,?)", keys)
    db.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (len(labels),))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    with open(os.path.join(os.path.dirname(data_dir), "creds.tsv"), "w") as f:
        f.write("".join(creds))


def create_empty_store(ctl, data_dir):
    """Let the real binary create and migrate the store: create one subdomain, then empty it again."""
    conf = os.path.join(data_dir, "gen.ini")
    with open(conf, "w") as f:
        f.write(f"[parent {PARENT}]\nkind = localhost\n")
    subprocess.run([ctl, "--config", conf, "--data", data_dir, "create", "bench-init"],
                   check=True, stdout=subprocess.DEVNULL)
    os.unlink(conf)
    db = sqlite3.connect(os.path.join(data_dir, "localcert.db"))
    db.execute("BEGIN")
    for t in ("keys", "changes", "subdomains"):
        db.execute(f"DELETE FROM {t}")
    db.execute("DELETE FROM sqlite_sequence")
    db.execute("UPDATE meta SET value = 0 WHERE key = 'seq'")
    db.execute("COMMIT")
    db.close()


def store_schema(ctl):
    """The store schema the given binary creates: its version and a digest of its SQL, so the
    data is rebuilt when either changes (a schema edited before release keeps its version)."""
    with tempfile.TemporaryDirectory() as tmp:
        create_empty_store(ctl, tmp)
        db = sqlite3.connect(os.path.join(tmp, "localcert.db"))
        v = db.execute("PRAGMA user_version").fetchone()[0]
        sql = "\n".join(r[0] or "" for r in db.execute("SELECT sql FROM sqlite_master ORDER BY name"))
        db.close()
    return "%d-%s" % (v, hashlib.sha256(sql.encode()).hexdigest()[:12])


def write_queries(path, labels, nq, rng):
    kinds = []
    for w, k in MIX:
        kinds += [k] * round(nq * w / 100)
    kinds = kinds[:nq]
    rng.shuffle(kinds)
    existing = set(labels)
    out = []
    for k in kinds:
        label = labels[rng.randrange(len(labels))]
        if k == "acme":
            out.append(f"_acme-challenge.{label}.{PARENT} TXT\n")
        elif k == "a":
            out.append(f"{label}.{PARENT} A\n")
        elif k == "aaaa":
            out.append(f"{label}.{PARENT} AAAA\n")
        elif k == "mx":
            out.append(f"{label}.{PARENT} MX\n")
        elif k == "soa":
            out.append(f"{label}.{PARENT} SOA\n")
        elif k == "dkim":
            out.append(f"x._domainkey.{label}.{PARENT} TXT\n")
        else:
            while True:
                nx = uuid4_from(rng)
                if nx not in existing:
                    break
            out.append(f"{nx}.{PARENT} A\n")
    with open(path, "w") as f:
        f.write("".join(out))
    with open(os.path.join(os.path.dirname(path), "replay.txt"), "w") as f:
        f.write("".join(out[:REPLAY]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ctl", required=True, help="path to localcertctl (creates the empty store)")
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--queries", type=int, default=0, help="query lines (default max(200000, 2*N))")
    a = ap.parse_args()
    n, out = a.n, a.out
    nq = a.queries or max(200000, 2 * n)
    # Two parts with their own stamps: the shared data (zone file, pdns db, queries), and
    # localcertd's store, which is rebuilt alone when the binary's schema version changes.
    stamp = f"gen-data v{VERSION} n={n} seed={a.seed} queries={nq}\n"
    stamp_path = os.path.join(out, "STAMP")
    store_stamp = f"{stamp.strip()} store-schema={store_schema(a.ctl)}\n"
    store_stamp_path = os.path.join(out, "STAMP.store")
    have = lambda p, v: os.path.exists(p) and open(p).read() == v
    need_data, need_store = not have(stamp_path, stamp), not have(store_stamp_path, store_stamp)
    if not need_data and not need_store:
        print(f"gen-data: {out} is up to date", file=sys.stderr)
        return
    os.makedirs(out, exist_ok=True)
    for p, need in ((stamp_path, need_data), (store_stamp_path, need_store)):
        if need and os.path.exists(p):
            os.unlink(p)
    t0 = time.time()
    rng = random.Random(a.seed)
    labels, seen = [], set()
    while len(labels) < n:
        lab = uuid4_from(rng)
        if lab not in seen:
            seen.add(lab)
            labels.append(lab)
    acme = {lab: (b64url43(rng.getrandbits(256).to_bytes(32, "big")),
                  b64url43(rng.getrandbits(256).to_bytes(32, "big"))) for lab in labels}
    if need_data:
        with open(os.path.join(out, "labels.txt"), "w") as f:
            f.write("\n".join(labels) + "\n")
        write_zone(os.path.join(out, f"{PARENT}.zone"), labels, acme)
        write_pdns(os.path.join(out, "pdns.sqlite3"), labels, acme)
        write_queries(os.path.join(out, "queries.txt"), labels, nq, random.Random(a.seed + 1))
        first, last = labels[0], labels[-1]
        with open(os.path.join(out, "check.txt"), "w") as f:
            f.write(f"{PARENT} SOA NOERROR\n")
            f.write(f"_acme-challenge.{last}.{PARENT} TXT NOERROR {acme[last][0]}\n")
            f.write(f"_acme-challenge.{first}.{PARENT} TXT NOERROR {acme[first][1]}\n")
            f.write(f"{first}.{PARENT} A NOERROR 127.0.0.1\n")
            f.write(f"{first}.{PARENT} AAAA NOERROR ::1\n")
            f.write(f"{first}.{PARENT} MX NOERROR\n")
            f.write(f"{first}.{PARENT} TXT NOERROR spf1\n")
            f.write(f"_dmarc.{first}.{PARENT} TXT NOERROR DMARC1\n")
            f.write(f"x._domainkey.{last}.{PARENT} TXT NOERROR DKIM1\n")
            f.write(f"{first}.{PARENT} SOA NOERROR\n")
            f.write(f"does-not-exist.{PARENT} A NXDOMAIN\n")
        with open(stamp_path, "w") as f:
            f.write(stamp)
    if need_store:
        write_localcert(os.path.join(out, "localcert"), a.ctl, labels, acme)
        with open(store_stamp_path, "w") as f:
            f.write(store_stamp)
    what = " and ".join(w for w, x in (("shared data", need_data), ("localcertd store", need_store)) if x)
    print(f"gen-data: wrote {what} for {n} subdomains into {out} in {time.time() - t0:.0f} s", file=sys.stderr)

if __name__ == "__main__":
    main()
