// Tests of bgpd/rib: decision process, EVPN MAC mobility rules, input handling (RFC 7606
// treat-as-withdraw, loop detection, route reflection), Adj-RIB-Out policy and packing,
// End-of-RIB, route refresh, graceful restart, interning, local origination and the change feed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "bgpd/codec/message.h"
#include "bgpd/rib/decision.h"
#include "bgpd/rib/rib.h"
#include "bgpd/rib/update_packer.h"

namespace evpnd::rib {
namespace {

using codec::Family;
using codec::IpAddress;
using codec::PathAttribute;
using codec::UpdateMessage;

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

constexpr uint32_t kOurAsn = 65000;
constexpr PeerId kE1 = 1;  // eBGP 65001
constexpr PeerId kE2 = 2;  // eBGP 65002
constexpr PeerId kI1 = 3;  // iBGP, not a client
constexpr PeerId kI2 = 4;  // iBGP, not a client
constexpr PeerId kC1 = 5;  // iBGP RR client
constexpr PeerId kC2 = 6;  // iBGP RR client

const FamilySet kAll{Family::kIpv4Unicast, Family::kIpv6Unicast, Family::kL2vpnEvpn};

RibConfig config() {
  RibConfig c;
  c.asn = kOurAsn;
  c.router_id = ip("10.0.0.1");
  c.cluster_id = ip("10.0.0.100");
  return c;
}

PeerInfo peer(PeerId id, FamilySet families = kAll) {
  PeerInfo p;
  const std::string n = std::to_string(id);
  p.address = ip(("192.0.2." + n).c_str());
  p.router_id = ip((n + "." + n + "." + n + "." + n).c_str());
  p.local_asn = kOurAsn;
  p.local_address = ip("192.0.2.254");
  p.families = families;
  if (id == kE1 || id == kE2) {
    p.remote_asn = 65000 + id;
  } else {
    p.remote_asn = kOurAsn;
    p.ibgp = true;
    p.route_reflector_client = id == kC1 || id == kC2;
  }
  return p;
}

// --- Attribute and message builders -------------------------------------------------------

PathAttribute origin(uint8_t v = 0) {
  return codec::make_attribute(codec::kOrigin, codec::Origin{v});
}
PathAttribute as_path(std::vector<uint32_t> asns) {
  codec::AsPath p;
  if (!asns.empty()) p.segments.push_back({2, std::move(asns)});
  return codec::make_attribute(codec::kAsPath, p);
}
PathAttribute local_pref(uint32_t v) {
  return codec::make_attribute(codec::kLocalPref, codec::LocalPref{v});
}
PathAttribute med(uint32_t v) {
  return codec::make_attribute(codec::kMultiExitDisc, codec::MultiExitDisc{v});
}
PathAttribute originator(const char* id) {
  return codec::make_attribute(codec::kOriginatorId, codec::OriginatorId{ip(id)});
}
PathAttribute cluster_list(std::vector<uint32_t> ids) {
  return codec::make_attribute(codec::kClusterList, codec::ClusterList{std::move(ids)});
}
PathAttribute ext_communities(uint32_t vni, std::optional<codec::MacMobility> mm = {}) {
  codec::ExtendedCommunities ec;
  ec.values.push_back(codec::RouteTarget{codec::AdminAssigned{0, 65001, vni}});
  ec.values.push_back(codec::EncapsulationCommunity{});
  if (mm) ec.values.push_back(*mm);
  return codec::make_attribute(codec::kExtendedCommunities, ec);
}

std::vector<PathAttribute> evpn_attrs(std::vector<uint32_t> path = {65001}) {
  return {origin(), as_path(std::move(path)), ext_communities(100)};
}

codec::MacIpAdvertisementRoute mac_ip(uint32_t n, uint32_t vni = 100, bool with_ip = true) {
  codec::MacIpAdvertisementRoute r;
  r.rd = codec::RouteDistinguisher::from(codec::AdminAssigned{1, 0x0a000002, 1});
  r.mac.bytes = {0x02,
                 0,
                 static_cast<uint8_t>(n >> 24),
                 static_cast<uint8_t>(n >> 16),
                 static_cast<uint8_t>(n >> 8),
                 static_cast<uint8_t>(n)};
  if (with_ip) r.ip = IpAddress::v4(0x0a640000u + n);
  r.label1 = vni;
  return r;
}

UpdateMessage evpn_update(const std::vector<codec::EvpnRoute>& routes,
                          std::vector<PathAttribute> attrs = evpn_attrs(),
                          const char* next_hop = "10.0.0.2", uint32_t path_id = 0) {
  codec::MpReachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  mp.set_next_hop(ip(next_hop));
  for (const auto& r : routes) mp.evpn.push_back({path_id, r});
  UpdateMessage u;
  u.path_attributes.push_back(codec::make_attribute(codec::kMpReachNlri, std::move(mp)));
  for (auto& a : attrs) u.path_attributes.push_back(std::move(a));
  return u;
}

UpdateMessage evpn_withdraw(const std::vector<codec::EvpnRoute>& routes) {
  codec::MpUnreachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  for (const auto& r : routes) mp.evpn.push_back({0, r});
  UpdateMessage u;
  u.path_attributes.push_back(codec::make_attribute(codec::kMpUnreachNlri, std::move(mp)));
  return u;
}

codec::IpPrefix pfx(const char* s) { return *codec::IpPrefix::parse(s); }

UpdateMessage v4_update(const std::vector<const char*>& prefixes, std::vector<PathAttribute> attrs,
                        const char* next_hop = "192.0.2.1") {
  UpdateMessage u;
  u.path_attributes = std::move(attrs);
  u.path_attributes.push_back(codec::make_attribute(codec::kNextHop, codec::NextHop{ip(next_hop)}));
  std::stable_sort(u.path_attributes.begin(), u.path_attributes.end(),
                   [](const auto& a, const auto& b) { return a.type < b.type; });
  for (const char* p : prefixes) u.nlri.push_back({0, pfx(p)});
  return u;
}

UpdateMessage v4_withdraw(const std::vector<const char*>& prefixes) {
  UpdateMessage u;
  for (const char* p : prefixes) u.withdrawn_routes.push_back({0, pfx(p)});
  return u;
}

UpdateMessage eor(Family f) {
  if (f == Family::kIpv4Unicast) return UpdateMessage{};
  codec::MpUnreachNlri mp;
  mp.afi = codec::afi_of(f);
  mp.safi = codec::safi_of(f);
  UpdateMessage u;
  u.path_attributes.push_back(codec::make_attribute(codec::kMpUnreachNlri, mp));
  return u;
}

// --- Inspecting output --------------------------------------------------------------------

struct Sent {
  std::vector<codec::EvpnNlri> evpn_announced;
  std::vector<codec::EvpnNlri> evpn_withdrawn;
  std::vector<codec::PrefixNlri> v4_announced;
  std::vector<codec::PrefixNlri> v4_withdrawn;
  std::vector<Family> eor;
  std::vector<const UpdateMessage*> announcements;
};

Sent summarize(const std::vector<UpdateMessage>& msgs) {
  Sent s;
  for (const auto& u : msgs) {
    if (auto e = u.end_of_rib()) {
      s.eor.push_back(*codec::family_of(e->first, e->second));
      continue;
    }
    for (const auto& n : u.nlri) s.v4_announced.push_back(n);
    for (const auto& n : u.withdrawn_routes) s.v4_withdrawn.push_back(n);
    if (auto* r = u.get<codec::MpReachNlri>(codec::kMpReachNlri)) {
      s.evpn_announced.insert(s.evpn_announced.end(), r->evpn.begin(), r->evpn.end());
    }
    if (auto* r = u.get<codec::MpUnreachNlri>(codec::kMpUnreachNlri)) {
      s.evpn_withdrawn.insert(s.evpn_withdrawn.end(), r->evpn.begin(), r->evpn.end());
    }
    if (!u.nlri.empty() || u.attribute(codec::kMpReachNlri)) s.announcements.push_back(&u);
  }
  return s;
}

std::vector<BestPathChange> drain(Rib& rib) {
  std::vector<BestPathChange> out;
  rib.drain_changes([&](const BestPathChange& c) { out.push_back(c); });
  return out;
}

// Brings peers up and flushes their initial dumps.
void up(Rib& rib, std::initializer_list<PeerId> ids) {
  for (PeerId id : ids) {
    rib.peer_up(id, peer(id));
    rib.take_updates(id);
  }
}

// ==========================================================================================
// Decision process, step by step (RFC 4271 §9.1.2.2, RFC 4456 §9, RFC 7432 §15).

class RibDecisionTest : public ::testing::Test {
 protected:
  Candidate make(AttrSet& a) {
    Candidate c;
    c.attrs = &a;
    c.router_id = 0x01010101;
    c.peer_address = ip("192.0.2.1");
    return c;
  }
  AttrSet x, y;
};

TEST_F(RibDecisionTest, StickyMacWinsFirst) {
  Candidate a = make(x), b = make(y);
  a.mac_ip_route = b.mac_ip_route = true;
  x.sticky_mac = true;
  y.mac_mobility_sequence = 9;
  b.weight = kLocalWeight;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kStickyMac);
  EXPECT_TRUE(compare(a, b).first_wins);
  EXPECT_FALSE(compare(b, a).first_wins);
}

TEST_F(RibDecisionTest, HigherMobilitySequenceBeatsLocalWeight) {
  Candidate a = make(x), b = make(y);
  a.mac_ip_route = b.mac_ip_route = true;
  x.mac_mobility_sequence = 2;
  b.weight = kLocalWeight;
  const Verdict v = compare(a, b);
  EXPECT_EQ(v.step, DecisionStep::kMacMobilitySequence);
  EXPECT_TRUE(v.first_wins);
}

TEST_F(RibDecisionTest, MobilityRulesOnlyForMacIpRoutes) {
  Candidate a = make(x), b = make(y);
  x.mac_mobility_sequence = 2;
  b.weight = kLocalWeight;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kWeight);
  EXPECT_FALSE(compare(a, b).first_wins);
}

