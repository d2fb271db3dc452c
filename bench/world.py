"""The test world of the benchmark: the locations of zones/geo.yaml and their nodes, the cities of the test DB and
their networks, and the location geodns's rules choose for each city."""
import math


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
