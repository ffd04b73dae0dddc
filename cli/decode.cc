// `evpnctl decode`: BGP messages to JSON (nlohmann::ordered_json, so keys keep the documented
// order), stream splitting with codec::frame_length, and hex/raw input handling.
#include "cli/decode.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <utility>
#include <variant>

namespace evpnd::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMarkerSize = 16;

std::string hex(std::span<const uint8_t> b) { return codec::to_hex(b.data(), b.size()); }

std::string dump(const Json& j, int indent) {
  // Hostnames and shutdown communications are peer-supplied and may be invalid UTF-8.
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

uint8_t hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
  return static_cast<uint8_t>(c - 'A' + 10);
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Walks hex text line by line, skipping blanks and comment lines, and calls `digit` for each
// hex digit. Stops at the first other character: returns false with its line and column.
template <class F>
bool scan_hex(std::string_view text, F&& digit, size_t& bad_line, size_t& bad_column) {
  size_t line = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view l = text.substr(pos, end - pos);
    const size_t first = l.find_first_not_of(" \t\r\v\f");
    if (first == std::string_view::npos || l[first] != '#') {
      for (size_t i = 0; i < l.size(); ++i) {
        if (is_hex_digit(l[i])) {
          digit(l[i]);
        } else if (!is_blank(l[i])) {
          bad_line = line;
          bad_column = i + 1;
          return false;
        }
      }
    }
    pos = end + 1;
    ++line;
  }
  return true;
}

const char* message_type_name(uint8_t type) {
  switch (type) {
    case 1:
      return "OPEN";
    case 2:
      return "UPDATE";
    case 3:
      return "NOTIFICATION";
    case 4:
      return "KEEPALIVE";
    case 5:
      return "ROUTE-REFRESH";
    default:
      return nullptr;
  }
}

// Offset, length and type of a message whose header (the first 19 octets) is well-formed.
Json header_json(size_t offset, size_t length, uint8_t type) {
  Json j;
  j["offset"] = offset;
  j["length"] = length;
  if (const char* name = message_type_name(type)) {
    j["type"] = name;
  } else {
    j["type"] = type;
  }
  return j;
}

// Family name with the codec's spelling first, for the (AFI, SAFI) fields of a JSON object.
void add_family(Json& j, uint16_t afi, uint16_t safi) {
  j["afi"] = afi;
  j["safi"] = safi;
  j["family"] = family_name(afi, safi);
}

Json error_json(const codec::DecodeError& e) {
  Json j;
  j["action"] = codec::to_string(e.action);
  j["code"] = e.code;
  j["subcode"] = e.subcode;
  j["code_name"] = codec::error_code_name(e.code);
  j["subcode_name"] = codec::error_subcode_name(e.code, e.subcode);
  j["offset"] = e.offset;
  j["what"] = e.what;
  if (!e.data.empty()) j["data"] = hex(e.data);
  return j;
}

Json errors_json(const std::vector<codec::DecodeError>& errors) {
  Json j = Json::array();
  for (const auto& e : errors) j.push_back(error_json(e));
  return j;
}

// ---- OPEN ----

const char* add_path_mode(uint8_t send_receive) {
  switch (send_receive) {
    case 1:
      return "receive";
    case 2:
      return "send";
    case 3:
      return "both";
    default:
      return "invalid";
  }
}