TEST_F(RibDecisionTest, EachStepInOrder) {
  Candidate a = make(x), b = make(y);
  b.weight = 1;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kWeight);
  EXPECT_FALSE(compare(a, b).first_wins);
  b.weight = 0;

  x.local_pref = 200;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kLocalPref);
  EXPECT_TRUE(compare(a, b).first_wins);
  x.local_pref = kDefaultLocalPref;

  y.as_path_length = 1;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kAsPathLength);
  EXPECT_TRUE(compare(a, b).first_wins);
  y.as_path_length = 0;

  x.origin = 2;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kOrigin);
  EXPECT_FALSE(compare(a, b).first_wins);
  x.origin = 0;

  x.neighbor_as = y.neighbor_as = 65001;
  x.med = 10;
  y.med = 5;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kMed);
  EXPECT_FALSE(compare(a, b).first_wins);
  y.neighbor_as = 65002;  // Different neighbour AS: MED is not compared.
  EXPECT_NE(compare(a, b).step, DecisionStep::kMed);
  x.med = y.med = 0;

  b.ebgp = true;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kExternal);
  EXPECT_FALSE(compare(a, b).first_wins);
  b.ebgp = false;

  b.router_id = 0x00000001;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kRouterId);
  EXPECT_FALSE(compare(a, b).first_wins);
  x.has_originator_id = true;  // ORIGINATOR_ID replaces the router id (RFC 4456 §9).
  x.originator_id = 0;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kRouterId);
  EXPECT_TRUE(compare(a, b).first_wins);
  x.has_originator_id = false;
  b.router_id = a.router_id;

  x.cluster_list_length = 2;
  y.cluster_list_length = 1;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kClusterListLength);
  EXPECT_FALSE(compare(a, b).first_wins);
  x.cluster_list_length = y.cluster_list_length = 0;

  b.peer_address = ip("192.0.2.0");
  EXPECT_EQ(compare(a, b).step, DecisionStep::kPeerAddress);
  EXPECT_FALSE(compare(a, b).first_wins);
  b.peer_address = a.peer_address;

  b.path_id = 1;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kPathId);
  EXPECT_TRUE(compare(a, b).first_wins);
  b.path_id = 0;
  EXPECT_EQ(compare(a, b).step, DecisionStep::kEqual);
  EXPECT_STREQ(to_string(DecisionStep::kMed), "med");
}

// Through the RIB: the Loc-RIB follows the decision process as paths come and go.
TEST(RibBestPath, FollowsDecisionAsPathsComeAndGo) {
  Rib rib(config());
  up(rib, {kE1, kE2, kI1});
  const auto r = mac_ip(1);
  rib.apply(kE1, evpn_update({r}, evpn_attrs({65001, 65100})));
  rib.apply(kE2, evpn_update({r}, evpn_attrs({65002})));
  EXPECT_EQ(rib.best(r)->peer, kE2);  // Shorter AS_PATH.
  EXPECT_EQ(rib.paths(r).size(), 2u);

  // iBGP with a higher LOCAL_PREF wins over both.
  auto attrs = evpn_attrs({65003, 65004, 65005});
  attrs.push_back(local_pref(300));
  rib.apply(kI1, evpn_update({r}, attrs));
  EXPECT_EQ(rib.best(r)->peer, kI1);

  // LOCAL_PREF from an eBGP peer is ignored (RFC 4271 §5.1.5).
  auto ebgp_lp = evpn_attrs({65001, 65100, 65200});
  ebgp_lp.push_back(local_pref(1000));
  rib.apply(kE1, evpn_update({r}, ebgp_lp));
  EXPECT_EQ(rib.best(r)->peer, kI1);

  rib.apply(kI1, evpn_withdraw({r}));
  EXPECT_EQ(rib.best(r)->peer, kE2);
  rib.apply(kE2, evpn_withdraw({r}));
  EXPECT_EQ(rib.best(r)->peer, kE1);
  rib.apply(kE1, evpn_withdraw({r}));
  EXPECT_FALSE(rib.best(r));
}

// The FIB installs every equally good unicast path (ECMP), so the change feed reports a unicast
// destination when a path other than the best comes, changes or goes; EVPN only on best changes.
TEST(RibChangeFeed, UnicastReportsEveryPathChangeEvpnOnlyBest) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  const std::vector<PathAttribute> v4_attrs1 = {origin(), as_path({65001})};
  const std::vector<PathAttribute> v4_attrs2 = {origin(), as_path({65002})};
  rib.apply(kE1, v4_update({"10.0.0.99/32"}, v4_attrs1, "192.0.2.1"));
  ASSERT_EQ(drain(rib).size(), 1u);
  rib.apply(kE2, v4_update({"10.0.0.99/32"}, v4_attrs2, "192.0.2.2"));  // Second, not best.
  auto changes = drain(rib);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kChanged);
  EXPECT_EQ(changes[0].best.peer, kE1);
  EXPECT_EQ(rib.paths(pfx("10.0.0.99/32")).size(), 2u);
  rib.apply(kE2, v4_update({"10.0.0.99/32"}, v4_attrs2, "192.0.2.2"));  // Repeated: nothing.
  EXPECT_TRUE(drain(rib).empty());
  rib.apply(kE2, v4_withdraw({"10.0.0.99/32"}));  // The non-best path goes.
  changes = drain(rib);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].best.peer, kE1);

  const auto r = mac_ip(1);
  rib.apply(kE1, evpn_update({r}, evpn_attrs({65001})));
  ASSERT_EQ(drain(rib).size(), 1u);
  rib.apply(kE2, evpn_update({r}, evpn_attrs({65002, 65003})));  // Not best: no change.
  EXPECT_TRUE(drain(rib).empty());
  rib.apply(kE2, evpn_withdraw({r}));
  EXPECT_TRUE(drain(rib).empty());
}

