"""The throughput runs: N dnsperf processes for a fixed time against one server, its CPU time over the run from
/proc/PID/stat, and (dnsperf -v) the latencies of the answers."""
import math, os, re, time

from host import cpu_times, finish, spawn


def parse_dnsperf(text):
    def num(pattern, default=0.0):
        m = re.search(pattern, text)
        return float(m.group(1)) if m else default
    return {"sent": num(r"Queries sent:\s+(\d+)"), "completed": num(r"Queries completed:\s+(\d+)"),
            "lost": num(r"Queries lost:\s+(\d+)"), "qps": num(r"Queries per second:\s+([\d.]+)"),
            "avg": num(r"Average Latency \(s\):\s+([\d.]+)"), "max": num(r"Average Latency.*max ([\d.]+)"),
            "rcodes": dict((k, int(v)) for k, v in re.findall(r"([A-Z]+) (\d+) \(", text.split("Response codes:")[-1]
                                                                .split("\n")[0]))}


def read_latencies(path):
    """Per-query latencies (s) from dnsperf -v lines: '> NOERROR <name> <type> <latency>'."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith(">"):
                try:
                    out.append(float(line.rsplit(None, 1)[1]))
                except ValueError:
                    pass
    return out


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(math.ceil(p / 100 * len(values))) - 1)]


def load(server, args, work, seconds, rate=None, verbose=False, tag="run"):
    """N dnsperf processes for `seconds` against the server; its CPU time over the run from /proc/PID/stat."""
    procs, logs = [], []
    n = args.clients
    (usr0, sys0), t0 = cpu_times(server.pid), time.monotonic()
    for k in range(n):
        log = os.path.join(work, f"dnsperf-{server.name}-{tag}-{k}.out")
        cmd = ["dnsperf", "-B", "-d", os.path.join(work, f"{getattr(server, 'queries', 'queries')}-{k}.bin"), "-s", "127.0.0.1",
               "-p", str(server.port), "-l", str(seconds), "-c", "1", "-q", str(args.outstanding), "-t", "1"]
        if rate:
            cmd += ["-Q", str(max(1, int(rate / n)))]
        if verbose:
            cmd += ["-v"]
        f = open(log, "w")
        procs.append(spawn(cmd, f))
        logs.append((log, f))
    for p in procs:
        finish(p, seconds)
    usr1, sys1 = cpu_times(server.pid)
    wall, cpu, usr = time.monotonic() - t0, usr1 - usr0 + sys1 - sys0, usr1 - usr0
    results = []
    for log, f in logs:
        f.close()
        results.append(parse_dnsperf(open(log, errors="replace").read()))
    completed = sum(r["completed"] for r in results)
    run = {
        "qps": sum(r["qps"] for r in results),
        "completed": completed,
        "lost": sum(r["lost"] for r in results),
        "avg": sum(r["avg"] * r["completed"] for r in results) / completed if completed else float("nan"),
        "cpu_us": cpu / completed * 1e6 if completed else float("nan"),
        "cpu_share": cpu / wall,
        "user_share": usr / cpu if cpu else float("nan"),
        "rcodes": {},
        "p99": float("nan"),
    }
    for r in results:
        for k, v in r["rcodes"].items():
            run["rcodes"][k] = run["rcodes"].get(k, 0) + v
    if verbose:
        lat = []
        for log, _ in logs:
            lat += read_latencies(log)
        if lat:
            run["p99"], run["avg_v"] = percentile(lat, 99), sum(lat) / len(lat)
    if not args.keep:
        for log, _ in logs:
            if verbose:
                os.remove(log)
    return run
