"""The servers under load, each started on a free loopback port and stopped by PID: geodns (with the image's JVM
flags and class archive), the floor (bench/c/floor.c), gdnsd, Knot DNS and PowerDNS; and the check that a server
answers every city as geodns's rules want."""
import os, random, shlex, socket, subprocess, sys

from dnswire import ask, wait_first_answer
from host import BENCH, REPO, free_port, spawn, stop
from peer_configs import fill, read_zone, write_knot_geo, write_pdns_yaml
from world import CITIES, LOCATIONS, NETS_PER_CITY, UNKNOWN, city_networks, expected_location, location_of

# The image's JVM flags: the java @argfile the Dockerfile copies to /opt/geodns/jvm.args.
JVM_ARGS = os.path.join(REPO, "server/jvm.args")


class Server:
    def __init__(self, name, cmd, port, log, env=None):
        self.name, self.cmd, self.port, self.log_path, self.env = name, cmd, port, log, env
        self.proc, self.startup = None, None

    def start(self):
        self.log = open(self.log_path, "w")
        self.proc = spawn(self.cmd, self.log, env=self.env)
        self.startup = wait_first_answer(self.port, self.proc)
        if self.startup is None:
            stop(self.proc)
            tail = open(self.log_path).read()[-1500:]
            raise RuntimeError(f"{self.name} did not answer within 30 s; its log ({self.log_path}) ends:\n{tail}")
        return self

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc:
            stop(self.proc)


def image_jvm_flags():
    """The image's JVM flags (its @argfile, read by java itself), without its class archive (the bench makes its
    own), with the heap sized as under the DaemonSet's 192Mi limit: so the bench measures what the image runs."""
    return " ".join(["-XX:MaxRAM=192m", shlex.quote("@" + JVM_ARGS)])


