#!/usr/bin/env python3
"""Makes the status page's world outline: Natural Earth 110m land (public domain) from the npm package
world-atlas (ISC), projected equirectangular onto 720x360 and rounded to whole pixels.

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python3 server/tools/world-outline.py package/land-110m.json > server/src/main/resources/geodns/server/admin/world-110m.path
"""
import json, sys

topo = json.load(open(sys.argv[1]))
scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
arcs = []
for arc in topo["arcs"]:
    x = y = 0
    points = []
    for dx, dy in arc:
        x += dx
        y += dy
        lon, lat = x * scale[0] + translate[0], y * scale[1] + translate[1]
        points.append(((lon + 180) * 2, (90 - lat) * 2))
    arcs.append(points)

def ring(indices):
    points = []
    for i in indices:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points

land = topo["objects"]["land"]
polygons = []
for g in land.get("geometries", [land]):
    polygons.extend([g["arcs"]] if g["type"] == "Polygon" else g["arcs"])
path = []
for polygon in polygons:
    for r in polygon:
        pixels = []
        for x, y in ring(r):
            p = (round(x), round(y))
            if not pixels or pixels[-1] != p:
                pixels.append(p)
        if len(pixels) >= 3:
            path.append("M" + "L".join(f"{x} {y}" for x, y in pixels) + "Z")
print("".join(path))
