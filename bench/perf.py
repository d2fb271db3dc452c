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
Usage: bench/run.sh [--compare] [--latency [--pin]] [--runs 3] [--seconds 10] [--clients 4]
                    [--only floor,gdnsd,knot,pdns] [--network-prefix 16]
"""
import argparse, atexit, json, math, os, random, re, shutil, signal, socket, struct, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(REPO, "bench")

# The locations of zones/geo.yaml, their nodes, and its overrides (countries IE -> london; continents OC -> singapore).
LOCATIONS = {
    "london":    ((51.507, -0.128),   ["192.0.2.11", "192.0.2.12"],       ["2001:db8:10::11", "2001:db8:10::12"]),
    "frankfurt": ((50.110, 8.682),    ["192.0.2.21", "192.0.2.22"],       ["2001:db8:20::21", "2001:db8:20::22"]),
    "seattle":   ((47.606, -122.332), ["198.51.100.31", "198.51.100.32"], ["2001:db8:30::31", "2001:db8:30::32"]),
    "singapore": ((1.352, 103.820),   ["203.0.113.41", "203.0.113.42"],   ["2001:db8:40::41", "2001:db8:40::42"]),
}
COUNTRY_OVERRIDE = {"IE": "london"}
CONTINENT_OVERRIDE = {"OC": "singapore"}
UNKNOWN = "london"

# (city, latitude, longitude, country, continent, subdivision ISO code without the country).
CITIES = [
    ("London", 51.507, -0.128, "GB", "EU", "ENG"), ("Dublin", 53.350, -6.260, "IE", "EU", "L"),
    ("Reykjavik", 64.147, -21.942, "IS", "EU", "1"), ("Paris", 48.857, 2.352, "FR", "EU", "IDF"),
    ("Madrid", 40.417, -3.704, "ES", "EU", "MD"), ("Lisbon", 38.722, -9.139, "PT", "EU", "11"),
    ("Berlin", 52.520, 13.405, "DE", "EU", "BE"), ("Munich", 48.137, 11.575, "DE", "EU", "BY"),
    ("Amsterdam", 52.370, 4.895, "NL", "EU", "NH"), ("Stockholm", 59.329, 18.069, "SE", "EU", "AB"),
    ("Warsaw", 52.230, 21.012, "PL", "EU", "14"), ("Rome", 41.903, 12.496, "IT", "EU", "62"),
    ("Athens", 37.984, 23.728, "GR", "EU", "I"), ("Moscow", 55.756, 37.617, "RU", "EU", "MOW"),
    ("Istanbul", 41.008, 28.978, "TR", "AS", "34"), ("Cairo", 30.044, 31.236, "EG", "AF", "C"),
    ("Lagos", 6.524, 3.379, "NG", "AF", "LA"), ("Nairobi", -1.292, 36.822, "KE", "AF", "30"),
    ("Johannesburg", -26.204, 28.047, "ZA", "AF", "GP"), ("Cape Town", -33.925, 18.424, "ZA", "AF", "WC"),
    ("Dubai", 25.205, 55.271, "AE", "AS", "DU"), ("Tel Aviv", 32.085, 34.782, "IL", "AS", "TA"),
    ("Mumbai", 19.076, 72.878, "IN", "AS", "MH"), ("Delhi", 28.614, 77.209, "IN", "AS", "DL"),
    ("Bangalore", 12.972, 77.595, "IN", "AS", "KA"), ("Singapore", 1.352, 103.820, "SG", "AS", "01"),
    ("Jakarta", -6.208, 106.846, "ID", "AS", "JK"), ("Bangkok", 13.756, 100.502, "TH", "AS", "10"),
    ("Hong Kong", 22.320, 114.170, "HK", "AS", "HCW"), ("Shanghai", 31.230, 121.474, "CN", "AS", "SH"),
    ("Beijing", 39.904, 116.407, "CN", "AS", "BJ"), ("Seoul", 37.567, 126.978, "KR", "AS", "11"),
    ("Tokyo", 35.690, 139.692, "JP", "AS", "13"), ("Osaka", 34.694, 135.502, "JP", "AS", "27"),
    ("Manila", 14.600, 120.984, "PH", "AS", "00"), ("Sydney", -33.869, 151.209, "AU", "OC", "NSW"),
    ("Melbourne", -37.814, 144.963, "AU", "OC", "VIC"), ("Perth", -31.950, 115.860, "AU", "OC", "WA"),
    ("Auckland", -36.848, 174.763, "NZ", "OC", "AUK"), ("Seattle", 47.606, -122.332, "US", "NA", "WA"),
    ("San Francisco", 37.775, -122.419, "US", "NA", "CA"), ("Vancouver", 49.283, -123.121, "CA", "NA", "BC"),
    ("Denver", 39.739, -104.990, "US", "NA", "CO"), ("Chicago", 41.878, -87.630, "US", "NA", "IL"),
    ("Toronto", 43.653, -79.383, "CA", "NA", "ON"), ("New York", 40.713, -74.006, "US", "NA", "NY"),
    ("Miami", 25.762, -80.192, "US", "NA", "FL"), ("Honolulu", 21.307, -157.858, "US", "NA", "HI"),
    ("Mexico City", 19.433, -99.133, "MX", "NA", "CMX"), ("Bogota", 4.711, -74.072, "CO", "SA", "DC"),
    ("Lima", -12.046, -77.043, "PE", "SA", "LIM"), ("Sao Paulo", -23.551, -46.633, "BR", "SA", "SP"),
    ("Buenos Aires", -34.604, -58.382, "AR", "SA", "C"), ("Santiago", -33.449, -70.669, "CL", "SA", "RM"),
]
NETS_PER_CITY = 4


def city_networks(i):
    """The /16 networks of city i: 11.0.0.0/16 upwards, four per city (only ever written into the DB and into
    ECS options; no packet goes to them)."""
    return [f"{11 + (i * NETS_PER_CITY + k) // 4}.{((i * NETS_PER_CITY + k) % 4) * 64}.0.0/16"
            for k in range(NETS_PER_CITY)]


def distance_km(a, b):
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def expected_location(city):
    _, lat, lon, cc, continent, _ = city
    if cc in COUNTRY_OVERRIDE:
        return COUNTRY_OVERRIDE[cc]
    if continent in CONTINENT_OVERRIDE:
        return CONTINENT_OVERRIDE[continent]
    return min(LOCATIONS, key=lambda loc: distance_km((lat, lon), LOCATIONS[loc][0]))


def location_of(address):
    for name, (_, v4, v6) in LOCATIONS.items():
        if address in v4 or address in v6:
            return name
    return None

# ---------------------------------------------------------------------------------------------------------------
# processes: everything started is remembered and stopped by PID at exit

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

# ---------------------------------------------------------------------------------------------------------------
# DNS messages (just enough to build the queries and read the sanity answers)

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(name, qtype, ecs=None, qid=0):
    """A query as a resolver with EDNS Client Subnet sends it to an authoritative server: RD clear, EDNS0 with a
    1232-byte payload, and an ECS option for the client's /24 (ecs = its first three octets)."""
    msg = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 1) + wire_name(name) + struct.pack(">HH", TYPES[qtype], 1)
    opt = b""
    if ecs is not None:
        opt = struct.pack(">HHHBB", 8, 7, 1, 24, 0) + bytes(ecs)
    return msg + b"\0" + struct.pack(">HHIH", 41, 1232, 0, len(opt)) + opt


