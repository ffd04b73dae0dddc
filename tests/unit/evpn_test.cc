// Tests of evpn/: route-target import (auto and explicit), type-3 flood lists, remote MACs and
// neighbors, origination of local MACs and neighbors, MAC mobility (RFC 7432 §15, §15.1),
// duplicate address detection and recovery, VNI up/down. A real rib::Rib with a fake remote peer
// feeds the Evpn through its change feed; a recording KernelSink checks what reaches the kernel.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bgpd/codec/message.h"
#include "bgpd/rib/rib.h"
#include "evpn/evpn.h"
#include "evpn/import_index.h"
#include "evpn/mac_mobility.h"
#include "evpn/origination.h"

namespace evpnd::evpn {
namespace {

using codec::IpAddress;
using codec::MacAddress;
using std::chrono::seconds;

IpAddress ip(const char* s) { return *IpAddress::parse(s); }
MacAddress mac(const char* s) { return *MacAddress::parse(s); }
codec::RouteTarget rt(const char* s) { return *codec::RouteTarget::parse(s); }

constexpr uint32_t kOurAsn = 65000;
constexpr rib::PeerId kSpine = 1;  // eBGP 65100, passes on every leaf's routes unchanged.
const IpAddress kOurVtep = ip("10.0.0.11");

// --- Recording sink: the kernel state the Evpn asked for, and the contract of KernelSink ------

class RecordingSink : public KernelSink {
 public:
  void set_remote_mac(uint32_t vni, const MacAddress& m,
                      const std::optional<RemoteMac>& where) override {
    ++calls;
    const auto key = std::make_pair(vni, m);
    if (where) {
      auto it = macs.find(key);
      EXPECT_TRUE(it == macs.end() || !(it->second == *where)) << "set twice: " << m.to_string();
      macs[key] = *where;
    } else {
      EXPECT_EQ(macs.erase(key), 1u) << "removed without being set: " << m.to_string();
    }
  }
  void set_flood_vtep(uint32_t vni, const IpAddress& vtep, bool present) override {
    ++calls;
    if (present) {
      EXPECT_TRUE(flood.insert({vni, vtep}).second) << "added twice: " << vtep.to_string();
    } else {
      EXPECT_EQ(flood.erase({vni, vtep}), 1u) << "removed twice: " << vtep.to_string();
    }
  }
  void set_remote_neigh(uint32_t vni, const IpAddress& addr,
                        const std::optional<MacAddress>& m) override {
    ++calls;
    const auto key = std::make_pair(vni, addr);
    if (m) {
      auto it = neighs.find(key);
      EXPECT_TRUE(it == neighs.end() || it->second != *m) << "set twice: " << addr.to_string();
      neighs[key] = *m;
    } else {
      EXPECT_EQ(neighs.erase(key), 1u) << "removed without being set: " << addr.to_string();
    }
  }

  std::optional<RemoteMac> mac_at(uint32_t vni, const char* m) const {
    auto it = macs.find({vni, mac(m)});
    if (it == macs.end()) return std::nullopt;
    return it->second;
  }
  std::optional<MacAddress> neigh_at(uint32_t vni, const char* addr) const {
    auto it = neighs.find({vni, ip(addr)});
    if (it == neighs.end()) return std::nullopt;
    return it->second;
  }
  /// The VTEP of a remote MAC; none if the MAC is not installed.
  IpAddress vtep_at(uint32_t vni, const char* m) const {
    auto where = mac_at(vni, m);
    return where ? where->vtep : IpAddress{};
  }
  bool floods(uint32_t vni, const char* vtep) const { return flood.contains({vni, ip(vtep)}); }

