#!/usr/bin/python3
"""Prints one route of a JSON route table as a single line of key=value fields, for interop
tests to compare with what they expect (and to show what they saw).

  routes.py evpnd-evpn RD PREFIX   < evpnd GET /v1/bgp/evpn/routes (or `evpnctl ... --json`)
  routes.py evpnd-unicast PREFIX   < evpnd GET /v1/bgp/ipv4/routes or /v1/bgp/ipv6/routes
  routes.py gobgp KEY              < `gobgp global rib -a evpn|ipv4 -j`
  routes.py evpnd-count [PEER]     < evpnd GET /v1/bgp/.../routes: number of routes (with a
                                   path from PEER, a neighbor address or "local")
  routes.py gobgp-count NEIGHBOR   < `gobgp global rib -a ... -j`: number of routes with a path
                                   from NEIGHBOR

evpnd-evpn: PREFIX is the API's "prefix" string, e.g. "[2]:[0]:[48]:[02:00:00:00:02:01]".
The fields are those of the route and of its best path; fields that do not apply to the route
type are left out, empty ones print as "-". "paths=N" counts all paths of the route.
gobgp: KEY is the table key gobgp prints, e.g.
"[type:macadv][rd:10.0.0.1:100][etag:0][mac:02:00:00:00:01:01][ip:<nil>]" or "10.0.0.1/32".

Exit status 0 when the route is there, 1 (after printing "absent") when it is not, 2 on bad
input.
"""
import json
import sys


def v(x):
    if x is None or x == "" or x == []:
        return "-"
    if isinstance(x, list):
        return ",".join(str(i) for i in x)
    return str(x)


def line(pairs):
    return " ".join("%s=%s" % (k, v(x)) for k, x in pairs)


def best_path(paths):
    for p in paths:
        if p.get("best"):
            return p
    return None


def evpnd_evpn(doc, rd, prefix):
    for r in doc.get("routes", []):
        if r.get("rd", "") != rd or r.get("prefix") != prefix:
            continue
        t = r.get("route_type")
        p = best_path(r.get("paths", [])) or {}
        out = [("type", t), ("rd", r.get("rd")), ("prefix", r.get("prefix")),
               ("etag", r.get("ethernet_tag", 0))]
        if t == 2:
            out += [("mac", r.get("mac")), ("ip", r.get("ip"))]
        if t == 3:
            out += [("orig", r.get("originating_router"))]
        if t == 5:
            out += [("ip_prefix", r.get("ip_prefix"))]
        out += [("vni", r.get("vni"))]
        if t in (1, 2, 5):
            out += [("label1", p.get("label1", 0))]
        if t == 2:
            out += [("label2", p.get("label2", 0))]
        if t in (1, 2, 4, 5):
            out += [("esi", p.get("esi"))]
        if t == 5:
            out += [("gw", p.get("gateway"))]
        out += [("rt", p.get("route_targets")), ("ec", p.get("extended_communities"))]
        if t in (2, 5):
            out += [("rmac", p.get("router_mac"))]
        if t == 2:
            out += [("seq", p.get("mac_mobility_sequence", 0)), ("sticky", p.get("sticky", False))]
        if t == 3:
            out += [("pmsi", p.get("pmsi_tunnel"))]
        out += [("nh", p.get("next_hop")), ("peer", p.get("peer")),
                ("aspath", p.get("as_path")), ("origin", p.get("origin")),
                ("lp", p.get("local_pref", 0)), ("paths", len(r.get("paths", [])))]
        return line(out)
    return None


def evpnd_unicast(doc, prefix):
    for r in doc.get("routes", []):
        if r.get("prefix") != prefix:
            continue
        p = best_path(r.get("paths", [])) or {}
        return line([("prefix", prefix), ("nh", p.get("next_hop")), ("peer", p.get("peer")),
                     ("aspath", p.get("as_path")), ("origin", p.get("origin")),
                     ("lp", p.get("local_pref", 0)), ("med", p.get("med", 0)),
                     ("communities", p.get("communities")),
                     ("paths", len(r.get("paths", [])))])
    return None


