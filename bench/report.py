"""The benchmark's report: medians, number formats and the throughput table (queries/s, latency, CPU per answer,
memory, geodns/peer ratios, start-up)."""
import math, os

from host import status_kib


def median(values):
    values = sorted(v for v in values if not math.isnan(v))
    if not values:
        return float("nan")
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def fmt(v, spec):
    """v formatted by spec, or '-' (as wide) when there is no value."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return format("-", ">" + spec.split(".")[0])
    return format(v, spec)


def throughput_table(servers, runs, args, startups, plain_startups, skipped):
    """Prints the medians of the load runs per server, and geodns's ratios to each peer; returns the medians."""
    rss = {s.name: status_kib(s.pid, "VmRSS") / 1024 for s in servers}
    hwm = {s.name: status_kib(s.pid, "VmHWM") / 1024 for s in servers}

    summary = {}
    for s in servers:
        rs = runs[s.name]
        summary[s.name] = {"qps": median([x["qps"] for x in rs]), "avg": median([x["avg"] for x in rs]) * 1e3,
                           "p99": median([x["p99"] for x in rs]) * 1e3, "cpu": median([x["cpu_us"] for x in rs]),
                           "usr": median([x["user_share"] for x in rs]) * 100,
                           "rss": rss[s.name], "hwm": hwm[s.name]}
    g = summary["geodns"]
    print()
    print(f"{args.runs} runs x {args.seconds} s, {args.clients} dnsperf processes x -q {args.outstanding}, "
          f"load average now {os.getloadavg()[0]:.2f} (2 cores shared by dnsperf and the server: numbers are noisy)")
    header = (f"{'server':8s} {'queries/s':>10s} {'avg ms':>7s} {'p99 ms':>7s} {'CPU us/ans':>10s} {'user':>5s} "
              f"{'RSS MiB':>8s} {'peak MiB':>8s}   geodns/peer: {'qps':>5s} {'CPU':>5s} {'RSS':>5s}")
    print(header)
    print("-" * len(header))
    for name, m in summary.items():
        ratios = "" if name == "geodns" else (f"{'':13s}{g['qps'] / m['qps']:5.2f} {g['cpu'] / m['cpu']:5.2f} "
                                              f"{g['rss'] / m['rss']:5.1f}")
        print(f"{name:8s} {m['qps']:10.0f} {fmt(m['avg'], '7.3f')} {fmt(m['p99'], '7.3f')} {m['cpu']:10.2f} "
              f"{m['usr']:4.0f}% {m['rss']:8.1f} {m['hwm']:8.1f}   {ratios}")
    print("(queries/s, latency, CPU: median of runs; user: the share of that CPU time spent in user space; "
          "RSS: VmRSS after the last run; peak: VmHWM)")
    # The servers of one run ran back to back, so a run's ratio shares the machine's state of that minute; the
    # median of those ratios is steadier than the ratio of the medians when the machine's load drifts.
    for s in servers[1:]:
        pairs = list(zip(runs["geodns"], runs[s.name]))
        qps = [g_run["qps"] / p_run["qps"] for g_run, p_run in pairs]
        cpu = [g_run["cpu_us"] / p_run["cpu_us"] for g_run, p_run in pairs]
        print(f"geodns/{s.name} run by run: qps {' '.join(f'{x:.2f}' for x in qps)} (median {median(qps):.2f}), "
              f"CPU {' '.join(f'{x:.2f}' for x in cpu)} (median {median(cpu):.2f})")
    if "floor" in summary:
        print("CPU per answer above the floor's (the server's own work): " + ", ".join(
            f"{name} {m['cpu'] - summary['floor']['cpu']:.2f} us" for name, m in summary.items() if name != "floor"))
    print(f"geodns start-up to first answer: {median(startups):.2f} s with the embedded DB (median of 3"
          f"{', class archive; ' + format(median(plain_startups), '.2f') + ' s without' if plain_startups else ''}), "
          f"{servers[0].startup:.2f} s with the City test DB")
    for name, why in skipped.items():
        print(f"{name:8s} skipped: {why.splitlines()[0]}")
    return summary
