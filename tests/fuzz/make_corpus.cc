// Writes the seed corpus of the codec fuzz targets (tests/fuzz/corpus/<target>/): realistic
// messages built with the codec (OPENs with capabilities, EVPN route types 1-5, unicast,
// NOTIFICATION, KEEPALIVE, ROUTE-REFRESH), malformed variants of them, and the messages of the
// golden FRR/GoBGP captures (tests/golden/data/*.txt, lines "msg <hex>"). The path attributes
// and EVPN NLRI of every UPDATE become seeds of the other two targets. Each file is one context
// byte (fuzz_support.h) followed by the data.
//
// Usage: fuzz_make_corpus CORPUS_DIR [GOLDEN_DATA_DIR]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "bgpd/codec/message.h"
#include "tests/fuzz/fuzz_support.h"

namespace evpnd::fuzz {
namespace {

namespace fs = std::filesystem;
using namespace codec;
using Bytes = std::vector<uint8_t>;

constexpr uint8_t kAs2 = 0;             // 2-octet AS session
constexpr uint8_t kAs4 = kFourOctetAs;  // the usual session
constexpr uint8_t kAs4ExtMsg = kFourOctetAs | kExtendedMessage;
constexpr uint8_t kAs4AddPathEvpn = kFourOctetAs | kAddPathL2vpnEvpn;
constexpr uint8_t kAs4AddPathV4 = kFourOctetAs | kAddPathIpv4Unicast;

// ---------------------------------------------------------------------------------------------
// Output

std::string shape(const Bytes& msg, uint8_t ctx);

/// Which seeds of the other targets an UPDATE seed gives: a malformed UPDATE gives only those
/// that carry its defect.
enum Derive : uint8_t {
  kDeriveNone = 0,
  kDeriveAttributes = 1,
  kDeriveNlri = 2,
  kDeriveAll = 3,
};

class Corpus {
 public:
  explicit Corpus(fs::path root) : root_(std::move(root)) {
    for (const char* t : {"fuzz_message", "fuzz_path_attributes", "fuzz_evpn_nlri"}) {
      fs::create_directories(root_ / t);
      for (const auto& e : fs::directory_iterator(root_ / t)) fs::remove(e.path());
    }
  }

  /// Adds a message-stream seed and, as `derive` says, the path attribute and EVPN NLRI seeds
  /// of its UPDATEs.
  void message(const std::string& name, uint8_t ctx, const Bytes& stream,
               Derive what = kDeriveAll) {
    write("fuzz_message", name, ctx, stream);
    shapes_.insert(shape(stream, ctx));
    derive_ = what;
    std::span<const uint8_t> rest(stream);
    int n = 0;
    while (rest.size() >= kHeaderSize) {
      const size_t len = std::min<size_t>((size_t{rest[16]} << 8) | rest[17], rest.size());
      if (len < kHeaderSize) break;
      if (rest[18] == 2) derive(name + (n ? "_" + std::to_string(n) : ""), ctx, rest.first(len));
      rest = rest.subspan(len);
      ++n;
    }
  }

  /// Whether a seed already has the shape (see shape()) of this message.
  bool has_shape(const Bytes& msg, uint8_t ctx) const { return shapes_.count(shape(msg, ctx)) > 0; }

  void report() const {
    for (const auto& [target, count] : counts_)
      std::printf("%-22s %3d files\n", target.c_str(), count);
  }

 private:
  // The path attributes field and the EVPN NLRI fields of one UPDATE, found by walking the raw
  // octets (no codec semantics, so that malformed UPDATEs give seeds too).
  void derive(const std::string& name, uint8_t ctx, std::span<const uint8_t> msg) {
    std::span<const uint8_t> body = msg.subspan(kHeaderSize);
    if (body.size() < 2) return;
    const size_t wd = (size_t{body[0]} << 8) | body[1];
    if (body.size() < 4 + wd) return;
    const size_t attr_len = (size_t{body[2 + wd]} << 8) | body[3 + wd];
    std::span<const uint8_t> attrs = body.subspan(4 + wd);
    attrs = attrs.first(std::min(attrs.size(), attr_len));
    if (attrs.empty()) return;
    if (derive_ & kDeriveAttributes) {
      write("fuzz_path_attributes", name, ctx, {attrs.begin(), attrs.end()});
    }
    if (!(derive_ & kDeriveNlri)) return;
    while (attrs.size() >= 3) {
      const uint8_t flags = attrs[0];
      const uint8_t type = attrs[1];
      const size_t hdr = (flags & kFlagExtendedLength) ? 4 : 3;
      if (attrs.size() < hdr) break;
      const size_t len = hdr == 4 ? (size_t{attrs[2]} << 8) | attrs[3] : attrs[2];
      std::span<const uint8_t> value = attrs.subspan(hdr, std::min(len, attrs.size() - hdr));
      attrs = attrs.subspan(hdr + value.size());
      if ((type != kMpReachNlri && type != kMpUnreachNlri) || value.size() < 3) continue;
      if (value[0] != 0 || value[1] != 25 || value[2] != 70) continue;
      size_t skip = 3;
      if (type == kMpReachNlri) {
        if (value.size() < 4) continue;
        skip = 4 + size_t{value[3]} + 1;
      }
      if (value.size() <= skip) continue;
      std::span<const uint8_t> nlri = value.subspan(skip);
      write("fuzz_evpn_nlri", name + (type == kMpReachNlri ? "_reach" : "_unreach"), ctx,
            {nlri.begin(), nlri.end()});
    }
  }

