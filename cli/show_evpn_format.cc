// FRR-style text of the kernel-side API answers (`evpnctl show evpn vni|mac|arp`, `show fib`);
// see show_format.h. Column layouts follow FRR 8's `show evpn vni`, `show evpn mac vni all` and
// `show evpn arp-cache vni all` (zebra_evpn.c, zebra_evpn_mac.c, zebra_evpn_neigh.c).
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/show_format.h"

namespace evpnd::cli {
namespace {

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  out.append(out.size() < width ? width - out.size() : 1, ' ');
  return out;
}

std::string rstrip(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

template <class Repeated>
std::string join(const Repeated& r, std::string_view sep) {
  std::string out;
  for (const auto& x : r) {
    if (!out.empty()) out += sep;
    out += x;
  }
  return out;
}

}  // namespace

std::string format_evpn_vnis(const api::EvpnVnis& vnis) {
  if (vnis.vnis().empty())
    return "No VNIs: no VXLAN device is enslaved to a bridge, or none is configured.\n";
  std::string out = pad("VNI", 10) + pad("VxLAN IF", 16) + pad("Bridge", 16) +
                    pad("# Local MACs", 14) + pad("# Remote MACs", 15) + "# Remote VTEPs\n";
  for (const auto& v : vnis.vnis()) {
    out +=
        rstrip(pad(std::to_string(v.vni()), 10) + pad(v.vxlan_device(), 16) + pad(v.bridge(), 16) +
               pad(std::to_string(v.local_macs()), 14) + pad(std::to_string(v.remote_macs()), 15) +
               std::to_string(v.remote_vteps_size())) +
        "\n";
  }
  for (const auto& v : vnis.vnis()) {
    out += "\nVNI: " + std::to_string(v.vni()) + "\n";
    out += "  RD: " + v.rd() + "\n";
    out += "  Import Route Target: " + join(v.import_rts(), ", ") + "\n";
    out += "  Export Route Target: " + join(v.export_rts(), ", ") + "\n";
    out += "  Remote VTEPs: " +
           (v.remote_vteps().empty() ? std::string("none") : join(v.remote_vteps(), " ")) + "\n";
  }
  return out;
}

std::string format_evpn_macs(const api::EvpnMacs& macs) {
  std::map<uint32_t, std::vector<const api::EvpnMac*>> by_vni;
  for (const auto& m : macs.macs()) by_vni[m.vni()].push_back(&m);
  if (by_vni.empty()) return "No MACs.\n";
  std::string out;
  for (const auto& [vni, list] : by_vni) {
    if (!out.empty()) out += "\n";
    out += "VNI " + std::to_string(vni) + " #MACs (local and remote) " +
           std::to_string(list.size()) + "\n\n";
    out += "Flags: S=sticky, F=frozen by duplicate detection\n";
    out += pad("MAC", 18) + pad("Type", 7) + pad("Flags", 6) + pad("Intf/Remote VTEP", 20) +
           pad("Seq", 6) + "IPs\n";
    for (const auto* m : list) {
      std::string flags = std::string(m->sticky() ? "S" : "") + (m->frozen() ? "F" : "");
      out += rstrip(pad(m->mac(), 18) + pad(m->type(), 7) + pad(flags, 6) +
                    pad(m->type() == "local" ? m->port() : m->vtep(), 20) +
                    pad(std::to_string(m->sequence()), 6) + join(m->ips(), " ")) +
             "\n";
    }
  }
  return out;
}

std::string format_evpn_arps(const api::EvpnArps& arps) {
  std::map<uint32_t, std::vector<const api::EvpnArp*>> by_vni;
  for (const auto& a : arps.arps()) by_vni[a.vni()].push_back(&a);
  if (by_vni.empty()) return "No ARP/ND entries.\n";
  std::string out;
  for (const auto& [vni, list] : by_vni) {
    if (!out.empty()) out += "\n";
    out += "VNI " + std::to_string(vni) + " #ARP (IPv4 and IPv6, local and remote) " +
           std::to_string(list.size()) + "\n\n";
    out += pad("IP", 40) + pad("Type", 7) + pad("MAC", 18) + "Remote VTEP\n";
    for (const auto* a : list) {
      out += rstrip(pad(a->ip(), 40) + pad(a->type(), 7) + pad(a->mac(), 18) + a->vtep()) + "\n";
    }
  }
  return out;
}

std::string format_fib(const api::Fib& fib) {
  std::string out = pad("Kind", 7) + pad("Device", 16) + pad("MAC", 18) + pad("Dst/Prefix", 20) +
                    pad("Via", 16) + pad("State", 10) + "Flags\n";
  for (const auto& e : fib.entries()) {
    std::string state = e.state();
    if (!e.error().empty())
      state += " (" + e.error() + ", " + std::to_string(e.attempts()) + " attempts)";
    std::string dst = e.dst();
    if (e.kind() == "route" && e.table() != 254) dst += " table " + std::to_string(e.table());
    out += rstrip(pad(e.kind(), 7) + pad(e.device(), 16) + pad(e.mac(), 18) + pad(dst, 20) +
                  pad(e.via(), 16) + pad(state, 10) + e.flags()) +
           "\n";
  }
  const auto& s = fib.stats();
  out += "\nEntries: " + std::to_string(s.desired()) + " desired, " +
         std::to_string(s.installed()) + " installed, " + std::to_string(s.pending()) +
         " pending, " + std::to_string(s.failed()) + " failed, " + std::to_string(s.stale()) +
         " stale\n";
  out += "Kernel writes: " + std::to_string(s.writes()) + " (" + std::to_string(s.write_errors()) +
         " refused), resyncs " + std::to_string(s.resyncs()) + ", restored after drift " +
         std::to_string(s.restored()) + "\n";
  return out;
}

}  // namespace evpnd::cli
