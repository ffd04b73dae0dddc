// Tests of `evpnctl decode`: messages built with the codec's encode(), run through the cli
// decode library, and the JSON checked field by field; plus the evpnctl binary through a pipe.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "bgpd/codec/message.h"
#include "cli/decode.h"

namespace evpnd::cli {
namespace {

using codec::IpAddress;
using nlohmann::json;
using Bytes = std::vector<uint8_t>;

// ---- helpers ----

struct Decoded {
  std::vector<json> objects;
  StreamSummary summary;
};

Decoded decode(const Bytes& stream, const DecodeOptions& options = {}) {
  Decoded r;
  r.summary = decode_stream(stream, options, [&](const std::string& text) {
    r.objects.push_back(json::parse(text));  // Throws (and fails the test) on invalid JSON.
  });
  return r;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A whole message from its type and body, for bytes the codec's encode() would not produce.
Bytes raw_message(uint8_t type, const Bytes& body) {
  Bytes out(16, 0xff);
  const size_t len = codec::kHeaderSize + body.size();
  out.push_back(static_cast<uint8_t>(len >> 8));
  out.push_back(static_cast<uint8_t>(len));
  out.push_back(type);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes keepalive() { return codec::encode(codec::KeepaliveMessage{}, codec::DecodeContext{}); }

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

codec::OpenMessage make_open(std::vector<codec::Capability> caps) {
  codec::OpenMessage open;
  open.my_as = 23456;  // AS_TRANS
  open.hold_time = 90;
  open.bgp_identifier = ip("10.0.0.11");
  if (!caps.empty()) {
    codec::OptionalParameter p;
    p.capabilities = std::move(caps);
    open.parameters.push_back(std::move(p));
  }
  return open;
}

codec::EvpnNlri type2(uint32_t path_id = 0) {
  codec::MacIpAdvertisementRoute r;
  r.rd = *codec::RouteDistinguisher::parse("10.0.0.11:2");
  r.mac = *codec::MacAddress::parse("aa:bb:cc:00:00:01");
  r.ip = ip("192.168.1.10");
  r.label1 = 100;
  r.has_label2 = true;
  r.label2 = 5000;
  return codec::EvpnNlri{path_id, r};
}

codec::EvpnNlri type3() {
  codec::InclusiveMulticastRoute r;
  r.rd = *codec::RouteDistinguisher::parse("10.0.0.11:2");
  r.originating_router = ip("10.0.0.11");
  return codec::EvpnNlri{0, r};
}

codec::EvpnNlri type5() {
  codec::IpPrefixRoute r;
  r.rd = *codec::RouteDistinguisher::parse("65011:5000");
  r.prefix = *codec::IpPrefix::parse("10.1.0.0/24");
  r.gateway = ip("0.0.0.0");
  r.label = 5000;
  return codec::EvpnNlri{0, r};
}

// An EVPN UPDATE as a leaf sends it: ORIGIN, AS_PATH, MP_REACH_NLRI, LOCAL_PREF, communities,
// extended communities (RT, VXLAN encapsulation, MAC mobility, router MAC), PMSI tunnel.
codec::UpdateMessage evpn_update(std::vector<codec::EvpnNlri> routes) {
  codec::UpdateMessage u;
  u.path_attributes.push_back(codec::make_attribute(codec::kOrigin, codec::Origin{0}));
  u.path_attributes.push_back(codec::make_attribute(
      codec::kAsPath, codec::AsPath{{codec::AsPathSegment{2, {65011, 4200000001}}}}));
  codec::MpReachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  mp.set_next_hop(ip("10.0.0.11"));
  mp.evpn = std::move(routes);
  u.path_attributes.push_back(codec::make_attribute(codec::kMpReachNlri, std::move(mp)));
  u.path_attributes.push_back(codec::make_attribute(codec::kLocalPref, codec::LocalPref{100}));
  u.path_attributes.push_back(
      codec::make_attribute(codec::kCommunities, codec::Communities{{(65000u << 16) | 100}}));
  codec::ExtendedCommunities ec;
  ec.values.push_back(*codec::RouteTarget::parse("65000:100"));
  ec.values.push_back(codec::EncapsulationCommunity{8});
  ec.values.push_back(codec::MacMobility{false, 3});
  ec.values.push_back(codec::RouterMac{*codec::MacAddress::parse("02:00:00:00:00:11")});
  u.path_attributes.push_back(codec::make_attribute(codec::kExtendedCommunities, ec));
  u.path_attributes.push_back(
      codec::make_attribute(codec::kPmsiTunnel, codec::PmsiTunnel{0, 6, 100, {10, 0, 0, 11}}));
  u.path_attributes.push_back(codec::make_attribute(
      codec::kLargeCommunities, codec::LargeCommunities{{codec::LargeCommunity{65000, 1, 2}}}));
  return u;
}

// ---- input parsing ----

TEST(DecodeInput, HexWithCommentsAndWhitespace) {
  const std::string text =
      "# KEEPALIVE captured on leaf1\n"
      "ffffffff ffffffff\tffffffff FFFFFFFF\r\n"
      "   # indented comment: not hex ## at all\n"
      "\n"
      "0013\n"
      "04\n";
  EXPECT_TRUE(looks_like_hex(text));
  const Input in = parse_input(text, InputFormat::kAuto);
  EXPECT_TRUE(in.error.empty()) << in.error;
  EXPECT_TRUE(in.was_hex);
  EXPECT_EQ(in.bytes, keepalive());

  const Decoded r = decode(in.bytes);
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.objects[0], json::parse(R"({"offset":0,"length":19,"type":"KEEPALIVE"})"));
}

TEST(DecodeInput, HexErrorsNameTheLineAndColumn) {
  std::string error;
  EXPECT_FALSE(parse_hex("# ok\nffff\nff zz\n", error));
  EXPECT_EQ(error, "hex input, line 3, column 4: not a hex digit");
  EXPECT_FALSE(parse_hex("fff", error));
  EXPECT_EQ(error, "hex input has an odd number of hex digits");
  EXPECT_FALSE(parse_input("0xff", InputFormat::kHex).error.empty());
}

TEST(DecodeInput, RawIsNotMistakenForHex) {
  const Bytes ka = keepalive();
  const std::string raw(ka.begin(), ka.end());
  EXPECT_FALSE(looks_like_hex(raw));
  EXPECT_FALSE(looks_like_hex(""));
  EXPECT_FALSE(looks_like_hex("# only a comment\n"));
  const Input in = parse_input(raw, InputFormat::kAuto);
  EXPECT_FALSE(in.was_hex);
  EXPECT_EQ(in.bytes, ka);
  // "--raw" keeps hex-looking text as bytes.
  EXPECT_EQ(parse_input("ab", InputFormat::kRaw).bytes, (Bytes{'a', 'b'}));
}

TEST(DecodeInput, FamiliesAndNames) {
  EXPECT_EQ(parse_family("l2vpn-evpn"), codec::Family::kL2vpnEvpn);
  EXPECT_EQ(parse_family("ipv6-unicast"), codec::Family::kIpv6Unicast);
  EXPECT_EQ(parse_family("evpn"), std::nullopt);
  EXPECT_EQ(family_name(25, 70), "l2vpn-evpn");
  EXPECT_EQ(family_name(1, 128), "ipv4-vpn");
  EXPECT_EQ(family_name(3, 9), "afi 3 safi 9");
}

// ---- messages ----

TEST(DecodeOpen, CapabilitiesAreTyped) {
  codec::GracefulRestartCapability gr;
  gr.flags = codec::GracefulRestartCapability::kRestartState;
  gr.restart_time = 120;
  gr.families = {{25, 70, codec::GracefulRestartCapability::kForwardingState}};
  const auto open = make_open({
      codec::MultiprotocolCapability{25, 0, 70},
      codec::RouteRefreshCapability{},
      codec::FourOctetAsCapability{4200000011},
      gr,
      codec::AddPathCapability{{{25, 70, 3}}},
      codec::HostnameCapability{"leaf1", "example.net"},
      codec::UnknownCapability{71, {0, 25, 70, 0x80, 0, 0, 0x0e, 0x10}},
  });
  const Bytes bytes = codec::encode(open, codec::DecodeContext{});
  const Decoded r = decode(bytes);
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.summary.exit_status(), 0);
  const json& j = r.objects[0];
  EXPECT_EQ(j["offset"], 0);
  EXPECT_EQ(j["length"], bytes.size());
  EXPECT_EQ(j["type"], "OPEN");
  EXPECT_EQ(j["version"], 4);
  EXPECT_EQ(j["my_as"], 23456);
  EXPECT_EQ(j["asn"], 4200000011u);
  EXPECT_EQ(j["hold_time"], 90);
  EXPECT_EQ(j["bgp_identifier"], "10.0.0.11");
  EXPECT_FALSE(j.contains("extended_parameters"));
  const json& caps = j["capabilities"];
  ASSERT_EQ(caps.size(), 7u);
  EXPECT_EQ(caps[0], json::parse(R"({"code":1,"name":"multiprotocol","afi":25,"safi":70,
                                     "family":"l2vpn-evpn"})"));
  EXPECT_EQ(caps[1], json::parse(R"({"code":2,"name":"route-refresh"})"));
  EXPECT_EQ(caps[2], json::parse(R"({"code":65,"name":"four-octet-as","asn":4200000011})"));
  EXPECT_EQ(caps[3], json::parse(R"({"code":64,"name":"graceful-restart","flags":8,
      "restart_state":true,"notification":false,"restart_time":120,
      "families":[{"afi":25,"safi":70,"family":"l2vpn-evpn","flags":128,
                   "forwarding_state":true}]})"));
  EXPECT_EQ(caps[4], json::parse(R"({"code":69,"name":"add-path","families":[
      {"afi":25,"safi":70,"family":"l2vpn-evpn","send_receive":3,"mode":"both"}]})"));
  EXPECT_EQ(caps[5], json::parse(R"({"code":73,"name":"hostname","hostname":"leaf1",
                                     "domain":"example.net"})"));
  EXPECT_EQ(caps[6], json::parse(R"({"code":71,"name":"long-lived-graceful-restart",
                                     "value":"0019468000000e10"})"));
}

TEST(DecodeOpen, KeysKeepTheDocumentedOrder) {
  const Bytes bytes = codec::encode(make_open({}), codec::DecodeContext{});
  std::string line;
  decode_stream(bytes, {}, [&](const std::string& text) { line = text; });
  EXPECT_EQ(line, R"({"offset":0,"length":29,"type":"OPEN","version":4,"my_as":23456,"asn":23456,)"
                  R"("hold_time":90,"bgp_identifier":"10.0.0.11","capabilities":[]})");
}

TEST(DecodeUpdate, EvpnTypes235WithCommunitiesAndPmsi) {
  const auto update = evpn_update({type2(), type3(), type5()});
  const Bytes bytes = codec::encode(update, codec::DecodeContext{});
  const Decoded r = decode(bytes);
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.summary.exit_status(), 0);
  const json& j = r.objects[0];
  EXPECT_EQ(j["type"], "UPDATE");
  EXPECT_EQ(j["length"], bytes.size());
  EXPECT_EQ(j["withdrawn_routes"], json::array());
  EXPECT_EQ(j["nlri"], json::array());
  EXPECT_EQ(j["treat_as_withdraw"], false);
  EXPECT_EQ(j["errors"], json::array());
  EXPECT_FALSE(j.contains("end_of_rib"));