  std::map<std::pair<uint32_t, MacAddress>, RemoteMac> macs;
  std::set<std::pair<uint32_t, IpAddress>> flood;
  std::map<std::pair<uint32_t, IpAddress>, MacAddress> neighs;
  size_t calls = 0;
};

// --- Routes as remote leaves send them ------------------------------------------------------

codec::RouteDistinguisher rd_of(const char* vtep, uint32_t n) {
  return codec::RouteDistinguisher::from(codec::AdminAssigned{1, ip(vtep).v4_value(), n});
}

codec::MacIpAdvertisementRoute type2(const char* vtep, uint32_t vni, const char* m,
                                     const char* addr = nullptr) {
  codec::MacIpAdvertisementRoute r;
  r.rd = rd_of(vtep, vni);
  r.mac = mac(m);
  if (addr != nullptr) r.ip = ip(addr);
  r.label1 = vni;
  return r;
}

codec::InclusiveMulticastRoute type3(const char* vtep, uint32_t vni) {
  return {rd_of(vtep, vni), 0, ip(vtep)};
}

struct Advert {
  std::vector<codec::RouteTarget> rts;
  std::optional<codec::MacMobility> mobility;
  std::optional<IpAddress> pmsi_endpoint;  // Type 3: the PMSI tunnel attribute.
  uint8_t pmsi_type = codec::PmsiTunnel::kIngressReplication;
};

Advert with_rt(const char* text) {
  Advert a;
  a.rts.push_back(rt(text));
  return a;
}

codec::UpdateMessage update(const codec::EvpnRoute& route, const char* next_hop, const Advert& a) {
  codec::MpReachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  mp.set_next_hop(ip(next_hop));
  mp.evpn.push_back({0, route});
  codec::UpdateMessage u;
  u.path_attributes.push_back(codec::make_attribute(codec::kMpReachNlri, std::move(mp)));
  u.path_attributes.push_back(codec::make_attribute(codec::kOrigin, codec::Origin{0}));
  codec::AsPath path;
  path.segments.push_back({2, {65100, 65002}});
  u.path_attributes.push_back(codec::make_attribute(codec::kAsPath, path));
  codec::ExtendedCommunities ec;
  for (const auto& r : a.rts) ec.values.emplace_back(r);
  ec.values.emplace_back(codec::EncapsulationCommunity{});
  if (a.mobility) ec.values.emplace_back(*a.mobility);
  u.path_attributes.push_back(codec::make_attribute(codec::kExtendedCommunities, ec));
  if (a.pmsi_endpoint) {
    codec::PmsiTunnel pmsi;
    pmsi.tunnel_type = a.pmsi_type;
    pmsi.label = 100;
    pmsi.tunnel_id.assign(a.pmsi_endpoint->bytes.begin(),
                          a.pmsi_endpoint->bytes.begin() + a.pmsi_endpoint->size());
    u.path_attributes.push_back(codec::make_attribute(codec::kPmsiTunnel, pmsi));
  }
  return u;
}

codec::UpdateMessage withdrawal(const codec::EvpnRoute& route) {
  codec::MpUnreachNlri mp;
  mp.afi = 25;
  mp.safi = 70;
  mp.evpn.push_back({0, route});
  codec::UpdateMessage u;
  u.path_attributes.push_back(codec::make_attribute(codec::kMpUnreachNlri, std::move(mp)));
  return u;
}

// --- Fixture --------------------------------------------------------------------------------

EvpnOptions default_options() {
  EvpnOptions o;
  o.asn = kOurAsn;
  o.router_id = kOurVtep;
  o.vtep = kOurVtep;
  o.vnis.push_back(VniSettings{100, "auto", {"auto"}, {"auto"}});
  return o;
}

rib::RibConfig rib_config() {
  rib::RibConfig c;
  c.asn = kOurAsn;
  c.router_id = kOurVtep;
  return c;
}

class EvpnTest : public ::testing::Test {
 protected:
  EvpnTest() : rib_(rib_config()) {
    rib::PeerInfo p;
    p.address = ip("192.0.2.1");
    p.router_id = ip("10.255.0.1");
    p.remote_asn = 65100;
    p.local_asn = kOurAsn;
    p.local_address = ip("192.0.2.2");
    p.families = rib::FamilySet{codec::Family::kL2vpnEvpn};
    rib_.peer_up(kSpine, p);
  }

  /// Creates the Evpn; with `up`, VNI 100 comes up.
  void start(EvpnOptions options = default_options(), bool up = true) {
    evpn_ = std::make_unique<Evpn>(rib_, sink_, std::move(options));
    if (up) {
      ASSERT_TRUE(evpn_->vni_up(100, "vxlan100", "br100"));
    }
    sync();
  }

  /// Feeds the Rib's changes to the Evpn, as the daemon does.
  void sync() {
    std::vector<rib::BestPathChange> changes;
    rib_.drain_changes([&](const rib::BestPathChange& c) { changes.push_back(c); });
    for (const auto& c : changes) evpn_->on_best_path_change(c, now_);
  }

  void announce(const codec::EvpnRoute& route, const char* vtep, Advert a = {}) {
    if (a.rts.empty()) a.rts.push_back(rt("65002:100"));
    const auto r = rib_.apply(kSpine, update(route, vtep, a));
    ASSERT_EQ(r.announced, 1u);
    sync();
  }
  /// A type-2 route with a MAC mobility sequence (and sticky flag).
  void announce_mac(const char* vtep, const char* m, uint32_t sequence, bool sticky = false,
                    const char* addr = nullptr) {
    Advert a;
    if (sequence > 0 || sticky) a.mobility = codec::MacMobility{sticky, sequence};
    announce(type2(vtep, 100, m, addr), vtep, a);
  }
  void withdraw(const codec::EvpnRoute& route) {
    ASSERT_EQ(rib_.apply(kSpine, withdrawal(route)).withdrawn, 1u);
    sync();
  }

  void learn(const char* m, const char* port = "tap0") {
    evpn_->local_mac(100, mac(m), port, true, now_);
    sync();
  }
  void forget(const char* m, const char* port = "tap0") {
    evpn_->local_mac(100, mac(m), port, false, now_);
    sync();
  }

  /// Our route for MAC (and IP) in VNI 100 as the Rib holds it, or nullopt.
  std::optional<rib::PathView> ours(const char* m, const char* addr = nullptr) const {
    const auto r = mac_ip_route(auto_rd(kOurVtep, 100), {}, 100, mac(m),
                                addr != nullptr ? ip(addr) : IpAddress{}, false, 0, kOurVtep);
    auto best = rib_.best(r.nlri);
    if (best && best->peer != rib::kLocalPeer) return std::nullopt;
    return best;
  }
  std::optional<uint32_t> our_sequence(const char* m, const char* addr = nullptr) const {
    auto p = ours(m, addr);
    if (!p) return std::nullopt;
    return p->attributes->mac_mobility_sequence;
  }

  std::optional<Evpn::MacView> view(const char* m) const {
    for (const auto& v : evpn_->macs(100)) {
      if (v.mac == mac(m)) return v;
    }
    return std::nullopt;
  }

  /// The first VNI's view; a failure (and an empty view) if there is none.
  Evpn::VniView first_vni() const {
    const auto v = evpn_->vnis();
    if (!v.empty()) return v[0];
    ADD_FAILURE() << "no VNI";
    return Evpn::VniView{};
  }
  /// The MAC's view; a failure (and an empty view) if it is not shown.
  Evpn::MacView view_or_fail(const char* m) const {
    if (auto v = view(m)) return *v;
    ADD_FAILURE() << "no view of " << m;
    return Evpn::MacView{};
  }