TEST(RibBestPath, PathsTellEbgpFromIbgp) {
  Rib rib(config());
  up(rib, {kE1, kI1});
  rib.apply(kE1, v4_update({"10.0.0.99/32"}, {origin(), as_path({65001})}, "192.0.2.1"));
  rib.apply(kI1, v4_update({"10.0.0.99/32"}, {origin(), as_path({65001})}, "192.0.2.2"));
  const auto paths = rib.paths(pfx("10.0.0.99/32"));
  ASSERT_EQ(paths.size(), 2u);
  for (const auto& p : paths) EXPECT_EQ(p.ebgp, p.peer == kE1) << "peer " << p.peer;
  EXPECT_EQ(paths.front().peer, kE1);  // RFC 4271 §9.1.2.2 d: eBGP first.
}

TEST(RibBestPath, LowerOriginThenMedFromSameNeighbourAs) {
  Rib rib(config());
  up(rib, {kE1, kI1, kI2});
  // Two iBGP paths via the same neighbour AS 65001: MED decides.
  auto a = std::vector<PathAttribute>{origin(), as_path({65001}), med(50)};
  auto b = std::vector<PathAttribute>{origin(), as_path({65001}), med(20)};
  rib.apply(kI1, v4_update({"10.1.0.0/16"}, a));
  rib.apply(kI2, v4_update({"10.1.0.0/16"}, b));
  EXPECT_EQ(rib.best(pfx("10.1.0.0/16"))->peer, kI2);
  // ORIGIN beats MED.
  auto c = std::vector<PathAttribute>{origin(1), as_path({65001}), med(0)};
  rib.apply(kI1, v4_update({"10.1.0.0/16"}, c));
  EXPECT_EQ(rib.best(pfx("10.1.0.0/16"))->peer, kI2);
  // eBGP over iBGP at equal attributes.
  rib.apply(kE1, v4_update({"10.1.0.0/16"}, b));
  EXPECT_EQ(rib.best(pfx("10.1.0.0/16"))->peer, kE1);
}

TEST(RibBestPath, RouterIdThenClusterListThenPeerAddress) {
  Rib rib(config());
  up(rib, {kC1, kC2});
  // Same router id via ORIGINATOR_ID: the shorter CLUSTER_LIST wins.
  auto a = std::vector<PathAttribute>{origin(), as_path({}), originator("9.9.9.9"),
                                      cluster_list({1, 2})};
  auto b =
      std::vector<PathAttribute>{origin(), as_path({}), originator("9.9.9.9"), cluster_list({3})};
  rib.apply(kC1, v4_update({"10.2.0.0/16"}, b));
  rib.apply(kC2, v4_update({"10.2.0.0/16"}, a));
  EXPECT_EQ(rib.best(pfx("10.2.0.0/16"))->peer, kC1);
  // Without ORIGINATOR_ID the lower router id (5.5.5.5 < 6.6.6.6) wins.
  auto c = std::vector<PathAttribute>{origin(), as_path({})};
  rib.apply(kC1, v4_update({"10.3.0.0/16"}, c));
  rib.apply(kC2, v4_update({"10.3.0.0/16"}, c));
  EXPECT_EQ(rib.best(pfx("10.3.0.0/16"))->peer, kC1);
}

// ==========================================================================================
// EVPN (RFC 7432 §15) and the NLRI key.

TEST(RibEvpn, StickyThenSequenceThenLocal) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  const auto r = mac_ip(7);
  ASSERT_TRUE(rib.originate(r, evpn_attrs({}), ip("10.0.0.1")));
  EXPECT_EQ(rib.best(r)->peer, kLocalPeer);
  // Same sequence (0): the local route wins by weight.
  rib.apply(kE1, evpn_update({r}));
  EXPECT_EQ(rib.best(r)->peer, kLocalPeer);
  // The MAC moved behind E1: sequence 1 beats our sequence 0.
  rib.apply(kE1, evpn_update({r}, {origin(), as_path({65001}),
                                   ext_communities(100, codec::MacMobility{false, 1})}));
  EXPECT_EQ(rib.best(r)->peer, kE1);
  // A sticky MAC wins over a higher sequence.
  rib.apply(kE2, evpn_update({r}, {origin(), as_path({65002}),
                                   ext_communities(100, codec::MacMobility{true, 0})}));
  EXPECT_EQ(rib.best(r)->peer, kE2);
  EXPECT_TRUE(rib.best(r)->attributes->sticky_mac);
}

TEST(RibEvpn, KeyExcludesEsiAndLabels) {
  Rib rib(config());
  up(rib, {kE1});
  auto r = mac_ip(3, 100);
  rib.apply(kE1, evpn_update({r}));
  r.label1 = 200;
  r.esi.bytes[9] = 1;
  rib.apply(kE1, evpn_update({r}));  // Same destination: replaces the path.
  const auto paths = rib.paths(mac_ip(3, 999));
  ASSERT_EQ(paths.size(), 1u);
  const auto& got =
      std::get<codec::MacIpAdvertisementRoute>(std::get<codec::EvpnRoute>(paths[0].nlri));
  EXPECT_EQ(got.label1, 200u);
  EXPECT_EQ(got.esi.bytes[9], 1);
  // The IP is part of the key: MAC-only is another destination.
  EXPECT_FALSE(rib.best(mac_ip(3, 100, false)));
  EXPECT_EQ(rib.stats().destinations, 1u);
}

TEST(RibEvpn, Type5KeyExcludesGatewayAndLabel) {
  Rib rib(config());
  up(rib, {kE1});
  codec::IpPrefixRoute t5;
  t5.rd = codec::RouteDistinguisher::from(codec::AdminAssigned{0, 65001, 5000});
  t5.prefix = pfx("10.9.0.0/24");
  t5.gateway = IpAddress::v4(0);
  t5.label = 5000;
  rib.apply(kE1, evpn_update({t5}));
  t5.label = 5001;
  t5.gateway = ip("10.9.0.1");
  rib.apply(kE1, evpn_update({t5}));
  EXPECT_EQ(rib.stats().destinations, 1u);
  const auto best = rib.best(t5);
  ASSERT_TRUE(best);
  const auto& got = std::get<codec::IpPrefixRoute>(std::get<codec::EvpnRoute>(best->nlri));
  EXPECT_EQ(got.label, 5001u);
  EXPECT_EQ(got.gateway, ip("10.9.0.1"));
  // Types 1, 3 and 4 are distinct destinations with the same RD.
  codec::InclusiveMulticastRoute t3{t5.rd, 0, ip("10.0.0.2")};
  codec::EthernetSegmentRoute t4{t5.rd, {}, ip("10.0.0.2")};
  codec::EthernetAutoDiscoveryRoute t1{t5.rd, {}, 0, 7};
  rib.apply(kE1, evpn_update({t3, t4, t1}));
  EXPECT_EQ(rib.stats().destinations, 4u);
}

