#!/usr/bin/env python3
"""Throughput, CPU per query, latency, memory and start-up of geodns under dnsperf; optionally against gdnsd, Knot
DNS and PowerDNS on the same machine, with the same zone, the same four locations and the same City database.

What it does (bench/README.md says more):
  1. Writes a City-level test DB with geoip's MmdbWriter: 54 cities around the world, 4 /16 networks each
     (--network-prefix 20: each /16 split in 16 networks of /20).
  2. Writes dnsperf query files (binary, `dnsperf -B`, so every query carries its own EDNS Client Subnet):
     80% app.example.com A/AAAA, 10% static names, 5% NXDOMAIN, 5% SOA/NS, client /24s drawn from the DB's networks.
  3. Measures geodns's start-up to its first answer with the embedded DB (median of 3).
  4. Starts geodns (and with --compare the peers, and the floor: bench/c/floor.c, which sends each query back
     without a lookup) on free loopback ports, checks every city's answer against the nearest location, then per
     run starts N dnsperf processes for a fixed time against one server after the other (alternating the order
     each run) and reads the server's CPU time from /proc/PID/stat around it.
  5. Prints one table: queries/s (median of runs), average and p99 latency, server CPU per answered query, VmRSS
     after the runs, and geodns/peer ratios. --latency adds runs at half geodns's peak rate with a paced client
     that keeps a latency histogram (bench/c/latency.c); --pin puts that client and the server on separate CPUs.

Everything runs on 127.0.0.1 and is stopped by PID on exit (also on Ctrl-C); every load run is bounded in time.
Usage: bench/run.sh [--compare] [--latency [--pin]] [--dnssec] [--runs 3] [--seconds 10] [--clients 4]
                    [--only floor,gdnsd,knot,pdns] [--network-prefix 16]
"""
import argparse, atexit, os, shutil, signal, sys, tempfile

from host import REPO, build_tools, cleanup, ensure_jar, ensure_packages, on_signal
from latency import latency_table
from dnsperf_runs import load
from report import fmt, median, throughput_table
from servers import PEERS, WithDo, geodns, image_jvm_flags, make_keys, sanity, train_class_archive
from workload import write_db, write_queries
from world import CITIES, NETS_PER_CITY