  const json& a = j["attributes"];
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a[0], json::parse(R"({"type":1,"name":"ORIGIN","flags":"0x40","value":"igp"})"));
  EXPECT_EQ(a[1], json::parse(R"({"type":2,"name":"AS_PATH","flags":"0x40",
      "value":"65011 4200000001",
      "segments":[{"type":"AS_SEQUENCE","asns":[65011,4200000001]}]})"));

  const json& mp = a[2];
  EXPECT_EQ(mp["type"], 14);
  EXPECT_EQ(mp["name"], "MP_REACH_NLRI");
  EXPECT_EQ(mp["flags"], "0x80");
  EXPECT_EQ(mp["value"]["afi"], 25);
  EXPECT_EQ(mp["value"]["safi"], 70);
  EXPECT_EQ(mp["value"]["family"], "l2vpn-evpn");
  EXPECT_EQ(mp["value"]["next_hop"], "10.0.0.11");
  EXPECT_FALSE(mp["value"].contains("link_local_next_hop"));
  const json& nlri = mp["value"]["nlri"];
  ASSERT_EQ(nlri.size(), 3u);
  EXPECT_EQ(nlri[0], json::parse(R"({"route_type":2,"name":"mac-ip","rd":"10.0.0.11:2",
      "esi":"00:00:00:00:00:00:00:00:00:00","ethernet_tag":0,"mac":"aa:bb:cc:00:00:01",
      "ip":"192.168.1.10","label1":100,"vni":100,"label2":5000,
      "prefix":"[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[192.168.1.10]"})"));
  EXPECT_EQ(nlri[1], json::parse(R"({"route_type":3,"name":"inclusive-multicast",
      "rd":"10.0.0.11:2","ethernet_tag":0,"originating_router":"10.0.0.11",
      "prefix":"[3]:[0]:[32]:[10.0.0.11]"})"));
  EXPECT_EQ(nlri[2], json::parse(R"({"route_type":5,"name":"ip-prefix","rd":"65011:5000",
      "esi":"00:00:00:00:00:00:00:00:00:00","ethernet_tag":0,"ip_prefix":"10.1.0.0/24",
      "gateway":"0.0.0.0","label":5000,"vni":5000,"prefix":"[5]:[0]:[24]:[10.1.0.0]"})"));

  EXPECT_EQ(a[3], json::parse(R"({"type":5,"name":"LOCAL_PREF","flags":"0x40","value":100})"));
  EXPECT_EQ(a[4], json::parse(R"({"type":8,"name":"COMMUNITIES","flags":"0xc0",
                                  "value":["65000:100"]})"));
  EXPECT_EQ(a[5], json::parse(R"({"type":16,"name":"EXTENDED_COMMUNITIES","flags":"0xc0",
      "value":["RT:65000:100","ET:8","MM:3","Rmac:02:00:00:00:00:11"],
      "typed":[{"type":"route-target","value":"65000:100"},
               {"type":"encapsulation","tunnel_type":8,"name":"vxlan"},
               {"type":"mac-mobility","sequence":3,"sticky":false},
               {"type":"router-mac","mac":"02:00:00:00:00:11"}]})"));
  EXPECT_EQ(a[6], json::parse(R"({"type":22,"name":"PMSI_TUNNEL","flags":"0xc0",
      "value":{"flags":0,"tunnel_type":6,"tunnel_type_name":"ingress-replication",
               "label":100,"vni":100,"tunnel_endpoint":"10.0.0.11"}})"));
  EXPECT_EQ(a[7], json::parse(R"({"type":32,"name":"LARGE_COMMUNITIES","flags":"0xc0",
                                  "value":["65000:1:2"]})"));
}