TEST(RibEvpn, AddPathKeepsOnePathPerPathId) {
  Rib rib(config());
  PeerInfo p = peer(kI1);
  p.context.add_path[static_cast<size_t>(Family::kL2vpnEvpn)] = true;
  rib.peer_up(kI1, p);
  const auto r = mac_ip(1);
  rib.apply(kI1, evpn_update({r}, evpn_attrs(), "10.0.0.2", 1));
  rib.apply(kI1, evpn_update({r}, evpn_attrs(), "10.0.0.3", 2));
  EXPECT_EQ(rib.paths(r).size(), 2u);
  EXPECT_EQ(rib.best(r)->path_id, 1u);
}

// ==========================================================================================
// Input handling.

TEST(RibInput, TreatAsWithdrawWithdrawsEveryNlri) {
  Rib rib(config());
  up(rib, {kE1});
  rib.apply(kE1, evpn_update({mac_ip(1), mac_ip(2)}));
  rib.apply(kE1, v4_update({"10.1.0.0/16"}, {origin(), as_path({65001})}));
  ASSERT_EQ(rib.stats().destinations, 3u);

  auto bad = evpn_update({mac_ip(1), mac_ip(2)});
  bad.errors.push_back(codec::DecodeError{codec::ErrorAction::kTreatAsWithdraw, 3, 11, {}, 0, ""});
  const ApplyResult r = rib.apply(kE1, bad);
  EXPECT_TRUE(r.treat_as_withdraw);
  EXPECT_EQ(r.withdrawn, 2u);
  EXPECT_EQ(r.announced, 0u);

  auto bad4 = v4_update({"10.1.0.0/16"}, {origin(), as_path({65001})});
  bad4.errors.push_back(codec::DecodeError{codec::ErrorAction::kTreatAsWithdraw, 3, 1, {}, 0, ""});
  EXPECT_TRUE(rib.apply(kE1, bad4).treat_as_withdraw);
  EXPECT_EQ(rib.stats().destinations, 0u);
}

TEST(RibInput, AttributeDiscardKeepsRoutes) {
  Rib rib(config());
  up(rib, {kE1});
  auto u = evpn_update({mac_ip(1)});
  u.errors.push_back(codec::DecodeError{codec::ErrorAction::kAttributeDiscard, 3, 5, {}, 0, ""});
  EXPECT_EQ(rib.apply(kE1, u).announced, 1u);
  EXPECT_TRUE(rib.best(mac_ip(1)));
}

TEST(RibInput, AsPathLoopIsNotUsed) {
  Rib rib(config());
  up(rib, {kE1});
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  ASSERT_TRUE(rib.best(mac_ip(1)));
  // Our ASN in the path: the route is not used, and replaces (withdraws) the earlier one.
  const ApplyResult r = rib.apply(kE1, evpn_update({mac_ip(1)}, evpn_attrs({65001, kOurAsn})));
  EXPECT_EQ(r.rejected_loop, 1u);
  EXPECT_FALSE(rib.best(mac_ip(1)));
  EXPECT_EQ(rib.apply(kE1, v4_update({"10.0.0.0/8"}, {origin(), as_path({kOurAsn})})).rejected_loop,
            1u);
  EXPECT_EQ(rib.stats().destinations, 0u);
}

TEST(RibInput, LoopOnSessionLocalAsn) {
  Rib rib(config());
  PeerInfo p = peer(kE1);
  p.local_asn = 64999;  // "local-as" on this session.
  rib.peer_up(kE1, p);
  EXPECT_EQ(rib.apply(kE1, evpn_update({mac_ip(1)}, evpn_attrs({65001, 64999}))).rejected_loop, 1u);
}

TEST(RibInput, RouteReflectionLoops) {
  Rib rib(config());
  up(rib, {kC1});
  auto attrs = evpn_attrs({});
  attrs.push_back(originator("10.0.0.1"));  // Our router id.
  EXPECT_EQ(rib.apply(kC1, evpn_update({mac_ip(1)}, attrs)).rejected_loop, 1u);
  auto attrs2 = evpn_attrs({});
  attrs2.push_back(cluster_list({0x01020304, IpAddress::parse("10.0.0.100")->v4_value()}));
  EXPECT_EQ(rib.apply(kC1, evpn_update({mac_ip(2)}, attrs2)).rejected_loop, 1u);
  EXPECT_EQ(rib.stats().destinations, 0u);
  auto attrs3 = evpn_attrs({});
  attrs3.push_back(cluster_list({0x01020304}));
  EXPECT_EQ(rib.apply(kC1, evpn_update({mac_ip(3)}, attrs3)).announced, 1u);
}

TEST(RibInput, FamiliesNotNegotiatedAreIgnored) {
  Rib rib(config());
  rib.peer_up(kE1, peer(kE1, FamilySet{Family::kIpv4Unicast}));
  const ApplyResult r = rib.apply(kE1, evpn_update({mac_ip(1), mac_ip(2)}));
  EXPECT_EQ(r.ignored_family, 2u);
  EXPECT_EQ(rib.stats().destinations, 0u);
  // And from a peer that is not up, nothing at all.
  EXPECT_EQ(rib.apply(kE2, evpn_update({mac_ip(1)})).announced, 0u);
}

TEST(RibInput, WithdrawOfUnknownRouteIsHarmless) {
  Rib rib(config());
  up(rib, {kE1});
  EXPECT_EQ(rib.apply(kE1, evpn_withdraw({mac_ip(5)})).withdrawn, 1u);
  EXPECT_EQ(rib.apply(kE1, v4_withdraw({"10.0.0.0/8"})).withdrawn, 1u);
  EXPECT_EQ(rib.stats().destinations, 0u);
  EXPECT_TRUE(drain(rib).empty());
}

TEST(RibInput, FourOctetAsFromTwoOctetPeerIsMerged) {
  Rib rib(config());
  PeerInfo p = peer(kE1);
  p.context.four_octet_as = false;
  rib.peer_up(kE1, p);
  auto attrs = std::vector<PathAttribute>{origin(), as_path({65001, 23456})};
  codec::AsPath as4;
  as4.segments.push_back({2, {4200000001u}});
  attrs.push_back(codec::make_attribute(codec::kAs4Path, as4));
  rib.apply(kE1, v4_update({"10.4.0.0/16"}, attrs));
  const auto best = rib.best(pfx("10.4.0.0/16"));
  ASSERT_TRUE(best);
  EXPECT_EQ(best->attributes->get<codec::AsPath>(codec::kAsPath)->to_string(), "65001 4200000001");
  EXPECT_FALSE(best->attributes->attribute(codec::kAs4Path));
}

// ==========================================================================================
// Adj-RIB-Out policy.

TEST(RibExport, NotSentBackToItsSource) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  EXPECT_TRUE(summarize(rib.take_updates(kE1)).evpn_announced.empty());
  EXPECT_EQ(summarize(rib.take_updates(kE2)).evpn_announced.size(), 1u);
  // E2's own path becomes best (shorter path): what we sent E2 is withdrawn, and E1 hears E2's.
  rib.apply(kE2, evpn_update({mac_ip(1)}, evpn_attrs({})));
  const Sent to_e2 = summarize(rib.take_updates(kE2));
  EXPECT_EQ(to_e2.evpn_withdrawn.size(), 1u);
  EXPECT_EQ(summarize(rib.take_updates(kE1)).evpn_announced.size(), 1u);
}