Json capability_json(const codec::Capability& c) {
  const uint8_t code = codec::capability_code(c);
  Json j;
  j["code"] = code;
  j["name"] = codec::capability_name(code);
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, codec::MultiprotocolCapability>) {
          add_family(j, x.afi, x.safi);
        } else if constexpr (std::is_same_v<T, codec::FourOctetAsCapability>) {
          j["asn"] = x.asn;
        } else if constexpr (std::is_same_v<T, codec::GracefulRestartCapability>) {
          j["flags"] = x.flags;
          j["restart_state"] = (x.flags & codec::GracefulRestartCapability::kRestartState) != 0;
          j["notification"] = (x.flags & codec::GracefulRestartCapability::kNotification) != 0;
          j["restart_time"] = x.restart_time;
          Json families = Json::array();
          for (const auto& f : x.families) {
            Json fj;
            add_family(fj, f.afi, f.safi);
            fj["flags"] = f.flags;
            fj["forwarding_state"] =
                (f.flags & codec::GracefulRestartCapability::kForwardingState) != 0;
            families.push_back(std::move(fj));
          }
          j["families"] = std::move(families);
        } else if constexpr (std::is_same_v<T, codec::AddPathCapability>) {
          Json families = Json::array();
          for (const auto& f : x.families) {
            Json fj;
            add_family(fj, f.afi, f.safi);
            fj["send_receive"] = f.send_receive;
            fj["mode"] = add_path_mode(f.send_receive);
            families.push_back(std::move(fj));
          }
          j["families"] = std::move(families);
        } else if constexpr (std::is_same_v<T, codec::ExtendedNextHopCapability>) {
          Json entries = Json::array();
          for (const auto& e : x.entries) {
            Json ej;
            add_family(ej, e.afi, e.safi);
            ej["next_hop_afi"] = e.next_hop_afi;
            entries.push_back(std::move(ej));
          }
          j["entries"] = std::move(entries);
        } else if constexpr (std::is_same_v<T, codec::HostnameCapability>) {
          j["hostname"] = x.hostname;
          j["domain"] = x.domain;
        } else if constexpr (std::is_same_v<T, codec::UnknownCapability>) {
          j["value"] = hex(x.value);
        }
        // Route refresh, enhanced route refresh and extended message carry no value.
      },
      c);
  return j;
}

void open_json(Json& j, const codec::OpenMessage& m) {
  j["version"] = m.version;
  j["my_as"] = m.my_as;
  j["asn"] = m.asn();
  j["hold_time"] = m.hold_time;
  j["bgp_identifier"] = m.bgp_identifier.to_string();
  if (m.extended_parameters) j["extended_parameters"] = true;
  Json caps = Json::array();
  for (const auto& c : m.capabilities()) caps.push_back(capability_json(c));
  j["capabilities"] = std::move(caps);
}

// ---- UPDATE ----

Json prefixes_json(const std::vector<codec::PrefixNlri>& prefixes, bool add_path) {
  Json out = Json::array();
  for (const auto& p : prefixes) {
    if (add_path) {
      out.push_back(Json{{"prefix", p.prefix.to_string()}, {"path_id", p.path_id}});
    } else {
      out.push_back(p.prefix.to_string());
    }
  }
  return out;
}

Json evpn_json(const codec::EvpnNlri& n, bool add_path) {
  Json j;
  j["route_type"] = codec::route_type(n.route);
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, codec::EthernetAutoDiscoveryRoute>) {
          j["name"] = "ethernet-ad";
          j["rd"] = r.rd.to_string();
          j["esi"] = r.esi.to_string();
          j["ethernet_tag"] = r.ethernet_tag;
          j["label"] = r.label;
        } else if constexpr (std::is_same_v<T, codec::MacIpAdvertisementRoute>) {
          j["name"] = "mac-ip";
          j["rd"] = r.rd.to_string();
          j["esi"] = r.esi.to_string();
          j["ethernet_tag"] = r.ethernet_tag;
          j["mac"] = r.mac.to_string();
          if (!r.ip.is_none()) j["ip"] = r.ip.to_string();
          j["label1"] = r.label1;
          j["vni"] = r.vni();
          if (r.has_label2) j["label2"] = r.label2;
        } else if constexpr (std::is_same_v<T, codec::InclusiveMulticastRoute>) {
          j["name"] = "inclusive-multicast";
          j["rd"] = r.rd.to_string();
          j["ethernet_tag"] = r.ethernet_tag;
          j["originating_router"] = r.originating_router.to_string();
        } else if constexpr (std::is_same_v<T, codec::EthernetSegmentRoute>) {
          j["name"] = "ethernet-segment";
          j["rd"] = r.rd.to_string();
          j["esi"] = r.esi.to_string();
          j["originating_router"] = r.originating_router.to_string();
        } else if constexpr (std::is_same_v<T, codec::IpPrefixRoute>) {
          j["name"] = "ip-prefix";
          j["rd"] = r.rd.to_string();
          j["esi"] = r.esi.to_string();
          j["ethernet_tag"] = r.ethernet_tag;
          j["ip_prefix"] = r.prefix.to_string();
          j["gateway"] = r.gateway.to_string();
          j["label"] = r.label;
          j["vni"] = r.vni();
        } else {
          j["value"] = hex(r.value);
        }
      },
      n.route);
  j["prefix"] = codec::to_string(n.route);
  if (add_path) j["path_id"] = n.path_id;
  return j;
}

