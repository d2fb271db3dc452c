#!/usr/bin/env python3
"""Shared health benchmark: what pooling the peers' views costs one instance, in CPU and in bytes per second.

For each cluster size N (default 4 and 50) one real geodns runs on loopback as node0 of an N-node geo.yaml
(one node per location, 127.0.9.1 ... 127.0.9.N), probing every node's /ping every 1 s. The other N-1
instances are emulated here, each on its node's own address: it answers GET /peer/view?nonce=... on the admin
port with its view of all N nodes in the documented wire format (docs/operations.md, "Shared health": JSON,
HMAC-SHA256 of the shared secret in X-Geodns-Signature), and it fetches the real instance's view every peer
interval over one kept-alive connection, checking the signature and the nonce as geodns does.

Two runs per N, each --seconds long after --settle seconds (the JIT compiles the new paths for the first half
minute or so, which is start-up, not the steady cost), with the same probes: without `share:` (probing
alone) and with it. Printed per N: the process CPU (utime+stime from /proc/PID/stat) per second of wall time,
the difference (what sharing costs), the HTTP bytes per second of peer traffic in each direction (request and
response lines, headers and bodies as they cross the sockets; TCP/IP headers not counted), and the instance's
own peer-view counters from /metrics, which must show the emulated views accepted (result="ok") for the numbers
to mean anything.

Why emulated peers rather than N real geodns processes: 50 JVMs would need ~4-5 GB resident and, each probing
50 nodes every second, about 2.5 cores of probing on this 2-core machine; the run would measure contention, not
one instance. An emulated peer costs this script a few requests a second, and the instance under test does
exactly the work it would do in a real cluster of N (N-1 fetches out and N-1 served views per interval).

Everything runs on loopback and is stopped by PID at the end.
Usage: bench/peers.py [--jar server/target/geodns.jar] [--sizes 4,50] [--seconds 60] [--peer-interval 2]
                      [--settle 40] [--java-option -XX:StartFlightRecording=delay=40s,duration=60s,filename=x.jfr]
"""
import argparse, hashlib, hmac, http.server, json, os, re, secrets, shutil, signal, socket, subprocess, sys
import tempfile, threading, time

ZONE = """$ORIGIN example.com.
$TTL 3600
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.1
"""
NONCE = re.compile(r"nonce=([0-9A-Za-z_-]{16,128})")


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.bytes_in = self.bytes_out = self.requests = 0
        self.verified = self.rejected = 0

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)

    def snapshot(self):
        with self.lock:
            return dict(bytes_in=self.bytes_in, bytes_out=self.bytes_out, requests=self.requests,
                        verified=self.verified, rejected=self.rejected)


def view_body(instance, nonce, nodes):
    now = int(time.time() * 1000)
    verdicts = {n: {"up": True, "streak": 12, "last_ok": True, "last_result": "HTTP 200", "latency_ms": 0.412,
                    "when_ms": now - 400} for n in nodes}
    return json.dumps({"geodns_view": 1, "instance": instance, "time_ms": now, "nonce": nonce,
                       "nodes": verdicts}, separators=(",", ":")).encode()


def ping_handler():
    class Ping(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass
    return Ping


def peer_handler(instance, nodes, key, counter):
    """An emulated instance's admin port: its signed view for whoever asks with a nonce."""
    class Peer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the JDK client that geodns fetches with expects

        def do_GET(self):
            head = len(self.raw_requestline) + len(self.headers.as_bytes())
            m = NONCE.search(self.path)
            if not self.path.startswith("/peer/view") or not m:
                self.send_error(400); return
            body = view_body(instance, m.group(1), nodes)
            sig = hmac.new(key, body, hashlib.sha256).hexdigest()
            response = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                        f"X-Geodns-Signature: {sig}\r\n\r\n").encode() + body
            self.wfile.write(response)
            counter.add(bytes_in=head, bytes_out=len(response), requests=1)

        def log_message(self, *args):
            pass
    return Peer


class Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # probes read the status line and close: broken pipes are expected