def skip_name(msg, i):
    while True:
        n = msg[i]
        if n == 0:
            return i + 1
        if n & 0xC0 == 0xC0:
            return i + 2
        i += n + 1


def parse_reply(msg):
    """(rcode, [addresses in the answer section])."""
    qid, flags, qd, an, _, _ = struct.unpack(">HHHHHH", msg[:12])
    i = 12
    for _ in range(qd):
        i = skip_name(msg, i) + 4
    addresses = []
    for _ in range(an):
        i = skip_name(msg, i)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[i:i + 10])
        i += 10
        rdata = msg[i:i + rdlen]
        if rtype == 1:
            addresses.append(socket.inet_ntop(socket.AF_INET, rdata))
        elif rtype == 28:
            addresses.append(socket.inet_ntop(socket.AF_INET6, rdata))
        i += rdlen
    return RCODES.get(flags & 0xF, str(flags & 0xF)), addresses


def ask(port, name, qtype="A", ecs=None, timeout=1.0):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        qid = random.randrange(65536)
        s.sendto(query(name, qtype, ecs, qid), ("127.0.0.1", port))
        while True:
            data, _ = s.recvfrom(65535)
            if data[:2] == struct.pack(">H", qid):
                return parse_reply(data)


def wait_first_answer(port, proc, limit=30.0):
    """Seconds from now until the server answers www.example.com A (polling every 5 ms), or None."""
    t0 = time.monotonic()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.005)
        while time.monotonic() - t0 < limit:
            if proc.poll() is not None:
                return None
            try:
                s.sendto(query("www.example.com", "A"), ("127.0.0.1", port))
                s.recvfrom(65535)
                return time.monotonic() - t0
            except (socket.timeout, ConnectionRefusedError):
                pass
    return None

