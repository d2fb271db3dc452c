"""The peers' zone data: the example zone read from its master file and the geo answers written in gdnsd's, Knot's
and PowerDNS's terms, each (country, subdivision) of the test DB pointing at the location geodns picks for it."""
import re

from world import CITIES, LOCATIONS, UNKNOWN, expected_location


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