def serve(ip, port, handler):
    server = Quiet((ip, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fetcher(source, target, port, key, interval, counter, stop):
    """One emulated instance fetching the real one's view every interval, over one kept-alive connection."""
    sock = None
    time.sleep(interval * (int.from_bytes(os.urandom(2), "big") / 65536))  # spread, as geodns does not fetch in step
    while not stop.is_set():
        started = time.time()
        nonce = secrets.token_hex(16)
        request = (f"GET /peer/view?nonce={nonce} HTTP/1.1\r\nHost: {target}:{port}\r\n"
                   f"User-Agent: geodns-peer-emulator\r\n\r\n").encode()
        try:
            if sock is None:
                sock = socket.create_connection((target, port), timeout=5, source_address=(source, 0))
            sock.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                data += chunk
            head, body = data.split(b"\r\n\r\n", 1)
            headers = {l.split(b":", 1)[0].strip().lower(): l.split(b":", 1)[1].strip()
                       for l in head.split(b"\r\n")[1:] if b":" in l}
            length = int(headers.get(b"content-length", b"0"))
            while len(body) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                body += chunk
            counter.add(bytes_out=len(request), bytes_in=len(head) + 4 + len(body), requests=1)
            sig = headers.get(b"x-geodns-signature", b"").decode()
            good = hmac.compare_digest(sig, hmac.new(key, body, hashlib.sha256).hexdigest()) \
                and json.loads(body).get("nonce") == nonce
            counter.add(**({"verified": 1} if good else {"rejected": 1}))
            if headers.get(b"connection", b"").lower() == b"close":
                sock.close(); sock = None
        except (OSError, ValueError, ConnectionError):
            counter.add(rejected=1)
            if sock is not None:
                sock.close()
            sock = None
        stop.wait(max(0.0, interval - (time.time() - started)))
    if sock is not None:
        sock.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_seconds(pid):
    """CPU seconds per thread group (thread names with their numbers dropped: "C2 CompilerThread", "health-share")."""
    groups = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{task}/stat").read()
        except OSError:
            continue  # the thread ended meanwhile
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        fields = rest.split()
        group = re.sub(r"[-#]?\d+$", "", name).strip() or name  # names are cut at 15 characters
        groups[group] = groups.get(group, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return groups


def threads_started(pid):
    """The JVM's count of threads ever started (jcmd's PerfCounter java.threads.started), or None without jcmd."""
    try:
        out = subprocess.run(["jcmd", str(pid), "PerfCounter.print"], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"^java\.threads\.started=(\d+)", out, re.M)
    return int(m.group(1)) if m else None


def dig(port, name):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), name, "+short", "+tries=1", "+time=1"],
                         capture_output=True, text=True, timeout=5).stdout
    return out.split()


