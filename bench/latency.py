"""The latency runs: bench/c/latency.c at a fixed rate against each server (optionally the client and the server
pinned to separate CPUs), and their table."""
import os, re

from host import cpu_times, finish, spawn
from report import fmt, median


def pin(pid, cpus):
    """Every thread of the process onto `cpus` (threads started later inherit their creator's set)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
        except OSError:  # the thread ended meanwhile
            pass


def latency_run(server, args, work, rate, tag):
    """bench/c/latency.c at `rate` queries/s for --seconds against the server: each answer's latency, from a
    client that prints nothing per query; with --pin the client runs on CPU 0 and the server on CPU 1."""
    files = [os.path.join(work, f"{getattr(server, 'queries', 'queries')}-{k}.bin") for k in range(args.clients)]
    cmd = [args.tools["latency"], "127.0.0.1", str(server.port), str(int(rate)), str(args.seconds),
           str(args.clients)] + files
    log = os.path.join(work, f"latency-{server.name}-{tag}.out")
    if args.pin:
        pin(server.pid, {1})
    (usr0, sys0) = cpu_times(server.pid)
    try:
        with open(log, "w") as f:
            finish(spawn(cmd, f, preexec_fn=(lambda: os.sched_setaffinity(0, {0})) if args.pin else None),
                   args.seconds)
    finally:
        if args.pin:
            pin(server.pid, set(range(os.cpu_count())))
    usr1, sys1 = cpu_times(server.pid)
    words = open(log).read().split()
    run = {k: float(v) for k, v in zip(words[::2], words[1::2]) if re.fullmatch(r"[\d.]+", v)}
    if "answered" not in run:
        raise RuntimeError(f"the latency client failed against {server.name}: {' '.join(words)[-500:]}")
    run["cpu_us"] = (usr1 - usr0 + sys1 - sys0) / run["answered"] * 1e6 if run["answered"] else float("nan")
    if run["lost"] > run["sent"] / 100:  # a server that cannot keep up: its latencies describe a growing queue
        for k in ("avg_ms", "p50_ms", "p99_ms", "p999_ms", "max_ms"):
            run[k] = float("nan")
    return run


def latency_table(servers, args, work, rate):
    """--runs runs per server at `rate`, the servers alternating as in the load runs; medians in one table."""
    print(f"\nlatency at half geodns's peak rate: {rate:.0f} queries/s from bench/c/latency.c over "
          f"{args.clients} sockets, {args.runs} runs x {args.seconds} s per server, alternating"
          + (", client pinned to CPU 0 and server to CPU 1" if args.pin else "")
          + "; issue 7's target for geodns: average < 0.3 ms, p99 < 1 ms", flush=True)
    runs = {s.name: [] for s in servers}
    for r in range(args.runs):
        for s in servers[r % len(servers):] + servers[:r % len(servers)]:
            if s.proc.poll() is not None:
                continue  # it exited in an earlier run, which said so
            run = latency_run(s, args, work, rate, tag=f"run{r}")
            runs[s.name].append(run)
            print(f"latency run {r + 1}/{args.runs} {s.name:7s} avg {fmt(run['avg_ms'], '.3f')} "
                  f"p50 {fmt(run['p50_ms'], '.3f')} p99 {fmt(run['p99_ms'], '.3f')} "
                  f"p99.9 {fmt(run['p999_ms'], '.3f')} max {fmt(run['max_ms'], '.3f')} ms  "
                  f"lost {run['lost']:.0f}  cpu {run['cpu_us']:.2f} us/answer", flush=True)
            if s.proc.poll() is not None:
                last = (open(s.log_path, errors="replace").read().strip().splitlines() or ["(empty)"])[-1]
                print(f"{s.name} exited during that run (status {s.proc.returncode}), so it runs no more; "
                      f"its log ends: {last}", flush=True)
    header = (f"{'server':8s} {'avg ms':>7s} {'p50 ms':>7s} {'p99 ms':>7s} {'p99.9 ms':>8s} {'lost':>6s} "
              f"{'CPU us/ans':>10s}   p99 of each run")
    print(header)
    print("-" * len(header))
    for s in servers:
        rs = runs[s.name]
        m = {k: median([x[k] for x in rs]) for k in ("avg_ms", "p50_ms", "p99_ms", "p999_ms", "lost", "cpu_us")}
        print(f"{s.name:8s} {fmt(m['avg_ms'], '7.3f')} {fmt(m['p50_ms'], '7.3f')} {fmt(m['p99_ms'], '7.3f')} "
              f"{fmt(m['p999_ms'], '8.3f')} {m['lost']:6.0f} {fmt(m['cpu_us'], '10.2f')}   "
              + " ".join(fmt(x["p99_ms"], ".2f") for x in rs))
    print("(medians of runs; lost: answers missing or later than 65,536 queries; '-': more than 1% lost, the server "
          "could not keep up; CPU: the server's, per answer)")