TEST(RibExport, IbgpSplitHorizonAndReflection) {
  Rib rib(config());
  up(rib, {kE1, kI1, kI2, kC1, kC2});
  // From a non-client: to clients and eBGP, not to other non-clients.
  rib.apply(kI1, evpn_update({mac_ip(1)}, evpn_attrs({65010})));
  EXPECT_TRUE(summarize(rib.take_updates(kI2)).evpn_announced.empty());
  EXPECT_EQ(summarize(rib.take_updates(kC1)).evpn_announced.size(), 1u);
  EXPECT_EQ(summarize(rib.take_updates(kC2)).evpn_announced.size(), 1u);
  EXPECT_EQ(summarize(rib.take_updates(kE1)).evpn_announced.size(), 1u);
  // From a client: to everyone else.
  rib.apply(kC1, evpn_update({mac_ip(2)}, evpn_attrs({65010})));
  EXPECT_EQ(summarize(rib.take_updates(kI1)).evpn_announced.size(), 1u);
  EXPECT_EQ(summarize(rib.take_updates(kI2)).evpn_announced.size(), 1u);
  EXPECT_EQ(summarize(rib.take_updates(kC2)).evpn_announced.size(), 1u);

  const AttrSet* reflected = rib.advertised(kI1, mac_ip(2));
  ASSERT_TRUE(reflected);
  EXPECT_EQ(reflected->get<codec::OriginatorId>(codec::kOriginatorId)->id, ip("5.5.5.5"));
  EXPECT_EQ(reflected->get<codec::ClusterList>(codec::kClusterList)->ids,
            std::vector<uint32_t>{ip("10.0.0.100").v4_value()});
  EXPECT_EQ(reflected->local_pref, 100u);
  EXPECT_TRUE(reflected->has_local_pref);
  EXPECT_EQ(reflected->next_hop, ip("10.0.0.2"));  // EVPN next hop unchanged.

  // An existing ORIGINATOR_ID is kept, the cluster id is prepended.
  auto attrs = evpn_attrs({});
  attrs.push_back(originator("7.7.7.7"));
  attrs.push_back(cluster_list({0x0a0a0a0a}));
  rib.apply(kC1, evpn_update({mac_ip(3)}, attrs));
  rib.take_updates(kC2);
  const AttrSet* again = rib.advertised(kC2, mac_ip(3));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->get<codec::OriginatorId>(codec::kOriginatorId)->id, ip("7.7.7.7"));
  EXPECT_EQ(again->get<codec::ClusterList>(codec::kClusterList)->ids,
            (std::vector<uint32_t>{ip("10.0.0.100").v4_value(), 0x0a0a0a0a}));
  // Not reflected to the peer whose router id is the ORIGINATOR_ID.
  auto to_orig = evpn_attrs({});
  to_orig.push_back(originator("6.6.6.6"));  // kC2's router id.
  rib.apply(kC1, evpn_update({mac_ip(4)}, to_orig));
  rib.take_updates(kC2);
  EXPECT_FALSE(rib.advertised(kC2, mac_ip(4)));
}

TEST(RibExport, EbgpAttributes) {
  Rib rib(config());
  up(rib, {kE1, kE2, kI1});
  auto attrs = std::vector<PathAttribute>{origin(), as_path({65010}),      local_pref(300),
                                          med(7),   originator("3.3.3.3"), cluster_list({1})};
  attrs.push_back(codec::PathAttribute{codec::kFlagOptional, 99, codec::UnknownAttribute{{1}}});
  attrs.push_back(codec::PathAttribute{codec::kFlagOptional | codec::kFlagTransitive, 98,
                                       codec::UnknownAttribute{{2}}});
  rib.apply(kI1, v4_update({"10.5.0.0/16"}, attrs, "192.0.2.3"));
  rib.take_updates(kE1);
  const AttrSet* a = rib.advertised(kE1, pfx("10.5.0.0/16"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->get<codec::AsPath>(codec::kAsPath)->to_string(), "65000 65010");
  EXPECT_FALSE(a->attribute(codec::kLocalPref));
  EXPECT_FALSE(a->attribute(codec::kMultiExitDisc));
  EXPECT_FALSE(a->attribute(codec::kOriginatorId));
  EXPECT_FALSE(a->attribute(codec::kClusterList));
  EXPECT_FALSE(a->attribute(99));
  ASSERT_TRUE(a->attribute(98));
  EXPECT_TRUE(a->attribute(98)->flags & codec::kFlagPartial);
  EXPECT_EQ(a->next_hop, ip("192.0.2.254"));  // Next-hop-self for unicast towards eBGP.

  // eBGP -> iBGP: next hop unchanged, LOCAL_PREF 100 added, AS_PATH untouched.
  rib.apply(kE2, v4_update({"10.6.0.0/16"}, {origin(), as_path({65002}), med(3)}, "192.0.2.2"));
  rib.take_updates(kI1);
  const AttrSet* b = rib.advertised(kI1, pfx("10.6.0.0/16"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->next_hop, ip("192.0.2.2"));
  EXPECT_EQ(b->local_pref, 100u);
  EXPECT_TRUE(b->has_med);
  EXPECT_EQ(b->get<codec::AsPath>(codec::kAsPath)->to_string(), "65002");
  // eBGP -> eBGP: EVPN next hop unchanged.
  rib.apply(kE2, evpn_update({mac_ip(1)}, evpn_attrs({65002}), "10.0.0.22"));
  rib.take_updates(kE1);
  EXPECT_EQ(rib.advertised(kE1, mac_ip(1))->next_hop, ip("10.0.0.22"));
}

TEST(RibExport, Ipv6NextHopSelf) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  codec::MpReachNlri mp;
  mp.afi = 2;
  mp.safi = 1;
  mp.set_next_hop(ip("2001:db8::1"));
  mp.prefixes.push_back({0, pfx("2001:db8:1::/48")});
  UpdateMessage u;
  u.path_attributes = {codec::make_attribute(codec::kMpReachNlri, mp), origin(), as_path({65001})};
  EXPECT_EQ(rib.apply(kE1, u).announced, 1u);
  const auto msgs = rib.take_updates(kE2);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* reach = msgs[0].get<codec::MpReachNlri>(codec::kMpReachNlri);
  ASSERT_TRUE(reach);
  EXPECT_EQ(reach->next_hop_address(), ip("::ffff:192.0.2.254"));
  EXPECT_EQ(reach->prefixes.size(), 1u);
  // With an IPv6 session address, that one.
  PeerInfo p = peer(kE2);
  p.local_ipv6_address = ip("2001:db8::fe");
  rib.peer_up(kE2, p);
  const auto again = rib.take_updates(kE2);
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(again[0].get<codec::MpReachNlri>(codec::kMpReachNlri)->next_hop_address(),
            ip("2001:db8::fe"));
}

TEST(RibExport, TwoOctetPeerGetsAsTrans) {
  Rib rib(config());
  rib.peer_up(kE1, peer(kE1));
  PeerInfo p = peer(kE2);
  p.context.four_octet_as = false;
  rib.peer_up(kE2, p);
  rib.take_updates(kE2);
  rib.apply(kE1, v4_update({"10.7.0.0/16"}, {origin(), as_path({65001, 4200000001u})}));
  const auto msgs = rib.take_updates(kE2);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].get<codec::AsPath>(codec::kAsPath)->to_string(), "65000 65001 23456");
  EXPECT_EQ(msgs[0].get<codec::AsPath>(codec::kAs4Path)->to_string(), "65000 65001 4200000001");
  // It encodes for a 2-octet session.
  EXPECT_LE(codec::encode(codec::Message{msgs[0]}, p.context).size(), 4096u);
}