TEST(DecodeUpdate, MacOnlyRouteHasNoIp) {
  auto n = type2();
  auto& r = std::get<codec::MacIpAdvertisementRoute>(n.route);
  r.ip = IpAddress{};
  r.has_label2 = false;
  const Decoded decoded = decode(codec::encode(evpn_update({n}), codec::DecodeContext{}));
  const json& route = decoded.objects.at(0)["attributes"][2]["value"]["nlri"][0];
  EXPECT_FALSE(route.contains("ip"));
  EXPECT_FALSE(route.contains("label2"));
  EXPECT_EQ(route["prefix"], "[2]:[0]:[48]:[aa:bb:cc:00:00:01]");
}

TEST(DecodeUpdate, Ipv4UnicastAndEndOfRib) {
  codec::UpdateMessage u;
  u.withdrawn_routes.push_back({0, *codec::IpPrefix::parse("10.9.0.0/16")});
  u.path_attributes.push_back(codec::make_attribute(codec::kOrigin, codec::Origin{2}));
  u.path_attributes.push_back(codec::make_attribute(codec::kAsPath, codec::AsPath{}));
  u.path_attributes.push_back(
      codec::make_attribute(codec::kNextHop, codec::NextHop{ip("10.0.0.1")}));
  u.path_attributes.push_back(
      codec::make_attribute(codec::kMultiExitDisc, codec::MultiExitDisc{20}));
  u.nlri.push_back({0, *codec::IpPrefix::parse("10.0.0.11/32")});
  codec::MpUnreachNlri eor;
  eor.afi = 25;
  eor.safi = 70;
  codec::UpdateMessage evpn_eor;
  evpn_eor.path_attributes.push_back(codec::make_attribute(codec::kMpUnreachNlri, eor));
  const Bytes stream = cat({codec::encode(u, codec::DecodeContext{}),
                            codec::encode(codec::UpdateMessage{}, codec::DecodeContext{}),
                            codec::encode(evpn_eor, codec::DecodeContext{})});
  const Decoded r = decode(stream);
  ASSERT_EQ(r.objects.size(), 3u);
  const json& j = r.objects[0];
  EXPECT_EQ(j["withdrawn_routes"], json::parse(R"(["10.9.0.0/16"])"));
  EXPECT_EQ(j["nlri"], json::parse(R"(["10.0.0.11/32"])"));
  EXPECT_EQ(j["attributes"][0]["value"], "incomplete");
  EXPECT_EQ(j["attributes"][1]["value"], "");
  EXPECT_EQ(j["attributes"][2], json::parse(R"({"type":3,"name":"NEXT_HOP","flags":"0x40",
                                               "value":"10.0.0.1"})"));
  EXPECT_EQ(j["attributes"][3]["value"], 20);
  EXPECT_FALSE(j.contains("end_of_rib"));
  EXPECT_EQ(r.objects[1]["offset"], j["length"]);
  EXPECT_EQ(r.objects[1]["end_of_rib"], "ipv4-unicast");
  EXPECT_EQ(r.objects[2]["end_of_rib"], "l2vpn-evpn");
  EXPECT_EQ(r.objects[2]["attributes"][0]["value"],
            json::parse(R"({"afi":25,"safi":70,"family":"l2vpn-evpn","withdrawn":[]})"));
}