  rib::Rib rib_;
  RecordingSink sink_;
  std::unique_ptr<Evpn> evpn_;
  Clock::time_point now_{seconds(1000)};
};

constexpr const char* kMac = "52:54:00:00:00:01";

// ==========================================================================================
// Import.

TEST_F(EvpnTest, Type3AddsAndRemovesFloodVtep) {
  start();
  // Our own type-3 goes through the change feed too: never a flood entry for ourselves.
  EXPECT_TRUE(sink_.flood.empty());
  Advert a;
  a.pmsi_endpoint = ip("10.0.0.2");
  announce(type3("10.0.0.2", 100), "10.0.0.2", a);
  EXPECT_TRUE(sink_.floods(100, "10.0.0.2"));
  // A second route naming the same VTEP (another RD): no second call; the PMSI endpoint wins
  // over the originating router.
  auto other = type3("10.0.0.99", 100);
  other.rd = rd_of("10.0.0.2", 7);
  announce(other, "10.0.0.2", a);
  EXPECT_EQ(sink_.flood.size(), 1u);
  EXPECT_FALSE(sink_.floods(100, "10.0.0.99"));
  ASSERT_EQ(evpn_->vnis().size(), 1u);
  EXPECT_EQ(first_vni().remote_vteps, std::vector<IpAddress>{ip("10.0.0.2")});

  withdraw(type3("10.0.0.2", 100));
  EXPECT_TRUE(sink_.floods(100, "10.0.0.2"));
  withdraw(other);
  EXPECT_TRUE(sink_.flood.empty());
  EXPECT_TRUE(first_vni().remote_vteps.empty());
}

TEST_F(EvpnTest, Type3WithoutPmsiUsesOriginatingRouterAndIgnoresOtherTunnelTypes) {
  start();
  announce(type3("10.0.0.3", 100), "10.0.0.3");
  EXPECT_TRUE(sink_.floods(100, "10.0.0.3"));
  Advert pim;
  pim.pmsi_endpoint = ip("10.0.0.4");
  pim.pmsi_type = 3;  // PIM-SSM: not head-end replication.
  announce(type3("10.0.0.4", 100), "10.0.0.4", pim);
  EXPECT_FALSE(sink_.floods(100, "10.0.0.4"));
  // A route naming our own VTEP (e.g. reflected back) is not a remote VTEP.
  announce(type3("10.0.0.11", 100), "10.0.0.11");
  EXPECT_FALSE(sink_.floods(100, "10.0.0.11"));
  EXPECT_EQ(sink_.flood.size(), 1u);
}

TEST_F(EvpnTest, AutoImportMatchesAnyAsn) {
  start();
  // Leaf in AS 65002 (type-0 RT), leaf in a 4-octet AS (type-2 RT, VNI's low 16 bits).
  announce(type3("10.0.0.2", 100), "10.0.0.2", with_rt("65002:100"));
  announce(type3("10.0.0.3", 100), "10.0.0.3", with_rt("4200000001:100"));
  // Another VNI's RT.
  announce(type3("10.0.0.4", 100), "10.0.0.4", with_rt("65002:200"));
  // No route target at all.
  ASSERT_EQ(rib_.apply(kSpine, update(type3("10.0.0.5", 100), "10.0.0.5", {})).announced, 1u);
  sync();
  EXPECT_TRUE(sink_.floods(100, "10.0.0.2"));
  EXPECT_TRUE(sink_.floods(100, "10.0.0.3"));
  EXPECT_FALSE(sink_.floods(100, "10.0.0.4"));
  EXPECT_FALSE(sink_.floods(100, "10.0.0.5"));
  EXPECT_EQ(sink_.flood.size(), 2u);
}

TEST_F(EvpnTest, ExplicitRouteTargetsMatchExactly) {
  EvpnOptions o = default_options();
  o.vnis.push_back(VniSettings{200, "65000:200", {"65000:2000"}, {"65000:2001"}});
  start(o, false);
  ASSERT_TRUE(evpn_->vni_up(200, "vxlan200", "br200"));
  sync();
  // Auto would take 65002:200; the explicit list does not.
  announce(type3("10.0.0.2", 200), "10.0.0.2", with_rt("65002:200"));
  announce(type3("10.0.0.3", 200), "10.0.0.3", with_rt("65001:2000"));
  EXPECT_TRUE(sink_.flood.empty());
  announce(type3("10.0.0.4", 200), "10.0.0.4", with_rt("65000:2000"));
  EXPECT_EQ(sink_.flood, (std::set<std::pair<uint32_t, IpAddress>>{{200, ip("10.0.0.4")}}));
  const auto v = evpn_->vnis();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rd.to_string(), "65000:200");
  EXPECT_FALSE(v[0].import_auto);
  EXPECT_EQ(v[0].import_rts, std::vector<codec::RouteTarget>{rt("65000:2000")});
  EXPECT_EQ(v[0].export_rts, std::vector<codec::RouteTarget>{rt("65000:2001")});
  // Our type-3 carries the configured RD and export RT.
  const auto imet = inclusive_multicast_route(v[0].rd, {}, 200, kOurVtep);
  const auto best = rib_.best(imet.nlri);
  ASSERT_TRUE(best);
  const auto* ec = best->attributes->get<codec::ExtendedCommunities>(codec::kExtendedCommunities);
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->values[0], codec::ExtendedCommunity(rt("65000:2001")));
}

TEST_F(EvpnTest, RouteImportedIntoEveryMatchingVni) {
  EvpnOptions o = default_options();
  o.vnis.push_back(VniSettings{200, "auto", {"65002:100"}, {"auto"}});
  start(o);
  ASSERT_TRUE(evpn_->vni_up(200, "vxlan200", "br200"));
  sync();
  announce(type2("10.0.0.2", 100, kMac), "10.0.0.2");
  EXPECT_TRUE(sink_.mac_at(100, kMac));
  EXPECT_TRUE(sink_.mac_at(200, kMac));
  withdraw(type2("10.0.0.2", 100, kMac));
  EXPECT_TRUE(sink_.macs.empty());
}