// NLRI of an MP attribute: prefixes or EVPN routes for the families the codec decodes.
template <class Mp>
Json mp_nlri_json(const Mp& mp, const codec::DecodeContext& ctx) {
  const auto fam = mp.family();
  const bool add_path = fam && ctx.add_path_for(*fam);
  Json out = prefixes_json(mp.prefixes, add_path);
  for (const auto& e : mp.evpn) out.push_back(evpn_json(e, add_path));
  return out;
}

const char* segment_type_name(uint8_t type) {
  switch (type) {
    case 1:
      return "AS_SET";
    case 2:
      return "AS_SEQUENCE";
    case 3:
      return "AS_CONFED_SEQUENCE";
    case 4:
      return "AS_CONFED_SET";
    default:
      return "unknown";
  }
}

const char* tunnel_encapsulation_name(uint16_t type) {  // IANA "BGP Tunnel Encapsulation Types"
  switch (type) {
    case 1:
      return "l2tpv3";
    case 2:
      return "gre";
    case 7:
      return "ip-in-ip";
    case 8:
      return "vxlan";
    case 9:
      return "nvgre";
    case 10:
      return "mpls";
    case 11:
      return "mpls-in-gre";
    case 12:
      return "vxlan-gpe";
    case 13:
      return "mpls-in-udp";
    case 19:
      return "geneve";
    default:
      return nullptr;
  }
}

const char* pmsi_tunnel_name(uint8_t type) {  // RFC 6514 §5, RFC 7524
  switch (type) {
    case 0:
      return "no-tunnel-information";
    case 1:
      return "rsvp-te-p2mp";
    case 2:
      return "mldp-p2mp";
    case 3:
      return "pim-ssm";
    case 4:
      return "pim-sm";
    case 5:
      return "bidir-pim";
    case 6:
      return "ingress-replication";
    case 7:
      return "mldp-mp2mp";
    default:
      return nullptr;
  }
}

Json extended_community_json(const codec::ExtendedCommunity& c) {
  Json j;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, codec::RouteTarget>) {
          j["type"] = "route-target";
          j["value"] = x.to_string();
        } else if constexpr (std::is_same_v<T, codec::EncapsulationCommunity>) {
          j["type"] = "encapsulation";
          j["tunnel_type"] = x.tunnel_type;
          if (const char* name = tunnel_encapsulation_name(x.tunnel_type)) j["name"] = name;
        } else if constexpr (std::is_same_v<T, codec::MacMobility>) {
          j["type"] = "mac-mobility";
          j["sequence"] = x.sequence;
          j["sticky"] = x.sticky;
        } else if constexpr (std::is_same_v<T, codec::EsiLabel>) {
          j["type"] = "esi-label";
          j["single_active"] = x.single_active;
          j["label"] = x.label;
        } else if constexpr (std::is_same_v<T, codec::EsImportRouteTarget>) {
          j["type"] = "es-import-route-target";
          j["mac"] = x.mac.to_string();
        } else if constexpr (std::is_same_v<T, codec::RouterMac>) {
          j["type"] = "router-mac";
          j["mac"] = x.mac.to_string();
        } else if constexpr (std::is_same_v<T, codec::DefaultGateway>) {
          j["type"] = "default-gateway";
        } else {
          j["type"] = "unknown";
          j["value"] = hex(x.bytes);
        }
      },
      c);
  return j;
}

