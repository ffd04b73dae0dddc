// Codec round trips and text forms: every message kind, attribute and EVPN route type is built
// as a value, encoded, decoded and compared, and the text forms operators type are checked.
#include <gtest/gtest.h>

#include "bgpd/codec/message.h"
#include "tests/unit/codec_test_util.h"

namespace evpnd::codec {
namespace {

using testing::Bytes;
using testing::from_hex;

RouteDistinguisher rd(std::string_view s) { return *RouteDistinguisher::parse(s); }
IpAddress ip(std::string_view s) { return *IpAddress::parse(s); }
MacAddress mac(std::string_view s) { return *MacAddress::parse(s); }

// encode -> decode -> equal value -> encode again -> equal bytes.
void expect_round_trip(const Message& m, const DecodeContext& ctx = {}) {
  Bytes wire = encode(m, ctx);
  auto back = decode_message(wire, ctx);
  ASSERT_TRUE(back.ok()) << back.error().what;
  EXPECT_TRUE(*back == m);
  EXPECT_EQ(encode(*back, ctx), wire);
}

TEST(CodecText, RouteDistinguisherForms) {
  EXPECT_EQ(rd("65000:100").type, 0);
  EXPECT_EQ(rd("65000:100").to_string(), "65000:100");
  EXPECT_EQ(rd("10.0.0.1:3").type, 1);
  EXPECT_EQ(rd("10.0.0.1:3").to_string(), "10.0.0.1:3");
  EXPECT_EQ(rd("4200000000:7").type, 2);
  EXPECT_EQ(rd("4200000000:7").to_string(), "4200000000:7");
  EXPECT_EQ(rd("65000:4294967295").to_string(), "65000:4294967295");
  EXPECT_FALSE(RouteDistinguisher::parse("4200000000:70000"));  // type 2 number is 16 bits
  EXPECT_FALSE(RouteDistinguisher::parse("10.0.0.1:70000"));
  EXPECT_FALSE(RouteDistinguisher::parse("65000"));
  EXPECT_FALSE(RouteDistinguisher::parse("x:1"));
  EXPECT_FALSE(RouteDistinguisher::parse("65000:-1"));
  std::vector<uint8_t> wire;
  Writer w(wire);
  rd("10.0.0.1:3").encode(w);
  EXPECT_EQ(wire, from_hex("0001 0a000001 0003"));
}

TEST(CodecText, RouteTargetsAndExtendedCommunities) {
  auto rt = RouteTarget::parse("65000:100");
  ASSERT_TRUE(rt);
  std::vector<uint8_t> wire;
  Writer w(wire);
  encode(ExtendedCommunity{*rt}, w);
  encode(ExtendedCommunity{*RouteTarget::parse("4200000000:7")}, w);
  encode(ExtendedCommunity{*RouteTarget::parse("10.0.0.1:5")}, w);
  encode(ExtendedCommunity{EncapsulationCommunity{}}, w);
  encode(ExtendedCommunity{MacMobility{true, 7}}, w);
  encode(ExtendedCommunity{RouterMac{mac("00:11:22:33:44:55")}}, w);
  encode(ExtendedCommunity{DefaultGateway{}}, w);
  encode(ExtendedCommunity{EsiLabel{true, 42}}, w);
  encode(ExtendedCommunity{EsImportRouteTarget{mac("00:aa:bb:cc:dd:ee")}}, w);
  EXPECT_EQ(wire, from_hex("0002fde800000064 0202fa56ea000007 01020a0000010005"
                           "030c000000000008 0600010000000007 0603001122334455"
                           "030d000000000000 060101000000002a 060200aabbccddee"));
  std::vector<std::string> text;
  for (size_t i = 0; i < wire.size(); i += 8) {
    auto c = decode_extended_community(std::span<const uint8_t, 8>(wire.data() + i, 8));
    EXPECT_FALSE(std::holds_alternative<OpaqueExtendedCommunity>(c)) << i;
    text.push_back(to_string(c));
  }
  EXPECT_EQ(text, (std::vector<std::string>{"RT:65000:100", "RT:4200000000:7", "RT:10.0.0.1:5",
                                            "ET:8", "MM:7, sticky MAC", "Rmac:00:11:22:33:44:55",
                                            "Default Gateway", "ESI-label-Rt:SA:42",
                                            "ES-Import-Rt:00:aa:bb:cc:dd:ee"}));
}

TEST(CodecText, NonCanonicalExtendedCommunityStaysOpaque) {
  // Encapsulation with a non-zero reserved octet: kept as bytes so re-encoding is exact.
  Bytes b = from_hex("030c000000010008");
  auto c = decode_extended_community(std::span<const uint8_t, 8>(b.data(), 8));
  ASSERT_TRUE(std::holds_alternative<OpaqueExtendedCommunity>(c));
  std::vector<uint8_t> wire;
  Writer w(wire);
  encode(c, w);
  EXPECT_EQ(wire, b);
  EXPECT_EQ(to_string(c), "0x030c000000010008");
}

TEST(CodecText, AddressesAndPrefixes) {
  EXPECT_EQ(ip("10.0.0.1").to_string(), "10.0.0.1");
  EXPECT_EQ(ip("2001:db8::1").to_string(), "2001:db8::1");
  EXPECT_FALSE(IpAddress::parse("10.0.0.256"));
  EXPECT_EQ(IpPrefix::parse("10.1.0.0/16")->to_string(), "10.1.0.0/16");
  EXPECT_FALSE(IpPrefix::parse("10.1.0.0/33"));
  EXPECT_EQ(mac("00:AA:bb:cc:dd:0e").to_string(), "00:aa:bb:cc:dd:0e");
  EXPECT_FALSE(MacAddress::parse("00:aa:bb:cc:dd"));
}

TEST(CodecRoundTrip, Open) {
  OpenMessage o;
  o.my_as = 23456;
  o.hold_time = 9;
  o.bgp_identifier = ip("10.0.0.11");
  OptionalParameter p;
  p.capabilities = {
      MultiprotocolCapability{25, 0, 70},
      MultiprotocolCapability{1, 0, 1},
      RouteRefreshCapability{},
      EnhancedRouteRefreshCapability{},
      FourOctetAsCapability{4200000011},
      GracefulRestartCapability{GracefulRestartCapability::kRestartState, 120, {{25, 70, 0x80}}},
      ExtendedMessageCapability{},
      AddPathCapability{{{1, 1, 3}}},
      ExtendedNextHopCapability{{{1, 1, 2}}},
      HostnameCapability{"host1", "lab"},
      UnknownCapability{71, {0, 25, 70, 0, 0, 0, 0}},
  };
  o.parameters.push_back(p);
  expect_round_trip(Message{o});
  EXPECT_EQ(o.asn(), 4200000011u);
  EXPECT_TRUE(o.advertises(Family::kL2vpnEvpn));
  EXPECT_FALSE(o.advertises(Family::kIpv6Unicast));
  // RFC 9072 extended optional parameters.
  o.extended_parameters = true;
  expect_round_trip(Message{o});
  Bytes wire = encode(Message{o}, {});
  EXPECT_EQ(wire[28], 255);
  EXPECT_EQ(wire[29], 255);
}

TEST(CodecRoundTrip, MalformedCapabilityKeptAsUnknown) {
  // Multiprotocol capability of length 3: kept as bytes, the OPEN still decodes.
  Bytes body = from_hex("04 fde9 0009 0a00000b 07 02 05 01 03 000119");
  auto m = decode_message(testing::message(1, body), {});
  ASSERT_TRUE(m.ok()) << m.error().what;
  auto caps = std::get<OpenMessage>(*m).capabilities();
  ASSERT_EQ(caps.size(), 1u);
  auto* u = std::get_if<UnknownCapability>(&caps[0]);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->code, 1);
  EXPECT_EQ(encode(*m, {}), testing::message(1, body));
}

UpdateMessage evpn_update() {
  UpdateMessage u;
  MpReachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  mp.set_next_hop(ip("10.0.0.11"));
  MacIpAdvertisementRoute t2;
  t2.rd = rd("10.0.0.11:2");
  t2.mac = mac("00:00:5e:00:53:01");
  t2.label1 = 100;
  MacIpAdvertisementRoute t2ip = t2;
  t2ip.ip = ip("192.0.2.10");
  t2ip.has_label2 = true;
  t2ip.label2 = 5000;
  MacIpAdvertisementRoute t2v6 = t2;
  t2v6.ip = ip("2001:db8::10");
  InclusiveMulticastRoute t3{rd("10.0.0.11:2"), 0, ip("10.0.0.11")};
  InclusiveMulticastRoute t3v6{rd("65000:2"), 0, ip("2001:db8::11")};
  IpPrefixRoute t5{rd("10.0.0.11:5"), {}, 0, *IpPrefix::parse("10.1.0.0/24"), ip("0.0.0.0"), 5000};
  IpPrefixRoute t5v6{rd("10.0.0.11:5"), {}, 0, *IpPrefix::parse("2001:db8:1::/64"), ip("::"), 5000};
  EthernetAutoDiscoveryRoute t1{rd("10.0.0.11:1"), {}, 0xffffffff, 0};
  t1.esi.bytes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EthernetSegmentRoute t4{rd("10.0.0.11:1"), t1.esi, ip("10.0.0.11")};
  UnknownEvpnRoute t9{9, {1, 2, 3}};
  for (EvpnRoute r :
       std::initializer_list<EvpnRoute>{t1, t2, t2ip, t2v6, t3, t3v6, t4, t5, t5v6, t9}) {
    mp.evpn.push_back(EvpnNlri{0, r});
  }
  u.path_attributes.push_back(make_attribute(kMpReachNlri, mp));
  u.path_attributes.push_back(make_attribute(kOrigin, Origin{0}));
  u.path_attributes.push_back(make_attribute(kAsPath, AsPath{{{2, {65011, 4200000000}}}}));
  u.path_attributes.push_back(
      make_attribute(kExtendedCommunities,
                     ExtendedCommunities{{RouteTarget{*AdminAssigned::parse("65011:100")},
                                          EncapsulationCommunity{}, MacMobility{false, 3}}}));
  PmsiTunnel pmsi;
  pmsi.label = 100;
  pmsi.tunnel_id = {10, 0, 0, 11};
  u.path_attributes.push_back(make_attribute(kPmsiTunnel, pmsi));
  return u;
}

TEST(CodecRoundTrip, EvpnUpdateAllRouteTypes) {
  UpdateMessage u = evpn_update();
  expect_round_trip(Message{u});
  auto back = decode_message(encode(Message{u}, {}), {});
  ASSERT_TRUE(back.ok());
  const auto& d = std::get<UpdateMessage>(*back);
  EXPECT_TRUE(d.errors.empty());
  const auto* mp = d.get<MpReachNlri>(kMpReachNlri);
  ASSERT_NE(mp, nullptr);
  ASSERT_EQ(mp->evpn.size(), 10u);
  EXPECT_EQ(mp->next_hop_address().to_string(), "10.0.0.11");
  std::vector<std::string> text;
  for (const auto& n : mp->evpn) text.push_back(to_string(n.route));
  EXPECT_EQ(text[1], "[2]:[0]:[48]:[00:00:5e:00:53:01]");
  EXPECT_EQ(text[2], "[2]:[0]:[48]:[00:00:5e:00:53:01]:[32]:[192.0.2.10]");
  EXPECT_EQ(text[4], "[3]:[0]:[32]:[10.0.0.11]");
  EXPECT_EQ(text[7], "[5]:[0]:[24]:[10.1.0.0]");
  EXPECT_EQ(route_type(mp->evpn[9].route), 9);
  EXPECT_EQ(std::get<MacIpAdvertisementRoute>(mp->evpn[2].route).vni(), 100u);
  EXPECT_EQ(std::get<MacIpAdvertisementRoute>(mp->evpn[2].route).label2, 5000u);
  EXPECT_EQ(d.get<PmsiTunnel>(kPmsiTunnel)->tunnel_endpoint().to_string(), "10.0.0.11");
  EXPECT_EQ(d.get<AsPath>(kAsPath)->to_string(), "65011 4200000000");
}

TEST(CodecRoundTrip, EvpnWireLengths) {
  // RFC 9136 §3.1: type 5 is exactly 34 (IPv4) or 58 (IPv6) octets; type 2 with IPv4 is 37.
  UpdateMessage u = evpn_update();
  const auto& mp = std::get<MpReachNlri>(u.path_attributes[0].value);
  std::vector<size_t> lengths;
  for (const auto& n : mp.evpn) {
    std::vector<uint8_t> wire;
    Writer w(wire);
    encode(n, false, w);
    EXPECT_EQ(wire[1] + 2u, wire.size());
    lengths.push_back(wire[1]);
  }
  EXPECT_EQ(lengths, (std::vector<size_t>{25, 33, 40, 49, 17, 29, 23, 34, 58, 3}));
}

TEST(CodecRoundTrip, AddPathAndTwoOctetAs) {
  DecodeContext ctx;
  ctx.four_octet_as = false;
  ctx.add_path[static_cast<size_t>(Family::kIpv4Unicast)] = true;
  ctx.add_path[static_cast<size_t>(Family::kL2vpnEvpn)] = true;
  UpdateMessage u = evpn_update();
  u.path_attributes[2] = make_attribute(kAsPath, AsPath{{{2, {65011, 23456}}, {1, {1, 2}}}});
  u.path_attributes.push_back(
      make_attribute(kAs4Path, AsPath{{{2, {65011, 4200000000}}, {1, {1, 2}}}}));
  u.path_attributes.push_back(make_attribute(kAggregator, Aggregator{23456, ip("10.0.0.1")}));
  u.path_attributes.push_back(make_attribute(kNextHop, NextHop{ip("10.0.0.11")}));
  std::get<MpReachNlri>(u.path_attributes[0].value).evpn[1].path_id = 7;
  u.nlri.push_back(PrefixNlri{3, *IpPrefix::parse("10.9.0.0/16")});
  u.withdrawn_routes.push_back(PrefixNlri{4, *IpPrefix::parse("10.8.0.0/15")});
  expect_round_trip(Message{u}, ctx);
  // The same bytes read without add-path are a different message (or an error), never equal.
  Bytes wire = encode(Message{u}, ctx);
  auto other = decode_message(wire, DecodeContext{});
  EXPECT_TRUE(!other.ok() || !(*other == Message{u}));
  auto d = decode_message(wire, ctx);
  ASSERT_TRUE(d.ok());
  const auto& du = std::get<UpdateMessage>(*d);
  EXPECT_EQ(du.get<AsPath>(kAsPath)->segments[0].asns[1], 23456u);
  EXPECT_EQ(du.get<AsPath>(kAs4Path)->segments[0].asns[1], 4200000000u);
  EXPECT_EQ(du.get<MpReachNlri>(kMpReachNlri)->evpn[1].path_id, 7u);
  EXPECT_EQ(du.nlri[0].path_id, 3u);
}

TEST(CodecRoundTrip, UnicastAttributes) {
  UpdateMessage u;
  u.path_attributes.push_back(make_attribute(kOrigin, Origin{2}));
  u.path_attributes.push_back(make_attribute(kAsPath, AsPath{{{3, {65100}}, {2, {65001}}}}));
  u.path_attributes.push_back(make_attribute(kNextHop, NextHop{ip("10.0.0.1")}));
  u.path_attributes.push_back(make_attribute(kMultiExitDisc, MultiExitDisc{10}));
  u.path_attributes.push_back(make_attribute(kLocalPref, LocalPref{200}));
  u.path_attributes.push_back(make_attribute(kAtomicAggregate, AtomicAggregate{}));
  u.path_attributes.push_back(make_attribute(kAggregator, Aggregator{65001, ip("10.0.0.1")}));
  u.path_attributes.push_back(make_attribute(kCommunities, Communities{{0xfde80064, 0xffffff01}}));
  u.path_attributes.push_back(make_attribute(kOriginatorId, OriginatorId{ip("10.0.0.9")}));
  u.path_attributes.push_back(make_attribute(kClusterList, ClusterList{{0x0a000001}}));
  u.path_attributes.push_back(
      make_attribute(kAs4Aggregator, Aggregator{4200000000, ip("1.2.3.4")}));
  u.path_attributes.push_back(make_attribute(kLargeCommunities, LargeCommunities{{{1, 2, 3}}}));
  u.path_attributes.push_back(PathAttribute{0xc0, 99, UnknownAttribute{{1, 2, 3}}});
  MpReachNlri v6;
  v6.afi = 2;
  v6.safi = 1;
  v6.next_hop = from_hex("20010db8000000000000000000000001 fe800000000000000000000000000001");
  v6.prefixes.push_back({0, *IpPrefix::parse("2001:db8:5::/48")});
  u.path_attributes.push_back(make_attribute(kMpReachNlri, v6));
  MpUnreachNlri un;
  un.afi = 25;
  un.safi = 70;
  un.evpn.push_back({0, InclusiveMulticastRoute{rd("10.0.0.1:2"), 0, ip("10.0.0.1")}});
  u.path_attributes.push_back(make_attribute(kMpUnreachNlri, un));
  u.nlri.push_back({0, *IpPrefix::parse("10.0.0.0/8")});
  u.nlri.push_back({0, *IpPrefix::parse("0.0.0.0/0")});
  expect_round_trip(Message{u});
  EXPECT_EQ(std::get<AsPath>(u.path_attributes[1].value).to_string(), "(65100) 65001");
  EXPECT_EQ(std::get<AsPath>(u.path_attributes[1].value).length(), 1u);
  EXPECT_EQ(v6.link_local_next_hop().to_string(), "fe80::1");
}

TEST(CodecRoundTrip, LongAttributeGetsExtendedLength) {
  UpdateMessage u;
  Communities many;
  for (uint32_t i = 0; i < 100; ++i) many.values.push_back(i);
  u.path_attributes.push_back(make_attribute(kCommunities, many));
  Bytes wire = encode(Message{u}, {});
  EXPECT_EQ(wire[23] & kFlagExtendedLength, kFlagExtendedLength);
  auto back = decode_message(wire, {});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<UpdateMessage>(*back).get<Communities>(kCommunities)->values.size(), 100u);
}