TEST_F(EvpnTest, OtherRouteTypesAndFamiliesIgnored) {
  start();
  codec::IpPrefixRoute t5;
  t5.rd = rd_of("10.0.0.2", 5000);
  t5.prefix = *codec::IpPrefix::parse("10.9.0.0/24");
  t5.gateway = ip("0.0.0.0");
  t5.label = 100;
  announce(t5, "10.0.0.2");
  codec::EthernetAutoDiscoveryRoute t1{rd_of("10.0.0.2", 1), {}, 0, 100};
  announce(t1, "10.0.0.2");
  rib::BestPathChange v4;
  v4.family = codec::Family::kIpv4Unicast;
  v4.best.nlri = *codec::IpPrefix::parse("10.1.0.0/16");
  evpn_->on_best_path_change(v4, now_);
  EXPECT_EQ(sink_.calls, 0u);
}

TEST_F(EvpnTest, LocalPathsInTheFeedIgnored) {
  start();
  // A hand-made change whose next hop is not our VTEP: only the peer says it is ours.
  rib::AttrSet attrs;
  codec::ExtendedCommunities ec;
  ec.values.emplace_back(rt("65002:100"));
  attrs.attributes.push_back(codec::make_attribute(codec::kExtendedCommunities, ec));
  attrs.next_hop = ip("10.0.0.2");
  rib::BestPathChange c;
  c.best.nlri = codec::EvpnRoute{type3("10.0.0.2", 100)};
  c.best.attributes = &attrs;
  c.best.peer = rib::kLocalPeer;
  evpn_->on_best_path_change(c, now_);
  EXPECT_TRUE(sink_.flood.empty());
  c.best.peer = kSpine;
  evpn_->on_best_path_change(c, now_);
  EXPECT_TRUE(sink_.floods(100, "10.0.0.2"));
  // The destination's best becomes a local path: no longer a remote candidate.
  c.kind = rib::ChangeKind::kChanged;
  c.best.peer = rib::kLocalPeer;
  evpn_->on_best_path_change(c, now_);
  EXPECT_TRUE(sink_.flood.empty());
}

// ==========================================================================================
// Remote MACs and neighbors.

TEST_F(EvpnTest, RemoteMacInstalledAndRemoved) {
  start();
  announce_mac("10.0.0.2", kMac, 0);
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.2"), 0, false}));
  const auto v = view(kMac);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->local);
  EXPECT_EQ(v->vtep, ip("10.0.0.2"));
  EXPECT_EQ(first_vni().remote_macs, 1u);
  // The sequence changes: the kernel entry follows.
  announce_mac("10.0.0.2", kMac, 2);
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.2"), 2, false}));
  withdraw(type2("10.0.0.2", 100, kMac));
  EXPECT_TRUE(sink_.macs.empty());
  EXPECT_TRUE(evpn_->macs().empty());
}

TEST_F(EvpnTest, RemoteMacIpInstallsNeighbor) {
  start();
  announce_mac("10.0.0.2", kMac, 0);
  announce_mac("10.0.0.2", kMac, 0, false, "10.1.0.5");
  announce_mac("10.0.0.2", kMac, 0, false, "2001:db8::5");
  EXPECT_EQ(sink_.neigh_at(100, "10.1.0.5"), mac(kMac));
  EXPECT_EQ(sink_.neigh_at(100, "2001:db8::5"), mac(kMac));
  const auto arps = evpn_->arps(100);
  ASSERT_EQ(arps.size(), 2u);
  EXPECT_EQ(arps[0].ip, ip("10.1.0.5"));
  EXPECT_FALSE(arps[0].local);
  EXPECT_EQ(arps[0].vtep, ip("10.0.0.2"));
  EXPECT_EQ(view_or_fail(kMac).ips, (std::vector<IpAddress>{ip("10.1.0.5"), ip("2001:db8::5")}));

  withdraw(type2("10.0.0.2", 100, kMac, "10.1.0.5"));
  EXPECT_FALSE(sink_.neigh_at(100, "10.1.0.5"));
  EXPECT_TRUE(sink_.mac_at(100, kMac));
  // The MAC becomes local: its remote neighbors go.
  learn(kMac);
  EXPECT_FALSE(sink_.mac_at(100, kMac));
  EXPECT_TRUE(sink_.neighs.empty());
}

TEST_F(EvpnTest, RemoteNeighborFollowsTheWinningVtep) {
  start();
  announce_mac("10.0.0.2", kMac, 0, false, "10.1.0.5");
  EXPECT_EQ(sink_.neigh_at(100, "10.1.0.5"), mac(kMac));
  // The host moves behind 10.0.0.3 (sequence 1); 10.0.0.2's route lingers.
  announce_mac("10.0.0.3", kMac, 1);
  EXPECT_EQ(sink_.vtep_at(100, kMac), ip("10.0.0.3"));
  EXPECT_FALSE(sink_.neigh_at(100, "10.1.0.5"));  // Only 10.0.0.2 advertised the binding.
  announce_mac("10.0.0.3", kMac, 1, false, "10.1.0.5");
  EXPECT_EQ(sink_.neigh_at(100, "10.1.0.5"), mac(kMac));
}

// ==========================================================================================
// Local MACs and neighbors.