// The "value" of an attribute; fields that go next to it (AS_PATH segments, typed extended
// communities) are set in `extra`.
Json attribute_value_json(const codec::PathAttribute& a, const codec::DecodeContext& ctx,
                          Json& extra) {
  return std::visit(
      [&](const auto& x) -> Json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, codec::Origin>) {
          static constexpr const char* kNames[] = {"igp", "egp", "incomplete"};
          if (x.value < 3) return kNames[x.value];
          return x.value;
        } else if constexpr (std::is_same_v<T, codec::AsPath>) {
          Json segments = Json::array();
          for (const auto& s : x.segments) {
            segments.push_back(Json{{"type", segment_type_name(s.type)}, {"asns", s.asns}});
          }
          extra["segments"] = std::move(segments);
          return x.to_string();
        } else if constexpr (std::is_same_v<T, codec::NextHop>) {
          return x.address.to_string();
        } else if constexpr (std::is_same_v<T, codec::MultiExitDisc> ||
                             std::is_same_v<T, codec::LocalPref>) {
          return x.value;
        } else if constexpr (std::is_same_v<T, codec::AtomicAggregate>) {
          return true;
        } else if constexpr (std::is_same_v<T, codec::Aggregator>) {
          return Json{{"asn", x.asn}, {"address", x.address.to_string()}};
        } else if constexpr (std::is_same_v<T, codec::Communities>) {
          Json out = Json::array();
          for (uint32_t c : x.values) {
            out.push_back(std::to_string(c >> 16) + ":" + std::to_string(c & 0xffff));
          }
          return out;
        } else if constexpr (std::is_same_v<T, codec::OriginatorId>) {
          return x.id.to_string();
        } else if constexpr (std::is_same_v<T, codec::ClusterList>) {
          Json out = Json::array();
          for (uint32_t id : x.ids) out.push_back(codec::IpAddress::v4(id).to_string());
          return out;
        } else if constexpr (std::is_same_v<T, codec::MpReachNlri>) {
          Json v;
          add_family(v, x.afi, x.safi);
          const codec::IpAddress nh = x.next_hop_address();
          if (nh.is_none()) {
            v["next_hop"] = hex(x.next_hop);
          } else {
            v["next_hop"] = nh.to_string();
          }
          if (const auto ll = x.link_local_next_hop(); !ll.is_none()) {
            v["link_local_next_hop"] = ll.to_string();
          }
          v["nlri"] = mp_nlri_json(x, ctx);
          if (!x.opaque_nlri.empty()) v["opaque_nlri"] = hex(x.opaque_nlri);
          return v;
        } else if constexpr (std::is_same_v<T, codec::MpUnreachNlri>) {
          Json v;
          add_family(v, x.afi, x.safi);
          v["withdrawn"] = mp_nlri_json(x, ctx);
          if (!x.opaque_nlri.empty()) v["opaque_nlri"] = hex(x.opaque_nlri);
          return v;
        } else if constexpr (std::is_same_v<T, codec::ExtendedCommunities>) {
          Json strings = Json::array();
          Json typed = Json::array();
          for (const auto& c : x.values) {
            strings.push_back(codec::to_string(c));
            typed.push_back(extended_community_json(c));
          }
          extra["typed"] = std::move(typed);
          return strings;
        } else if constexpr (std::is_same_v<T, codec::PmsiTunnel>) {
          Json v;
          v["flags"] = x.flags;
          v["tunnel_type"] = x.tunnel_type;
          if (const char* name = pmsi_tunnel_name(x.tunnel_type)) v["tunnel_type_name"] = name;
          v["label"] = x.label;
          v["vni"] = x.label;
          if (const auto ep = x.tunnel_endpoint(); !ep.is_none()) {
            v["tunnel_endpoint"] = ep.to_string();
          } else {
            v["tunnel_id"] = hex(x.tunnel_id);
          }
          return v;
        } else if constexpr (std::is_same_v<T, codec::LargeCommunities>) {
          Json out = Json::array();
          for (const auto& c : x.values) {
            out.push_back(std::to_string(c.global_administrator) + ":" +
                          std::to_string(c.local_data1) + ":" + std::to_string(c.local_data2));
          }
          return out;
        } else {
          return hex(x.value);
        }
      },
      a.value);
}