TEST(DecodeNotification, ShutdownCommunication) {
  const auto n = codec::NotificationMessage::shutdown(2, "maintenance: leaf1 upgrade");
  const Decoded r = decode(codec::encode(n, codec::DecodeContext{}));
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.objects[0], json::parse(R"({"offset":0,"length":48,"type":"NOTIFICATION",
      "code":6,"subcode":2,"code_name":"Cease","subcode_name":"Administrative Shutdown",
      "data":"1a6d61696e74656e616e63653a206c656166312075706772616465",
      "shutdown_communication":"maintenance: leaf1 upgrade"})"));
}

TEST(DecodeNotification, HoldTimerExpiredHasNoCommunication) {
  const Decoded r =
      decode(codec::encode(codec::NotificationMessage{4, 0, {}}, codec::DecodeContext{}));
  EXPECT_EQ(r.objects.at(0)["code_name"], "Hold Timer Expired");
  EXPECT_EQ(r.objects.at(0)["data"], "");
  EXPECT_FALSE(r.objects.at(0).contains("shutdown_communication"));
}

TEST(DecodeRouteRefresh, Fields) {
  const Decoded r =
      decode(codec::encode(codec::RouteRefreshMessage{25, 1, 70}, codec::DecodeContext{}));
  EXPECT_EQ(r.objects.at(0), json::parse(R"({"offset":0,"length":23,"type":"ROUTE-REFRESH",
      "afi":25,"safi":70,"family":"l2vpn-evpn","subtype":1,"subtype_name":"borr"})"));
}