TEST(RibExport, RepeatedAnnouncementSendsNothing) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  const auto u = evpn_update({mac_ip(1), mac_ip(2)});
  rib.apply(kE1, u);
  EXPECT_EQ(drain(rib).size(), 2u);
  EXPECT_EQ(rib.take_updates(kE2).size(), 1u);
  rib.apply(kE1, u);
  EXPECT_TRUE(drain(rib).empty());
  EXPECT_TRUE(rib.take_updates(kE2).empty());
  // A change of attributes only is sent again, as an announcement (implicit withdraw).
  rib.apply(kE1, evpn_update({mac_ip(1)}, evpn_attrs({65001, 65009})));
  const Sent s = summarize(rib.take_updates(kE2));
  EXPECT_EQ(s.evpn_announced.size(), 1u);
  EXPECT_TRUE(s.evpn_withdrawn.empty());
}

// ==========================================================================================
// Update generation: packing, withdrawals, End-of-RIB, route refresh.

TEST(RibPacking, AnnouncementsFillMessages) {
  constexpr size_t kRoutes = 1000;
  Rib rib(config());
  up(rib, {kE1});
  std::vector<codec::EvpnRoute> routes;
  for (uint32_t i = 0; i < kRoutes; ++i) routes.push_back(mac_ip(i));
  for (size_t i = 0; i < kRoutes; i += 100) {
    rib.apply(kE1, evpn_update({routes.begin() + static_cast<long>(i),
                                routes.begin() + static_cast<long>(i + 100)}));
  }
  const PeerInfo p2 = peer(kE2);
  rib.peer_up(kE2, p2);
  const auto msgs = rib.take_updates(kE2);
  const Sent s = summarize(msgs);
  ASSERT_EQ(s.evpn_announced.size(), kRoutes);
  ASSERT_EQ(s.eor,
            std::vector<Family>({Family::kIpv4Unicast, Family::kIpv6Unicast, Family::kL2vpnEvpn}));
  const size_t per_message = s.announcements[0]->get<codec::MpReachNlri>(14)->evpn.size();
  EXPECT_EQ(s.announcements.size(), (kRoutes + per_message - 1) / per_message);
  size_t nlri_size = 0;
  for (const auto* u : s.announcements) {
    const auto bytes = codec::encode(codec::Message{*u}, p2.context);
    EXPECT_LE(bytes.size(), 4096u);
    // Decodes back to the same message.
    auto back = codec::decode_message(bytes, p2.context);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(std::get<UpdateMessage>(*back), *u);
    if (nlri_size == 0)
      nlri_size = encoded_size(u->get<codec::MpReachNlri>(14)->evpn[0].route, false);
  }
  // Full: one more NLRI would not have fitted (1 octet of slack for the MP_REACH length).
  const auto first = codec::encode(codec::Message{*s.announcements[0]}, p2.context);
  EXPECT_GT(first.size() + nlri_size, 4096u - 1);
  EXPECT_EQ(nlri_size, 39u);
  EXPECT_GT(per_message, 90u);

  // With extended messages, far fewer UPDATEs.
  PeerInfo p3 = peer(kI1);
  p3.context.extended_message = true;
  rib.peer_up(kI1, p3);
  const Sent big = summarize(rib.take_updates(kI1));
  EXPECT_EQ(big.evpn_announced.size(), kRoutes);
  EXPECT_EQ(big.announcements.size(), 1u);
}

TEST(RibPacking, GroupsByAttributeSet) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  // Interleaved attribute sets: routes land in one UPDATE per set.
  for (uint32_t i = 0; i < 10; ++i) {
    rib.apply(kE1, evpn_update({mac_ip(i)}, evpn_attrs({65001, i % 2 ? 1u : 2u})));
  }
  const Sent s = summarize(rib.take_updates(kE2));
  EXPECT_EQ(s.announcements.size(), 2u);
  EXPECT_EQ(s.evpn_announced.size(), 10u);
}

TEST(RibPacking, WithdrawalsArePacked) {
  constexpr uint32_t kRoutes = 500;
  Rib rib(config());
  up(rib, {kE1, kE2});
  std::vector<codec::EvpnRoute> routes;
  std::vector<const char*> dummy;
  for (uint32_t i = 0; i < kRoutes; ++i) routes.push_back(mac_ip(i));
  rib.apply(kE1, evpn_update(routes));
  std::vector<std::string> v4;
  for (uint32_t i = 0; i < kRoutes; ++i) {
    v4.push_back("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24");
  }
  std::vector<const char*> v4c;
  for (const auto& s : v4) v4c.push_back(s.c_str());
  rib.apply(kE1, v4_update(v4c, {origin(), as_path({65001})}));
  EXPECT_EQ(summarize(rib.take_updates(kE2)).evpn_announced.size(), kRoutes);

  rib.apply(kE1, evpn_withdraw(routes));
  rib.apply(kE1, v4_withdraw(v4c));
  const auto msgs = rib.take_updates(kE2);
  const Sent s = summarize(msgs);
  EXPECT_EQ(s.evpn_withdrawn.size(), kRoutes);
  EXPECT_EQ(s.v4_withdrawn.size(), kRoutes);
  const codec::DecodeContext ctx;
  // EVPN withdrawals: 39 octets each, 4096 - 19 - 4 - 7 = 4066 usable -> 104 per message.
  // IPv4 /24 withdrawals: 4 octets each, 4096 - 23 = 4073 usable -> 1018 per message.
  EXPECT_EQ(msgs.size(), static_cast<size_t>(std::ceil(kRoutes / 104.0) + 1));
  for (const auto& u : msgs) EXPECT_LE(codec::encode(codec::Message{u}, ctx).size(), 4096u);
  EXPECT_EQ(rib.advertised_count(kE2), 0u);
  EXPECT_EQ(rib.stats().destinations, 0u);
  drain(rib);
  EXPECT_EQ(rib.stats().memory_bytes > 0, true);
}

TEST(RibPacking, PackerArithmeticMatchesCodec) {
  // Direct use of the packer: each message as large as possible and within the limit.
  AttrSet a;
  a.attributes = evpn_attrs();
  a.next_hop = ip("10.0.0.2");
  std::vector<uint8_t> scratch;
  codec::Writer w(scratch);
  for (const auto& attr : a.attributes) codec::encode(attr, codec::DecodeContext{}, w);
  a.encoded_size = scratch.size();
  std::vector<codec::EvpnNlri> routes;
  for (uint32_t i = 0; i < 300; ++i) routes.push_back({0, mac_ip(i)});
  std::vector<UpdateMessage> out;
  codec::DecodeContext ctx;
  UpdatePacker packer(ctx, out);
  packer.announce(a, routes);
  const size_t overhead = UpdatePacker::announce_overhead(Family::kL2vpnEvpn, a);
  const size_t k = (4096 - overhead) / 39;
  EXPECT_EQ(out.size(), (300 + k - 1) / k);
  for (const auto& u : out) {
    const size_t n = codec::encode(codec::Message{u}, ctx).size();
    EXPECT_LE(n, 4096u);
    EXPECT_LE(overhead + 39 * u.get<codec::MpReachNlri>(14)->evpn.size() - n, 1u);
  }
}