Json attribute_json(const codec::PathAttribute& a, const codec::DecodeContext& ctx) {
  Json j;
  j["type"] = a.type;
  j["name"] = codec::attribute_name(a.type);
  j["flags"] = "0x" + codec::to_hex(&a.flags, 1);
  Json extra;
  Json value = attribute_value_json(a, ctx, extra);
  j["value"] = std::move(value);
  if (extra.is_object()) {
    for (auto& [k, v] : extra.items()) j[k] = std::move(v);
  }
  return j;
}

void update_json(Json& j, const codec::UpdateMessage& m, const codec::DecodeContext& ctx) {
  const bool ap4 = ctx.add_path_for(codec::Family::kIpv4Unicast);
  j["withdrawn_routes"] = prefixes_json(m.withdrawn_routes, ap4);
  Json attrs = Json::array();
  for (const auto& a : m.path_attributes) attrs.push_back(attribute_json(a, ctx));
  j["attributes"] = std::move(attrs);
  j["nlri"] = prefixes_json(m.nlri, ap4);
  if (const auto eor = m.end_of_rib()) j["end_of_rib"] = family_name(eor->first, eor->second);
  j["treat_as_withdraw"] = m.treat_as_withdraw();
  j["errors"] = errors_json(m.errors);
}

// ---- NOTIFICATION, ROUTE-REFRESH ----

void notification_json(Json& j, const codec::NotificationMessage& m) {
  j["code"] = m.code;
  j["subcode"] = m.subcode;
  j["code_name"] = codec::error_code_name(m.code);
  j["subcode_name"] = codec::error_subcode_name(m.code, m.subcode);
  j["data"] = hex(m.data);
  if (auto text = m.shutdown_communication()) j["shutdown_communication"] = *text;
}

void route_refresh_json(Json& j, const codec::RouteRefreshMessage& m) {
  add_family(j, m.afi, m.safi);
  j["subtype"] = m.subtype;
  static constexpr const char* kNames[] = {"request", "borr", "eorr"};  // RFC 7313 §3.2
  if (m.subtype < 3) j["subtype_name"] = kNames[m.subtype];
}

// Type octet and length field of a header whose marker is intact; nullopt otherwise.
std::optional<std::pair<uint8_t, size_t>> readable_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < codec::kHeaderSize) return std::nullopt;
  for (size_t i = 0; i < kMarkerSize; ++i) {
    if (bytes[i] != 0xff) return std::nullopt;
  }
  return std::pair<uint8_t, size_t>{bytes[18], (size_t{bytes[16]} << 8) | bytes[17]};
}

// A message that did not decode: where it is, what the header says, the error, its octets.
Json error_object(const codec::DecodeError& error, std::span<const uint8_t> bytes, size_t offset) {
  Json j;
  j["offset"] = offset;
  if (auto h = readable_header(bytes)) {
    if (h->second == bytes.size()) j["length"] = h->second;
    if (const char* name = message_type_name(h->first)) j["type"] = name;
  }
  j["error"] = error_json(error);
  j["hex"] = hex(bytes);
  return j;
}

// A problem of the stream itself (no BGP error code applies): only "what" is set.
std::string stream_error_json(size_t offset, std::span<const uint8_t> rest, std::string what,
                              int indent) {
  Json j;
  j["offset"] = offset;
  if (auto h = readable_header(rest); h && message_type_name(h->first)) {
    j["length"] = h->second;
    j["type"] = message_type_name(h->first);
  }
  j["error"] = Json{{"what", std::move(what)}};
  j["hex"] = hex(rest);
  return dump(j, indent);
}

}  // namespace

bool looks_like_hex(std::string_view text) {
  size_t digits = 0;
  size_t line = 0;
  size_t column = 0;
  return scan_hex(
             text, [&](char) { ++digits; }, line, column) &&
         digits > 0;
}