TEST_F(EvpnTest, LocalMacOriginatedWithRdRtLabelNextHop) {
  start();
  learn(kMac);
  const auto p = ours(kMac);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->attributes->next_hop, kOurVtep);
  const auto& r = std::get<codec::MacIpAdvertisementRoute>(std::get<codec::EvpnRoute>(p->nlri));
  EXPECT_EQ(r.rd.to_string(), "10.0.0.11:100");
  EXPECT_EQ(r.label1, 100u);
  EXPECT_TRUE(r.ip.is_none());
  const auto* ec = p->attributes->get<codec::ExtendedCommunities>(codec::kExtendedCommunities);
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->values, (std::vector<codec::ExtendedCommunity>{rt("65000:100"),
                                                               codec::EncapsulationCommunity{}}));
  EXPECT_FALSE(p->attributes->has_mac_mobility);
  EXPECT_TRUE(sink_.macs.empty());  // Nothing remote to install.
  const auto v = view(kMac);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->local);
  EXPECT_EQ(v->port, "tap0");
  EXPECT_EQ(first_vni().local_macs, 1u);

  // A neighbor on the SVI: MAC+IP route with the same sequence.
  evpn_->local_neigh(100, ip("10.1.0.7"), mac(kMac), true, now_);
  ASSERT_TRUE(ours(kMac, "10.1.0.7"));
  EXPECT_EQ(view_or_fail(kMac).ips, std::vector<IpAddress>{ip("10.1.0.7")});
  ASSERT_EQ(evpn_->arps().size(), 1u);
  EXPECT_TRUE(evpn_->arps()[0].local);
  evpn_->local_neigh(100, ip("10.1.0.7"), mac(kMac), false, now_);
  EXPECT_FALSE(ours(kMac, "10.1.0.7"));
  EXPECT_TRUE(ours(kMac));

  // The MAC moves to another local port (a removal for the old port comes late): same route.
  learn(kMac, "tap1");
  forget(kMac, "tap0");
  EXPECT_TRUE(ours(kMac));
  EXPECT_EQ(view_or_fail(kMac).port, "tap1");
  forget(kMac, "tap1");
  EXPECT_FALSE(ours(kMac));
  EXPECT_TRUE(evpn_->macs().empty());
}

TEST_F(EvpnTest, NeighborOfARemoteMacIsNotOriginated) {
  start();
  evpn_->local_neigh(100, ip("10.1.0.7"), mac(kMac), true, now_);
  EXPECT_FALSE(ours(kMac, "10.1.0.7"));
  learn(kMac);  // The MAC shows up locally: now the binding is ours too.
  EXPECT_TRUE(ours(kMac, "10.1.0.7"));
  // The IP moves to another local MAC.
  learn("52:54:00:00:00:02");
  evpn_->local_neigh(100, ip("10.1.0.7"), mac("52:54:00:00:00:02"), true, now_);
  EXPECT_FALSE(ours(kMac, "10.1.0.7"));
  EXPECT_TRUE(ours("52:54:00:00:00:02", "10.1.0.7"));
}

// ==========================================================================================
// MAC mobility (RFC 7432 §15).

TEST_F(EvpnTest, LocalMacOverRemoteSequence3AdvertisedWith4) {
  start();
  announce_mac("10.0.0.2", kMac, 3);
  announce_mac("10.0.0.2", kMac, 3, false, "10.1.0.5");
  EXPECT_TRUE(sink_.mac_at(100, kMac));
  evpn_->local_neigh(100, ip("10.1.0.5"), mac(kMac), true, now_);
  learn(kMac);
  EXPECT_EQ(our_sequence(kMac), 4u);
  EXPECT_EQ(our_sequence(kMac, "10.1.0.5"), 4u);
  ASSERT_TRUE(ours(kMac));
  EXPECT_TRUE(ours(kMac)->attributes->has_mac_mobility);
  EXPECT_FALSE(sink_.mac_at(100, kMac));
  EXPECT_FALSE(sink_.neigh_at(100, "10.1.0.5"));
  EXPECT_EQ(view_or_fail(kMac).sequence, 4u);
  // Learned again on the same host (e.g. a resync): the sequence stays.
  learn(kMac);
  EXPECT_EQ(our_sequence(kMac), 4u);
}

TEST_F(EvpnTest, HigherRemoteSequenceTakesTheMacAway) {
  start();
  learn(kMac);
  evpn_->local_neigh(100, ip("10.1.0.7"), mac(kMac), true, now_);
  ASSERT_EQ(our_sequence(kMac), 0u);
  ASSERT_TRUE(ours(kMac, "10.1.0.7"));
  // The host moved behind 10.0.0.20 (a higher VTEP IP than ours: only the sequence decides).
  announce_mac("10.0.0.20", kMac, 1);
  EXPECT_FALSE(ours(kMac));
  EXPECT_FALSE(ours(kMac, "10.1.0.7"));
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.20"), 1, false}));
  EXPECT_FALSE(view_or_fail(kMac).local);
  // It comes back: highest seen + 1.
  learn(kMac);
  EXPECT_EQ(our_sequence(kMac), 2u);
  EXPECT_EQ(our_sequence(kMac, "10.1.0.7"), 2u);
  EXPECT_FALSE(sink_.mac_at(100, kMac));
  // The remote withdraws, then advertises again with what it had: ours stays.
  withdraw(type2("10.0.0.20", 100, kMac));
  announce_mac("10.0.0.20", kMac, 1);
  EXPECT_EQ(our_sequence(kMac), 2u);
  EXPECT_FALSE(sink_.mac_at(100, kMac));
}

TEST_F(EvpnTest, RemoteWithLowerSequenceIgnored) {
  start();
  announce_mac("10.0.0.2", kMac, 3);
  learn(kMac);
  ASSERT_EQ(our_sequence(kMac), 4u);
  announce_mac("10.0.0.3", kMac, 2);
  EXPECT_EQ(our_sequence(kMac), 4u);
  EXPECT_TRUE(sink_.macs.empty());
  EXPECT_TRUE(view_or_fail(kMac).local);
}