// ---- decode context ----

TEST(DecodeContext, OpenSetsAddPathAndAsnWidth) {
  // The OPEN announces add-path send for EVPN and has no four-octet-as capability: the UPDATE
  // after it carries path identifiers and 2-octet ASNs.
  const auto open = make_open({codec::MultiprotocolCapability{25, 0, 70},
                               codec::AddPathCapability{{{25, 70, 2}, {1, 1, 1}}}});
  codec::DecodeContext ctx;
  ctx.four_octet_as = false;
  ctx.add_path[static_cast<size_t>(codec::Family::kL2vpnEvpn)] = true;
  const Bytes stream = cat({codec::encode(open, ctx), codec::encode(evpn_update({type2(7)}), ctx)});

  const Decoded r = decode(stream);
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(r.summary.exit_status(), 0);
  EXPECT_EQ(r.objects[1]["attributes"][1]["value"], "65011 59905");  // 4200000001 & 0xffff
  const json& route = r.objects[1]["attributes"][2]["value"]["nlri"][0];
  EXPECT_EQ(route["path_id"], 7);
  EXPECT_EQ(route["mac"], "aa:bb:cc:00:00:01");

  const auto after = context_after_open(open, nullptr, DecodeOptions{});
  EXPECT_FALSE(after.four_octet_as);
  EXPECT_TRUE(after.add_path_for(codec::Family::kL2vpnEvpn));
  EXPECT_FALSE(after.add_path_for(codec::Family::kIpv4Unicast));  // receive only

  // Without the OPEN the same UPDATE does not decode (the path identifier shifts everything).
  const Decoded without = decode(codec::encode(evpn_update({type2(7)}), ctx));
  EXPECT_EQ(without.summary.exit_status(), 1);
  ASSERT_EQ(without.objects.size(), 1u);
  EXPECT_TRUE(without.objects[0].contains("error"));
}