def train_class_archive(args, work):
    """The image's training run (see the Dockerfile): geodns selftest with -XX:ArchiveClassesAtExit."""
    archive = os.path.join(work, "geodns.jsa")
    cmd = (["java"] + shlex.split(args.jvm) + [f"-XX:ArchiveClassesAtExit={archive}", "-Xlog:cds=error",
           "-jar", args.jar, "selftest", "--zones", os.path.join(REPO, "zones"), "--dns", f"127.0.0.1:{free_port()}",
           "--http", f"127.0.0.1:{free_port()}"])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0 or not os.path.getsize(archive):
        sys.exit(f"the class archive's training run failed ({r.returncode}):\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
    return archive


def geodns(args, work, geoip=True, archive=True):
    port, http = free_port(), free_port()
    jvm = shlex.split(args.jvm) + ([f"-XX:SharedArchiveFile={args.archive}"] if archive and args.archive else [])
    cmd = ["java"] + jvm + ["-jar", args.jar, "serve", "--zones", os.path.join(REPO, "zones"),
                                         "--dns", f"127.0.0.1:{port}", "--http", f"127.0.0.1:{http}"]
    if geoip:
        cmd += ["--geoip", os.path.join(work, "city.mmdb")]
    if getattr(args, "keys", None):
        cmd += ["--keys", args.keys]
    return Server("geodns", cmd, port, os.path.join(work, "geodns.log"))


def make_keys(args, work):
    """--dnssec: a signing key for example.com made by geodns dnssec keygen, so geodns serves the zone signed."""
    keys = os.path.join(work, "keys")
    r = subprocess.run(["java", "-jar", args.jar, "dnssec", "keygen", "example.com", "--keys", keys],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit(f"geodns dnssec keygen failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return keys


class WithDo:
    """The same geodns process, loaded with the same queries with the DNSSEC OK bit set (the queries-do-*.bin
    files): its runs alternate with the plain ones, so DO and no DO share the machine's state and one PID."""

    def __init__(self, server):
        self.server, self.name, self.queries = server, "geodns+do", "queries-do"
        self.port, self.startup, self.do = server.port, server.startup, True

    @property
    def pid(self):
        return self.server.pid

    def stop(self):
        pass  # the process is the plain server's


def gdnsd(args, work):
    conf = os.path.join(work, "gdnsd")
    os.makedirs(os.path.join(conf, "zones"), exist_ok=True)
    port = free_port()
    fill(os.path.join(BENCH, "gdnsd/config"), os.path.join(conf, "config"),
         {"PORT": port, "WORK": work, "DB": os.path.join(work, "city.mmdb")})
    zone = open(os.path.join(REPO, "zones/example.com.zone")).read()
    open(os.path.join(conf, "zones/example.com"), "w").write(zone + "\napp 30 DYNA geoip!app\n")
    return Server("gdnsd", ["gdnsd", "-c", conf, "start"], port, os.path.join(work, "gdnsd.log"))


def knot(args, work):
    conf = os.path.join(work, "knot")
    for d in ("run", "db"):
        os.makedirs(os.path.join(conf, d), exist_ok=True)
    port = free_port()
    fill(os.path.join(BENCH, "knot/knot.conf"), os.path.join(conf, "knot.conf"),
         {"PORT": port, "WORK": work, "DB": os.path.join(work, "city.mmdb")})
    _, v4, v6 = LOCATIONS[UNKNOWN]
    default = "".join(f"app 30 IN A {a}\n" for a in v4) + "".join(f"app 30 IN AAAA {a}\n" for a in v6)
    zone = open(os.path.join(REPO, "zones/example.com.zone")).read()
    open(os.path.join(conf, "example.com.zone"), "w").write(zone + "\n" + default)
    write_knot_geo(os.path.join(conf, "geo.conf"))
    return Server("knot", ["knotd", "-c", os.path.join(conf, "knot.conf")], port, os.path.join(work, "knot.log"))


def pdns(args, work):
    conf = os.path.join(work, "pdns")
    os.makedirs(conf, exist_ok=True)
    port = free_port()
    fill(os.path.join(BENCH, "pdns/pdns.conf"), os.path.join(conf, "pdns.conf"),
         {"PORT": port, "WORK": work, "DB": os.path.join(work, "city.mmdb")})
    write_pdns_yaml(os.path.join(conf, "geo.yaml"),
                    read_zone(os.path.join(REPO, "zones/example.com.zone"), "example.com."))
    return Server("pdns", ["pdns_server", f"--config-dir={conf}"], port, os.path.join(work, "pdns.log"))


def floor(args, work):
    port = free_port()
    return Server("floor", [args.tools["floor"], "127.0.0.1", str(port), "2"], port, os.path.join(work, "floor.log"))


PEERS = {  # name: (Debian packages, factory)
    "floor": ([], floor),  # no lookup at all: what the kernel and the load cost on this machine (bench/c/floor.c)
    "gdnsd": (["gdnsd"], gdnsd),
    "knot": (["knot", "knot-module-geoip"], knot),
    "pdns": (["pdns-server", "pdns-backend-geoip"], pdns),
}


def sanity(server):
    """Every city's app.example.com A and AAAA against the location geodns's rules choose; static, NXDOMAIN, SOA.
    Returns (agreeing, total, [first disagreements])."""
    ok, total, bad = 0, 0, []
    rng = random.Random(7)
    for i, city in enumerate(CITIES):
        want = expected_location(city)
        for qtype in ("A", "AAAA"):
            net = city_networks(i)[rng.randrange(NETS_PER_CITY)]
            a, b = (int(x) for x in net.split(".")[:2])
            try:
                rcode, addrs = ask(server.port, "app.example.com", qtype, [a, b, rng.randrange(256)])
            except socket.timeout:
                rcode, addrs = "timeout", []
            got = {location_of(x) for x in addrs}
            total += 1
            if rcode == "NOERROR" and got == {want} and len(addrs) == 2:
                ok += 1
            elif len(bad) < 3:
                bad.append(f"{city[0]} {qtype}: want {want}, got {rcode} {addrs}")
    for name, qtype, want in (("www.example.com", "A", ("NOERROR", ["192.0.2.80"])),
                              ("nope.example.com", "A", ("NXDOMAIN", [])), ("example.com", "SOA", ("NOERROR", []))):
        total += 1
        try:
            got = ask(server.port, name, qtype, [11, 0, 1])
        except socket.timeout:
            got = ("timeout", [])
        if got == want:
            ok += 1
        elif len(bad) < 3:
            bad.append(f"{name} {qtype}: want {want}, got {got}")
    return ok, total, bad