ORIGINS = {0: "i", 1: "e", 2: "?"}
PMSI_TYPES = {6: "ingress-repl"}


def gobgp(doc, key):
    paths = doc.get(key)
    if not paths:
        return None
    p = next((x for x in paths if x.get("best")), paths[0])
    nlri = p.get("nlri", {})
    out = []
    if "type" in nlri and isinstance(nlri.get("value"), dict):  # EVPN
        t = nlri["type"]
        val = nlri["value"]
        rd = val.get("rd") or {}
        out += [("type", t), ("rd", "%s:%s" % (rd.get("admin"), rd.get("assigned"))),
                ("etag", val.get("etag"))]
        if t == 2:
            out += [("mac", val.get("mac")), ("ip", val.get("ip")), ("labels", val.get("labels")),
                    ("esi", val.get("esi"))]
        elif t == 3:
            out += [("ip", val.get("ip"))]
        elif t == 5:
            out += [("prefix", val.get("prefix")), ("gw", val.get("gateway")),
                    ("label", val.get("label")), ("esi", val.get("esi"))]
    else:
        out += [("prefix", nlri.get("prefix", key))]
    nh = aspath = origin = None
    rts, encap, rmac, pmsi, mm, other = [], [], None, None, None, []
    originator, clusters = None, None
    for a in p.get("attrs", []):
        t = a.get("type")
        if t == 1:
            origin = ORIGINS.get(a.get("value"), a.get("value"))
        elif t == 2:
            asns = []
            for seg in a.get("as_paths", []):
                asns += [str(x) for x in seg.get("asns", [])]
            aspath = " ".join(asns)
        elif t in (3, 14):
            nh = a.get("nexthop")
        elif t == 9:
            originator = a.get("value")
        elif t == 10:
            clusters = a.get("value")
        elif t == 16:
            for c in a.get("value", []):
                if c.get("subtype") == 2 and c.get("type") in (0, 1, 2):
                    rts.append(c.get("value"))
                elif c.get("type") == 3 and c.get("subtype") == 12:
                    encap.append(c.get("tunnel_type"))
                elif c.get("type") == 6 and c.get("subtype") == 3:
                    rmac = c.get("mac")
                elif c.get("type") == 6 and c.get("subtype") == 0:
                    mm = "seq %s%s" % (c.get("sequence_num", 0),
                                       " sticky" if c.get("is_sticky") else "")
                else:
                    other.append("%s/%s" % (c.get("type"), c.get("subtype")))
        elif t == 22:
            pmsi = "%s/%s/%s" % (PMSI_TYPES.get(a.get("tunnel-type"), a.get("tunnel-type")),
                                 a.get("label"), a.get("tunnel-id"))
    out += [("nh", nh), ("aspath", aspath), ("origin", origin), ("rt", rts), ("encap", encap),
            ("rmac", rmac)]
    if pmsi is not None:
        out += [("pmsi", pmsi)]
    if mm is not None:
        out += [("mm", mm)]
    if other:
        out += [("other_ec", other)]
    if originator is not None or clusters is not None:
        out += [("originator", originator), ("clusters", clusters)]
    return line(out)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        doc = json.load(sys.stdin)
    except ValueError as e:
        print("bad JSON: %s" % e)
        return 2
    mode = argv[1]
    if mode == "evpnd-evpn" and len(argv) == 4:
        got = evpnd_evpn(doc, argv[2], argv[3])
    elif mode == "evpnd-unicast" and len(argv) == 3:
        got = evpnd_unicast(doc, argv[2])
    elif mode == "gobgp" and len(argv) == 3:
        got = gobgp(doc if isinstance(doc, dict) else {}, argv[2])
    elif mode == "evpnd-count" and len(argv) in (2, 3):
        routes = doc.get("routes", [])
        if len(argv) == 3:
            routes = [r for r in routes if any(p.get("peer") == argv[2] for p in r["paths"])]
        print(len(routes))
        return 0
    elif mode == "gobgp-count" and len(argv) == 3:
        print(sum(1 for paths in (doc or {}).values()
                  if any(p.get("neighbor-ip") == argv[2] for p in paths)))
        return 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if got is None:
        print("absent")
        return 1
    print(got)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
