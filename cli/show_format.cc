// FRR-style text of the management API's answers; see show_format.h. Column layouts follow
// FRR 8's bgp_vty.c and bgp_route.c (route_vty_out): a 3-character status, the network padded
// to 17 columns, the next hop to 16, then Metric (10), LocPrf (7) and the AS path with the
// origin code. FRR's Weight, TblVer, InQ and OutQ columns are left out: the API has no such
// values.
#include "cli/show_format.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>
#include <tuple>
#include <vector>

namespace evpnd::cli {
namespace {

constexpr uint64_t kMinute = 60;
constexpr uint64_t kHour = 60 * kMinute;
constexpr uint64_t kDay = 24 * kHour;
constexpr uint64_t kWeek = 7 * kDay;
constexpr uint64_t kYear = 365 * kDay;

// Columns of the route tables (FRR's route_vty_out).
constexpr size_t kStatusWidth = 3;
constexpr size_t kNetworkWidth = 17;
constexpr size_t kNextHopWidth = 16;
constexpr size_t kNextHopColumn = kStatusWidth + kNetworkWidth;   // 20
constexpr size_t kMetricColumn = kNextHopColumn + kNextHopWidth;  // 36

constexpr const char* kRouteHeader = "   Network          Next Hop            Metric LocPrf Path\n";

std::string left(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string right(std::string_view s, size_t width) {
  std::string out;
  if (s.size() < width) out.append(width - s.size(), ' ');
  out += s;
  return out;
}

std::string right(uint64_t n, size_t width) { return right(std::to_string(n), width); }

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

template <class Repeated>
std::vector<std::string> to_vector(const Repeated& r) {
  return std::vector<std::string>(r.begin(), r.end());
}

void trim_trailing_spaces(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

// The API's family names in FRR's words, and FRR's order (by AFI, then SAFI).
std::string family_title(std::string_view family) {
  if (family == "ipv4-unicast") return "IPv4 Unicast";
  if (family == "ipv6-unicast") return "IPv6 Unicast";
  if (family == "l2vpn-evpn") return "L2VPN EVPN";
  return std::string(family);
}

int family_rank(std::string_view family) {
  if (family == "ipv4-unicast") return 0;
  if (family == "ipv6-unicast") return 1;
  if (family == "l2vpn-evpn") return 2;
  return 3;
}

// FRR's origin codes.
std::string origin_code(std::string_view origin) {
  if (origin == "IGP") return "i";
  if (origin == "EGP") return "e";
  if (origin == "incomplete") return "?";
  return std::string(origin);
}

// "*> ": valid (or S for stale), best, and a blank where FRR marks internal routes.
std::string status(bool best, bool stale) {
  std::string s = stale ? "S" : "*";
  s += best ? ">" : " ";
  s += ' ';
  return s;
}

// One path as FRR's route_vty_out prints it. `network` is empty for the second and later
// paths of a prefix. A network (next hop) too wide for its column continues on a new line
// aligned under the next column.
std::string path_line(const std::string& status_code, const std::string& network,
                      const std::string& next_hop, uint32_t med, uint32_t local_pref,
                      const std::string& as_path, const std::string& origin) {
  std::string out = status_code;
  if (network.empty()) {
    out.append(kNetworkWidth, ' ');
  } else if (network.size() < kNetworkWidth) {
    out += left(network, kNetworkWidth);
  } else {
    out += network + "\n" + std::string(kNextHopColumn, ' ');
  }
  if (next_hop.size() < kNextHopWidth) {
    out += left(next_hop, kNextHopWidth);
  } else {
    out += next_hop + "\n" + std::string(kMetricColumn, ' ');
  }
  out += med != 0 ? right(med, 10) : std::string(10, ' ');
  out += local_pref != 0 ? " " + right(local_pref, 6) : std::string(7, ' ');
  out += ' ';
  if (!as_path.empty()) out += as_path + " ";
  out += origin_code(origin);
  trim_trailing_spaces(out);
  return out + "\n";
}

// Sort key of a route distinguisher in its text form, giving FRR's order (the 8 octets
// compared as bytes: type, administrator, assigned number). "10.0.0.1:2" is type 1,
// "65001:2" type 0, "4200000000:2" type 2; text that does not parse sorts last, by text.
std::tuple<int, uint64_t, uint64_t, std::string> rd_key(const std::string& rd) {
  const auto colon = rd.rfind(':');
  auto number = [](std::string_view s, uint64_t& v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
  };
  uint64_t assigned = 0;
  if (colon == std::string::npos || !number(std::string_view(rd).substr(colon + 1), assigned)) {
    return {9, 0, 0, rd};
  }
  const std::string_view admin = std::string_view(rd).substr(0, colon);
  uint64_t a = 0;
  if (admin.find('.') != std::string_view::npos) {
    uint64_t ip = 0;
    size_t start = 0;
    int octets = 0;
    while (start <= admin.size()) {
      const auto dot = std::min(admin.find('.', start), admin.size());
      uint64_t octet = 0;
      if (!number(admin.substr(start, dot - start), octet) || octet > 255) return {9, 0, 0, rd};
      ip = ip << 8 | octet;
      ++octets;
      start = dot + 1;
    }
    if (octets != 4) return {9, 0, 0, rd};
    return {1, ip, assigned, rd};
  }
  if (!number(admin, a)) return {9, 0, 0, rd};
  return {a <= 0xffff ? 0 : 2, a, assigned, rd};
}

// The neighbor's AS; 0 means it was configured as "external" (any AS but ours) and no OPEN
// has told which yet.
std::string remote_as(const api::NeighborSummary& n) {
  return n.remote_as() != 0 ? std::to_string(n.remote_as()) : "external";
}

bool is_zero_esi(const std::string& esi) {
  return std::all_of(esi.begin(), esi.end(), [](char c) { return c == '0' || c == ':'; });
}

bool has_prefix(const api::EvpnPath& p, std::string_view prefix) {
  return std::any_of(p.extended_communities().begin(), p.extended_communities().end(),
                     [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
}

// The decoded details of an EVPN path that FRR shows only in its detail view.
std::vector<std::string> evpn_details(const api::EvpnPath& p) {
  std::vector<std::string> d;
  if (p.label1() != 0) {
    d.push_back("VNI " + std::to_string(p.label1()) +
                (p.label2() != 0 ? "/" + std::to_string(p.label2()) : ""));
  }
  if (!is_zero_esi(p.esi())) d.push_back("ESI " + p.esi());
  if (!has_prefix(p, "MM:")) {
    if (p.mac_mobility_sequence() != 0) {
      d.push_back("MAC mobility sequence " + std::to_string(p.mac_mobility_sequence()));
    }
    if (p.sticky()) d.push_back("sticky MAC");
  }
  if (!p.router_mac().empty() && !has_prefix(p, "Rmac:")) {
    d.push_back("Router MAC " + p.router_mac());
  }
  if (!p.gateway().empty() && p.gateway() != "0.0.0.0" && p.gateway() != "::") {
    d.push_back("Gateway IP " + p.gateway());
  }
  if (!p.pmsi_tunnel().empty()) d.push_back("PMSI tunnel " + p.pmsi_tunnel());
  if (p.stale()) d.push_back("stale");
  return d;
}

// "advertised and received", "advertised", "received" or "" (neither).
std::string cap_status(bool advertised, bool received) {
  if (advertised && received) return "advertised and received";
  if (advertised) return "advertised";
  if (received) return "received";
  return "";
}

void cap_line(std::string& out, const std::string& name, bool advertised, bool received) {
  const std::string s = cap_status(advertised, received);
  if (!s.empty()) out += "    " + name + ": " + s + "\n";
}

std::vector<std::string> sorted_families(std::vector<std::string> families) {
  std::sort(families.begin(), families.end(), [](const auto& a, const auto& b) {
    return std::tuple(family_rank(a), a) < std::tuple(family_rank(b), b);
  });
  families.erase(std::unique(families.begin(), families.end()), families.end());
  return families;
}

std::string family_titles(const google::protobuf::RepeatedPtrField<std::string>& families) {
  std::vector<std::string> titles;
  for (const auto& f : sorted_families(to_vector(families))) titles.push_back(family_title(f));
  return join(titles, ", ");
}

std::string error_line(const api::SessionError& e) {
  std::string out = "  Last reset " + format_uptime(e.seconds_ago()) + ", ";
  if (e.code() != 0) {
    out += e.direction() == "received" ? "Notification received"
           : e.direction() == "sent"   ? "Notification sent"
                                       : "Error (" + e.direction() + ")";
    const std::string code =
        e.code_name().empty() ? "code " + std::to_string(e.code()) : e.code_name();
    std::string subcode;
    if (!e.subcode_name().empty()) {
      subcode = "/" + e.subcode_name();
    } else if (e.subcode() != 0) {
      subcode = "/subcode " + std::to_string(e.subcode());
    }
    out += " (" + code + subcode + ")";
    if (!e.message().empty()) out += ": " + e.message();
  } else {
    out += e.message().empty() ? "error (" + e.direction() + ")" : e.message();
  }
  return out + "\n";
}

}  // namespace

std::string format_uptime(uint64_t seconds) {
  char buf[64];
  if (seconds < kDay) {
    std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu",
                  static_cast<unsigned long long>(seconds / kHour),
                  static_cast<unsigned long long>(seconds % kHour / kMinute),
                  static_cast<unsigned long long>(seconds % kMinute));
  } else if (seconds < kWeek) {
    std::snprintf(buf, sizeof buf, "%llud%02lluh%02llum",
                  static_cast<unsigned long long>(seconds / kDay),
                  static_cast<unsigned long long>(seconds % kDay / kHour),
                  static_cast<unsigned long long>(seconds % kHour / kMinute));
  } else if (seconds < kYear) {
    std::snprintf(buf, sizeof buf, "%02lluw%llud%02lluh",
                  static_cast<unsigned long long>(seconds / kWeek),
                  static_cast<unsigned long long>(seconds % kWeek / kDay),
                  static_cast<unsigned long long>(seconds % kDay / kHour));
  } else {
    std::snprintf(buf, sizeof buf, "%02lluy%02lluw%llud",
                  static_cast<unsigned long long>(seconds / kYear),
                  static_cast<unsigned long long>(seconds % kYear / kWeek),
                  static_cast<unsigned long long>(seconds % kYear % kWeek / kDay));
  }
  return buf;
}

std::string format_bgp_summary(const api::BgpSummary& summary) {
  std::string out = "BGP router identifier " + summary.router_id() + ", local AS number " +
                    std::to_string(summary.asn()) + "\n";
  if (summary.neighbors().empty()) return out + "\n% No BGP neighbors found\n";

  // The families some neighbor is configured for, in FRR's order.
  std::vector<std::string> families;
  for (const auto& n : summary.neighbors()) {
    for (const auto& f : n.families()) families.push_back(f.family());
  }
  families = sorted_families(families);

  // The neighbor column fits the longest address ('*' marks a dynamic neighbor), at least 16.
  size_t width = 16;
  for (const auto& n : summary.neighbors()) {
    width = std::max(width, n.address().size() + (n.dynamic() ? 2 : 1));
  }

  for (const auto& family : families) {
    out += "\n" + family_title(family) + " Summary:\n";
    out += left("Neighbor", width) + "V" + right("AS", 11) + right("MsgRcvd", 10) +
           right("MsgSent", 10) + right("Up/Down", 9) + right("State/PfxRcd", 13) +
           right("PfxSnt", 9) + " Desc\n";
    size_t count = 0;
    bool any_dynamic = false;
    for (const auto& n : summary.neighbors()) {
      const auto fc = std::find_if(n.families().begin(), n.families().end(),
                                   [&](const auto& f) { return f.family() == family; });
      if (fc == n.families().end()) continue;
      ++count;
      any_dynamic = any_dynamic || n.dynamic();
      const bool established = n.state() == "Established";
      const std::string up_down =
          !established && n.messages_received() == 0 ? "never" : format_uptime(n.uptime_seconds());
      const std::string state = established ? std::to_string(fc->received()) : n.state();
      out += left((n.dynamic() ? "*" : "") + n.address(), width) + "4" + right(remote_as(n), 11) +
             right(n.messages_received(), 10) + right(n.messages_sent(), 10) + right(up_down, 9) +
             right(state, 13) + right(fc->sent(), 9) + " " +
             (n.description().empty() ? "N/A" : n.description()) + "\n";
    }
    if (any_dynamic) out += "\n* - dynamic neighbor\n";
    out += "\nTotal number of neighbors " + std::to_string(count) + "\n";
  }
  return out;
}

std::string format_neighbor_detail(const api::NeighborDetail& detail) {
  const auto& s = detail.summary();
  const bool established = s.state() == "Established";
  std::string out = "BGP neighbor is " + s.address() + ", remote AS " + remote_as(s) + ", " +
                    (detail.ibgp() ? "internal" : "external") + " link\n";
  if (!s.hostname().empty()) out += "Hostname: " + s.hostname() + "\n";
  if (!s.description().empty()) out += " Description: " + s.description() + "\n";
  if (s.dynamic()) out += " Dynamic neighbor, accepted through a listen range\n";
  out += "  BGP version 4, remote router ID " +
         (detail.router_id().empty() ? std::string("0.0.0.0") : detail.router_id()) + "\n";
  out += "  BGP state = " + s.state();
  if (established) out += ", up for " + format_uptime(s.uptime_seconds());
  out += "\n";
  if (s.state() == "Idle" && detail.next_restart_seconds() != 0) {
    out += "  Idle hold time is " + std::to_string(detail.next_restart_seconds()) + " seconds\n";
  }
  if (established) {
    out += "  Hold time is " + std::to_string(detail.hold_time()) + ", keepalive interval is " +
           std::to_string(detail.keepalive()) + " seconds\n";
  }
  out += "  Configured hold time is " + std::to_string(detail.configured_hold_time()) +
         ", keepalive interval is " + std::to_string(detail.configured_keepalive()) + " seconds\n";
  if (detail.route_reflector_client()) out += "  Route-Reflector Client\n";
  if (detail.graceful_restart_stale()) {
    out += "  Graceful restart: the neighbor's routes are kept as stale (helper mode)\n";
  }

  const auto& adv = detail.advertised();
  const auto& rcv = detail.received();
  if (adv.ByteSizeLong() != 0 || rcv.ByteSizeLong() != 0) {
    out += "  Neighbor capabilities:\n";
    cap_line(out, "4 Byte AS", adv.four_octet_as(), rcv.four_octet_as());
    cap_line(out, "Extended Message", adv.extended_message(), rcv.extended_message());
    if (!adv.add_path().empty() || !rcv.add_path().empty()) {
      out += "    AddPath:\n";
      if (!adv.add_path().empty()) {
        out += "      advertised: " + join(to_vector(adv.add_path()), ", ") + "\n";
      }
      if (!rcv.add_path().empty()) {
        out += "      received: " + join(to_vector(rcv.add_path()), ", ") + "\n";
      }
    }
    cap_line(out, "Route refresh", adv.route_refresh(), rcv.route_refresh());
    cap_line(out, "Enhanced Route Refresh", adv.enhanced_route_refresh(),
             rcv.enhanced_route_refresh());
    std::vector<std::string> families = to_vector(adv.families());
    families.insert(families.end(), rcv.families().begin(), rcv.families().end());
    for (const auto& f : sorted_families(families)) {
      const bool a =
          std::find(adv.families().begin(), adv.families().end(), f) != adv.families().end();
      const bool r =
          std::find(rcv.families().begin(), rcv.families().end(), f) != rcv.families().end();
      cap_line(out, "Address Family " + family_title(f), a, r);
    }
    if (!adv.hostname().empty() || !rcv.hostname().empty()) {
      out += "    Hostname Capability:";
      if (!adv.hostname().empty()) out += " advertised (name: " + adv.hostname() + ")";
      if (!rcv.hostname().empty()) out += " received (name: " + rcv.hostname() + ")";
      out += "\n";
    }
    if (adv.graceful_restart() || rcv.graceful_restart()) {
      cap_line(out, "Graceful Restart Capability", adv.graceful_restart(), rcv.graceful_restart());
      if (adv.graceful_restart()) {
        out += "      Local Restart timer is " + std::to_string(adv.graceful_restart_time()) +
               " seconds\n";
      }
      if (rcv.graceful_restart()) {
        out += "      Remote Restart timer is " + std::to_string(rcv.graceful_restart_time()) +
               " seconds\n";
      }
    }
  }
  const auto& neg = detail.negotiated();
  if (neg.ByteSizeLong() != 0) {
    out += "  Negotiated capabilities:\n";
    if (!neg.families().empty()) {
      out += "    Address families: " + family_titles(neg.families()) + "\n";
    }
    std::vector<std::string> flags;
    if (neg.four_octet_as()) flags.push_back("4 Byte AS");
    if (neg.route_refresh()) flags.push_back("Route refresh");
    if (neg.enhanced_route_refresh()) flags.push_back("Enhanced Route Refresh");
    if (neg.extended_message()) flags.push_back("Extended Message");
    if (!neg.add_path().empty()) {
      flags.push_back("AddPath " + join(to_vector(neg.add_path()), ", "));
    }
    if (!flags.empty()) out += "    " + join(flags, ", ") + "\n";
    if (neg.graceful_restart()) {
      out += "    Graceful Restart, restart time " + std::to_string(neg.graceful_restart_time()) +
             " seconds\n";
    }
  }

  out += "  Message statistics:\n";
  out += "                         Sent       Rcvd\n";
  out += "    " + left("Total:", 15) + right(s.messages_sent(), 10) + " " +
         right(s.messages_received(), 10) + "\n";
  const uint32_t transitions = detail.established_transitions();
  const uint32_t dropped = established && transitions > 0 ? transitions - 1 : transitions;
  out += "  Connections established " + std::to_string(transitions) + "; dropped " +
         std::to_string(dropped) + "\n";
  if (detail.connect_retry_counter() != 0) {
    out += "  Connect retry counter " + std::to_string(detail.connect_retry_counter()) + "\n";
  }
  out += detail.has_last_error() ? error_line(detail.last_error()) : "  Last reset never\n";
  if (!detail.local_address().empty()) {
    out += "Local host: " + detail.local_address() +
           ", Local port: " + std::to_string(detail.local_port()) + "\n";
    out += "Foreign host: " + s.address() +
           ", Foreign port: " + std::to_string(detail.remote_port()) + "\n";
  }
  return out;
}

std::string format_evpn_routes(const api::EvpnRoutes& routes) {
  if (routes.routes().empty()) return "No prefixes displayed\n";
  std::vector<const api::EvpnRoute*> sorted;
  for (const auto& r : routes.routes()) sorted.push_back(&r);
  // FRR's order: by RD, then by prefix, whose first octet is the route type.
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return std::tuple(rd_key(a->rd()), a->route_type()) <
           std::tuple(rd_key(b->rd()), b->route_type());
  });

  std::string out =
      "Status codes: * valid, > best, S stale\n"
      "Origin codes: i - IGP, e - EGP, ? - incomplete\n"
      "EVPN type-1 prefix: [1]:[ESI]:[EthTag]\n"
      "EVPN type-2 prefix: [2]:[EthTag]:[MAClen]:[MAC]:[IPlen]:[IP]\n"
      "EVPN type-3 prefix: [3]:[EthTag]:[IPlen]:[OrigIP]\n"
      "EVPN type-4 prefix: [4]:[ESI]:[IPlen]:[OrigIP]\n"
      "EVPN type-5 prefix: [5]:[EthTag]:[IPlen]:[IP]\n"
      "\n";
  out += kRouteHeader;
  size_t paths = 0;
  const std::string* rd = nullptr;
  const std::string indent(kNextHopColumn, ' ');
  for (const auto* r : sorted) {
    if (rd == nullptr || *rd != r->rd()) {
      rd = &r->rd();
      out += "Route Distinguisher: " + (rd->empty() ? std::string("none") : *rd) + "\n";
    }
    bool first = true;
    for (const auto& p : r->paths()) {
      ++paths;
      out += path_line(status(p.best(), p.stale()), first ? r->prefix() : "", p.next_hop(), p.med(),
                       p.local_pref(), p.as_path(), p.origin());
      first = false;
      if (!p.extended_communities().empty()) {
        out += indent + join(to_vector(p.extended_communities()), " ") + "\n";
      }
      if (const auto details = evpn_details(p); !details.empty()) {
        out += indent + join(details, ", ") + "\n";
      }
    }
  }
  out += "\nDisplayed " + std::to_string(routes.routes_size()) + " prefixes (" +
         std::to_string(paths) + " paths)\n";
  return out;
}

std::string format_unicast_routes(const api::UnicastRoutes& routes) {
  if (routes.routes().empty()) return "No BGP prefixes displayed, 0 exist\n";
  const std::string no_next_hop = routes.family() == "ipv6-unicast" ? "::" : "0.0.0.0";
  std::string out =
      "Status codes:  * valid, > best, S stale\n"
      "Origin codes:  i - IGP, e - EGP, ? - incomplete\n"
      "\n";
  out += kRouteHeader;
  size_t paths = 0;
  for (const auto& r : routes.routes()) {
    bool first = true;
    for (const auto& p : r.paths()) {
      ++paths;
      out += path_line(status(p.best(), p.stale()), first ? r.prefix() : "",
                       p.next_hop().empty() ? no_next_hop : p.next_hop(), p.med(), p.local_pref(),
                       p.as_path(), p.origin());
      first = false;
    }
  }
  out += "\nDisplayed  " + std::to_string(routes.routes_size()) + " routes and " +
         std::to_string(paths) + " total paths\n";
  return out;
}

}  // namespace evpnd::cli
