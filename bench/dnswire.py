"""DNS messages, just enough to build the benchmark's queries and read the sanity answers, and the wait for a
server's first answer."""
import random, socket, struct, time


TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(name, qtype, ecs=None, qid=0, do=False):
    """A query as a resolver with EDNS Client Subnet sends it to an authoritative server: RD clear, EDNS0 with a
    1232-byte payload, and an ECS option for the client's /24 (ecs = its first three octets); with do, the DNSSEC OK
    bit, as a validating resolver sends it."""
    msg = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 1) + wire_name(name) + struct.pack(">HH", TYPES[qtype], 1)
    opt = b""
    if ecs is not None:
        opt = struct.pack(">HHHBB", 8, 7, 1, 24, 0) + bytes(ecs)
    return msg + b"\0" + struct.pack(">HHIH", 41, 1232, 0x8000 if do else 0, len(opt)) + opt


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
