#!/usr/bin/env python3
"""Health probing benchmark: failover time and probing CPU, measured against the real server.

1. Failover: geodns with the default health settings (interval 5s, timeout 3s, fall 3) and two locations;
   the nearest location's only endpoint is stopped, and `dig` polls every 100 ms until no answer carries its
   address. Prints the seconds from the stop to the first answer without it.
2. CPU: geodns probing 50 nodes every 1 s for 60 s, with HTTP GETs and with TCP connects (tcp://{ip}:PORT);
   prints the server's CPU seconds (utime+stime from /proc/PID/stat) per second of wall time, against the same
   server with no probes.

Everything runs on loopback (127.0.7.x endpoints, a free port for DNS) and is stopped by PID at the end.
Usage: bench/health.py [--jar server/target/geodns.jar] [--cpu-seconds 60] [--checks http,tcp] [--no-failover]
"""
import argparse, http.server, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time

ZONE = """$ORIGIN example.com.
$TTL 3600
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.1
"""

class Quiet(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args):
        pass

class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # geodns reads the status line and closes: broken pipes are expected

def serve(ip, port):
    server = QuietServer((ip, port), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def probe_thread_seconds(pid):
    """CPU seconds of the prober's own threads (health-timer, health-probe), apart from GC, JIT and DNS."""
    total = 0.0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{task}/stat").read()
        except OSError:
            continue  # the thread ended meanwhile
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("health-"):
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total

def start(jar, zones, port, http_port):
    # Beside the zones folder, not in it: geodns reloads on any change there, and a log written into it
    # reloaded the server every 2 s, which restarted its probes before a dead node could fail three times.
    log = open(zones.rstrip("/") + ".log", "w")
    p = subprocess.Popen(["java", "-jar", jar, "serve", "--zones", zones, "--dns", f"127.0.0.1:{port}",
                          "--http", f"127.0.0.1:{http_port}"], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        if dig(port, "ns1.example.com"):
            return p
        time.sleep(0.2)
    p.kill(); sys.exit("geodns did not start; see " + log.name)

def dig(port, name):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), name, "+short", "+tries=1", "+time=1"],
                         capture_output=True, text=True, timeout=5).stdout
    return out.split()

def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()

def geo_yaml(nodes, health):
    lines = [health, "locations:"]
    for location, members in nodes.items():
        lines += [f"  {location}:", "    coordinates: [%s]" % members[0], "    nodes:"]
        lines += [f"      {name}: {{ ipv4: {ip} }}" for name, ip in members[1:]]
    lines += ["names:", "  app.example.com:", "    ttl: 30", "    unknown: [%s]" % ", ".join(nodes)]
    return "\n".join(lines) + "\n"

def failover(jar):
    web = free_port()
    servers = {ip: serve(ip, web) for ip in ("127.0.7.1", "127.0.7.2")}
    zones = tempfile.mkdtemp(prefix="geodns-health-")
    open(os.path.join(zones, "example.com.zone"), "w").write(ZONE)
    open(os.path.join(zones, "geo.yaml"), "w").write(geo_yaml(
        {"near": ["51.5, -0.1", ("near-1", "127.0.7.1")], "far": ["1.3, 103.8", ("far-1", "127.0.7.2")]},
        f'health:\n  url: "http://{{ip}}:{web}/ping"'))
    port, admin = free_port(), free_port()
    p = start(jar, zones, port, admin)
    try:
        time.sleep(7)  # every node probed at least once
        assert dig(port, "app.example.com") == ["127.0.7.1"], dig(port, "app.example.com")
        servers["127.0.7.1"].shutdown(); servers["127.0.7.1"].server_close()
        stopped = time.time()
        while time.time() - stopped < 60:
            if "127.0.7.1" not in dig(port, "app.example.com"):
                return time.time() - stopped
            time.sleep(0.1)
        return float("nan")
    finally:
        stop(p); shutil.rmtree(zones, ignore_errors=True); os.remove(zones + ".log")
        servers["127.0.7.2"].shutdown()

def cpu(jar, seconds, probes):
    web = free_port()
    ips = [f"127.0.7.{i}" for i in range(10, 60)]
    servers = [serve(ip, web) for ip in ips] if probes else []
    zones = tempfile.mkdtemp(prefix="geodns-cpu-")
    open(os.path.join(zones, "example.com.zone"), "w").write(ZONE)
    nodes = {f"loc{i}": [f"{i - 30}, {i * 3 - 90}"] + [(f"node{i}", ip)] for i, ip in enumerate(ips, 10)}
    url = f"http://{{ip}}:{web}/ping" if probes == "http" else f"tcp://{{ip}}:{web}"
    health = f'health:\n  url: "{url}"\n  interval: 1s' if probes else ""
    open(os.path.join(zones, "geo.yaml"), "w").write(geo_yaml(nodes, health))
    port, admin = free_port(), free_port()
    p = start(jar, zones, port, admin)
    try:
        time.sleep(5)
        before, threads, t0 = cpu_seconds(p.pid), probe_thread_seconds(p.pid), time.time()
        time.sleep(seconds)
        took = time.time() - t0
        return (cpu_seconds(p.pid) - before) / took, (probe_thread_seconds(p.pid) - threads) / took
    finally:
        stop(p); shutil.rmtree(zones, ignore_errors=True); os.remove(zones + ".log")
        for s in servers:
            s.shutdown()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", default="server/target/geodns.jar")
    parser.add_argument("--cpu-seconds", type=int, default=60)
    parser.add_argument("--checks", default="http,tcp", help="probe kinds to measure the CPU of: http, tcp")
    parser.add_argument("--no-failover", action="store_true", help="skip the failover measurement")
    args = parser.parse_args()
    if not args.no_failover:
        took = failover(args.jar)
        print(f"failover with defaults (interval 5s, timeout 3s, fall 3): {took:.1f} s from endpoint stop to last answer carrying it")
    idle, _ = cpu(args.jar, args.cpu_seconds, probes=None)
    print(f"cpu: idle server {idle * 100:.2f}% of one core")
    for kind in args.checks.split(","):
        busy, threads = cpu(args.jar, args.cpu_seconds, probes=kind)
        print(f"cpu: probing 50 nodes every 1s over {kind} {busy * 100:.2f}% "
              f"(probing costs {(busy - idle) * 100:.2f}% of one core; the probe threads themselves {threads * 100:.2f}%)")

if __name__ == "__main__":
    main()