  void write(const std::string& target, const std::string& name, uint8_t ctx, Bytes data) {
    // The derived seeds of a capture repeat (a withdrawal carries the NLRI of its
    // advertisement): one seed per content, whatever the context.
    if (target != "fuzz_message" && !seen_[target].insert(data).second) return;
    data.insert(data.begin(), ctx);
    if (!seen_[target].insert(data).second) return;  // same seed under another name
    std::ofstream out(root_ / target / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    ++counts_[target];
  }

  fs::path root_;
  Derive derive_ = kDeriveAll;
  std::set<std::string> shapes_;
  std::map<std::string, std::set<Bytes>> seen_;
  std::map<std::string, int> counts_;
};

// ---------------------------------------------------------------------------------------------
// Values

RouteDistinguisher rd(const char* text) { return *RouteDistinguisher::parse(text); }
RouteTarget rt(const char* text) { return *RouteTarget::parse(text); }
MacAddress mac(const char* text) { return *MacAddress::parse(text); }
IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }
PrefixNlri pfx(const char* text, uint32_t path_id = 0) { return PrefixNlri{path_id, prefix(text)}; }

EthernetSegmentId esi(uint8_t type, uint8_t last) {
  EthernetSegmentId e;
  e.bytes = {type, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00, last};
  return e;
}

Bytes addr_bytes(const IpAddress& a) { return {a.bytes.begin(), a.bytes.begin() + a.size()}; }

PathAttribute origin(uint8_t v = 0) { return make_attribute(kOrigin, Origin{v}); }
PathAttribute as_path(std::vector<uint32_t> asns) {
  return make_attribute(kAsPath, AsPath{{AsPathSegment{2, std::move(asns)}}});
}
PathAttribute ext_communities(std::vector<ExtendedCommunity> values) {
  return make_attribute(kExtendedCommunities, ExtendedCommunities{std::move(values)});
}
PathAttribute evpn_reach(const char* next_hop, std::vector<EvpnNlri> routes) {
  MpReachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  mp.set_next_hop(ip(next_hop));
  mp.evpn = std::move(routes);
  return make_attribute(kMpReachNlri, std::move(mp));
}
PathAttribute evpn_unreach(std::vector<EvpnNlri> routes) {
  MpUnreachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  mp.evpn = std::move(routes);
  return make_attribute(kMpUnreachNlri, std::move(mp));
}

EvpnNlri mac_ip(const char* rd_text, const char* mac_text, const char* ip_text, uint32_t l2vni,
                std::optional<uint32_t> l3vni = std::nullopt, uint32_t path_id = 0) {
  MacIpAdvertisementRoute r;
  r.rd = rd(rd_text);
  r.mac = mac(mac_text);
  if (ip_text) r.ip = ip(ip_text);
  r.label1 = l2vni;
  if (l3vni) {
    r.has_label2 = true;
    r.label2 = *l3vni;
  }
  return EvpnNlri{path_id, r};
}
EvpnNlri imet(const char* rd_text, const char* vtep, uint32_t path_id = 0) {
  return EvpnNlri{path_id, InclusiveMulticastRoute{rd(rd_text), 0, ip(vtep)}};
}
EvpnNlri ip_prefix(const char* rd_text, const char* pfx_text, const char* gw, uint32_t l3vni) {
  IpPrefixRoute r;
  r.rd = rd(rd_text);
  r.prefix = prefix(pfx_text);
  r.gateway = ip(gw);
  r.label = l3vni;
  return EvpnNlri{0, r};
}

std::vector<PathAttribute> evpn_attrs(std::vector<ExtendedCommunity> communities,
                                      PathAttribute reach) {
  return {origin(), as_path({65011}), ext_communities(std::move(communities)), std::move(reach)};
}

Bytes encode_msg(const Message& m, uint8_t ctx) { return encode(m, context_from_byte(ctx)); }
Bytes update(std::vector<PathAttribute> attrs, uint8_t ctx = kAs4,
             std::vector<PrefixNlri> nlri = {}, std::vector<PrefixNlri> withdrawn = {}) {
  UpdateMessage u;
  u.withdrawn_routes = std::move(withdrawn);
  u.path_attributes = std::move(attrs);
  u.nlri = std::move(nlri);
  return encode_msg(u, ctx);
}

// Raw building blocks for malformed messages.
Bytes raw_message(uint8_t type, const Bytes& body) {
  Bytes m(16, 0xff);
  const size_t len = kHeaderSize + body.size();
  m.push_back(static_cast<uint8_t>(len >> 8));
  m.push_back(static_cast<uint8_t>(len));
  m.push_back(type);
  m.insert(m.end(), body.begin(), body.end());
  return m;
}
Bytes raw_attr(uint8_t flags, uint8_t type, const Bytes& value) {
  Bytes a = {flags, type};
  if (flags & kFlagExtendedLength) a.push_back(static_cast<uint8_t>(value.size() >> 8));
  a.push_back(static_cast<uint8_t>(value.size()));
  a.insert(a.end(), value.begin(), value.end());
  return a;
}
Bytes raw_update(const Bytes& withdrawn, const Bytes& attrs, const Bytes& nlri) {
  Bytes body;
  body.push_back(static_cast<uint8_t>(withdrawn.size() >> 8));
  body.push_back(static_cast<uint8_t>(withdrawn.size()));
  body.insert(body.end(), withdrawn.begin(), withdrawn.end());
  body.push_back(static_cast<uint8_t>(attrs.size() >> 8));
  body.push_back(static_cast<uint8_t>(attrs.size()));
  body.insert(body.end(), attrs.begin(), attrs.end());
  body.insert(body.end(), nlri.begin(), nlri.end());
  return raw_message(2, body);
}
Bytes encode_attr(const PathAttribute& a, uint8_t ctx = kAs4) {
  Bytes out;
  Writer w(out);
  encode(a, context_from_byte(ctx), w);
  return out;
}
Bytes encode_nlri(const EvpnNlri& n) {
  Bytes out;
  Writer w(out);
  encode(n, false, w);
  return out;
}
Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
// A well-formed EVPN UPDATE whose MP_REACH_NLRI carries `nlri` as raw octets.
Bytes evpn_update_raw_nlri(const Bytes& nlri) {
  Bytes reach = {0, 25, 70, 4, 10, 0, 0, 11, 0};
  reach.insert(reach.end(), nlri.begin(), nlri.end());
  return raw_update({},
                    concat({encode_attr(origin()), encode_attr(as_path({65011})),
                            raw_attr(kFlagOptional | kFlagExtendedLength, kMpReachNlri, reach)}),
                    {});
}

// ---------------------------------------------------------------------------------------------
// Messages

OpenMessage open_frr() {
  OpenMessage o;
  o.my_as = 65011;
  o.hold_time = 9;
  o.bgp_identifier = ip("10.0.0.11");
  GracefulRestartCapability gr;
  gr.flags = GracefulRestartCapability::kRestartState | GracefulRestartCapability::kNotification;
  gr.restart_time = 120;
  gr.families = {{1, 1, 0}, {25, 70, GracefulRestartCapability::kForwardingState}};
  AddPathCapability ap;
  ap.families = {{1, 1, 3}, {25, 70, 3}};
  // FRR puts every capability in an optional parameter of its own.
  for (Capability c : std::vector<Capability>{
           MultiprotocolCapability{1, 0, 1}, MultiprotocolCapability{25, 0, 70},
           UnknownCapability{128, {}}, RouteRefreshCapability{}, EnhancedRouteRefreshCapability{},
           FourOctetAsCapability{65011}, ExtendedMessageCapability{}, ap,
           HostnameCapability{"leaf1", ""}, gr,
           UnknownCapability{71, {0, 1, 1, 0x80, 0, 0, 0, 0, 0x19, 0x46, 0x80, 0, 0, 0}}}) {
    o.parameters.push_back(OptionalParameter{2, {c}, {}});
  }
  return o;
}

OpenMessage open_gobgp() {
  OpenMessage o;
  o.my_as = 23456;  // AS_TRANS
  o.hold_time = 90;
  o.bgp_identifier = ip("10.0.0.2");
  ExtendedNextHopCapability enh;
  enh.entries = {{1, 1, 2}};
  o.parameters.push_back(OptionalParameter{
      2,
      {RouteRefreshCapability{}, HostnameCapability{"spine1", "example.net"},
       MultiprotocolCapability{1, 0, 1}, MultiprotocolCapability{2, 0, 1},
       MultiprotocolCapability{25, 0, 70}, FourOctetAsCapability{4200000002}, enh,
       GracefulRestartCapability{0, 120, {{25, 70, 0x80}}}, AddPathCapability{{{1, 1, 3}}}},
      {}});
  return o;
}

void add_opens(Corpus& c) {
  c.message("open_frr", kAs4, encode_msg(open_frr(), kAs4));
  c.message("open_gobgp", kAs4, encode_msg(open_gobgp(), kAs4));
  OpenMessage ext = open_frr();
  ext.extended_parameters = true;  // RFC 9072
  c.message("open_rfc9072_extended_parameters", kAs4, encode_msg(ext, kAs4));
  OpenMessage minimal;
  minimal.my_as = 65000;
  minimal.hold_time = 0;
  minimal.bgp_identifier = ip("192.0.2.1");
  c.message("open_no_parameters", kAs2, encode_msg(minimal, kAs2));

  const Bytes frr = encode_msg(open_frr(), kAs4);
  Bytes bad = frr;
  bad[19] = 3;  // version
  c.message("bad_open_version3", kAs4, bad);
  bad = frr;
  bad[22] = 0;
  bad[23] = 1;  // hold time 1
  c.message("bad_open_hold_time1", kAs4, bad);
  bad = frr;
  std::fill(bad.begin() + 24, bad.begin() + 28, 0);  // BGP identifier 0.0.0.0
  c.message("bad_open_identifier0", kAs4, bad);
  bad = frr;
  bad[29] = 1;  // first optional parameter: type 1 (authentication)
  c.message("bad_open_param_type1", kAs4, bad);
  bad = frr;
  bad[28] = static_cast<uint8_t>(bad[28] + 1);  // optional parameters length one too long
  c.message("bad_open_param_length", kAs4, bad);
  // Capabilities that do not decode as their type stay unknown (and must still round-trip).
  // Capabilities that do not decode as their type stay unknown (and must still round-trip).
  auto open_with_caps = [](const Bytes& caps) {
    const auto param_len = static_cast<uint8_t>(caps.size());
    // Version 4, AS 65011, hold time 90, identifier 10.0.0.1, one capabilities parameter.
    const Bytes head = {4, 0xfd, 0xf3, 0, 90, 10, 0, 0, 1};
    return raw_message(1,
                       concat({head, {static_cast<uint8_t>(param_len + 2), 2, param_len}, caps}));
  };
  c.message("open_odd_capabilities", kAs4,
            open_with_caps(concat({
                {1, 3, 0, 1, 1},              // multiprotocol, length 3
                {64, 3, 0x80, 120, 0},        // graceful restart, length 3
                {73, 4, 9, 'a', 'b', 0},      // hostname overrunning itself
                {73, 3, 1, 'a', 0},           // hostname "a", empty domain
                {65, 2, 0, 1},                // 4-octet AS, length 2
                {69, 1, 0},                   // add-path, length 1
                {5, 7, 0, 1, 0, 1, 0, 2, 0},  // extended next hop, length 7
                {2, 1, 0},                    // route refresh with a value
            })));
  c.message("bad_open_capability_overrun", kAs4, open_with_caps({1, 4, 0, 1}));
}

void add_evpn_updates(Corpus& c) {
  const ExtendedCommunity vxlan = EncapsulationCommunity{};
  c.message(
      "update_type2_mac_ip", kAs4,
      update(evpn_attrs(
          {rt("65011:100"), vxlan},
          evpn_reach("10.0.0.11", {mac_ip("10.0.0.11:2", "52:54:00:aa:00:01", "10.1.0.1", 100),
                                   mac_ip("10.0.0.11:2", "52:54:00:aa:00:02", "10.1.0.2", 100),
                                   mac_ip("10.0.0.11:2", "52:54:00:aa:00:03", nullptr, 100)}))));
  c.message("update_type2_symmetric_irb_ipv6", kAs4,
            update(evpn_attrs(
                {rt("65011:100"), rt("65011:5000"), vxlan, RouterMac{mac("52:54:00:ff:00:11")}},
                evpn_reach("10.0.0.11", {mac_ip("10.0.0.11:2", "52:54:00:aa:00:05", "2001:db8:1::5",
                                                100, 5000)}))));
  c.message(
      "update_type2_mac_mobility", kAs4,
      update(evpn_attrs(
          {rt("4200000011:100"), vxlan, MacMobility{false, 3}, MacMobility{true, 0}},
          evpn_reach("10.0.0.12", {mac_ip("10.0.0.12:2", "52:54:00:aa:00:01", "10.1.0.1", 100)}))));
  c.message("update_type2_default_gateway", kAs4,
            update(evpn_attrs({rt("65011:100"), vxlan, DefaultGateway{}},
                              evpn_reach("10.0.0.11", {mac_ip("10.0.0.11:2", "00:00:5e:00:01:01",
                                                              "10.1.0.254", 100)}))));
  {
    auto attrs = evpn_attrs({rt("65011:100"), vxlan},
                            evpn_reach("10.0.0.11", {imet("10.0.0.11:2", "10.0.0.11")}));
    attrs.push_back(
        make_attribute(kPmsiTunnel, PmsiTunnel{0, 6, 100, addr_bytes(ip("10.0.0.11"))}));
    c.message("update_type3_imet_pmsi", kAs4, update(attrs));
  }
  {
    auto attrs = evpn_attrs({rt("65011:100"), vxlan},
                            evpn_reach("2001:db8::11", {imet("10.0.0.11:2", "2001:db8::11")}));
    attrs.push_back(
        make_attribute(kPmsiTunnel, PmsiTunnel{0, 6, 100, addr_bytes(ip("2001:db8::11"))}));
    c.message("update_type3_imet_ipv6", kAs4, update(attrs));
  }
  c.message(
      "update_type5_ipv4_prefix", kAs4,
      update(evpn_attrs(
          {rt("65011:5000"), vxlan, RouterMac{mac("52:54:00:ff:00:11")}},
          evpn_reach("10.0.0.11", {ip_prefix("10.0.0.11:3", "10.1.0.0/24", "0.0.0.0", 5000),
                                   ip_prefix("10.0.0.11:3", "0.0.0.0/0", "0.0.0.0", 5000)}))));
  c.message(
      "update_type5_ipv6_prefix", kAs4,
      update(evpn_attrs(
          {rt("65011:5000"), vxlan, RouterMac{mac("52:54:00:ff:00:11")}},
          evpn_reach("10.0.0.11", {ip_prefix("10.0.0.11:3", "2001:db8:1::/64", "::", 5000)}))));
  {
    EthernetAutoDiscoveryRoute ead{rd("10.0.0.11:1"), esi(0, 1), 0xffffffff, 0};
    EthernetAutoDiscoveryRoute ead_evi{rd("10.0.0.11:2"), esi(0, 1), 0, 100};
    c.message(
        "update_type1_ethernet_ad", kAs4,
        update(evpn_attrs({rt("65011:100"), vxlan, EsiLabel{true, 0}},
                          evpn_reach("10.0.0.11", {EvpnNlri{0, ead}, EvpnNlri{0, ead_evi}}))));
  }
  {
    EthernetSegmentRoute es{rd("10.0.0.11:0"), esi(3, 2), ip("10.0.0.11")};
    EthernetSegmentRoute es6{rd("10.0.0.11:0"), esi(1, 3), ip("2001:db8::11")};
    c.message("update_type4_ethernet_segment", kAs4,
              update(evpn_attrs({EsImportRouteTarget{mac("00:11:22:33:44:55")}, vxlan},
                                evpn_reach("10.0.0.11", {EvpnNlri{0, es}, EvpnNlri{0, es6}}))));
  }
  c.message("update_evpn_withdraw", kAs4,
            update({evpn_unreach({mac_ip("10.0.0.11:2", "52:54:00:aa:00:01", "10.1.0.1", 100),
                                  imet("10.0.0.11:2", "10.0.0.11")})}));
  c.message("update_evpn_end_of_rib", kAs4, update({evpn_unreach({})}));
  c.message("update_evpn_add_path", kAs4AddPathEvpn,
            update(evpn_attrs({rt("65011:100"), vxlan},
                              evpn_reach("10.0.0.11", {mac_ip("10.0.0.11:2", "52:54:00:aa:00:01",
                                                              "10.1.0.1", 100, std::nullopt, 1),
                                                       imet("10.0.0.11:2", "10.0.0.11", 2)})),
                   kAs4AddPathEvpn));
  {
    // Route types evpnd keeps opaque: type 6 (SMET, RFC 9251) and type 11.
    Bytes nlri = concat({encode_nlri(imet("10.0.0.11:2", "10.0.0.11")),
                         {6, 15, 0, 1, 10, 0, 0, 11, 0, 100, 0, 0, 0, 0, 0, 0, 0},
                         {11, 0}});
    c.message("update_evpn_unknown_route_types", kAs4, evpn_update_raw_nlri(nlri));
  }
  {
    // An extended message (RFC 8654): 150 MAC/IP routes in one UPDATE.
    std::vector<EvpnNlri> routes;
    for (int i = 0; i < 150; ++i) {
      char m[18];
      char a[16];
      std::snprintf(m, sizeof m, "52:54:00:bb:%02x:%02x", i / 256, i % 256);
      std::snprintf(a, sizeof a, "10.2.%d.%d", i / 250, i % 250 + 1);
      routes.push_back(mac_ip("10.0.0.11:2", m, a, 100));
    }
    c.message(
        "update_type2_extended_message", kAs4ExtMsg,
        update(evpn_attrs({rt("65011:100"), vxlan}, evpn_reach("10.0.0.11", routes)), kAs4ExtMsg));
  }
}

void add_unicast_updates(Corpus& c) {
  std::vector<PathAttribute> attrs = {
      origin(0),
      as_path({65011, 65100}),
      make_attribute(kNextHop, NextHop{ip("10.1.0.11")}),
      make_attribute(kMultiExitDisc, MultiExitDisc{10}),
      make_attribute(kLocalPref, LocalPref{100}),
      make_attribute(kAtomicAggregate, AtomicAggregate{}),
      make_attribute(kAggregator, Aggregator{65100, ip("10.0.0.100")}),
      make_attribute(kCommunities, Communities{{0xfde80064, 0xffffff01}}),
      make_attribute(kOriginatorId, OriginatorId{ip("10.0.0.1")}),
      make_attribute(kClusterList, ClusterList{{0x0a000001, 0x0a000002}}),
      make_attribute(kLargeCommunities, LargeCommunities{{{4200000011, 1, 2}}}),
  };
  c.message("update_ipv4_unicast", kAs4,
            update(attrs, kAs4, {pfx("10.0.0.11/32"), pfx("10.2.0.0/16"), pfx("0.0.0.0/0")},
                   {pfx("10.9.0.0/24")}));
  c.message("update_ipv4_withdraw_only", kAs4,
            update({}, kAs4, {}, {pfx("10.0.0.11/32"), pfx("192.168.0.0/23")}));
  c.message("update_ipv4_end_of_rib", kAs4, update({}));
  c.message("update_ipv4_add_path", kAs4AddPathV4,
            update({origin(), as_path({65011}), make_attribute(kNextHop, NextHop{ip("10.1.0.11")})},
                   kAs4AddPathV4, {pfx("10.0.0.11/32", 1), pfx("10.0.0.11/32", 2)},
                   {pfx("10.0.0.12/32", 7)}));
  {
    MpReachNlri mp;
    mp.afi = 2;
    mp.safi = 1;
    mp.next_hop = concat({addr_bytes(ip("2001:db8::11")), addr_bytes(ip("fe80::5054:ff:fe00:11"))});
    mp.prefixes = {pfx("2001:db8:100::/48"), pfx("::/0"), pfx("2001:db8::11/128")};
    c.message("update_ipv6_unicast", kAs4,
              update({origin(), as_path({65011}), make_attribute(kMpReachNlri, mp)}));
    MpUnreachNlri un;
    un.afi = 2;
    un.safi = 1;
    un.prefixes = {pfx("2001:db8:200::/56")};
    c.message("update_ipv6_withdraw", kAs4, update({make_attribute(kMpUnreachNlri, un)}));
    MpReachNlri v4_over_v6;  // RFC 8950: IPv4 NLRI with an IPv6 next hop
    v4_over_v6.afi = 1;
    v4_over_v6.safi = 1;
    v4_over_v6.set_next_hop(ip("2001:db8::11"));
    v4_over_v6.prefixes = {pfx("10.0.0.11/32")};
    c.message("update_ipv4_ipv6_next_hop", kAs4,
              update({origin(), as_path({65011}), make_attribute(kMpReachNlri, v4_over_v6)}));
  }
  {
    // A 2-octet AS session: AS_TRANS in AS_PATH/AGGREGATOR, the real ASNs in AS4_*.
    std::vector<PathAttribute> as2 = {
        origin(),
        make_attribute(kAsPath, AsPath{{AsPathSegment{2, {23456, 65001}}}}),
        make_attribute(kNextHop, NextHop{ip("10.1.0.11")}),
        make_attribute(kAggregator, Aggregator{23456, ip("10.0.0.100")}),
        make_attribute(kAs4Path, AsPath{{AsPathSegment{2, {4200000011, 65001}}}}),
        make_attribute(kAs4Aggregator, Aggregator{4200000011, ip("10.0.0.100")}),
    };
    c.message("update_as2_session_as4_path", kAs2, update(as2, kAs2, {pfx("10.3.0.0/16")}));
  }
  c.message(
      "update_as_path_sets_confed", kAs4,
      update({origin(2),
              make_attribute(kAsPath,
                             AsPath{{AsPathSegment{3, {64512, 64513}}, AsPathSegment{4, {64514}},
                                     AsPathSegment{2, {65011}}, AsPathSegment{1, {65100, 65101}}}}),
              make_attribute(kNextHop, NextHop{ip("10.1.0.11")})},
             kAs4, {pfx("10.4.0.0/16")}));
  {
    // Unknown attributes and a family evpnd does not decode (VPNv4, SAFI 128): kept as bytes.
    Bytes vpn = {0,  1, 128, 12, 0,    0,    0, 0, 0, 0, 0, 0,   10, 0, 0,
                 11, 0, 112, 0,  0x06, 0x41, 0, 1, 0, 0, 0, 100, 10, 5, 0};
    c.message(
        "update_unknown_attributes_and_family", kAs4,
        raw_update(
            {},
            concat({encode_attr(origin()), encode_attr(as_path({65011})),
                    raw_attr(kFlagOptional | kFlagTransitive, 99, {1, 2, 3}),
                    raw_attr(kFlagOptional, 128, {}),
                    raw_attr(kFlagOptional | kFlagTransitive | kFlagPartial | kFlagExtendedLength,
                             40, {0xaa}),
                    raw_attr(kFlagOptional, kMpReachNlri, vpn)}),
            {}));
  }
}

void add_other_messages(Corpus& c) {
  c.message("keepalive", kAs4, encode_msg(KeepaliveMessage{}, kAs4));
  c.message("route_refresh", kAs4, encode_msg(RouteRefreshMessage{25, 0, 70}, kAs4));
  c.message("route_refresh_borr", kAs4, encode_msg(RouteRefreshMessage{1, 1, 1}, kAs4));
  c.message("notification_shutdown_communication", kAs4,
            encode_msg(NotificationMessage::shutdown(2, "maintenance, back at 14:00"), kAs4));
  c.message("notification_malformed_as_path", kAs4,
            encode_msg(NotificationMessage{3, 11, {0x40, 2, 4, 7, 1, 0, 0}}, kAs4));
  c.message("notification_open_unsupported_capability", kAs4,
            encode_msg(NotificationMessage{2, 7, {69, 4, 0, 1, 1, 3}}, kAs4));
  c.message("notification_shutdown_bad_length", kAs4,
            encode_msg(NotificationMessage{6, 4, {200, 'h', 'i'}}, kAs4));
  // A whole session in one stream.
  const ExtendedCommunity vxlan = EncapsulationCommunity{};
  c.message("stream_session", kAs4,
            concat({encode_msg(open_frr(), kAs4), encode_msg(KeepaliveMessage{}, kAs4),
                    update(evpn_attrs({rt("65011:100"), vxlan},
                                      evpn_reach("10.0.0.11", {imet("10.0.0.11:2", "10.0.0.11")}))),
                    update({evpn_unreach({})}), update({}), encode_msg(KeepaliveMessage{}, kAs4),
                    encode_msg(NotificationMessage::shutdown(2, "bye"), kAs4)}));
}

void add_malformed(Corpus& c) {
  const Bytes keepalive = encode_msg(KeepaliveMessage{}, kAs4);
  Bytes bad = keepalive;
  bad[3] = 0xfe;
  c.message("bad_header_marker", kAs4, bad);
  bad = keepalive;
  bad[17] = 20;
  bad.push_back(0);
  c.message("bad_keepalive_length20", kAs4, bad);
  bad = keepalive;
  bad[18] = 6;
  c.message("bad_header_unknown_type", kAs4, bad);
  bad = keepalive;
  bad[17] = 18;
  c.message("bad_header_length18", kAs4, bad);
  c.message("bad_route_refresh_length24", kAs4, raw_message(5, {0, 25, 0, 70, 0}));
  c.message("bad_notification_length20", kAs4, raw_message(3, {6}));
  const Bytes open = encode_msg(open_frr(), kAs4);
  c.message("bad_stream_truncated", kAs4,
            concat({keepalive, Bytes(open.begin(), open.begin() + 40)}));
  {
    Bytes big = raw_update(
        {}, raw_attr(kFlagOptional | kFlagTransitive | kFlagExtendedLength, 99, Bytes(4200, 0x5a)),
        {});
    c.message("bad_length_over_4096_without_extended_message", kAs4, big, kDeriveNone);
  }

  const Bytes base_attrs = concat({encode_attr(origin()), encode_attr(as_path({65011}))});
  const Bytes next_hop = encode_attr(make_attribute(kNextHop, NextHop{ip("10.1.0.11")}));
  const Bytes nlri = {24, 10, 5, 0};
  auto with_attrs = [&](const char* name, const Bytes& attrs, const Bytes& n = {24, 10, 5, 0}) {
    c.message(name, kAs4, raw_update({}, attrs, n), kDeriveNone);
  };
  c.message("bad_update_withdrawn_length_overrun", kAs4,
            raw_message(2, {0, 40, 24, 10, 5, 0, 0, 0}));
  c.message("bad_update_attribute_length_overrun", kAs4,
            raw_message(2, {0, 0, 0, 50, 0x40, 1, 1, 0}));
  c.message("bad_update_withdrawn_prefix_33", kAs4, raw_update({33, 10, 0, 0, 0, 1}, {}, {}));
  with_attrs("bad_update_nlri_prefix_overrun", concat({base_attrs, next_hop}), {32, 10, 5});
  with_attrs("bad_update_missing_next_hop", base_attrs, nlri);
  with_attrs("bad_update_missing_origin_and_as_path", next_hop, nlri);
  with_attrs("bad_origin_value5",
             concat({raw_attr(0x40, kOrigin, {5}), encode_attr(as_path({65011})), next_hop}));
  with_attrs("bad_origin_length2",
             concat({raw_attr(0x40, kOrigin, {0, 0}), encode_attr(as_path({65011})), next_hop}));
  with_attrs("bad_origin_flags_optional",
             concat({raw_attr(0xc0, kOrigin, {0}), encode_attr(as_path({65011})), next_hop}));
  with_attrs("bad_origin_duplicate", concat({base_attrs, encode_attr(origin(1)), next_hop}));
  with_attrs(
      "bad_as_path_segment_type7",
      concat({encode_attr(origin()), raw_attr(0x40, kAsPath, {7, 1, 0, 0, 0xfd, 0xf3}), next_hop}));
  with_attrs("bad_as_path_empty_segment",
             concat({encode_attr(origin()), raw_attr(0x40, kAsPath, {2, 0}), next_hop}));
  with_attrs("bad_as_path_truncated",
             concat({encode_attr(origin()), raw_attr(0x40, kAsPath, {2, 2, 0, 0, 0xfd, 0xf3, 0}),
                     next_hop}));
  with_attrs("bad_as4_path_truncated",
             concat({base_attrs, next_hop, raw_attr(0xc0, kAs4Path, {2, 1, 0, 0})}));
  with_attrs("bad_next_hop_length5",
             concat({base_attrs, raw_attr(0x40, kNextHop, {10, 1, 0, 11, 0})}));
  with_attrs("bad_med_length2", concat({base_attrs, next_hop, raw_attr(0x80, 4, {0, 1})}));
  with_attrs("bad_atomic_aggregate_length1",
             concat({base_attrs, next_hop, raw_attr(0x40, kAtomicAggregate, {1})}));
  with_attrs("bad_aggregator_length7",
             concat({base_attrs, next_hop, raw_attr(0xc0, kAggregator, {0, 0, 1, 0, 10, 0, 0})}));
  with_attrs("bad_communities_length0",
             concat({base_attrs, next_hop, raw_attr(0xc0, kCommunities, {})}));
  with_attrs("bad_cluster_list_length6",
             concat({base_attrs, next_hop, raw_attr(0x80, kClusterList, {10, 0, 0, 1, 0, 0})}));
  with_attrs("bad_large_communities_length5",
             concat({base_attrs, next_hop, raw_attr(0xc0, kLargeCommunities, {0, 0, 0, 1, 0})}));
  with_attrs("bad_unknown_well_known_attribute",
             concat({base_attrs, next_hop, raw_attr(0x40, 99, {1})}));
  with_attrs("bad_attribute_header_truncated", concat({base_attrs, next_hop, {0x40}}));

  const Bytes evpn_base = concat({encode_attr(origin()), encode_attr(as_path({65011}))});
  const Bytes good_reach = encode_attr(
      evpn_reach("10.0.0.11", {mac_ip("10.0.0.11:2", "52:54:00:aa:00:01", "10.1.0.1", 100)}));
  c.message("bad_ext_communities_length7", kAs4,
            raw_update({},
                       concat({evpn_base,
                               raw_attr(0xc0, kExtendedCommunities, {0, 2, 0xfd, 0xf3, 0, 0, 0}),
                               good_reach}),
                       {}),
            kDeriveAttributes);
  c.message("ext_communities_nonzero_reserved", kAs4,
            raw_update({},
                       concat({evpn_base,
                               raw_attr(0xc0, kExtendedCommunities,
                                        {3, 0x0c, 0, 0, 0, 1, 0, 8,    // encap, reserved != 0
                                         6, 0,    2, 0, 0, 0, 0, 1,    // MAC mobility, flag 2
                                         6, 9,    1, 2, 3, 4, 5, 6}),  // unknown EVPN subtype
                               good_reach}),
                       {}),
            kDeriveAttributes);
  c.message(
      "bad_pmsi_tunnel_length3", kAs4,
      raw_update({}, concat({evpn_base, raw_attr(0xc0, kPmsiTunnel, {0, 6, 0}), good_reach}), {}),
      kDeriveAttributes);
  c.message("bad_mp_reach_duplicate", kAs4,
            raw_update({}, concat({evpn_base, good_reach, good_reach}), {}), kDeriveAttributes);
  c.message(
      "bad_mp_reach_next_hop_length5", kAs4,
      raw_update(
          {}, concat({evpn_base, raw_attr(0x80, kMpReachNlri, {0, 25, 70, 5, 10, 0, 0, 11, 1, 0})}),
          {}),
      kDeriveAttributes);
  c.message(
      "bad_mp_reach_truncated", kAs4,
      raw_update({}, concat({evpn_base, raw_attr(0x80, kMpReachNlri, {0, 25, 70, 4, 10})}), {}),
      kDeriveAttributes);
  c.message("bad_mp_unreach_truncated", kAs4,
            raw_update({}, raw_attr(0x80, kMpUnreachNlri, {0, 25}), {}), kDeriveAttributes);
  c.message("bad_mp_reach_then_attribute_overrun", kAs4,
            raw_update({}, concat({evpn_base, good_reach, {0xc0, 16, 200, 0, 2}}), {}),
            kDeriveAttributes);
  c.message(
      "bad_mp_reach_flags_transitive", kAs4,
      raw_update({},
                 concat({evpn_base, Bytes{0xc0}, Bytes(good_reach.begin() + 1, good_reach.end())}),
                 {}),
      kDeriveAttributes);

  const Bytes t2 = encode_nlri(mac_ip("10.0.0.11:2", "52:54:00:aa:00:01", "10.1.0.1", 100));
  Bytes n = t2;
  n[2 + 22] = 47;  // MAC length
  c.message("bad_evpn_type2_mac_length47", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  n = t2;
  n[2 + 29] = 24;  // IP length
  c.message("bad_evpn_type2_ip_length24", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  n = t2;
  n[1] = static_cast<uint8_t>(n[1] + 1);  // route length past the NLRI field
  c.message("bad_evpn_nlri_length_overrun", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  n = t2;
  n[1] = static_cast<uint8_t>(n[1] + 2);  // two stray octets inside the route
  n.push_back(0);
  n.push_back(0);
  c.message("bad_evpn_type2_trailing_octets", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  n = encode_nlri(imet("10.0.0.11:2", "10.0.0.11"));
  n[2 + 12] = 128;  // IPv6 length in a 17-octet route
  c.message("bad_evpn_type3_ip_length", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  n = encode_nlri(ip_prefix("10.0.0.11:3", "10.1.0.0/24", "0.0.0.0", 5000));
  n[2 + 22] = 33;  // prefix length
  c.message("bad_evpn_type5_prefix_length33", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  n = encode_nlri(ip_prefix("10.0.0.11:3", "10.1.0.0/24", "0.0.0.0", 5000));
  n[1] = 30;
  n.resize(32);
  c.message("bad_evpn_type5_length30", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  n = Bytes(26, 0);
  n[0] = 1;
  n[1] = 24;  // type 1 is 25 octets
  c.message("bad_evpn_type1_length24", kAs4, evpn_update_raw_nlri(n), kDeriveNlri);
  c.message("bad_evpn_nlri_truncated_header", kAs4, evpn_update_raw_nlri({2}), kDeriveNlri);
}

// ---------------------------------------------------------------------------------------------
// Golden captures

std::optional<Bytes> from_hex(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  Bytes out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Whether every message of `stream` decodes without RFC 7606 errors and encodes back exactly.
bool decodes_cleanly(const Bytes& stream, uint8_t ctx_byte) {
  const DecodeContext ctx = context_from_byte(ctx_byte);
  std::span<const uint8_t> rest(stream);
  while (!rest.empty()) {
    auto len = frame_length(rest, ctx);
    if (!len.ok() || *len == 0 || *len > rest.size()) return false;
    auto m = decode_message(rest.first(*len), ctx);
    if (!m.ok()) return false;
    if (auto* u = std::get_if<UpdateMessage>(&*m); u && !u->errors.empty()) return false;
    Bytes again = encode(*m, ctx);
    if (!std::equal(again.begin(), again.end(), rest.begin(), rest.begin() + *len)) return false;
    rest = rest.subspan(*len);
  }
  return true;
}

// The context a captured stream was sent with: the first (most usual) that decodes it cleanly.
std::optional<uint8_t> find_context(const Bytes& stream) {
  static const uint8_t kOrder[] = {
      kAs4,
      kAs4AddPathV4,
      kAs4AddPathEvpn,
      kAs4 | kAddPathIpv4Unicast | kAddPathL2vpnEvpn,
      kAs4 | kAddPathIpv6Unicast,
      kAs4 | kAddPathIpv4Unicast | kAddPathIpv6Unicast,
      kAs4 | kAddPathIpv4Unicast | kAddPathIpv6Unicast | kAddPathL2vpnEvpn,
      kAs2};
  for (uint8_t ctx : kOrder) {
    if (decodes_cleanly(stream, ctx)) return ctx;
  }
  for (uint8_t ctx = 0; ctx < 32; ++ctx) {
    if (decodes_cleanly(stream, ctx)) return ctx;
  }
  return std::nullopt;
}

// What a message exercises, roughly: its type, OPEN capability codes, UPDATE attribute types,
// families and EVPN route types. Captured sessions repeat shapes a lot (one UPDATE
// per MAC); one seed per shape is enough.
std::string shape(const Bytes& msg, uint8_t ctx) {
  auto m = decode_message(msg, context_from_byte(ctx));
  if (!m.ok()) return "bytes:" + to_hex(msg.data(), msg.size());
  std::string key = std::to_string(msg[18]) + ":";
  if (auto* open = std::get_if<OpenMessage>(&*m)) {
    for (const auto& cap : open->capabilities()) key += std::to_string(capability_code(cap)) + ",";
  } else if (auto* u = std::get_if<UpdateMessage>(&*m)) {
    key += u->withdrawn_routes.empty() ? "" : "w";
    key += u->nlri.empty() ? "" : "n";
    for (const auto& a : u->path_attributes) {
      key += " " + std::to_string(a.type);
      auto families = [&](const auto& mp) {
        std::set<uint8_t> types;
        for (const auto& n : mp.evpn) types.insert(route_type(n.route));
        key += "/" + std::to_string(mp.afi) + "." + std::to_string(mp.safi);
        for (uint8_t t : types) key += "." + std::to_string(t);
      };
      if (auto* reach = std::get_if<MpReachNlri>(&a.value)) families(*reach);
      if (auto* unreach = std::get_if<MpUnreachNlri>(&a.value)) families(*unreach);
    }
  } else {
    key += to_hex(msg.data() + kHeaderSize, std::min<size_t>(msg.size() - kHeaderSize, 2));
  }
  return key;
}

void add_golden(Corpus& c, const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    // Messages per direction, in capture order. "# frame 4: FRR 10.0.0.1 -> GoBGP 10.0.0.2
    // OPEN" names the direction of the "msg" line that follows.
    std::map<std::string, std::vector<Bytes>> directions;
    std::ifstream in(file);
    std::string line;
    std::string direction;
    while (std::getline(in, line)) {
      if (line.rfind("# frame ", 0) == 0) {
        auto colon = line.find(": ");
        auto last_space = line.rfind(' ');
        if (colon != std::string::npos && last_space > colon) {
          direction = line.substr(colon + 2, last_space - colon - 2);
        }
        continue;
      }
      if (line.rfind("msg ", 0) != 0) continue;
      auto msg = from_hex(line.substr(4));
      if (msg && msg->size() >= kHeaderSize) directions[direction].push_back(*msg);
    }
    const std::string stem = file.stem().string();
    int stream_index = 0;
    for (const auto& [dir_name, msgs] : directions) {
      // The session's context is the one that decodes the whole direction cleanly.
      Bytes stream;
      for (const auto& m : msgs) stream.insert(stream.end(), m.begin(), m.end());
      const auto stream_ctx = find_context(stream);
      if (!stream_ctx) {
        std::fprintf(stderr, "warning: %s: %s does not round-trip in any context\n", file.c_str(),
                     dir_name.c_str());
      }
      for (size_t i = 0; i < msgs.size(); ++i) {
        std::optional<uint8_t> ctx = stream_ctx;
        if (!ctx) ctx = find_context(msgs[i]);
        if (!ctx) {
          std::fprintf(stderr, "warning: %s: message does not round-trip in any context: %s\n",
                       file.c_str(), to_hex(msgs[i].data(), msgs[i].size()).c_str());
        }
        if (c.has_shape(msgs[i], ctx.value_or(kAs4))) continue;
        static const char* const kTypes[] = {"",          "open",         "update", "notification",
                                             "keepalive", "route_refresh"};
        const uint8_t type = msgs[i][18];
        char name[160];
        std::snprintf(name, sizeof name, "golden_%s_s%d_%02zu_%s", stem.c_str(), stream_index, i,
                      type >= 1 && type <= 5 ? kTypes[type] : "unknown");
        c.message(name, ctx.value_or(kAs4), msgs[i]);
      }
      if (stream_ctx) {
        c.message("golden_" + stem + "_s" + std::to_string(stream_index) + "_stream", *stream_ctx,
                  stream, kDeriveNone);
      }
      ++stream_index;
    }
  }
}

}  // namespace
}  // namespace evpnd::fuzz

int main(int argc, char** argv) {
  using namespace evpnd::fuzz;
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [GOLDEN_DATA_DIR]\n", argv[0]);
    return 2;
  }
  Corpus corpus(argv[1]);
  add_opens(corpus);
  add_evpn_updates(corpus);
  add_unicast_updates(corpus);
  add_other_messages(corpus);
  add_malformed(corpus);
  if (argc == 3) add_golden(corpus, argv[2]);
  corpus.report();
  return 0;
}