def metrics(ip, port):
    try:
        with socket.create_connection((ip, port), timeout=5) as s:
            s.sendall(f"GET /metrics HTTP/1.1\r\nHost: {ip}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data.decode(errors="replace")
    except OSError:
        return ""


def peer_view_counts(text):
    counts = {}
    for line in text.splitlines():
        m = re.match(r'geodns_peer_views_total\{([^}]*)\} ([0-9.e+]+)', line)
        if m:
            result = re.search(r'result="([^"]+)"', m.group(1)).group(1)
            counts[result] = counts.get(result, 0) + float(m.group(2))
    return counts


def run(jar, n, seconds, peer_interval, share, settle, java_options=()):
    ips = [f"127.0.9.{i + 1}" for i in range(n)]
    names = [f"node{i}" for i in range(n)]
    web, admin, dns = free_port(), free_port(), free_port()
    zones = tempfile.mkdtemp(prefix="geodns-peers-")
    key_text = secrets.token_hex(32)
    open(os.path.join(zones, "peers.secret"), "w").write(key_text + "\n")
    key = key_text.encode()  # the file's bytes, white space around them removed, are the key
    open(os.path.join(zones, "example.com.zone"), "w").write(ZONE)
    health = [f'health:', f'  url: "http://{{ip}}:{web}/ping"', '  interval: 1s']
    if share:
        health += ['  share:', '    secret-file: peers.secret', f'    peers: "http://{{ip}}:{admin}"',
                   f'    interval: {peer_interval}s', '    fresh: 3']
    lines = health + ["locations:"]
    for i, (name, ip) in enumerate(zip(names, ips)):
        lines += [f"  loc{i}:", f"    coordinates: [{(i * 7) % 160 - 80}, {(i * 37) % 360 - 180}]", "    nodes:",
                  f"      {name}: {{ ipv4: {ip} }}"]
    lines += ["names:", "  app.example.com:", "    ttl: 30"]
    open(os.path.join(zones, "geo.yaml"), "w").write("\n".join(lines) + "\n")

    served, fetched = Counter(), Counter()   # the instance's views served to the peers; the peers' fetched by it
    servers = [serve(ip, web, ping_handler()) for ip in ips]
    stop = threading.Event()
    threads = []
    if share:
        servers += [serve(ip, admin, peer_handler(name, names, key, fetched))
                    for name, ip in zip(names[1:], ips[1:])]
        threads = [threading.Thread(target=fetcher, args=(ip, ips[0], admin, key, peer_interval, served, stop),
                                    daemon=True) for ip in ips[1:]]
    log = open(zones.rstrip("/") + ".log", "w")
    p = subprocess.Popen(["java", *java_options, "-jar", jar, "serve", "--zones", zones, "--dns", f"127.0.0.1:{dns}",
                          "--http", f"{ips[0]}:{admin}", "--instance", names[0]],
                         stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while not dig(dns, "ns1.example.com"):
            if time.time() > deadline or p.poll() is not None:
                sys.exit("geodns did not start; see " + log.name)
            time.sleep(0.2)
        for t in threads:
            t.start()
        time.sleep(settle)  # every node probed, every peer fetched many times, the JIT past compiling the new paths
        n0 = threads_started(p.pid)  # read outside the measured window: jcmd attaches to the instance
        s0, f0, c0, g0, t0 = served.snapshot(), fetched.snapshot(), cpu_seconds(p.pid), thread_seconds(p.pid), time.time()
        time.sleep(seconds)
        took = time.time() - t0
        s1, f1, c1, g1 = served.snapshot(), fetched.snapshot(), cpu_seconds(p.pid), thread_seconds(p.pid)
        n1 = threads_started(p.pid)
        groups = {k: (v - g0.get(k, 0.0)) / took for k, v in g1.items()}
        rate = lambda a, b, k: (b[k] - a[k]) / took
        return {"cpu": (c1 - c0) / took, "load": os.getloadavg()[0],
                "started": None if n0 is None or n1 is None else (n1 - n0) / took,
                "threads": sorted(((v, k) for k, v in groups.items() if v >= 0.001), reverse=True),
                "fetch_in": rate(f0, f1, "bytes_out"), "fetch_out": rate(f0, f1, "bytes_in"),
                "serve_out": rate(s0, s1, "bytes_in"), "serve_in": rate(s0, s1, "bytes_out"),
                "fetches": rate(f0, f1, "requests"), "serves": rate(s0, s1, "requests"),
                "serves_verified": s1["verified"] - s0["verified"], "serves_rejected": s1["rejected"] - s0["rejected"],
                "view_bytes": (f1["bytes_out"] - f0["bytes_out"]) / max(1, f1["requests"] - f0["requests"]),
                "instance_counts": peer_view_counts(metrics(ips[0], admin))}
    finally:
        stop.set()
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
        for s in servers:
            s.shutdown(); s.server_close()
        shutil.rmtree(zones, ignore_errors=True)
        os.remove(zones + ".log")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", default="server/target/geodns.jar")
    parser.add_argument("--sizes", default="4,50", help="cluster sizes (instances, the real one included)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--peer-interval", type=int, default=2)
    parser.add_argument("--settle", type=int, default=40, help="seconds before measuring (JIT warm-up)")
    parser.add_argument("--java-option", action="append", default=[],
                        help="a JVM option for the instance under test, e.g. -XX:StartFlightRecording=...")
    args = parser.parse_args()
    for n in [int(s) for s in args.sizes.split(",")]:
        alone = run(args.jar, n, args.seconds, args.peer_interval, share=False, settle=args.settle,
                    java_options=args.java_option)
        shared = run(args.jar, n, args.seconds, args.peer_interval, share=True, settle=args.settle,
                     java_options=args.java_option)
        counts = shared["instance_counts"]
        print(f"{n} instances, {n} nodes probed every 1 s, peer interval {args.peer_interval} s, {args.seconds} s:")
        print(f"  cpu: alone {alone['cpu'] * 100:.2f}% of one core, sharing {shared['cpu'] * 100:.2f}% "
              f"(sharing costs {(shared['cpu'] - alone['cpu']) * 100:.2f}%; load average {alone['load']:.1f} "
              f"and {shared['load']:.1f})")
        for label, r in (("alone", alone), ("sharing", shared)):
            print(f"  cpu by thread, {label}: " + ", ".join(f"{k} {v * 100:.2f}%" for v, k in r["threads"]))
        if shared["started"] is not None:
            print(f"  threads started per second: alone {alone['started']:.2f}, sharing {shared['started']:.2f}")
        total = shared["fetch_in"] + shared["fetch_out"] + shared["serve_in"] + shared["serve_out"]
        print(f"  peer traffic: {total:,.0f} B/s in all; fetching {shared['fetches']:.1f} views/s "
              f"({shared['fetch_out']:,.0f} B/s requests out, {shared['fetch_in']:,.0f} B/s views in, "
              f"{shared['view_bytes']:,.0f} B per view with headers); serving {shared['serves']:.1f} views/s "
              f"({shared['serve_in']:,.0f} B/s in, {shared['serve_out']:,.0f} B/s out)")
        print(f"  checks: instance's geodns_peer_views_total {counts or '(none: is sharing built in?)'}; its served "
              f"views verified by the emulated peers {shared['serves_verified']}, rejected "
              f"{shared['serves_rejected']}")


if __name__ == "__main__":
    main()