TEST_F(EvpnTest, EqualSequenceLowerVtepWins) {
  start();
  // Two remotes with sequence 0: the lower VTEP IP.
  announce_mac("10.0.0.5", kMac, 0);
  announce_mac("10.0.0.3", kMac, 0);
  EXPECT_EQ(sink_.vtep_at(100, kMac), ip("10.0.0.3"));
  withdraw(type2("10.0.0.3", 100, kMac));
  EXPECT_EQ(sink_.vtep_at(100, kMac), ip("10.0.0.5"));
  withdraw(type2("10.0.0.5", 100, kMac));

  // Local (our VTEP 10.0.0.11) against a higher VTEP IP with the same sequence: we keep it.
  const char* m2 = "52:54:00:00:00:02";
  learn(m2);
  announce_mac("10.0.0.20", m2, 0);
  EXPECT_EQ(our_sequence(m2), 0u);
  EXPECT_FALSE(sink_.mac_at(100, m2));
  // A lower VTEP IP with the same sequence: it wins (RFC 7432 §15.1).
  announce_mac("10.0.0.2", m2, 0);
  EXPECT_FALSE(ours(m2));
  EXPECT_EQ(sink_.vtep_at(100, m2), ip("10.0.0.2"));
}

TEST_F(EvpnTest, StickyMacWins) {
  start();
  announce_mac("10.0.0.2", kMac, 6);
  learn(kMac);
  ASSERT_EQ(our_sequence(kMac), 7u);
  announce_mac("10.0.0.30", kMac, 0, true);  // Static MAC elsewhere, higher IP, lower sequence.
  EXPECT_FALSE(ours(kMac));
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.30"), 0, true}));
  EXPECT_TRUE(view_or_fail(kMac).sticky);
  learn(kMac);  // Learning it again does not beat a sticky MAC.
  EXPECT_FALSE(ours(kMac));
  EXPECT_EQ(sink_.vtep_at(100, kMac), ip("10.0.0.30"));
}

TEST_F(EvpnTest, RemoteWithdrawnLocalTakesOverAboveWhatWasSeen) {
  start();
  learn(kMac);
  announce_mac("10.0.0.2", kMac, 0);  // Equal sequence, lower VTEP: remote wins.
  ASSERT_FALSE(ours(kMac));
  withdraw(type2("10.0.0.2", 100, kMac));
  EXPECT_EQ(our_sequence(kMac), 1u);
  EXPECT_TRUE(sink_.macs.empty());
}

// ==========================================================================================
// Duplicate address detection.

/// Moves the MAC local <-> remote, `gap_` apart; the remote is 10.0.0.2 with increasing
/// sequences, as two hosts fighting over one MAC produce.
class EvpnDupTest : public EvpnTest {
 protected:
  /// One move: to the remote (odd sequences) or back here (even ones).
  void move() {
    now_ += gap_;
    if (remote_next_) {
      announce_mac("10.0.0.2", kMac, ++seq_);
    } else {
      learn(kMac);
      ++seq_;
    }
    remote_next_ = !remote_next_;
  }
  seconds gap_{10};
  uint32_t seq_ = 0;
  bool remote_next_ = true;
};

TEST_F(EvpnDupTest, SixthMoveInWindowFreezesThenRecovers) {
  start();
  learn(kMac);
  for (int i = 0; i < 5; ++i) move();  // remote 1, local 2, remote 3, local 4, remote 5
  EXPECT_EQ(view_or_fail(kMac).moves, 5u);
  EXPECT_FALSE(view_or_fail(kMac).frozen);
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.2"), 5, false}));
  ASSERT_FALSE(ours(kMac));

  move();  // 6th: learned here again -> frozen, nothing changes outside.
  const Clock::time_point frozen_at = now_;
  auto v = view(kMac);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->frozen);
  EXPECT_EQ(v->moves, 6u);
  EXPECT_FALSE(ours(kMac));
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.2"), 5, false}));
  // While frozen, evpnd does not react: the remote route going away changes nothing.
  withdraw(type2("10.0.0.2", 100, kMac));
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.2"), 5, false}));
  EXPECT_FALSE(ours(kMac));

  EXPECT_EQ(evpn_->tick(frozen_at + seconds(179)), frozen_at + seconds(180));
  EXPECT_TRUE(view_or_fail(kMac).frozen);
  // Recovery: re-evaluated from what is there now (local only): advertised above the highest
  // sequence seen, the stale remote entry removed.
  now_ = frozen_at + seconds(180);
  evpn_->tick(now_);
  sync();
  v = view(kMac);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->frozen);
  EXPECT_EQ(v->moves, 0u);
  EXPECT_TRUE(v->local);
  EXPECT_EQ(our_sequence(kMac), 6u);
  EXPECT_TRUE(sink_.macs.empty());
}

TEST_F(EvpnDupTest, MovesSpreadBeyondTheWindowDoNotFreeze) {
  start();
  learn(kMac);
  gap_ = seconds(40);  // Moves 1-5 within 160 s; the 6th, 200 s after the 1st, opens a window.
  for (int i = 0; i < 8; ++i) move();
  const auto v = view(kMac);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->frozen);
  EXPECT_LE(v->moves, 5u);
  EXPECT_EQ(our_sequence(kMac), 8u);  // The 8th move brought it back here with 7 + 1.
}