TEST(RibEndOfRib, AfterInitialDumpOnly) {
  Rib rib(config());
  rib.peer_up(kE1, peer(kE1, FamilySet{Family::kL2vpnEvpn}));
  const auto first = rib.take_updates(kE1);  // Empty table: just the marker.
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].end_of_rib(), (std::pair<uint16_t, uint8_t>{25, 70}));
  EXPECT_FALSE(rib.has_pending_updates(kE1));

  rib.peer_up(kE2, peer(kE2, FamilySet{Family::kIpv4Unicast, Family::kL2vpnEvpn}));
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  // Bounded calls: End-of-RIB only once the dump is done.
  rib.take_updates(kE2, 0);
  EXPECT_TRUE(rib.has_pending_updates(kE2));
  const auto dump = rib.take_updates(kE2);
  ASSERT_EQ(dump.size(), 3u);
  EXPECT_FALSE(dump[0].end_of_rib());
  EXPECT_EQ(dump[1].end_of_rib(), (std::pair<uint16_t, uint8_t>{1, 1}));
  EXPECT_EQ(dump[2].end_of_rib(), (std::pair<uint16_t, uint8_t>{25, 70}));
  // Later changes: no more End-of-RIB.
  rib.apply(kE1, evpn_update({mac_ip(2)}));
  EXPECT_TRUE(summarize(rib.take_updates(kE2)).eor.empty());
}

TEST(RibRouteRefresh, ResendsTheFamily) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  rib.apply(kE1, evpn_update({mac_ip(1), mac_ip(2)}));
  rib.apply(kE1, v4_update({"10.1.0.0/16"}, {origin(), as_path({65001})}));
  rib.take_updates(kE2);
  EXPECT_TRUE(rib.take_updates(kE2).empty());
  rib.route_refresh(kE2, Family::kL2vpnEvpn);
  const Sent s = summarize(rib.take_updates(kE2));
  EXPECT_EQ(s.evpn_announced.size(), 2u);
  EXPECT_TRUE(s.v4_announced.empty());
  EXPECT_TRUE(s.eor.empty());
  EXPECT_TRUE(rib.take_updates(kE2).empty());
}

// ==========================================================================================
// Peers: down, graceful restart.

TEST(RibPeer, DownWithdrawsItsRoutes) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  rib.apply(kE1, evpn_update({mac_ip(1), mac_ip(2)}));
  rib.take_updates(kE2);
  drain(rib);
  rib.peer_down(kE1, false);
  EXPECT_EQ(rib.stats().destinations, 0u);
  const auto changes = drain(rib);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kRemoved);
  EXPECT_EQ(summarize(rib.take_updates(kE2)).evpn_withdrawn.size(), 2u);
  EXPECT_EQ(rib.stats().paths, 0u);
  EXPECT_FALSE(rib.is_up(kE1));
  EXPECT_TRUE(rib.take_updates(kE1).empty());
}

TEST(RibPeer, DownDropsItsAdjRibOut) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  rib.take_updates(kE2);
  EXPECT_EQ(rib.advertised_count(kE2), 1u);
  rib.peer_down(kE2, false);
  EXPECT_EQ(rib.advertised_count(kE2), 0u);
  rib.peer_up(kE2, peer(kE2));  // Comes back: full dump again.
  EXPECT_EQ(summarize(rib.take_updates(kE2)).evpn_announced.size(), 1u);
}

TEST(RibPeer, CountsPerFamily) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  rib.apply(kE1, evpn_update({mac_ip(1), mac_ip(2), mac_ip(3)}));
  EXPECT_EQ(rib.received_count(kE1, Family::kL2vpnEvpn), 3u);
  EXPECT_EQ(rib.received_count(kE1, Family::kIpv4Unicast), 0u);
  EXPECT_EQ(rib.received_count(kE2, Family::kL2vpnEvpn), 0u);
  rib.take_updates(kE2);
  EXPECT_EQ(rib.advertised_count(kE2, Family::kL2vpnEvpn), 3u);
  EXPECT_EQ(rib.advertised_count(kE2, Family::kIpv4Unicast), 0u);
  EXPECT_EQ(rib.advertised_count(kE1, Family::kL2vpnEvpn), 0u);  // Not sent back.
}

PeerInfo gr_peer(PeerId id, bool forwarding = true) {
  PeerInfo p = peer(id);
  p.graceful_restart.negotiated = true;
  p.graceful_restart.restart_time = 120;
  p.graceful_restart.families = FamilySet{Family::kL2vpnEvpn};
  if (forwarding) p.graceful_restart.forwarding_state = FamilySet{Family::kL2vpnEvpn};
  return p;
}

TEST(RibGracefulRestart, StaleUntilEndOfRib) {
  Rib rib(config());
  rib.peer_up(kE1, gr_peer(kE1));
  up(rib, {kE2});
  rib.apply(kE1, evpn_update({mac_ip(1), mac_ip(2)}));
  rib.apply(kE1, v4_update({"10.1.0.0/16"}, {origin(), as_path({65001})}));
  rib.take_updates(kE2);
  drain(rib);

  rib.peer_down(kE1, true);
  // EVPN (in the GR capability) is kept as stale, IPv4 is withdrawn.
  EXPECT_EQ(rib.stats().stale_paths, 2u);
  EXPECT_EQ(rib.stale_count(kE1), 2u);
  EXPECT_EQ(rib.stale_count(kE2), 0u);
  EXPECT_TRUE(rib.best(mac_ip(1))->stale);
  EXPECT_FALSE(rib.best(pfx("10.1.0.0/16")));
  const Sent s = summarize(rib.take_updates(kE2));
  EXPECT_TRUE(s.evpn_withdrawn.empty());
  EXPECT_EQ(s.v4_withdrawn.size(), 1u);

  rib.peer_up(kE1, gr_peer(kE1));
  rib.apply(kE1, evpn_update({mac_ip(1)}));  // Re-announced: no longer stale.
  EXPECT_FALSE(rib.best(mac_ip(1))->stale);
  EXPECT_TRUE(rib.best(mac_ip(2))->stale);
  const ApplyResult r = rib.apply(kE1, eor(Family::kL2vpnEvpn));
  EXPECT_EQ(r.end_of_rib, Family::kL2vpnEvpn);
  EXPECT_EQ(r.stale_swept, 1u);
  EXPECT_TRUE(rib.best(mac_ip(1)));
  EXPECT_FALSE(rib.best(mac_ip(2)));
  EXPECT_EQ(rib.stats().stale_paths, 0u);
  EXPECT_EQ(rib.stale_count(kE1), 0u);
  EXPECT_EQ(summarize(rib.take_updates(kE2)).evpn_withdrawn.size(), 1u);
}

TEST(RibGracefulRestart, StaleTimerSweeps) {
  Rib rib(config());
  rib.peer_up(kE1, gr_peer(kE1));
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  rib.peer_down(kE1, true);
  EXPECT_EQ(rib.stats().stale_paths, 1u);
  EXPECT_EQ(rib.sweep_stale(kE1, Family::kL2vpnEvpn), 1u);
  EXPECT_EQ(rib.stats().destinations, 0u);
  EXPECT_EQ(rib.sweep_stale(kE1, Family::kL2vpnEvpn), 0u);
}

TEST(RibGracefulRestart, NoForwardingStateSweepsAtReestablishment) {
  Rib rib(config());
  rib.peer_up(kE1, gr_peer(kE1));
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  rib.peer_down(kE1, true);
  rib.peer_up(kE1, gr_peer(kE1, false));
  EXPECT_EQ(rib.stats().destinations, 0u);
}