# ---------------------------------------------------------------------------------------------------------------
# the test database and the query files


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


def split(net16, prefix):
    """A /16 written as networks of `prefix` bits (16..24), each its own record, as a City DB splits an ISP's
    block by city: clients then fall in networks narrower than a /16."""
    a, b = net16.split(".")[:2]
    step = 2 ** (24 - prefix)
    return [f"{a}.{b}.{k * step}.0/{prefix}" for k in range(256 // step)]


def write_db(path, prefix):
    args = []
    for i, (_, lat, lon, cc, continent, sub) in enumerate(CITIES):
        args += [f"{net}={lat},{lon},{cc},{continent},{sub}"
                 for net16 in city_networks(i) for net in split(net16, prefix)]
    subprocess.run(["java", "-cp", os.path.join(REPO, "geoip/target/test-classes"),
                    "geodns.geoip.testing.MmdbWriter", path] + args, check=True)


def client_subnets(rng):
    """A random client /24 (three octets) inside a random network of a random city, and that city's index."""
    i = rng.randrange(len(CITIES))
    net = city_networks(i)[rng.randrange(NETS_PER_CITY)]
    a, b = (int(x) for x in net.split(".")[:2])
    return [a, b, rng.randrange(256)], i


MIX = [  # (share, name, type); names None = a fresh NXDOMAIN name
    (0.60, "app.example.com", "A"), (0.20, "app.example.com", "AAAA"),
    (0.03, "www.example.com", "A"), (0.02, "www.example.com", "AAAA"), (0.02, "blog.example.com", "A"),
    (0.015, "mail.example.com", "A"), (0.015, "ns1.example.com", "A"),
    (0.05, None, "A"),
    (0.025, "example.com", "SOA"), (0.025, "example.com", "NS"),
]


def write_queries(path, count, seed):
    """count queries in dnsperf's binary format (2-byte length, then the message; dnsperf rewrites the ID)."""
    rng = random.Random(seed)
    weights = [m[0] for m in MIX]
    with open(path, "wb") as f:
        for n in range(count):
            _, name, qtype = rng.choices(MIX, weights)[0]
            if name is None:
                name = f"nx{seed}-{n}.example.com"
            ecs, _ = client_subnets(rng)
            msg = query(name, qtype, ecs)
            f.write(struct.pack(">H", len(msg)) + msg)

# ---------------------------------------------------------------------------------------------------------------
# the peers' zone data


def read_zone(path, origin):
    """The records of an RFC 1035 master file (enough of the format for zones/example.com.zone):
    [(owner, ttl, type, [rdata tokens])], names absolute."""
    buf, depth, quoted, comment = "", 0, False, False
    for ch in open(path).read():                     # strip comments, join parenthesised lines
        if comment:
            if ch != "\n":
                continue
            comment = False
        if quoted:
            buf += ch
            quoted = not (ch == '"' and not buf.endswith('\\"'))
        elif ch == '"':
            quoted = True
            buf += ch
        elif ch == ";":
            comment = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
            buf += " "
        elif ch == "\n" and depth:
            buf += " "
        else:
            buf += ch
    ttl, owner, records = 3600, origin, []

    def absolute(name):
        if name == "@":
            return origin
        return name if name.endswith(".") else f"{name}.{origin}"
    for line in buf.split("\n"):
        if not line.strip():
            continue
        tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', line)
        if tokens[0] == "$ORIGIN":
            origin = absolute(tokens[1])
            continue
        if tokens[0] == "$TTL":
            ttl = int(tokens[1])
            continue
        if not line[0].isspace():
            owner = absolute(tokens.pop(0))
        rttl = ttl
        while tokens[0].isdigit() or tokens[0] in ("IN", "in"):
            t = tokens.pop(0)
            if t.isdigit():
                rttl = int(t)
        rtype, rdata = tokens[0].upper(), tokens[1:]
        if rtype in ("NS", "CNAME"):
            rdata = [absolute(rdata[0])]
        elif rtype == "MX":
            rdata = [rdata[0], absolute(rdata[1])]
        elif rtype == "SOA":
            rdata = [absolute(rdata[0]), absolute(rdata[1])] + rdata[2:]
        records.append((owner, rttl, rtype, rdata))
    return records


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def city_keys():
    """{(country, subdivision): location} for the test DB (each key has one city or cities with one answer)."""
    keys = {}
    for city in CITIES:
        keys.setdefault((city[3], city[5]), expected_location(city))
    return keys


def write_pdns_yaml(path, zone_records):
    lines = ["domains:", "- domain: example.com", "  ttl: 3600", "  records:"]
    by_owner = {}
    for owner, ttl, rtype, rdata in zone_records:
        by_owner.setdefault(owner.rstrip("."), []).append((ttl, rtype, rdata))
    svc = {"default.svc.example.com": UNKNOWN}
    for (cc, sub), loc in city_keys().items():
        svc[f"{cc}.{sub}.svc.example.com".lower()] = loc
    for name, loc in svc.items():
        _, v4, v6 = LOCATIONS[loc]
        by_owner[name] = [(30, "A", [a]) for a in v4] + [(30, "AAAA", [a]) for a in v6]
    for owner, rrs in by_owner.items():
        lines.append(f"    {quote(owner)}:")
        for ttl, rtype, rdata in rrs:
            lines.append(f"      - {rtype.lower()}: {{ content: {quote(' '.join(rdata))}, ttl: {ttl} }}")
    lines += ["  services:",
              "    app.example.com: [ '%cc.%re.svc.example.com', 'default.svc.example.com' ]"]
    open(path, "w").write("\n".join(lines) + "\n")


def write_knot_geo(path):
    lines = ["app.example.com:"]
    for (cc, sub), loc in city_keys().items():
        _, v4, v6 = LOCATIONS[loc]
        lines += [f'  - geo: "{cc};{sub}"', f"    A: [ {', '.join(v4)} ]", f"    AAAA: [ {', '.join(v6)} ]"]
    open(path, "w").write("\n".join(lines) + "\n")


def fill(template, dest, values):
    text = open(template).read()
    for k, v in values.items():
        text = text.replace(f"@{k}@", str(v))
    open(dest, "w").write(text)

# ---------------------------------------------------------------------------------------------------------------
# servers


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
    """The JVM flags of the Dockerfile's ENTRYPOINT, but its class archive (the bench makes its own), with the heap
    sized as under the DaemonSet's 192Mi limit: read, not copied, so the bench measures what the image runs."""
    line = next(l for l in open(os.path.join(REPO, "Dockerfile")) if l.startswith("ENTRYPOINT "))
    entrypoint = json.loads(line[len("ENTRYPOINT "):])
    flags = entrypoint[1:entrypoint.index("-jar")]
    return " ".join(["-XX:MaxRAM=192m"] + [f for f in flags if not f.startswith("-XX:SharedArchiveFile=")])


def train_class_archive(args, work):
    """The image's training run (see the Dockerfile): geodns selftest with -XX:ArchiveClassesAtExit."""
    archive = os.path.join(work, "geodns.jsa")
    cmd = (["java"] + args.jvm.split() + [f"-XX:ArchiveClassesAtExit={archive}", "-Xlog:cds=error", "-jar", args.jar,
           "selftest", "--zones", os.path.join(REPO, "zones"), "--dns", f"127.0.0.1:{free_port()}",
           "--http", f"127.0.0.1:{free_port()}"])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0 or not os.path.getsize(archive):
        sys.exit(f"the class archive's training run failed ({r.returncode}):\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
    return archive


def geodns(args, work, geoip=True, archive=True):
    port, http = free_port(), free_port()
    jvm = args.jvm.split() + ([f"-XX:SharedArchiveFile={args.archive}"] if archive and args.archive else [])
    cmd = ["java"] + jvm + ["-jar", args.jar, "serve", "--zones", os.path.join(REPO, "zones"),
                                         "--dns", f"127.0.0.1:{port}", "--http", f"127.0.0.1:{http}"]
    if geoip:
        cmd += ["--geoip", os.path.join(work, "city.mmdb")]
    return Server("geodns", cmd, port, os.path.join(work, "geodns.log"))


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


def build_tools(work):
    """bench/c's floor server and latency client, compiled into the work folder."""
    tools = {}
    for name in ("floor", "latency"):
        tools[name] = os.path.join(work, name)
        subprocess.run(["cc", "-O2", "-Wall", "-pthread", "-o", tools[name], os.path.join(BENCH, "c", name + ".c")],
                       check=True)
    return tools


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

# ---------------------------------------------------------------------------------------------------------------
# dnsperf


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


def finish(p, seconds):
    """Waits for a load process that runs `seconds`, with 30 s of grace before it is killed."""
    try:
        p.wait(seconds + 30)
    except subprocess.TimeoutExpired:
        p.kill()
    STARTED.remove(p)


def load(server, args, work, seconds, rate=None, verbose=False, tag="run"):
    """N dnsperf processes for `seconds` against the server; its CPU time over the run from /proc/PID/stat."""
    procs, logs = [], []
    n = args.clients
    (usr0, sys0), t0 = cpu_times(server.pid), time.monotonic()
    for k in range(n):
        log = os.path.join(work, f"dnsperf-{server.name}-{tag}-{k}.out")
        cmd = ["dnsperf", "-B", "-d", os.path.join(work, f"queries-{k}.bin"), "-s", "127.0.0.1",
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
    files = [os.path.join(work, f"queries-{k}.bin") for k in range(args.clients)]
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

# ---------------------------------------------------------------------------------------------------------------


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
                    help="JVM flags for geodns (default: the image's, heap sized as under the DaemonSet's 192Mi)")
    ap.add_argument("--no-class-archive", dest="class_archive", action="store_false",
                    help="run geodns without the image's class data sharing archive (made by a selftest run)")
    ap.add_argument("--network-prefix", type=int, default=16, choices=range(16, 25), metavar="16..24",
                    help="prefix of the test DB's networks (default 16: each city's four /16s whole; 20: split "
                         "in /20s, so that clients fall in networks narrower than a /16, as in a real City DB)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (DB, query files, configs, logs)")
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

    if args.latency:
        latency_table(servers, args, work, rate=g["qps"] / 2)
    cleanup()


if __name__ == "__main__":
    main()