TEST_F(EvpnDupTest, RemoteVtepToVtepMovesCountAndFreezeUntilCleared) {
  EvpnOptions o = default_options();
  o.dup_max_moves = 2;
  o.dup_freeze = seconds(0);
  start(o);
  announce_mac("10.0.0.2", kMac, 0);
  announce_mac("10.0.0.3", kMac, 1);  // move 1
  announce_mac("10.0.0.2", kMac, 2);  // move 2
  announce_mac("10.0.0.3", kMac, 3);  // move 3: frozen
  EXPECT_TRUE(view_or_fail(kMac).frozen);
  EXPECT_EQ(sink_.vtep_at(100, kMac), ip("10.0.0.2"));
  EXPECT_EQ(evpn_->tick(now_ + seconds(100000)), std::nullopt);  // Until cleared.
  EXPECT_TRUE(view_or_fail(kMac).frozen);
  EXPECT_TRUE(evpn_->clear_frozen(100, mac(kMac), now_));
  EXPECT_FALSE(evpn_->clear_frozen(100, mac(kMac), now_));
  EXPECT_FALSE(view_or_fail(kMac).frozen);
  EXPECT_EQ(sink_.mac_at(100, kMac), (RemoteMac{ip("10.0.0.3"), 3, false}));
}

TEST_F(EvpnDupTest, DetectionCanBeTurnedOff) {
  EvpnOptions o = default_options();
  o.dup_detection = false;
  start(o);
  learn(kMac);
  for (int i = 0; i < 10; ++i) move();
  EXPECT_FALSE(view_or_fail(kMac).frozen);
  EXPECT_EQ(our_sequence(kMac), 10u);
}

TEST_F(EvpnTest, SequenceRememberedForMacHoldThenForgotten) {
  start();
  announce_mac("10.0.0.2", kMac, 4);
  withdraw(type2("10.0.0.2", 100, kMac));
  EXPECT_TRUE(evpn_->macs().empty());  // Nothing to show ...
  const auto next = evpn_->tick(now_);
  ASSERT_TRUE(next);  // ... but remembered until mac_hold is over.
  EXPECT_EQ(*next, now_ + seconds(600));
  learn(kMac);
  EXPECT_EQ(our_sequence(kMac), 5u);
  forget(kMac);
  now_ += seconds(601);
  EXPECT_EQ(evpn_->tick(now_), std::nullopt);
  learn(kMac);
  EXPECT_EQ(our_sequence(kMac), 0u);
}

// ==========================================================================================
// VNI up/down.

TEST_F(EvpnTest, VniUpImportsRoutesAlreadyInTheRib) {
  EvpnOptions o = default_options();
  o.advertise_all_vni = true;
  start(o, false);
  announce(type3("10.0.0.2", 300), "10.0.0.2", with_rt("65002:300"));
  announce(type2("10.0.0.2", 300, kMac, "10.3.0.5"), "10.0.0.2", with_rt("65002:300"));
  announce(type2("10.0.0.2", 300, kMac), "10.0.0.2", with_rt("65002:300"));
  EXPECT_EQ(sink_.calls, 0u);  // VNI 300 is not up yet.
  ASSERT_TRUE(evpn_->vni_up(300, "vxlan300", "br300"));
  sync();
  EXPECT_TRUE(sink_.floods(300, "10.0.0.2"));
  EXPECT_EQ(sink_.mac_at(300, kMac), (RemoteMac{ip("10.0.0.2"), 0, false}));
  EXPECT_EQ(sink_.neigh_at(300, "10.3.0.5"), mac(kMac));
  // Our type-3 for VNI 300 (auto RD and RT, PMSI ingress replication to our VTEP).
  const auto imet = inclusive_multicast_route(auto_rd(kOurVtep, 300), {}, 300, kOurVtep);
  const auto best = rib_.best(imet.nlri);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->peer, rib::kLocalPeer);
  const auto* pmsi = best->attributes->get<codec::PmsiTunnel>(codec::kPmsiTunnel);
  ASSERT_NE(pmsi, nullptr);
  EXPECT_EQ(pmsi->tunnel_endpoint(), kOurVtep);
  EXPECT_EQ(pmsi->label, 300u);
  // Again: only the names change.
  EXPECT_TRUE(evpn_->vni_up(300, "vxlan300b", "br300"));
  EXPECT_EQ(first_vni().vxlan_device, "vxlan300b");
}

TEST_F(EvpnTest, VniUpOnlyForConfiguredVnisWithoutAdvertiseAll) {
  start(default_options(), false);
  EXPECT_FALSE(evpn_->vni_up(300, "vxlan300", "br300"));
  EXPECT_TRUE(evpn_->vnis().empty());
  EXPECT_EQ(rib_.stats().destinations, 0u);
  evpn_->local_mac(300, mac(kMac), "tap0", true, now_);
  EXPECT_TRUE(evpn_->macs().empty());
  EXPECT_TRUE(evpn_->vni_up(100, "vxlan100", "br100"));
}

TEST_F(EvpnTest, VniDownWithdrawsAndClears) {
  start();
  announce(type3("10.0.0.2", 100), "10.0.0.2");
  announce_mac("10.0.0.2", "52:54:00:00:00:02", 0, false, "10.1.0.5");
  learn(kMac);
  evpn_->local_neigh(100, ip("10.1.0.7"), mac(kMac), true, now_);
  sync();
  ASSERT_TRUE(ours(kMac, "10.1.0.7"));
  ASSERT_FALSE(sink_.flood.empty());
  ASSERT_FALSE(sink_.macs.empty());
  ASSERT_FALSE(sink_.neighs.empty());

  evpn_->vni_down(100);
  sync();
  EXPECT_FALSE(ours(kMac));
  EXPECT_FALSE(ours(kMac, "10.1.0.7"));
  EXPECT_FALSE(
      rib_.best(inclusive_multicast_route(auto_rd(kOurVtep, 100), {}, 100, kOurVtep).nlri));
  EXPECT_TRUE(sink_.flood.empty());
  EXPECT_TRUE(sink_.macs.empty());
  EXPECT_TRUE(sink_.neighs.empty());
  EXPECT_TRUE(evpn_->vnis().empty());
  EXPECT_TRUE(evpn_->macs().empty());
  // Later routes for the VNI reach nothing; bringing it back imports them again.
  const size_t calls = sink_.calls;
  announce(type3("10.0.0.3", 100), "10.0.0.3");
  EXPECT_EQ(sink_.calls, calls);
  ASSERT_TRUE(evpn_->vni_up(100, "vxlan100", "br100"));
  sync();
  EXPECT_TRUE(sink_.floods(100, "10.0.0.2"));
  EXPECT_TRUE(sink_.floods(100, "10.0.0.3"));
  EXPECT_TRUE(sink_.mac_at(100, "52:54:00:00:00:02"));
}