TEST(DecodeContext, TwoOpensNegotiate) {
  // A capture of both directions: A offers add-path send/receive for EVPN and 4-octet AS,
  // B offers add-path only for IPv4 and no 4-octet AS. Negotiated: no EVPN add-path (B cannot
  // receive), 2-octet ASNs.
  auto a = make_open({codec::FourOctetAsCapability{65011}, codec::ExtendedMessageCapability{},
                      codec::AddPathCapability{{{25, 70, 3}, {1, 1, 3}}}});
  auto b = make_open({codec::ExtendedMessageCapability{}, codec::AddPathCapability{{{1, 1, 3}}}});
  b.bgp_identifier = ip("10.0.0.1");
  const auto ctx = context_after_open(b, &a, DecodeOptions{});
  EXPECT_FALSE(ctx.four_octet_as);
  EXPECT_TRUE(ctx.extended_message);
  EXPECT_FALSE(ctx.add_path_for(codec::Family::kL2vpnEvpn));
  EXPECT_TRUE(ctx.add_path_for(codec::Family::kIpv4Unicast));

  codec::DecodeContext wire;
  wire.four_octet_as = false;
  wire.add_path[static_cast<size_t>(codec::Family::kIpv4Unicast)] = true;
  codec::UpdateMessage u;
  u.withdrawn_routes.push_back({9, *codec::IpPrefix::parse("10.9.0.0/16")});
  const Bytes stream = cat({codec::encode(a, wire), codec::encode(b, wire), keepalive(),
                            codec::encode(evpn_update({type3()}), wire), codec::encode(u, wire)});
  const Decoded r = decode(stream);
  ASSERT_EQ(r.objects.size(), 5u);
  EXPECT_EQ(r.summary.exit_status(), 0);
  EXPECT_EQ(r.objects[3]["attributes"][1]["value"], "65011 59905");
  EXPECT_FALSE(r.objects[3]["attributes"][2]["value"]["nlri"][0].contains("path_id"));
  EXPECT_EQ(r.objects[4]["withdrawn_routes"],
            json::parse(R"([{"prefix":"10.9.0.0/16","path_id":9}])"));
}

TEST(DecodeContext, GoldenCaptures) {
  // The FRR <-> GoBGP captures of tests/golden, both directions interleaved: every message
  // decodes once the two OPENs are paired.
  const std::filesystem::path dir = std::string(EVPND_SOURCE_DIR) + "/tests/golden/data";
  std::error_code ec;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".txt") continue;
    ++files;
    std::ifstream f(entry.path());
    std::string hex_text;
    for (std::string line; std::getline(f, line);) {
      if (line.rfind("msg ", 0) == 0) hex_text += line.substr(4) + "\n";
    }
    const Input in = parse_input(hex_text, InputFormat::kAuto);
    ASSERT_TRUE(in.error.empty()) << entry.path() << ": " << in.error;
    const Decoded r = decode(in.bytes);
    EXPECT_EQ(r.summary.exit_status(), 0) << entry.path();
    EXPECT_GT(r.summary.messages, 2u) << entry.path();
    for (const auto& j : r.objects) EXPECT_FALSE(j.contains("error")) << j.dump();
  }
  if (files == 0) GTEST_SKIP() << "no golden captures in " << dir;
}

TEST(DecodeContext, FlagsOverrideTheOpen) {
  // The OPEN says 4-octet AS, but --as2 pins 2-octet ASNs; --add-path adds EVPN path ids.
  const auto open = make_open({codec::FourOctetAsCapability{65011}});
  codec::DecodeContext ctx;
  ctx.four_octet_as = false;
  ctx.add_path[static_cast<size_t>(codec::Family::kL2vpnEvpn)] = true;
  const Bytes stream = cat({codec::encode(open, ctx), codec::encode(evpn_update({type3()}), ctx)});
  DecodeOptions options;
  options.force_four_octet_as = false;
  options.force_add_path[static_cast<size_t>(codec::Family::kL2vpnEvpn)] = true;
  const Decoded r = decode(stream, options);
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(r.summary.exit_status(), 0);
  EXPECT_EQ(r.objects[1]["attributes"][2]["value"]["nlri"][0]["path_id"], 0);
  EXPECT_EQ(r.objects[1]["attributes"][1]["value"], "65011 59905");
}

