"""The load's data: the City-level test DB (geoip's MmdbWriter) and dnsperf's binary query files, every query with
the EDNS Client Subnet of a client in one of the DB's networks."""
import os, random, struct, subprocess

from dnswire import query
from host import REPO
from world import CITIES, NETS_PER_CITY, city_networks


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


def write_queries(path, count, seed, do=False):
    """count queries in dnsperf's binary format (2-byte length, then the message; dnsperf rewrites the ID). The same
    seed gives the same queries; do sets the DNSSEC OK bit in each (dnsperf -D does not touch -B's messages)."""
    rng = random.Random(seed)
    weights = [m[0] for m in MIX]
    with open(path, "wb") as f:
        for n in range(count):
            _, name, qtype = rng.choices(MIX, weights)[0]
            if name is None:
                name = f"nx{seed}-{n}.example.com"
            ecs, _ = client_subnets(rng)
            msg = query(name, qtype, ecs, do=do)
            f.write(struct.pack(">H", len(msg)) + msg)