# The jobs live in modules of this folder: world (the test world), workload (test DB and query files), servers
# (what is measured, started on loopback; peer_configs writes the peers' zone data), dnsperf_runs (throughput),
# latency (paced latency runs), report (tables), host (processes, ports, /proc, packages); dnswire (DNS messages).


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compare", action="store_true",
                    help="also the floor (bench/c/floor.c), gdnsd, Knot DNS and PowerDNS (apt-get if missing)")
    ap.add_argument("--latency", action="store_true",
                    help="also runs at half geodns's peak rate with bench/c/latency.c: average, p50, p99, p99.9")
    ap.add_argument("--pin", action="store_true",
                    help="in the latency runs, the client on CPU 0 and the server on CPU 1, so they do not compete")
    ap.add_argument("--only", default="",
                    help="peers to compare, e.g. floor,gdnsd (implies --compare; default: all)")
    ap.add_argument("--runs", type=int, default=3, help="measured runs per server (default 3)")
    ap.add_argument("--seconds", type=int, default=10, help="seconds per run (default 10)")
    # 20 s: under a full load the JIT gets little of the two cores, and geodns's C2 compiles went on for about
    # 10 s, at times taking a third of the server's CPU; a name server lives in the steady state after that.
    ap.add_argument("--warmup", type=int, default=20,
                    help="unmeasured seconds of load per server first, for the JIT (default 20)")
    ap.add_argument("--clients", type=int, default=4, help="dnsperf processes per run (default 4)")
    ap.add_argument("--outstanding", type=int, default=100, help="dnsperf -q per process (default 100)")
    ap.add_argument("--no-tail", dest="tail", action="store_false",
                    help="skip the p99 of the throughput runs (dnsperf -v costs the client some CPU)")
    ap.add_argument("--jar", default=os.path.join(REPO, "server/target/geodns.jar"))
    ap.add_argument("--jvm", default=image_jvm_flags(),
                    help="JVM flags for geodns (default: the image's, @server/jvm.args, heap sized as under the "
                         "DaemonSet's 192Mi)")
    ap.add_argument("--no-class-archive", dest="class_archive", action="store_false",
                    help="run geodns without the image's class data sharing archive (made by a selftest run)")
    ap.add_argument("--network-prefix", type=int, default=16, choices=range(16, 25), metavar="16..24",
                    help="prefix of the test DB's networks (default 16: each city's four /16s whole; 20: split "
                         "in /20s, so that clients fall in networks narrower than a /16, as in a real City DB)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (DB, query files, configs, logs)")
    ap.add_argument("--dnssec", action="store_true",
                    help="serve example.com signed (a key made by geodns dnssec keygen) and load geodns twice per "
                         "run, with the same queries without and with the DNSSEC OK bit (geodns+do)")
    args = ap.parse_args()
    args.compare = args.compare or bool(args.only)
    for name in filter(None, args.only.split(",")):
        if name not in PEERS:
            sys.exit(f"--only: unknown peer {name!r} (known: {', '.join(PEERS)})")

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if not ensure_packages(["dnsperf", "gcc", "libc6-dev"]):
        sys.exit("dnsperf and a C compiler are needed: apt-get install -y dnsperf gcc libc6-dev")
    if args.pin and os.cpu_count() < 2:
        sys.exit("--pin needs two CPUs")
    ensure_jar(args.jar)
    work = tempfile.mkdtemp(prefix="geodns-perf-")
    if not args.keep:
        atexit.register(shutil.rmtree, work, True)
    print(f"work folder {work}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before start",
          flush=True)
    args.tools = build_tools(work)

    write_db(os.path.join(work, "city.mmdb"), args.network_prefix)
    for k in range(args.clients):
        write_queries(os.path.join(work, f"queries-{k}.bin"), 20000, seed=k + 1)
        if args.dnssec:
            write_queries(os.path.join(work, f"queries-do-{k}.bin"), 20000, seed=k + 1, do=True)
    args.keys = make_keys(args, work) if args.dnssec else None
    print(f"test DB: {len(CITIES)} cities x {NETS_PER_CITY} /16s, written as "
          f"{len(CITIES) * NETS_PER_CITY * 2 ** (args.network_prefix - 16)} /{args.network_prefix} networks; "
          f"query files: {args.clients} x 20000 queries, ECS from {len(CITIES) * NETS_PER_CITY * 256} client /24s",
          flush=True)

    # Start-up to the first answer, with the embedded DB (what the issue's target is about), with the image's class
    # archive and without it, alternating.
    args.archive = train_class_archive(args, work) if args.class_archive else None
    startups, plain_startups = [], []
    for _ in range(3):
        for archive, into in ((True, startups), (False, plain_startups)) if args.archive else ((False, startups),):
            s = geodns(args, work, geoip=False, archive=archive).start()
            into.append(s.startup)
            s.stop()
    without = (f"; without the class archive: median {median(plain_startups):.2f} s "
               f"({', '.join(f'{x:.2f}' for x in plain_startups)})") if plain_startups else ""
    print(f"geodns start-up to first answer, embedded DB{', class archive' if args.archive else ''}: median "
          f"{median(startups):.2f} s ({', '.join(f'{x:.2f}' for x in startups)}){without}", flush=True)

    servers = [geodns(args, work).start()]
    print(f"geodns start-up with the City test DB: {servers[0].startup:.2f} s", flush=True)
    if args.dnssec:
        servers.append(WithDo(servers[0]))
        print("--dnssec: example.com signed; geodns+do is the same process asked the same queries with DO set",
              flush=True)
    skipped = {}
    if args.compare:
        wanted = args.only.split(",") if args.only else list(PEERS)
        for name in wanted:
            packages, factory = PEERS[name]
            if not ensure_packages(packages):
                skipped[name] = f"apt-get install {' '.join(packages)} failed"
                continue
            try:
                servers.append(factory(args, work).start())
            except Exception as e:  # a peer that cannot be made to work is reported and skipped
                skipped[name] = str(e)
    for name, why in skipped.items():
        print(f"SKIPPED {name}: {why}", flush=True)

    for s in servers:
        if s.name == "floor":
            print("floor: sends every query back as its answer, no lookup (not checked)", flush=True)
            continue
        if getattr(s, "do", False):
            continue  # geodns's own process, checked above
        ok, total, bad = sanity(s)
        print(f"{s.name}: {ok}/{total} answers as geodns's rules want (every city, A and AAAA; www, NXDOMAIN, SOA)"
              + ("" if not bad else "; e.g. " + " | ".join(bad)), flush=True)
        if s.name == "geodns" and ok != total:
            sys.exit("geodns does not answer as its own rules want: the load would not measure what it claims")

    for s in servers:
        if args.warmup:
            load(s, args, work, args.warmup, tag="warmup")
    runs = {s.name: [] for s in servers}
    for r in range(args.runs):
        order = servers[r % len(servers):] + servers[:r % len(servers)]
        for s in order:
            run = load(s, args, work, args.seconds, verbose=args.tail, tag=f"run{r}")
            runs[s.name].append(run)
            print(f"run {r + 1}/{args.runs} {s.name:7s} {run['qps']:9.0f} q/s  avg {run['avg'] * 1e3:.3f} ms  "
                  f"p99 {fmt(run['p99'] * 1e3, '.3f')} ms  cpu {run['cpu_us']:.2f} us/answer "
                  f"({run['cpu_share'] * 100:.0f}% of a core, {run['user_share'] * 100:.0f}% of it user)  "
                  f"lost {run['lost']:.0f}  {run['rcodes']}", flush=True)
    summary = throughput_table(servers, runs, args, startups, plain_startups, skipped)
    g = summary["geodns"]

    if args.latency:
        latency_table(servers, args, work, rate=g["qps"] / 2)
    cleanup()


if __name__ == "__main__":
    main()