TEST(CodecRoundTrip, ReadvertisementSetsPartialOnUnknownTransitive) {
  std::vector<PathAttribute> attrs = {
      make_attribute(kOrigin, Origin{0}),
      PathAttribute{kFlagOptional | kFlagTransitive, 99, UnknownAttribute{{1}}},
      PathAttribute{kFlagOptional, 98, UnknownAttribute{{2}}},
  };
  auto out = for_readvertisement(attrs);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].type, 99);
  EXPECT_EQ(out[1].flags, kFlagOptional | kFlagTransitive | kFlagPartial);
}

TEST(CodecRoundTrip, NotificationKeepaliveRouteRefresh) {
  auto n = NotificationMessage::shutdown(2, "maintenance, back at 10:00");
  expect_round_trip(Message{n});
  EXPECT_EQ(n.shutdown_communication(), "maintenance, back at 10:00");
  EXPECT_FALSE((NotificationMessage{6, 2, {10, 'a'}}.shutdown_communication()));  // overrun
  EXPECT_FALSE((NotificationMessage{4, 0, {}}.shutdown_communication()));
  expect_round_trip(Message{NotificationMessage{3, 11, {1, 2}}});
  expect_round_trip(Message{KeepaliveMessage{}});
  expect_round_trip(Message{RouteRefreshMessage{25, 1, 70}});
  EXPECT_EQ(encode(Message{KeepaliveMessage{}}, {}),
            from_hex("ffffffffffffffffffffffffffffffff 0013 04"));
}