TEST_F(EvpnTest, BadLocalInputIgnored) {
  start();
  evpn_->local_mac(100, mac("00:00:00:00:00:00"), "tap0", true, now_);
  evpn_->local_mac(100, mac("01:00:5e:00:00:01"), "tap0", true, now_);
  evpn_->local_neigh(100, IpAddress{}, mac(kMac), true, now_);
  evpn_->local_mac(100, mac(kMac), "tap0", false, now_);  // Never learned.
  evpn_->vni_down(999);
  sync();
  EXPECT_TRUE(evpn_->macs().empty());
  EXPECT_TRUE(evpn_->arps().empty());
  EXPECT_EQ(rib_.stats().destinations, 1u);  // Our type-3 only.
}

// ==========================================================================================
// Building blocks.

TEST(EvpnMacMobility, PreferredOrder) {
  const MacCandidate low{ip("10.0.0.2"), 1, false, false};
  const MacCandidate high_ip{ip("10.0.0.3"), 1, false, false};
  const MacCandidate newer{ip("10.0.0.9"), 2, false, false};
  const MacCandidate sticky{ip("10.0.0.9"), 0, true, false};
  EXPECT_TRUE(preferred(low, high_ip));
  EXPECT_FALSE(preferred(high_ip, low));
  EXPECT_TRUE(preferred(newer, low));
  EXPECT_TRUE(preferred(sticky, newer));
  EXPECT_FALSE(preferred(newer, sticky));
  EXPECT_FALSE(preferred(low, low));
  EXPECT_EQ(next_sequence(0), 1u);
  EXPECT_EQ(next_sequence(0xffffffffu), 0xffffffffu);
}

TEST(EvpnMacMobility, MoveCounterWindow) {
  MoveCounter c;
  const Clock::time_point t0{seconds(50)};
  EXPECT_EQ(c.record(t0, seconds(180)), 1u);
  EXPECT_EQ(c.record(t0 + seconds(100), seconds(180)), 2u);
  EXPECT_EQ(c.record(t0 + seconds(180), seconds(180)), 3u);
  EXPECT_EQ(c.record(t0 + seconds(181), seconds(180)), 1u);  // Window opened at t0 closed.
  c.reset();
  EXPECT_EQ(c.moves(), 0u);
}

// FRR's auto RT: type 0, the ASN's low 16 bits, the whole VNI, also with a 4-octet ASN.
TEST(EvpnOrigination, AutoRouteTargetKeepsTheWholeVni) {
  EXPECT_EQ(auto_route_target(65001, 100), rt("65001:100"));
  EXPECT_EQ(auto_route_target(4200000001, 100), rt("59905:100"));  // 4200000001 & 0xffff
  EXPECT_EQ(auto_route_target(4200000001, 70000), rt("59905:70000"));
  EXPECT_NE(auto_route_target(4200000001, 100), auto_route_target(4200000001, 65636));
  EXPECT_EQ(auto_route_target(4200000001, 70000).value.type, 0);
}

TEST(EvpnImportIndex, AutoExplicitAndRemoval) {
  ImportIndex index;
  index.add(100, {}, true);
  index.add(70000, {rt("65000:1")}, true);
  index.add(200, {rt("65000:1"), rt("10.0.0.1:5")}, false);
  auto match = [&](std::vector<codec::RouteTarget> rts) {
    codec::ExtendedCommunities ec;
    ec.values.emplace_back(codec::EncapsulationCommunity{});
    for (const auto& r : rts) ec.values.emplace_back(r);
    std::vector<uint32_t> out{42};
    index.match(ec, out);
    return out;
  };
  EXPECT_EQ(match({rt("65099:100")}), std::vector<uint32_t>{100});
  EXPECT_EQ(match({rt("4200000000:100")}), std::vector<uint32_t>{100});
  // 70000 & 0xffff = 4464: a 4-octet-AS RT carries only 16 bits of the VNI.
  EXPECT_EQ(match({rt("4200000000:4464")}), std::vector<uint32_t>{70000});
  EXPECT_EQ(match({rt("65001:70000")}), std::vector<uint32_t>{70000});
  EXPECT_EQ(match({rt("65000:1")}), (std::vector<uint32_t>{200, 70000}));
  EXPECT_EQ(match({rt("10.0.0.1:5"), rt("65000:100")}), (std::vector<uint32_t>{100, 200}));
  EXPECT_TRUE(match({rt("10.0.0.1:100")}).empty());  // Type 1 is not an auto RT.
  EXPECT_TRUE(match({rt("65000:200")}).empty());     // VNI 200 imports explicitly only.
  index.remove(200);
  EXPECT_EQ(match({rt("65000:1")}), std::vector<uint32_t>{70000});
  EXPECT_TRUE(match({rt("10.0.0.1:5")}).empty());
  index.remove(70000);
  index.remove(100);
  EXPECT_TRUE(index.empty());
  EXPECT_TRUE(match({rt("65000:1"), rt("65000:100")}).empty());
}

}  // namespace
}  // namespace evpnd::evpn