TEST(RibGracefulRestart, NonGracefulDownWithdraws) {
  Rib rib(config());
  rib.peer_up(kE1, gr_peer(kE1));
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  rib.peer_down(kE1, false);
  EXPECT_EQ(rib.stats().destinations, 0u);
  EXPECT_EQ(rib.stats().stale_paths, 0u);
}

// ==========================================================================================
// Interning, local origination, change feed.

TEST(RibInterning, IdenticalSetsSharedAndFreed) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  for (uint32_t i = 0; i < 50; ++i) rib.apply(kE1, evpn_update({mac_ip(i)}));
  rib.apply(kE2, evpn_update({mac_ip(0)}, evpn_attrs({65002})));
  EXPECT_EQ(rib.stats().attribute_sets, 2u);
  EXPECT_EQ(rib.stats().paths, 51u);
  // Same attributes, different next hop: another set.
  rib.apply(kE1, evpn_update({mac_ip(100)}, evpn_attrs(), "10.0.0.9"));
  EXPECT_EQ(rib.stats().attribute_sets, 3u);
  EXPECT_EQ(rib.stats().nlri_extras, 1u);  // One label tuple (VNI 100) for every route.
  // Sent sets are interned too, and freed with the Adj-RIB-Out.
  rib.take_updates(kE1);
  rib.take_updates(kE2);
  EXPECT_GT(rib.stats().attribute_sets, 3u);
  std::vector<codec::EvpnRoute> all;
  for (uint32_t i = 0; i < 50; ++i) all.push_back(mac_ip(i));
  all.push_back(mac_ip(100));
  rib.apply(kE1, evpn_withdraw(all));
  rib.apply(kE2, evpn_withdraw({mac_ip(0)}));
  rib.take_updates(kE1);
  rib.take_updates(kE2);
  drain(rib);
  const RibStats s = rib.stats();
  EXPECT_EQ(s.attribute_sets, 0u);
  EXPECT_EQ(s.nlri_extras, 0u);
  EXPECT_EQ(s.paths, 0u);
  EXPECT_EQ(s.advertised, 0u);
}

TEST(RibLocal, OriginatedRoutesWinAndCarryTheirNextHop) {
  Rib rib(config());
  up(rib, {kE1, kI1});
  const auto r = mac_ip(1);
  rib.apply(kE1, evpn_update({r}));
  ASSERT_TRUE(rib.originate(r, {ext_communities(100)}, ip("10.0.0.1")));
  const auto best = rib.best(r);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->peer, kLocalPeer);
  EXPECT_EQ(best->attributes->next_hop, ip("10.0.0.1"));
  EXPECT_TRUE(best->attributes->attribute(codec::kOrigin));

  rib.take_updates(kE1);
  const AttrSet* to_e1 = rib.advertised(kE1, r);
  ASSERT_TRUE(to_e1);
  EXPECT_EQ(to_e1->next_hop, ip("10.0.0.1"));  // The VTEP IP.
  EXPECT_EQ(to_e1->get<codec::AsPath>(codec::kAsPath)->to_string(), "65000");
  rib.take_updates(kI1);
  const AttrSet* to_i1 = rib.advertised(kI1, r);
  ASSERT_TRUE(to_i1);
  EXPECT_EQ(to_i1->get<codec::AsPath>(codec::kAsPath)->to_string(), "");
  EXPECT_EQ(to_i1->local_pref, 100u);

  // A unicast network without a next hop goes out with next-hop-self, MED kept towards eBGP.
  ASSERT_TRUE(rib.originate(pfx("10.0.0.11/32"), {med(5)}, IpAddress{}));
  const auto msgs = rib.take_updates(kE1);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].get<codec::NextHop>(codec::kNextHop)->address, ip("192.0.2.254"));
  EXPECT_TRUE(msgs[0].attribute(codec::kMultiExitDisc));
  EXPECT_EQ(msgs[0].nlri.size(), 1u);

  EXPECT_TRUE(rib.withdraw_local(r));
  EXPECT_FALSE(rib.withdraw_local(r));
  EXPECT_EQ(rib.best(r)->peer, kE1);
  EXPECT_FALSE(rib.originate(codec::IpPrefix{IpAddress{}, 0}, {}, IpAddress{}));
}

TEST(RibChangeFeed, AddedChangedRemovedCoalesced) {
  Rib rib(config());
  up(rib, {kE1, kE2});
  rib.apply(kE1, evpn_update({mac_ip(1), mac_ip(2)}));
  auto c = drain(rib);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].kind, ChangeKind::kAdded);
  EXPECT_EQ(c[0].family, Family::kL2vpnEvpn);
  EXPECT_EQ(c[0].best.peer, kE1);
  EXPECT_EQ(c[0].best.attributes->next_hop, ip("10.0.0.2"));
  EXPECT_EQ(std::get<codec::EvpnRoute>(c[0].best.nlri), codec::EvpnRoute{mac_ip(1)});

  // A better path: changed. A worse path: no change.
  rib.apply(kE2, evpn_update({mac_ip(1)}, evpn_attrs({})));
  rib.apply(kE2, evpn_update({mac_ip(2)}, evpn_attrs({65002, 1, 2})));
  c = drain(rib);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, ChangeKind::kChanged);
  EXPECT_EQ(c[0].best.peer, kE2);

  // Several changes between drains: one entry with the final state.
  rib.apply(kE1, evpn_update({mac_ip(3)}));
  rib.apply(kE1, evpn_withdraw({mac_ip(3)}));  // Added and removed: nothing to report.
  rib.apply(kE1, evpn_withdraw({mac_ip(2)}));  // Best moves to E2's path.
  rib.apply(kE2, evpn_withdraw({mac_ip(1)}));
  rib.apply(kE1, evpn_withdraw({mac_ip(1)}));
  c = drain(rib);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].kind, ChangeKind::kChanged);
  EXPECT_EQ(c[0].best.peer, kE2);
  EXPECT_EQ(c[1].kind, ChangeKind::kRemoved);
  EXPECT_EQ(c[1].best.attributes, nullptr);
  EXPECT_STREQ(to_string(c[1].kind), "removed");
  EXPECT_EQ(rib.stats().pending_changes, 0u);

  // IPv4 and local routes appear in the feed too.
  rib.originate(pfx("10.0.0.11/32"), {}, IpAddress{});
  c = drain(rib);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].family, Family::kIpv4Unicast);
  EXPECT_EQ(c[0].best.peer, kLocalPeer);
  EXPECT_EQ(std::get<codec::IpPrefix>(c[0].best.nlri), pfx("10.0.0.11/32"));
}

TEST(RibLookup, ForEachBestAndKeys) {
  Rib rib(config());
  up(rib, {kE1});
  rib.apply(kE1, v4_update({"10.1.0.0/16", "10.2.0.0/16"}, {origin(), as_path({65001})}));
  rib.apply(kE1, evpn_update({mac_ip(1)}));
  size_t n = 0;
  rib.for_each_best(Family::kIpv4Unicast, [&](const PathView& v) {
    EXPECT_TRUE(v.best);
    ++n;
  });
  EXPECT_EQ(n, 2u);
  // Host bits past the length are not part of the key.
  EXPECT_TRUE(rib.best(pfx("10.1.255.0/16")));
  // Unknown EVPN route types are kept, even long ones.
  codec::UnknownEvpnRoute u{9, std::vector<uint8_t>(60, 7)};
  rib.apply(kE1, evpn_update({u}));
  const auto best = rib.best(u);
  ASSERT_TRUE(best);
  EXPECT_EQ(std::get<codec::EvpnRoute>(best->nlri), codec::EvpnRoute{u});
}

}  // namespace
}  // namespace evpnd::rib
