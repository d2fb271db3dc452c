#!/usr/bin/env python3
"""How many distinct ECS scope networks the bench's client set gets from geodns: a resolver caches one answer per
scope network, so fewer means fewer queries reach us and more of them are answered from resolver caches.

Writes the bench's City test DB (as bench/run.sh does, --network-prefix 16 or 20), starts geodns (--jar, default
server/target/geodns.jar; give an older jar to count before a change) on a free loopback port, asks
app.example.com A once for every client /24 of the bench's client set (54 cities x 4 /16 networks x 256 = 55,296
ECS subnets, each query bounded by a 1 s timeout and 3 tries), and prints the distinct scope networks
(the client address cut to the scope's prefix), the scopes' histogram, and the server's log line on its ECS table.
Sends to 127.0.0.1 only; the server is stopped by PID on exit.

Usage: bench/scopes.py [--jar JAR] [--network-prefix 16]
"""
import argparse, atexit, collections, os, random, signal, socket, struct, sys, tempfile, time

from dnswire import query, skip_name, wait_first_answer
from host import REPO, cleanup, free_port, on_signal, spawn, stop
from workload import write_db
from world import CITIES, city_networks


def ecs_scope(msg):
    """The SCOPE PREFIX-LENGTH of the reply's ECS option, or None."""
    _, _, qd, an, ns, ar = struct.unpack(">HHHHHH", msg[:12])
    i = 12
    for _ in range(qd):
        i = skip_name(msg, i) + 4
    for n in range(an + ns + ar):
        i = skip_name(msg, i)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[i:i + 10])
        i += 10
        if rtype == 41 and n >= an + ns:
            j = i
            while j < i + rdlen:
                code, length = struct.unpack(">HH", msg[j:j + 4])
                if code == 8:
                    return msg[j + 7]
                j += 4 + length
        i += rdlen
    return None


def ask_scope(sock, port, ecs):
    for _ in range(3):
        qid = random.randrange(65536)
        sock.sendto(query("app.example.com", "A", ecs, qid), ("127.0.0.1", port))
        try:
            while True:
                data, _ = sock.recvfrom(65535)
                if data[:2] == struct.pack(">H", qid):
                    return ecs_scope(data)
        except socket.timeout:
            continue
    raise RuntimeError(f"no answer for ECS {ecs}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jar", default=os.path.join(REPO, "server/target/geodns.jar"))
    ap.add_argument("--network-prefix", type=int, default=16, choices=range(16, 25))
    args = ap.parse_args()
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    work = tempfile.mkdtemp(prefix="geodns-scopes-")
    db = os.path.join(work, "city.mmdb")
    write_db(db, args.network_prefix)
    port, http = free_port(), free_port()
    log_path = os.path.join(work, "geodns.log")
    proc = spawn(["java", "-jar", args.jar, "serve", "--zones", os.path.join(REPO, "zones"), "--dns",
                  f"127.0.0.1:{port}", "--http", f"127.0.0.1:{http}", "--geoip", db], open(log_path, "w"))
    if wait_first_answer(port, proc) is None:
        sys.exit(f"geodns did not answer; its log {log_path}:\n" + open(log_path).read()[-1500:])
    # A geodns with widest scopes walks its DB beside serving; answers before that carry the networks' scopes.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "ECS scopes" not in open(log_path).read():
        time.sleep(0.1)
    networks, scopes = set(), collections.Counter()
    started = time.monotonic()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        for i in range(len(CITIES)):
            for net in city_networks(i):
                a, b = (int(x) for x in net.split(".")[:2])
                for c in range(256):
                    scope = ask_scope(s, port, [a, b, c])
                    address = (a << 24 | b << 16 | c << 8) & (0xFFFFFFFF << (32 - scope) & 0xFFFFFFFF)
                    networks.add((address, scope))
                    scopes[scope] += 1
    stop(proc)
    clients = sum(scopes.values())
    print(f"{args.jar} --network-prefix {args.network_prefix}: {clients} client /24s -> {len(networks)} distinct "
          f"scope networks ({time.monotonic() - started:.0f} s)")
    print("  scopes: " + ", ".join(f"/{p}: {n}" for p, n in sorted(scopes.items())))
    table = [line.strip() for line in open(log_path) if "ECS scopes" in line]
    if table:
        print("  " + table[-1])


if __name__ == "__main__":
    main()