TEST(CodecRoundTrip, EndOfRib) {
  UpdateMessage ipv4_eor;
  EXPECT_EQ(ipv4_eor.end_of_rib(), (std::pair<uint16_t, uint8_t>{1, 1}));
  UpdateMessage evpn_eor;
  MpUnreachNlri empty;
  empty.afi = 25;
  empty.safi = 70;
  evpn_eor.path_attributes.push_back(make_attribute(kMpUnreachNlri, empty));
  EXPECT_EQ(evpn_eor.end_of_rib(), (std::pair<uint16_t, uint8_t>{25, 70}));
  EXPECT_FALSE(evpn_update().end_of_rib());
}

TEST(CodecNames, NotificationCodes) {
  EXPECT_EQ(error_code_name(6), "Cease");
  EXPECT_EQ(error_subcode_name(6, 2), "Administrative Shutdown");
  EXPECT_EQ(error_subcode_name(6, 7), "Connection Collision Resolution");
  EXPECT_EQ(error_subcode_name(6, 10), "BFD Down");
  EXPECT_EQ(error_subcode_name(3, 11), "Malformed AS_PATH");
  EXPECT_EQ(error_subcode_name(2, 7), "Unsupported Capability");
  EXPECT_EQ(error_subcode_name(1, 2), "Bad Message Length");
  EXPECT_EQ(error_subcode_name(5, 3), "Receive Unexpected Message in Established State");
  EXPECT_EQ(error_subcode_name(7, 1), "Invalid Message Length");
  EXPECT_EQ(error_subcode_name(6, 99), "subcode 99");
  EXPECT_EQ(error_code_name(4), "Hold Timer Expired");
}

TEST(CodecFraming, StreamSplitting) {
  Bytes ka = encode(Message{KeepaliveMessage{}}, {});
  Bytes two = testing::cat({ka, ka});
  auto len = frame_length(two, {});
  ASSERT_TRUE(len.ok());
  EXPECT_EQ(*len, 19u);
  EXPECT_EQ(*frame_length(std::span(two).first(10), {}), 0u);  // needs more bytes
}

}  // namespace
}  // namespace evpnd::codec