std::optional<std::vector<uint8_t>> parse_hex(std::string_view text, std::string& error) {
  std::vector<uint8_t> out;
  out.reserve(text.size() / 2);
  int high = -1;
  size_t line = 0;
  size_t column = 0;
  auto digit = [&](char c) {
    if (high < 0) {
      high = hex_value(c);
    } else {
      out.push_back(static_cast<uint8_t>((high << 4) | hex_value(c)));
      high = -1;
    }
  };
  if (!scan_hex(text, digit, line, column)) {
    error = "hex input, line " + std::to_string(line) + ", column " + std::to_string(column) +
            ": not a hex digit";
    return std::nullopt;
  }
  if (high >= 0) {
    error = "hex input has an odd number of hex digits";
    return std::nullopt;
  }
  return out;
}

Input parse_input(std::string_view data, InputFormat format) {
  Input in;
  if (format == InputFormat::kHex || (format == InputFormat::kAuto && looks_like_hex(data))) {
    in.was_hex = true;
    if (auto bytes = parse_hex(data, in.error)) in.bytes = std::move(*bytes);
    return in;
  }
  in.bytes.assign(data.begin(), data.end());
  return in;
}

std::optional<codec::Family> parse_family(std::string_view text) {
  for (size_t i = 0; i < static_cast<size_t>(codec::Family::kCount); ++i) {
    const auto f = static_cast<codec::Family>(i);
    if (text == codec::to_string(f)) return f;
  }
  return std::nullopt;
}

std::string family_name(uint16_t afi, uint16_t safi) {
  struct Known {
    uint16_t afi;
    uint16_t safi;
    const char* name;
  };
  static constexpr Known kKnown[] = {
      {1, 1, "ipv4-unicast"},         {2, 1, "ipv6-unicast"},    {25, 70, "l2vpn-evpn"},
      {1, 2, "ipv4-multicast"},       {2, 2, "ipv6-multicast"},  {1, 4, "ipv4-labeled-unicast"},
      {2, 4, "ipv6-labeled-unicast"}, {1, 128, "ipv4-vpn"},      {2, 128, "ipv6-vpn"},
      {25, 65, "l2vpn-vpls"},         {1, 132, "ipv4-rtc"},      {1, 133, "ipv4-flowspec"},
      {2, 133, "ipv6-flowspec"},      {16388, 71, "link-state"},
  };
  for (const auto& k : kKnown) {
    if (k.afi == afi && k.safi == safi) return k.name;
  }
  return "afi " + std::to_string(afi) + " safi " + std::to_string(safi);
}

namespace {

void apply_forced(codec::DecodeContext& ctx, const DecodeOptions& options) {
  if (options.force_four_octet_as) ctx.four_octet_as = *options.force_four_octet_as;
  if (options.force_extended_message) ctx.extended_message = true;
  for (size_t i = 0; i < ctx.add_path.size(); ++i) {
    if (options.force_add_path[i]) ctx.add_path[i] = true;
  }
}

// What one speaker's OPEN offers.
struct Speaker {
  bool four_octet_as = false;
  bool extended_message = false;
  std::array<bool, static_cast<size_t>(codec::Family::kCount)> add_path_send{};
  std::array<bool, static_cast<size_t>(codec::Family::kCount)> add_path_receive{};
};

Speaker speaker_of(const codec::OpenMessage& open) {
  Speaker s;
  for (const auto& c : open.capabilities()) {
    if (std::holds_alternative<codec::FourOctetAsCapability>(c)) s.four_octet_as = true;
    if (std::holds_alternative<codec::ExtendedMessageCapability>(c)) s.extended_message = true;
    if (const auto* ap = std::get_if<codec::AddPathCapability>(&c)) {
      for (const auto& f : ap->families) {
        const auto fam = codec::family_of(f.afi, f.safi);
        if (!fam) continue;
        const auto i = static_cast<size_t>(*fam);
        if (f.send_receive == 2 || f.send_receive == 3) s.add_path_send[i] = true;
        if (f.send_receive == 1 || f.send_receive == 3) s.add_path_receive[i] = true;
      }
    }
  }
  return s;
}

}  // namespace

codec::DecodeContext initial_context(const DecodeOptions& options) {
  codec::DecodeContext ctx;
  apply_forced(ctx, options);
  return ctx;
}

