#!/usr/bin/python3
"""Route-reflection attributes on the wire, read from a capture with tshark.

  rr_attrs.py PCAP SRC DST

For the BGP UPDATEs sent from SRC to DST, prints one line:

  updates=N originator_id=A[,B...] cluster_list=C[;D...]

where N counts the UPDATEs that announce routes (those with an ORIGIN attribute: End-of-RIB
markers and pure withdrawals have none), originator_id lists the distinct ORIGINATOR_ID values
and cluster_list the distinct CLUSTER_LISTs (each as its IDs joined by spaces), "-" when none.
It also prints "missing=M" when M of those UPDATEs lack an ORIGINATOR_ID or a CLUSTER_LIST.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def main():
    pcap, src, dst = sys.argv[1:4]
    # PDML: one <proto name="bgp"> per BGP message, its attributes as nested <field>s.
    out = subprocess.run(
        ["tshark", "-r", pcap, "-Y", "ip.src==%s && ip.dst==%s && bgp.type==2" % (src, dst),
         "-T", "pdml"],
        check=True, capture_output=True, text=True).stdout
    updates = missing = 0
    originators, clusters = set(), set()
    for proto in ET.fromstring(out).iter("proto"):
        if proto.get("name") != "bgp" or "UPDATE" not in (proto.get("showname") or ""):
            continue
        codes, orig, clist = [], [], []
        for f in proto.iter("field"):
            n = f.get("name")
            if n == "bgp.update.path_attribute.type_code":
                codes.append(int(f.get("show")))
            elif n == "bgp.update.path_attribute.originator_id":
                orig.append(f.get("show"))
            elif n == "bgp.path_attribute.cluster_list":
                clist.append(" ".join(c.get("show") for c in f.iter("field")
                                      if c.get("name") == "bgp.path_attribute.cluster_id"))
        if 1 not in codes:
            continue
        updates += 1
        if not orig or not clist:
            missing += 1
        originators.update(orig)
        clusters.update(clist)
    line = "updates=%d originator_id=%s cluster_list=%s" % (
        updates, ",".join(sorted(originators)) or "-", ";".join(sorted(clusters)) or "-")
    if missing:
        line += " missing=%d" % missing
    print(line)


if __name__ == "__main__":
    main()