// ---- errors ----

TEST(DecodeErrors, SoftErrorStillDecodes) {
  // ORIGIN 5 is undefined: RFC 7606 treat-as-withdraw, the message still decodes (exit 0).
  const Bytes attrs = {0x40, 1, 1, 5, 0x40, 2, 0, 0x40, 3, 4, 10, 0, 0, 1};
  Bytes body = {0, 0, 0, static_cast<uint8_t>(attrs.size())};
  body.insert(body.end(), attrs.begin(), attrs.end());
  body.insert(body.end(), {24, 10, 2, 0});
  const Decoded r = decode(raw_message(2, body));
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.summary.exit_status(), 0);
  const json& j = r.objects[0];
  EXPECT_EQ(j["treat_as_withdraw"], true);
  EXPECT_EQ(j["nlri"], json::parse(R"(["10.2.0.0/24"])"));
  ASSERT_GE(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0], json::parse(R"({"action":"treat-as-withdraw","code":3,"subcode":6,
      "code_name":"UPDATE Message Error","subcode_name":"Invalid ORIGIN Attribute",
      "offset":23,"what":"ORIGIN: undefined value 5","data":"40010105"})"));
}

TEST(DecodeErrors, MalformedUpdateThenDecodingGoesOn) {
  // Withdrawn routes length 255 in a 4-octet body: a session reset. The KEEPALIVE after it
  // still decodes, and the exit status says something failed.
  const Bytes bad = raw_message(2, {0, 0xff, 0, 0});
  const Decoded r = decode(cat({bad, keepalive()}));
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(r.summary.messages, 2u);
  EXPECT_EQ(r.summary.failed, 1u);
  EXPECT_EQ(r.summary.exit_status(), 1);
  EXPECT_EQ(r.objects[0], json::parse(R"({"offset":0,"length":23,"type":"UPDATE",
      "error":{"action":"session-reset","code":3,"subcode":1,
               "code_name":"UPDATE Message Error","subcode_name":"Malformed Attribute List",
               "offset":19,"what":"UPDATE: withdrawn routes length 255 overruns the message"},
      "hex":"ffffffffffffffffffffffffffffffff00170200ff0000"})"));
  EXPECT_EQ(r.objects[1], json::parse(R"({"offset":23,"length":19,"type":"KEEPALIVE"})"));
}

TEST(DecodeErrors, TruncatedStream) {
  const Bytes update = codec::encode(evpn_update({type3()}), codec::DecodeContext{});
  const Bytes partial(update.begin(), update.begin() + 30);
  const Decoded r = decode(cat({keepalive(), partial}));
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_TRUE(r.summary.truncated);
  EXPECT_EQ(r.summary.exit_status(), 1);
  const json& j = r.objects[1];
  EXPECT_EQ(j["offset"], 19);
  EXPECT_EQ(j["type"], "UPDATE");
  EXPECT_EQ(j["length"], update.size());
  EXPECT_EQ(j["error"]["what"], "stream ends after 30 of the " + std::to_string(update.size()) +
                                    " octets of this message");
  EXPECT_EQ(j["hex"].get<std::string>().size(), 60u);

  // Fewer octets than a header.
  const Decoded short_tail = decode(cat({keepalive(), Bytes{0xff, 0xff, 0xff}}));
  ASSERT_EQ(short_tail.objects.size(), 2u);
  EXPECT_EQ(short_tail.objects[1], json::parse(R"({"offset":19,"error":{"what":
      "stream ends with 3 octets, too few for a 19-octet message header"},"hex":"ffffff"})"));
  EXPECT_EQ(short_tail.summary.exit_status(), 1);
}

