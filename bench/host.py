"""This machine: the repository's paths, processes (everything started is remembered and stopped by PID at exit),
free loopback ports, a process's CPU time and memory from /proc, Debian packages, the jar and bench/c's tools."""
import os, signal, socket, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(REPO, "bench")


STARTED = []


def cleanup():
    for p in reversed(STARTED):
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
            except ProcessLookupError:
                pass
    STARTED.clear()


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


def spawn(cmd, log, **kw):
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kw)
    STARTED.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    if p in STARTED:
        STARTED.remove(p)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, socket.socket() as t:
        for _ in range(50):
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            try:
                u.bind(("127.0.0.1", port))
                return port
            except OSError:
                t.close()
                t = socket.socket()
    raise RuntimeError("no free port")


def cpu_times(pid):
    """(user, system) CPU seconds of the process, all its threads (utime and stime of /proc/PID/stat)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def status_kib(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def finish(p, seconds):
    """Waits for a load process that runs `seconds`, with 30 s of grace before it is killed."""
    try:
        p.wait(seconds + 30)
    except subprocess.TimeoutExpired:
        p.kill()
    STARTED.remove(p)


def ensure_packages(packages):
    """apt-get install the Debian packages that are missing (apt-get update once first)."""
    missing = [p for p in packages if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                                                     text=True).stdout != "install ok installed"]
    if not missing:
        return True
    print(f"installing {' '.join(missing)} (apt-get)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not getattr(ensure_packages, "updated", False):
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        ensure_packages.updated = True
    r = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + missing, env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-2000:] + r.stderr[-2000:])
    return r.returncode == 0


def ensure_jar(jar):
    classes = os.path.join(REPO, "geoip/target/test-classes/geodns/geoip/testing/MmdbWriter.class")
    if os.path.exists(jar) and os.path.exists(classes):
        return
    print("building the jar and the test classes: mvn -B -q package -DskipTests", flush=True)
    subprocess.run(["mvn", "-B", "-q", "package", "-DskipTests"], cwd=REPO, check=True)


def build_tools(work):
    """bench/c's floor server and latency client, compiled into the work folder."""
    tools = {}
    for name in ("floor", "latency"):
        tools[name] = os.path.join(work, name)
        subprocess.run(["cc", "-O2", "-Wall", "-pthread", "-o", tools[name], os.path.join(BENCH, "c", name + ".c")],
                       check=True)
    return tools