codec::DecodeContext context_after_open(const codec::OpenMessage& open,
                                        const codec::OpenMessage* peer,
                                        const DecodeOptions& options) {
  const Speaker a = speaker_of(open);
  codec::DecodeContext ctx;
  ctx.four_octet_as = a.four_octet_as;
  ctx.extended_message = a.extended_message;
  ctx.add_path = a.add_path_send;
  if (peer != nullptr) {
    const Speaker b = speaker_of(*peer);
    ctx.four_octet_as = a.four_octet_as && b.four_octet_as;
    ctx.extended_message = a.extended_message && b.extended_message;
    for (size_t i = 0; i < ctx.add_path.size(); ++i) {
      ctx.add_path[i] = (a.add_path_send[i] && b.add_path_receive[i]) ||
                        (b.add_path_send[i] && a.add_path_receive[i]);
    }
  }
  apply_forced(ctx, options);
  return ctx;
}

std::string message_to_json(const codec::Message& message, const codec::DecodeContext& ctx,
                            size_t offset, size_t length, int indent) {
  Json j = header_json(offset, length, static_cast<uint8_t>(codec::message_type(message)));
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, codec::OpenMessage>) {
          open_json(j, m);
        } else if constexpr (std::is_same_v<T, codec::UpdateMessage>) {
          update_json(j, m, ctx);
        } else if constexpr (std::is_same_v<T, codec::NotificationMessage>) {
          notification_json(j, m);
        } else if constexpr (std::is_same_v<T, codec::RouteRefreshMessage>) {
          route_refresh_json(j, m);
        }
      },
      message);
  return dump(j, indent);
}

std::string decode_error_to_json(const codec::DecodeError& error, std::span<const uint8_t> bytes,
                                 size_t offset, int indent) {
  return dump(error_object(error, bytes, offset), indent);
}

StreamSummary decode_stream(std::span<const uint8_t> stream, const DecodeOptions& options,
                            const std::function<void(const std::string&)>& emit) {
  StreamSummary summary;
  const int indent = options.pretty ? 2 : -1;
  codec::DecodeContext ctx = initial_context(options);
  std::optional<codec::OpenMessage> lone_open;  // An OPEN still waiting for the other side's.
  size_t pos = 0;
  while (pos < stream.size()) {
    const auto rest = stream.subspan(pos);
    const auto framed = codec::frame_length(rest, ctx);
    if (!framed.ok()) {  // RFC 4271 §6.1: nothing after a bad header can be framed.
      summary.bad_header = true;
      ++summary.failed;
      const auto& e = framed.error();
      Json j = error_object(e, rest.first(codec::kHeaderSize), pos);
      const size_t declared = (size_t{rest[16]} << 8) | rest[17];
      if (e.code == 1 && e.subcode == 2 && !ctx.extended_message && declared > 4096) {
        j["hint"] = "messages over 4096 octets need --extended-message (RFC 8654)";
      }
      j["stopped"] = true;
      emit(dump(j, indent));
      break;
    }
    if (*framed == 0 || *framed > rest.size()) {
      summary.truncated = true;
      std::string what = *framed == 0
                             ? "stream ends with " + std::to_string(rest.size()) +
                                   " octets, too few for a 19-octet message header"
                             : "stream ends after " + std::to_string(rest.size()) + " of the " +
                                   std::to_string(*framed) + " octets of this message";
      emit(stream_error_json(pos, rest, std::move(what), indent));
      break;
    }
    const auto bytes = rest.first(*framed);
    ++summary.messages;
    auto decoded = codec::decode_message(bytes, ctx);
    if (!decoded.ok()) {
      ++summary.failed;
      emit(decode_error_to_json(decoded.error(), bytes, pos, indent));
    } else {
      emit(message_to_json(*decoded, ctx, pos, bytes.size(), indent));
      if (const auto* open = std::get_if<codec::OpenMessage>(&*decoded);
          open && options.follow_open) {
        if (lone_open && lone_open->bgp_identifier != open->bgp_identifier) {
          ctx = context_after_open(*open, &*lone_open, options);
          lone_open.reset();
        } else {
          ctx = context_after_open(*open, nullptr, options);
          lone_open = *open;
        }
      }
    }
    pos += *framed;
  }
  return summary;
}

}  // namespace evpnd::cli