TEST(DecodeErrors, BadHeaderStopsTheStream) {
  Bytes broken = keepalive();
  broken[3] = 0;
  const Decoded r = decode(cat({keepalive(), broken, keepalive()}));
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_TRUE(r.summary.bad_header);
  EXPECT_EQ(r.summary.exit_status(), 1);
  EXPECT_EQ(r.objects[1], json::parse(R"({"offset":19,
      "error":{"action":"session-reset","code":1,"subcode":1,
               "code_name":"Message Header Error","subcode_name":"Connection Not Synchronized",
               "offset":3,"what":"header: marker is not all ones"},
      "hex":"ffffff00ffffffffffffffffffffffff001304","stopped":true})"));

  // A length only extended messages allow: the error hints at --extended-message.
  Bytes big = raw_message(2, Bytes(5000, 0));
  const Decoded r2 = decode(big);
  ASSERT_EQ(r2.objects.size(), 1u);
  EXPECT_EQ(r2.objects[0]["type"], "UPDATE");
  EXPECT_EQ(r2.objects[0]["error"]["subcode_name"], "Bad Message Length");
  EXPECT_TRUE(r2.objects[0].contains("hint"));
  DecodeOptions options;
  options.force_extended_message = true;
  const Decoded r3 = decode(big, options);
  ASSERT_EQ(r3.objects.size(), 1u);
  EXPECT_FALSE(r3.objects[0].contains("stopped"));  // Framed, then failed as an UPDATE.
}

TEST(DecodeErrors, PrettyOutputIsIndented) {
  DecodeOptions options;
  options.pretty = true;
  std::string text;
  decode_stream(keepalive(), options, [&](const std::string& t) { text = t; });
  EXPECT_EQ(text, "{\n  \"offset\": 0,\n  \"length\": 19,\n  \"type\": \"KEEPALIVE\"\n}");
}

TEST(DecodeErrors, NeverCrashesOnMutatedInput) {
  // Valid messages with random octets changed (past the marker, so that framing is exercised)
  // and invalid UTF-8 in a hostname: every line must still be JSON.
  const auto open = make_open({codec::HostnameCapability{"\xff\xfe", "\xc3"}});
  const Bytes seed = cat({codec::encode(open, codec::DecodeContext{}),
                          codec::encode(evpn_update({type2(), type3(), type5()}), {}),
                          codec::encode(codec::NotificationMessage::shutdown(4, "bye"), {})});
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    Bytes b = seed;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t at = 16 + rng() % (b.size() - 16);
      b[at] = static_cast<uint8_t>(rng());
    }
    b.resize(b.size() - rng() % 8);
    const Decoded r = decode(b);
    EXPECT_GE(r.objects.size(), 1u);
    const int status = r.summary.exit_status();
    EXPECT_TRUE(status == 0 || status == 1);
  }
}

// ---- the binary ----

#ifdef EVPNCTL_PATH
struct Shell {
  int status = -1;
  std::string out;
};

Shell shell(const std::string& command) {
  Shell s;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return s;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) s.out.append(buf, n);
  const int raw = pclose(p);
  s.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return s;
}

TEST(DecodeBinary, HexThroughAPipe) {
  const std::string evpnctl = EVPNCTL_PATH;
  const Shell ok = shell(
      "printf '# a KEEPALIVE and a NOTIFICATION\\n"
      "ffffffffffffffffffffffffffffffff 0013 04\\n"
      "ffffffffffffffffffffffffffffffff 0015 03 0400\\n' | " +
      evpnctl + " decode");
  EXPECT_EQ(ok.status, 0) << ok.out;
  const auto nl = ok.out.find('\n');
  ASSERT_NE(nl, std::string::npos);
  EXPECT_EQ(json::parse(ok.out.substr(0, nl))["type"], "KEEPALIVE");
  EXPECT_EQ(json::parse(ok.out.substr(nl + 1))["code_name"], "Hold Timer Expired");

  const Shell failed =
      shell("echo ffffffffffffffffffffffffffffffff001702 00ff0000 | " + evpnctl + " decode --hex");
  EXPECT_EQ(failed.status, 1) << failed.out;
  EXPECT_EQ(json::parse(failed.out)["error"]["subcode"], 1);

  EXPECT_EQ(shell(evpnctl + " decode --no-such-flag </dev/null 2>/dev/null").status, 2);
  EXPECT_EQ(shell("echo fff | " + evpnctl + " decode 2>/dev/null").status, 2);
  EXPECT_EQ(shell(evpnctl + " check 2>/dev/null").status, 2);  // Not implemented yet.
  EXPECT_EQ(shell(evpnctl + " 2>/dev/null").status, 2);
  EXPECT_EQ(shell(evpnctl + " --socket /tmp/x.sock decode --help >/dev/null").status, 0);
}
#endif

}  // namespace
}  // namespace evpnd::cli
