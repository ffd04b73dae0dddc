// Real-kernel tests of nl::NetlinkDataplane (netlink/netlink_dataplane.h): every kind of entry
// evpnd writes (DESIGN.md "Netlink facts": RFC 7432 §9.2.2 remote MACs, RFC 8365 §9 flood lists,
// RFC 9135 neighbors, RFC 9136 routes) written, replaced, removed and dumped, checked against the
// kernel's own view (`bridge -j fdb`, `ip -j neigh`, `ip -j route`); batches, error mapping,
// events. Each test runs in a fresh network namespace (unshare(CLONE_NEWNET) in SetUp; root).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "fib/dataplane.h"
#include "netlink/netlink_dataplane.h"
#include "netlink/rtnl_message.h"

namespace evpnd::nl {
namespace {

using fib::Change;
using fib::FdbEntry;
using fib::IpAddr;
using fib::Mac;
using fib::NeighEntry;
using fib::NextHop;
using fib::Op;
using fib::RouteEntry;
using nlohmann::json;

constexpr uint8_t kSelfExt = fib::kNtfSelf | fib::kNtfExtLearned;
constexpr uint8_t kMasterExt = fib::kNtfMaster | fib::kNtfExtLearned;

Mac mac(const std::string& s) { return *Mac::parse(s); }
IpAddr ip(const std::string& s) { return *IpAddr::parse(s); }

::testing::AssertionResult sh(const std::string& cmd) {
  const int rc = std::system((cmd + " 2>&1").c_str());
  if (rc == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "`" << cmd << "` exited " << rc;
}

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

json jcmd(const std::string& cmd) {
  const std::string out = capture(cmd);
  auto j = json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON from `" << cmd << "`: " << out.substr(0, 200);
  return j.is_array() ? j : json::array();
}

/// Entries of `bridge -j fdb show dev DEV` with the given MAC.
std::vector<json> fdb_of(const std::string& dev, const std::string& m) {
  std::vector<json> out;
  for (auto& e : jcmd("bridge -j fdb show dev " + dev)) {
    if (e.value("mac", "") == m) out.push_back(e);
  }
  return out;
}

bool has_flag(const json& e, const std::string& flag) {
  if (!e.contains("flags")) return false;
  for (auto& f : e["flags"]) {
    if (f == flag) return true;
  }
  return false;
}

int ifindex(const char* name) { return static_cast<int>(::if_nametoindex(name)); }

FdbEntry fdb(int ifi, const std::string& m, const std::string& dst, uint8_t flags, uint16_t state) {
  FdbEntry e;
  e.ifindex = ifi;
  e.mac = mac(m);
  if (!dst.empty()) e.dst = ip(dst);
  e.flags = flags;
  e.state = state;
  return e;
}

/// Records events.
struct Recorder : fib::DataplaneListener {
  std::vector<fib::Event> events;
  int lost = 0;
  void on_event(const fib::Event& e) override { events.push_back(e); }
  void on_events_lost() override { ++lost; }

  template <typename T>
  std::vector<std::pair<T, bool>> of() const {
    std::vector<std::pair<T, bool>> out;
    for (const auto& e : events) {
      if (auto* p = std::get_if<T>(&e.object)) out.emplace_back(*p, e.removed);
    }
    return out;
  }
};

/// Wall and CPU time of this process, for the figures printed by the batch test.
struct Clock {
  Clock() : wall_(std::chrono::steady_clock::now()) {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    user_ = seconds(ru.ru_utime);
    sys_ = seconds(ru.ru_stime);
  }
  static double wall(const Clock& a, const Clock& b) {
    return std::chrono::duration<double>(b.wall_ - a.wall_).count();
  }
  /// "1.234 s wall (user 0.100 s, kernel 1.000 s)".
  static std::string between(const Clock& a, const Clock& b) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.3f s wall (user %.3f s, kernel %.3f s)", wall(a, b),
                  b.user_ - a.user_, b.sys_ - a.sys_);
    return buf;
  }

 private:
  static double seconds(const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  }
  std::chrono::steady_clock::time_point wall_;
  double user_, sys_;
};

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << std::strerror(errno);
    ASSERT_TRUE(sh("ip link set lo up"));
    std::string err;
    dp_ = NetlinkDataplane::open(io_, &err);
    ASSERT_TRUE(dp_) << err;
  }

  /// br0 (192.168.1.1/24, 2001:db8:1::1/64) with ports vx100 (VNI 100, local 10.0.0.1,
  /// nolearning) and veth0 (peer veth1); all up.
  void make_l2vni(bool vlan_aware = false) {
    ASSERT_TRUE(
        sh(std::string("ip link add br0 type bridge") + (vlan_aware ? " vlan_filtering 1" : "")));
    ASSERT_TRUE(sh("ip link add vx100 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning"));
    ASSERT_TRUE(sh("ip link add veth0 type veth peer name veth1"));
    ASSERT_TRUE(sh("ip link set vx100 master br0 && ip link set veth0 master br0"));
    ASSERT_TRUE(sh("for d in br0 vx100 veth0 veth1; do ip link set $d up; done"));
    ASSERT_TRUE(
        sh("ip addr add 192.168.1.1/24 dev br0 && ip addr add 2001:db8:1::1/64 dev br0 "
           "nodad"));
    br0_ = ifindex("br0");
    vx_ = ifindex("vx100");
    veth0_ = ifindex("veth0");
  }

  std::vector<int> apply(std::vector<Change> changes) { return dp_->apply(changes); }

  fib::Snapshot dump() {
    std::string err;
    auto snap = dp_->dump(&err);
    EXPECT_EQ(err, "");
    return snap;
  }

  /// Runs the loop until pred() or 3 s.
  bool run_until(const std::function<bool()>& pred) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!pred()) {
      if (std::chrono::steady_clock::now() > end) return false;
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return true;
  }
  /// Runs the loop for a while (events that should not come).
  void run_for(int ms) {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(ms));
  }

  boost::asio::io_context io_;
  std::unique_ptr<NetlinkDataplane> dp_;
  int br0_ = 0, vx_ = 0, veth0_ = 0;
};

std::vector<FdbEntry> fdb_in(const fib::Snapshot& s, int ifi, const std::string& m) {
  std::vector<FdbEntry> out;
  for (const auto& e : s.fdb) {
    if (e.ifindex == ifi && e.mac == mac(m)) out.push_back(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writes, checked with the kernel's view and with dump()

TEST_F(NetnsTest, FdbRemoteMacAddedMovedRemoved) {
  make_l2vni();
  const std::string m = "aa:bb:cc:00:00:01";
  auto self = fdb(vx_, m, "10.0.0.2", kSelfExt, fib::kNudReachable);
  auto master = fdb(vx_, m, "", kMasterExt, fib::kNudReachable);
  EXPECT_EQ(apply({{Op::kReplace, self}, {Op::kReplace, master}}), (std::vector<int>{0, 0}));

  auto k = fdb_of("vx100", m);
  ASSERT_EQ(k.size(), 2u);
  const auto& kself = k[0].contains("dst") ? k[0] : k[1];
  const auto& kmaster = k[0].contains("dst") ? k[1] : k[0];
  EXPECT_EQ(kself["dst"], "10.0.0.2");
  EXPECT_TRUE(has_flag(kself, "self") && has_flag(kself, "extern_learn"));
  EXPECT_EQ(kmaster.value("master", ""), "br0");
  EXPECT_TRUE(has_flag(kmaster, "extern_learn"));

  // dump() reads back exactly what was written (master = bridge for the bridge's entry).
  auto d = fdb_in(dump(), vx_, m);
  ASSERT_EQ(d.size(), 2u);
  master.master = br0_;
  EXPECT_TRUE((d[0] == self && d[1] == master) || (d[1] == self && d[0] == master))
      << fib::to_string(d[0]) << " / " << fib::to_string(d[1]);

  // The MAC moves to another VTEP: replace, one entry with the new dst.
  self.dst = ip("10.0.0.3");
  EXPECT_EQ(apply({{Op::kReplace, self}}), (std::vector<int>{0}));
  k = fdb_of("vx100", m);
  std::vector<std::string> dsts;
  for (auto& e : k) {
    if (e.contains("dst")) dsts.push_back(e["dst"]);
  }
  EXPECT_EQ(dsts, (std::vector<std::string>{"10.0.0.3"}));
  d = fdb_in(dump(), vx_, m);
  EXPECT_EQ(std::count(d.begin(), d.end(), self), 1);

  EXPECT_EQ(apply({{Op::kDelete, self}, {Op::kDelete, master}}), (std::vector<int>{0, 0}));
  EXPECT_TRUE(fdb_of("vx100", m).empty());
  EXPECT_TRUE(fdb_in(dump(), vx_, m).empty());
  // Already gone.
  EXPECT_EQ(apply({{Op::kDelete, self}}), (std::vector<int>{-ENOENT}));
}

TEST_F(NetnsTest, FloodListThreeVtepsAppendedOneRemoved) {
  make_l2vni();
  const std::string zero = "00:00:00:00:00:00";
  const uint16_t state = fib::kNudNoArp | fib::kNudPermanent;
  std::vector<Change> adds;
  for (const char* vtep : {"10.0.0.2", "10.0.0.3", "10.0.0.4"}) {
    adds.push_back({Op::kAppend, fdb(vx_, zero, vtep, kSelfExt, state)});
  }
  EXPECT_EQ(apply(adds), (std::vector<int>{0, 0, 0}));
  auto vteps = [&] {
    std::vector<std::string> out;
    for (auto& e : fdb_of("vx100", zero)) {
      if (e.contains("dst")) out.push_back(e["dst"]);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(vteps(), (std::vector<std::string>{"10.0.0.2", "10.0.0.3", "10.0.0.4"}));
  auto d = fdb_in(dump(), vx_, zero);
  ASSERT_EQ(d.size(), 3u);
  for (const auto& e : d) {
    EXPECT_EQ(e.flags, kSelfExt);
    EXPECT_EQ(e.state, state);
  }

  EXPECT_EQ(apply({{Op::kDelete, fdb(vx_, zero, "10.0.0.3", kSelfExt, state)}}),
            (std::vector<int>{0}));
  EXPECT_EQ(vteps(), (std::vector<std::string>{"10.0.0.2", "10.0.0.4"}));
  EXPECT_EQ(fdb_in(dump(), vx_, zero).size(), 2u);
  // Appending a VTEP that is already there succeeds and changes nothing.
  EXPECT_EQ(apply({{Op::kAppend, fdb(vx_, zero, "10.0.0.2", kSelfExt, state)}}),
            (std::vector<int>{0}));
  EXPECT_EQ(vteps(), (std::vector<std::string>{"10.0.0.2", "10.0.0.4"}));
}

TEST_F(NetnsTest, BridgeMasterEntryReplacesLocallyLearnedOne) {
  make_l2vni();
  const std::string m = "aa:bb:cc:00:00:05";
  ASSERT_TRUE(sh("bridge fdb add " + m + " dev veth0 master dynamic"));
  auto k = fdb_of("veth0", m);
  ASSERT_EQ(k.size(), 1u);
  EXPECT_FALSE(has_flag(k[0], "extern_learn"));

  Recorder rec;
  dp_->watch(&rec);
  auto of_m = [&] {
    auto all = rec.of<FdbEntry>();
    std::erase_if(all, [&](const auto& e) { return e.first.mac != mac(m); });
    return all;
  };
  auto master = fdb(vx_, m, "", kMasterExt, fib::kNudReachable);
  EXPECT_EQ(apply({{Op::kReplace, master}}), (std::vector<int>{0}));
  // One event: the entry, now on the VXLAN port (no removal on veth0).
  ASSERT_TRUE(run_until([&] { return !of_m().empty(); }));
  run_for(50);
  ASSERT_EQ(of_m().size(), 1u);
  EXPECT_FALSE(of_m()[0].second);
  EXPECT_EQ(of_m()[0].first.ifindex, vx_);
  EXPECT_EQ(of_m()[0].first.flags, kMasterExt);
  EXPECT_EQ(of_m()[0].first.master, br0_);
  EXPECT_TRUE(fdb_of("veth0", m).empty());
  k = fdb_of("vx100", m);
  ASSERT_EQ(k.size(), 1u);
  EXPECT_TRUE(has_flag(k[0], "extern_learn"));
  EXPECT_EQ(k[0].value("master", ""), "br0");

  auto d = fdb_in(dump(), vx_, m);
  ASSERT_EQ(d.size(), 1u);
  master.master = br0_;
  EXPECT_EQ(d[0], master) << fib::to_string(d[0]);

  // Deleting it from a port it is not on is refused; from its port it goes.
  auto wrong = master;
  wrong.ifindex = veth0_;
  EXPECT_EQ(apply({{Op::kDelete, wrong}, {Op::kDelete, master}}), (std::vector<int>{-ENOENT, 0}));
  EXPECT_TRUE(fdb_of("vx100", m).empty());
}

TEST_F(NetnsTest, BridgeMasterEntryWithVlanOnAVlanAwareBridge) {
  if (!sh("ip link add brv type bridge vlan_filtering 1")) {
    GTEST_SKIP() << "this kernel has no VLAN-aware bridge (CONFIG_BRIDGE_VLAN_FILTERING)";
  }
  ASSERT_TRUE(
      sh("ip link add vxv type vxlan id 300 local 10.0.0.1 dstport 4789 nolearning && "
         "ip link set vxv master brv && ip link set vxv up && ip link set brv up && "
         "bridge vlan add dev vxv vid 10"));
  const int brv = ifindex("brv"), vxv = ifindex("vxv");
  const std::string m = "aa:bb:cc:00:00:06";
  auto master = fdb(vxv, m, "", kMasterExt, fib::kNudReachable);
  master.vlan = 10;
  EXPECT_EQ(apply({{Op::kReplace, master}}), (std::vector<int>{0}));
  auto k = fdb_of("vxv", m);
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].value("vlan", 0), 10);
  auto d = fdb_in(dump(), vxv, m);
  ASSERT_EQ(d.size(), 1u);
  master.master = brv;
  EXPECT_EQ(d[0], master) << fib::to_string(d[0]);
  EXPECT_EQ(apply({{Op::kDelete, master}}), (std::vector<int>{0}));
  EXPECT_TRUE(fdb_of("vxv", m).empty());
}

TEST_F(NetnsTest, NeighborNoArpExternLearnWithProtocol) {
  make_l2vni();
  NeighEntry v4;
  v4.ifindex = br0_;
  v4.ip = ip("192.168.1.5");
  v4.mac = mac("aa:bb:cc:dd:ee:01");
  v4.flags = fib::kNtfExtLearned;
  v4.state = fib::kNudNoArp;
  v4.protocol = fib::kProtocolEvpnd;
  NeighEntry v6 = v4;
  v6.ip = ip("2001:db8:1::5");
  EXPECT_EQ(apply({{Op::kReplace, v4}, {Op::kReplace, v6}}), (std::vector<int>{0, 0}));

  auto k = jcmd("ip -j neigh show dev br0");
  ASSERT_EQ(k.size(), 2u);
  for (auto& e : k) {
    EXPECT_TRUE(e["dst"] == "192.168.1.5" || e["dst"] == "2001:db8:1::5") << e;
    EXPECT_EQ(e["lladdr"], "aa:bb:cc:dd:ee:01");
    EXPECT_TRUE(e.contains("extern_learn")) << e;
    EXPECT_EQ(e["state"], json::array({"NOARP"}));
    EXPECT_EQ(e["protocol"], "199");
  }
  auto s = dump();
  EXPECT_EQ(std::count(s.neighbors.begin(), s.neighbors.end(), v4), 1);
  EXPECT_EQ(std::count(s.neighbors.begin(), s.neighbors.end(), v6), 1);

  // The host moved behind another MAC.
  v4.mac = mac("aa:bb:cc:dd:ee:02");
  EXPECT_EQ(apply({{Op::kReplace, v4}}), (std::vector<int>{0}));
  EXPECT_EQ(jcmd("ip -j -4 neigh show dev br0")[0]["lladdr"], "aa:bb:cc:dd:ee:02");
  s = dump();
  EXPECT_EQ(std::count(s.neighbors.begin(), s.neighbors.end(), v4), 1);

  EXPECT_EQ(apply({{Op::kDelete, v4}, {Op::kDelete, v6}, {Op::kDelete, v6}}),
            (std::vector<int>{0, 0, -ENOENT}));
  EXPECT_TRUE(jcmd("ip -j neigh show dev br0").empty());
}

TEST_F(NetnsTest, EcmpAndOnlinkRoutesInATable) {
  ASSERT_TRUE(
      sh("ip link add veth0 type veth peer name veth1 && ip link set veth0 up && "
         "ip link set veth1 up && ip addr add 10.1.0.1/24 dev veth0 && "
         "ip addr add 10.2.0.1/24 dev veth1 && ip -6 addr add 2001:db8:a::1/64 dev veth0 "
         "nodad && ip -6 addr add 2001:db8:b::1/64 dev veth1 nodad"));
  const int v0 = ifindex("veth0"), v1 = ifindex("veth1");
  RouteEntry ecmp;
  ecmp.table = 1000;
  ecmp.dst = ip("10.99.0.0");
  ecmp.prefix_length = 24;
  ecmp.protocol = fib::kProtocolEvpnd;
  ecmp.metric = 20;
  ecmp.next_hops = {NextHop{ip("10.1.0.2"), v0, false}, NextHop{ip("10.2.0.2"), v1, false}};
  RouteEntry onlink;
  onlink.table = 1000;
  onlink.dst = ip("10.98.0.0");
  onlink.prefix_length = 24;
  onlink.protocol = fib::kProtocolEvpnd;
  onlink.next_hops = {NextHop{ip("10.5.0.1"), v0, true}};
  RouteEntry v6 = ecmp;
  v6.table = 254;
  v6.dst = ip("2001:db8:99::");
  v6.prefix_length = 48;
  v6.next_hops = {NextHop{ip("2001:db8:a::2"), v0, false}, NextHop{ip("2001:db8:b::2"), v1, false}};
  EXPECT_EQ(apply({{Op::kReplace, ecmp}, {Op::kReplace, onlink}, {Op::kReplace, v6}}),
            (std::vector<int>{0, 0, 0}));

  auto k = jcmd("ip -j route show table 1000");
  ASSERT_EQ(k.size(), 2u);
  for (auto& r : k) {
    EXPECT_EQ(r["protocol"], "199");
    if (r["dst"] == "10.99.0.0/24") {
      EXPECT_EQ(r["metric"], 20);
      ASSERT_EQ(r["nexthops"].size(), 2u);
      EXPECT_EQ(r["nexthops"][0]["gateway"], "10.1.0.2");
      EXPECT_EQ(r["nexthops"][1]["gateway"], "10.2.0.2");
    } else {
      EXPECT_EQ(r["dst"], "10.98.0.0/24");
      EXPECT_EQ(r["gateway"], "10.5.0.1");
      EXPECT_EQ(r["flags"], json::array({"onlink"}));
    }
  }
  auto k6 = jcmd("ip -j -6 route show 2001:db8:99::/48");
  ASSERT_EQ(k6.size(), 1u);
  EXPECT_EQ(k6[0]["nexthops"].size(), 2u);

  auto s = dump();
  EXPECT_EQ(std::count(s.routes.begin(), s.routes.end(), ecmp), 1);
  EXPECT_EQ(std::count(s.routes.begin(), s.routes.end(), onlink), 1);
  EXPECT_EQ(std::count(s.routes.begin(), s.routes.end(), v6), 1);
  // Connected routes are there too, with their table and protocol (kernel = 2).
  bool connected = false;
  for (const auto& r : s.routes) {
    connected |= r.dst == ip("10.1.0.0") && r.prefix_length == 24 && r.table == 254 &&
                 r.protocol == RTPROT_KERNEL && r.next_hops.size() == 1 &&
                 r.next_hops[0].ifindex == v0;
  }
  EXPECT_TRUE(connected);

  // Replace the ECMP route by a single path.
  ecmp.next_hops.pop_back();
  EXPECT_EQ(apply({{Op::kReplace, ecmp}}), (std::vector<int>{0}));
  k = jcmd("ip -j route show table 1000 10.99.0.0/24");
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0]["gateway"], "10.1.0.2");

  EXPECT_EQ(apply({{Op::kDelete, ecmp}, {Op::kDelete, onlink}, {Op::kDelete, v6}}),
            (std::vector<int>{0, 0, 0}));
  EXPECT_TRUE(jcmd("ip -j route show table 1000").empty());
  EXPECT_TRUE(jcmd("ip -j -6 route show 2001:db8:99::/48").empty());
}

TEST_F(NetnsTest, HundredThousandFdbEntriesInOneApply) {
  make_l2vni();
  // EVPND_NETNS_FDB_COUNT overrides the count, for measuring (e.g. 1000000).
  const char* env = std::getenv("EVPND_NETNS_FDB_COUNT");
  const int kCount = env ? std::max(1, std::atoi(env)) : 100000;
  std::vector<Change> changes;
  changes.reserve(static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    FdbEntry e;
    e.ifindex = vx_;
    e.mac.octets = {0x02,
                    0x00,
                    0x00,
                    static_cast<uint8_t>(i >> 16),
                    static_cast<uint8_t>(i >> 8),
                    static_cast<uint8_t>(i)};
    e.dst = IpAddr::v4(0x0a000100u + static_cast<uint32_t>(i % 200));
    e.flags = kSelfExt;
    e.state = fib::kNudReachable;
    changes.push_back({Op::kReplace, e});
  }
  const Clock c0;
  const auto results = dp_->apply(changes);
  const Clock c1;
  EXPECT_EQ(std::count(results.begin(), results.end(), 0), kCount);
  const auto snap = dump();
  const Clock c2;
  const auto count = std::count_if(snap.fdb.begin(), snap.fdb.end(), [&](const FdbEntry& e) {
    return e.ifindex == vx_ && e.flags == kSelfExt && e.mac.octets[0] == 0x02 && !e.dst.empty();
  });
  EXPECT_EQ(count, kCount);
  const auto st = dp_->stats();
  std::printf(
      "[ figures  ] apply %d FDB entries: %s, %.0f entries/s wall; %llu sendmsg, %llu acks\n",
      kCount, Clock::between(c0, c1).c_str(), kCount / Clock::wall(c0, c1),
      static_cast<unsigned long long>(st.sendmsg_calls), static_cast<unsigned long long>(st.acks));
  std::printf("[ figures  ] dump with %zu FDB entries: %s\n", snap.fdb.size(),
              Clock::between(c1, c2).c_str());
  EXPECT_EQ(st.messages_sent, static_cast<uint64_t>(kCount));
  EXPECT_GT(st.sendmsg_calls, 1u);
  EXPECT_LT(st.sendmsg_calls, static_cast<uint64_t>(kCount / 100));
  EXPECT_EQ(st.acks, static_cast<uint64_t>(kCount));

  // The same entries deleted in one go.
  for (auto& c : changes) c.op = Op::kDelete;
  const auto del = dp_->apply(changes);
  EXPECT_EQ(std::count(del.begin(), del.end(), 0), kCount);
  EXPECT_EQ(fdb_in(dump(), vx_, "02:00:00:00:00:01").size(), 0u);
}

TEST_F(NetnsTest, ErrorsMapToTheirChangeOnly) {
  make_l2vni();
  NeighEntry no_ip;  // Not encodable: no address family.
  no_ip.ifindex = br0_;
  const auto results = apply({
      {Op::kReplace, fdb(vx_, "aa:bb:cc:00:00:01", "10.0.0.2", kSelfExt, fib::kNudReachable)},
      {Op::kReplace, fdb(9999, "aa:bb:cc:00:00:02", "10.0.0.2", kSelfExt, fib::kNudReachable)},
      {Op::kReplace, no_ip},
      {Op::kDelete, fdb(vx_, "aa:bb:cc:00:00:03", "", kSelfExt, fib::kNudReachable)},
      {Op::kReplace, fdb(vx_, "aa:bb:cc:00:00:04", "10.0.0.2", kSelfExt, fib::kNudReachable)},
  });
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0], 0);
  EXPECT_TRUE(results[1] == -ENODEV || results[1] == -EINVAL) << results[1];
  EXPECT_EQ(results[2], -EINVAL);
  EXPECT_EQ(results[3], -ENOENT);
  EXPECT_EQ(results[4], 0);
  EXPECT_EQ(fdb_of("vx100", "aa:bb:cc:00:00:01").size(), 1u);
  EXPECT_EQ(fdb_of("vx100", "aa:bb:cc:00:00:04").size(), 1u);
  EXPECT_EQ(dp_->stats().errors, 3u);
  EXPECT_EQ(apply({}), std::vector<int>{});
}

TEST_F(NetnsTest, DumpOfLinksAndAddresses) {
  make_l2vni();
  ASSERT_TRUE(
      sh("ip link add vx6 type vxlan id 200 local 2001:db8::1 dstport 4789 && "
         "bridge link set dev vx100 neigh_suppress on"));
  // VLAN devices only where the kernel has them (CONFIG_VLAN_8021Q).
  const bool have_vlan = sh("ip link add link br0 name br0.10 type vlan id 10");
  const auto s = dump();
  auto link = [&](const char* name) {
    for (const auto& l : s.links) {
      if (l.name == name) return l;
    }
    ADD_FAILURE() << "no link " << name;
    return fib::Link{};
  };
  const auto vx = link("vx100");
  EXPECT_EQ(vx.ifindex, vx_);
  EXPECT_EQ(vx.kind, "vxlan");
  EXPECT_EQ(vx.vni, 100u);
  EXPECT_EQ(vx.local, ip("10.0.0.1"));
  EXPECT_FALSE(vx.learning);
  EXPECT_EQ(vx.master, br0_);
  EXPECT_TRUE(vx.up);
  EXPECT_TRUE(vx.neigh_suppress);
  const auto vx6 = link("vx6");
  EXPECT_EQ(vx6.vni, 200u);
  EXPECT_EQ(vx6.local, ip("2001:db8::1"));
  EXPECT_TRUE(vx6.learning);
  EXPECT_FALSE(vx6.up);
  EXPECT_EQ(vx6.master, 0);
  if (have_vlan) {
    const auto vlan = link("br0.10");
    EXPECT_EQ(vlan.kind, "vlan");
    EXPECT_EQ(vlan.vlan_id, 10);
    EXPECT_EQ(vlan.link, br0_);
  } else {
    std::printf("[  note    ] no VLAN devices on this kernel: VLAN link dump not checked here\n");
  }
  const auto br = link("br0");
  EXPECT_EQ(br.kind, "bridge");
  EXPECT_TRUE(br.up);
  EXPECT_FALSE(br.mac.is_zero());
  EXPECT_FALSE(link("veth0").neigh_suppress);
  EXPECT_EQ(link("lo").kind, "");

  auto has_addr = [&](const std::string& a, uint8_t len) {
    return std::count(s.addresses.begin(), s.addresses.end(), fib::Address{br0_, ip(a), len}) == 1;
  };
  EXPECT_TRUE(has_addr("192.168.1.1", 24));
  EXPECT_TRUE(has_addr("2001:db8:1::1", 64));
}

// ---------------------------------------------------------------------------------------------
// Kernel facts stated in netlink_dataplane.h

TEST_F(NetnsTest, KernelFactsOnExtLearnedFdbEntries) {
  make_l2vni();
  Recorder rec;
  dp_->watch(&rec);
  // Events of the VXLAN port only (the bridge also learns what the veth pair sends).
  auto on_vx = [&] {
    auto all = rec.of<FdbEntry>();
    std::erase_if(all, [&](const auto& e) { return e.first.ifindex != vx_; });
    return all;
  };
  const std::string zero = "00:00:00:00:00:00", uni = "aa:bb:cc:00:00:07";
  const uint16_t perm = fib::kNudNoArp | fib::kNudPermanent;
  // 1. Flood entry with NTF_EXT_LEARNED: kept and reported, per VTEP.
  ASSERT_EQ(apply({{Op::kAppend, fdb(vx_, zero, "10.0.0.2", kSelfExt, perm)},
                   {Op::kAppend, fdb(vx_, zero, "10.0.0.3", kSelfExt, perm)}}),
            (std::vector<int>{0, 0}));
  // 2. Unicast self entry, NTF_EXT_LEARNED; 3. bridge entry on the VXLAN port, with sticky.
  ASSERT_EQ(
      apply({{Op::kReplace, fdb(vx_, uni, "10.0.0.2", kSelfExt, fib::kNudReachable)},
             {Op::kReplace, fdb(vx_, uni, "", kMasterExt | fib::kNtfSticky, fib::kNudNoArp)}}),
      (std::vector<int>{0, 0}));
  auto s = dump();
  auto flood = fdb_in(s, vx_, zero);
  ASSERT_EQ(flood.size(), 2u);
  for (const auto& e : flood) {
    EXPECT_EQ(e.flags, kSelfExt);  // ndm_flags as the kernel reports them.
    EXPECT_EQ(e.state, perm);
    EXPECT_EQ(e.master, 0);  // No NDA_MASTER on the VXLAN device's own entries.
  }
  auto u = fdb_in(s, vx_, uni);
  ASSERT_EQ(u.size(), 2u);
  const auto& uself = u[0].flags & fib::kNtfSelf ? u[0] : u[1];
  const auto& ubr = u[0].flags & fib::kNtfSelf ? u[1] : u[0];
  EXPECT_EQ(uself.flags, kSelfExt);
  EXPECT_EQ(uself.state, fib::kNudReachable);
  EXPECT_EQ(uself.master, 0);
  // Bridge entry: reported without NTF_MASTER (added back by decode_message because of
  // NDA_MASTER), sticky dropped, state REACHABLE although NOARP was written.
  EXPECT_EQ(ubr.flags, kMasterExt);
  EXPECT_EQ(ubr.state, fib::kNudReachable);
  EXPECT_EQ(ubr.master, br0_);

  ASSERT_TRUE(run_until([&] { return on_vx().size() >= 4; }));
  run_for(50);
  auto ev = on_vx();
  ASSERT_EQ(ev.size(), 4u);  // One RTM_NEWNEIGH per write.
  EXPECT_EQ(ev[0].first, flood[0].dst == ip("10.0.0.2") ? flood[0] : flood[1]);
  EXPECT_EQ(ev[1].first.dst, ip("10.0.0.3"));
  EXPECT_EQ(ev[2].first, uself);
  EXPECT_EQ(ev[3].first, ubr);
  for (const auto& e : ev) EXPECT_FALSE(e.second);

  // The MAC moves to another VTEP: one RTM_NEWNEIGH with the new dst, no RTM_DELNEIGH.
  rec.events.clear();
  ASSERT_EQ(apply({{Op::kReplace, fdb(vx_, uni, "10.0.0.3", kSelfExt, fib::kNudReachable)}}),
            (std::vector<int>{0}));
  ASSERT_TRUE(run_until([&] { return !on_vx().empty(); }));
  run_for(50);
  ev = on_vx();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].second);
  EXPECT_EQ(ev[0].first.dst, ip("10.0.0.3"));
  rec.events.clear();

  // An append without NTF_EXT_LEARNED clears the flag of the whole list.
  ASSERT_EQ(apply({{Op::kAppend, fdb(vx_, zero, "10.0.0.4", fib::kNtfSelf, perm)}}),
            (std::vector<int>{0}));
  for (const auto& e : fdb_in(dump(), vx_, zero)) EXPECT_EQ(e.flags, fib::kNtfSelf);
  ASSERT_TRUE(run_until([&] { return !on_vx().empty(); }));
  run_for(50);
  EXPECT_EQ(on_vx().size(), 1u);  // Only the new VTEP is announced.

  // Removals: one RTM_DELNEIGH each; removing one VTEP leaves the others.
  rec.events.clear();
  ASSERT_EQ(apply({{Op::kDelete, fdb(vx_, zero, "10.0.0.3", fib::kNtfSelf, perm)},
                   {Op::kDelete, fdb(vx_, uni, "", kSelfExt, 0)},
                   {Op::kDelete, fdb(vx_, uni, "", kMasterExt, 0)}}),
            (std::vector<int>{0, 0, 0}));
  ASSERT_TRUE(run_until([&] { return on_vx().size() >= 3; }));
  run_for(50);
  ev = on_vx();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_TRUE(ev[0].second && ev[0].first.mac.is_zero() && ev[0].first.dst == ip("10.0.0.3"));
  EXPECT_TRUE(ev[1].second && (ev[1].first.flags & fib::kNtfSelf) && ev[1].first.mac == mac(uni));
  EXPECT_TRUE(ev[2].second && ev[2].first.flags == kMasterExt && ev[2].first.master == br0_);
  EXPECT_EQ(fdb_in(dump(), vx_, zero).size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Events

TEST_F(NetnsTest, EventsForLinksFdbNeighborsAndHandDeletion) {
  make_l2vni();
  Recorder rec;
  dp_->watch(&rec);

  // Link down and up.
  ASSERT_TRUE(sh("ip link set veth1 down"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [l, removed] : rec.of<fib::Link>()) {
      if (l.name == "veth1" && !l.up && !removed) return true;
    }
    return false;
  }));
  ASSERT_TRUE(sh("ip link set veth1 up"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [l, removed] : rec.of<fib::Link>()) {
      if (l.name == "veth1" && l.up) return true;
    }
    return false;
  }));

  // A VXLAN device created and enslaved.
  ASSERT_TRUE(
      sh("ip link add vx200 type vxlan id 200 local 10.0.0.1 dstport 4789 nolearning && "
         "ip link set vx200 master br0"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [l, removed] : rec.of<fib::Link>()) {
      if (l.name == "vx200" && l.kind == "vxlan" && l.vni == 200 && l.local == ip("10.0.0.1") &&
          !l.learning && l.master == br0_ && !removed) {
        return true;
      }
    }
    return false;
  }));

  // A MAC learned by the bridge on a local port.
  ASSERT_TRUE(sh("bridge fdb add aa:bb:cc:00:00:09 dev veth0 master dynamic"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [e, removed] : rec.of<FdbEntry>()) {
      if (e.mac == mac("aa:bb:cc:00:00:09") && e.ifindex == veth0_ && e.master == br0_ &&
          e.flags == fib::kNtfMaster && e.state == fib::kNudReachable && !removed) {
        return true;
      }
    }
    return false;
  }));
  // A neighbor.
  ASSERT_TRUE(sh("ip neigh add 192.168.1.9 lladdr aa:bb:cc:00:00:09 dev br0 nud reachable"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [n, removed] : rec.of<NeighEntry>()) {
      if (n.ip == ip("192.168.1.9") && n.mac == mac("aa:bb:cc:00:00:09") && n.ifindex == br0_ &&
          !removed) {
        return true;
      }
    }
    return false;
  }));
  // An address.
  ASSERT_TRUE(sh("ip addr add 10.7.0.1/16 dev veth1"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [a, removed] : rec.of<fib::Address>()) {
      if (a.ip == ip("10.7.0.1") && a.prefix_length == 16 && !removed) return true;
    }
    return false;
  }));
  // A hand deletion of evpnd's entry, and of the device.
  ASSERT_EQ(apply({{Op::kReplace,
                    fdb(vx_, "aa:bb:cc:00:00:0a", "10.0.0.2", kSelfExt, fib::kNudReachable)}}),
            (std::vector<int>{0}));
  ASSERT_TRUE(sh("bridge fdb del aa:bb:cc:00:00:0a dev vx100 self"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [e, removed] : rec.of<FdbEntry>()) {
      if (e.mac == mac("aa:bb:cc:00:00:0a") && removed && e.dst == ip("10.0.0.2")) return true;
    }
    return false;
  }));
  ASSERT_TRUE(sh("ip link del vx200"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [l, removed] : rec.of<fib::Link>()) {
      if (l.name == "vx200" && removed) return true;
    }
    return false;
  }));
  // Leaving the bridge is a link update, not a removal.
  rec.events.clear();
  ASSERT_TRUE(sh("ip link set veth0 nomaster"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [l, removed] : rec.of<fib::Link>()) {
      if (l.name == "veth0" && l.master == 0) return true;
    }
    return false;
  }));
  for (auto& [l, removed] : rec.of<fib::Link>()) EXPECT_FALSE(removed) << l.name;
  // A route.
  ASSERT_TRUE(sh("ip route add 10.50.0.0/16 via 10.7.0.2 proto 199"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [r, removed] : rec.of<RouteEntry>()) {
      if (r.dst == ip("10.50.0.0") && r.protocol == 199 && !removed) return true;
    }
    return false;
  }));
  EXPECT_EQ(rec.lost, 0);
  EXPECT_GT(dp_->stats().events, 0u);

  // Stopped: nothing more is delivered.
  dp_->watch(nullptr);
  rec.events.clear();
  ASSERT_TRUE(sh("ip link set veth1 down"));
  run_for(100);
  EXPECT_TRUE(rec.events.empty());
  ASSERT_TRUE(sh("ip addr add 10.8.0.1/16 dev veth1"));
  run_for(50);
  // Restarted: what happened while stopped is not delivered, new events are.
  dp_->watch(&rec);
  ASSERT_TRUE(sh("ip addr add 10.9.0.1/16 dev veth1"));
  ASSERT_TRUE(run_until([&] {
    for (auto& [a, removed] : rec.of<fib::Address>()) {
      if (a.ip == ip("10.9.0.1")) return true;
    }
    return false;
  }));
  for (auto& [a, removed] : rec.of<fib::Address>()) EXPECT_NE(a.ip, ip("10.8.0.1"));
}

TEST_F(NetnsTest, EventsOfALargeBatchAreAllDelivered) {
  make_l2vni();
  Recorder rec;
  dp_->watch(&rec);
  constexpr int kCount = 50000;
  std::vector<Change> changes;
  for (int i = 0; i < kCount; ++i) {
    FdbEntry e = fdb(vx_, "02:00:00:00:00:00", "10.0.0.2", kSelfExt, fib::kNudReachable);
    e.mac.octets[4] = static_cast<uint8_t>(i >> 8);
    e.mac.octets[5] = static_cast<uint8_t>(i);
    e.mac.octets[3] = static_cast<uint8_t>(i >> 16);
    changes.push_back({Op::kReplace, e});
  }
  const auto results = dp_->apply(changes);
  EXPECT_EQ(std::count(results.begin(), results.end(), 0), kCount);
  auto on_vx = [&] {
    return std::count_if(rec.events.begin(), rec.events.end(), [&](const fib::Event& e) {
      auto* f = std::get_if<FdbEntry>(&e.object);
      return f && f->ifindex == vx_;
    });
  };
  ASSERT_TRUE(run_until([&] { return on_vx() >= kCount || rec.lost; }));
  EXPECT_EQ(rec.lost, 0);
  EXPECT_EQ(on_vx(), kCount);
}

TEST_F(NetnsTest, EventsLostOnOverflowAreReported) {
  make_l2vni();
  Recorder rec;
  dp_->watch(&rec);
  ASSERT_GT(dp_->set_event_buffer_size(4096), 0);
  // Changes made by another process while the loop does not read: the queue overflows.
  ASSERT_TRUE(
      sh("for i in $(seq 10 99); do echo \"fdb add aa:bb:cc:00:00:$i dev vx100 dst "
         "10.0.0.2 self\"; done > /tmp/evpnd_netns_batch.$$ && "
         "bridge -batch /tmp/evpnd_netns_batch.$$; rm -f /tmp/evpnd_netns_batch.$$"));
  ASSERT_TRUE(run_until([&] { return rec.lost > 0; }));
  EXPECT_GE(dp_->stats().events_lost, 1u);
  // Reading goes on.
  rec.events.clear();
  ASSERT_TRUE(sh("ip link set veth1 down"));
  ASSERT_TRUE(run_until([&] { return !rec.of<fib::Link>().empty(); }));
}

// ---------------------------------------------------------------------------------------------
// Robustness of the decoder (no kernel needed, but it lives with the code it tests)

TEST(RtnlMessage, EncodedRequestsDecodeToTheSameEntries) {
  std::vector<fib::Entry> entries;
  auto f = fdb(7, "aa:bb:cc:00:00:01", "10.0.0.2", kSelfExt, fib::kNudReachable);
  f.vlan = 10;
  entries.push_back(f);
  auto f6 = fdb(7, "00:00:00:00:00:00", "2001:db8::2", kSelfExt, fib::kNudNoArp);
  entries.push_back(f6);
  NeighEntry n;
  n.ifindex = 3;
  n.ip = ip("2001:db8::5");
  n.mac = mac("aa:bb:cc:dd:ee:01");
  n.flags = fib::kNtfExtLearned;
  n.state = fib::kNudNoArp;
  n.protocol = 199;
  entries.push_back(n);
  RouteEntry r;
  r.table = 1000;
  r.dst = ip("10.99.0.0");
  r.prefix_length = 24;
  r.protocol = 199;
  r.metric = 7;
  r.next_hops = {NextHop{ip("10.1.0.2"), 4, true}, NextHop{ip("2001:db8::1"), 5, false}};
  entries.push_back(r);
  RouteEntry def;
  def.dst = ip("::");
  def.next_hops = {NextHop{ip("fe80::1"), 2, false}};
  entries.push_back(def);
  for (const auto& e : entries) {
    std::vector<uint8_t> buf;
    ASSERT_GT(encode_change({Op::kReplace, e}, 1, buf), 0);
    const auto ev = decode_message(buf);
    ASSERT_TRUE(ev) << fib::to_string(e);
    EXPECT_FALSE(ev->removed);
    std::visit(
        [&](const auto& got) {
          using T = std::decay_t<decltype(got)>;
          if constexpr (std::is_same_v<T, fib::Link> || std::is_same_v<T, fib::Address>) {
            ADD_FAILURE() << "wrong type";
          } else {
            EXPECT_EQ(fib::Entry(got), e) << fib::to_string(got) << " vs " << fib::to_string(e);
          }
        },
        ev->object);
  }
}

TEST(RtnlMessage, UnencodableChangesAreRefused) {
  std::vector<uint8_t> buf;
  RouteEntry r;  // No family.
  EXPECT_EQ(encode_change({Op::kReplace, r}, 1, buf), -EINVAL);
  r.dst = ip("10.0.0.0");
  r.prefix_length = 33;
  EXPECT_EQ(encode_change({Op::kReplace, r}, 1, buf), -EINVAL);
  EXPECT_EQ(encode_change({Op::kReplace, FdbEntry{}}, 1, buf), -EINVAL);  // No ifindex.
  EXPECT_TRUE(buf.empty());
}

TEST(RtnlMessage, GarbageAndTruncatedMessagesNeverCrash) {
  std::vector<std::vector<uint8_t>> seeds;
  {
    RouteEntry r;
    r.dst = ip("10.99.0.0");
    r.prefix_length = 24;
    r.next_hops = {NextHop{ip("10.1.0.2"), 4, true}, NextHop{ip("10.1.0.3"), 5, false}};
    std::vector<uint8_t> b;
    encode_change({Op::kReplace, r}, 1, b);
    seeds.push_back(b);
    b.clear();
    encode_change({Op::kReplace, fdb(7, "aa:bb:cc:00:00:01", "10.0.0.2", kSelfExt, 2)}, 1, b);
    seeds.push_back(b);
    RouteEntry r6;
    r6.dst = ip("2001:db8:99::");
    r6.prefix_length = 48;
    r6.next_hops = {NextHop{ip("fe80::1"), 4, false}, NextHop{ip("fe80::2"), 5, false}};
    b.clear();
    encode_change({Op::kReplace, r6}, 1, b);
    seeds.push_back(b);
    NeighEntry n;
    n.ifindex = 9;
    n.ip = ip("2001:db8::5");
    n.mac = mac("aa:bb:cc:00:00:05");
    n.flags = fib::kNtfExtLearned;
    n.state = fib::kNudNoArp;
    n.protocol = fib::kProtocolEvpnd;
    b.clear();
    encode_change({Op::kReplace, n}, 1, b);
    seeds.push_back(b);
  }
  std::mt19937 rng(42);
  size_t decoded = 0;
  for (int round = 0; round < 20000; ++round) {
    auto b = seeds[round % seeds.size()];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    if (rng() % 2) {
      // Truncated, with a header that agrees (else the length check alone rejects it).
      b.resize(rng() % (b.size() + 1));
      if (b.size() >= sizeof(uint32_t)) {
        const auto len = static_cast<uint32_t>(b.size());
        std::memcpy(b.data(), &len, sizeof len);
      }
    }
    std::vector<uint32_t> aligned((b.size() + 3) / 4);  // 4-octet aligned copy.
    if (!b.empty()) std::memcpy(aligned.data(), b.data(), b.size());
    const std::span<const uint8_t> msg(reinterpret_cast<const uint8_t*>(aligned.data()), b.size());
    if (decode_message(msg)) ++decoded;
  }
  // Random bytes: some still decode, many don't; none crashed (ASan/UBSan builds check reads).
  EXPECT_GT(decoded, 0u);
  EXPECT_LT(decoded, 20000u);
  uint32_t odd[8] = {};
  EXPECT_FALSE(decode_message({reinterpret_cast<const uint8_t*>(odd) + 1, 16}));  // Misaligned.
  EXPECT_FALSE(decode_message({}));
}

/// Builds link messages by hand, for what this kernel cannot show (no VLAN devices here).
class LinkMessage {
 public:
  LinkMessage(uint16_t type, uint8_t family, int ifindex) {
    b_.resize(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg)));
    nlmsghdr h{};
    h.nlmsg_type = type;
    std::memcpy(b_.data(), &h, sizeof h);
    ifinfomsg ifi{};
    ifi.ifi_family = family;
    ifi.ifi_index = ifindex;
    ifi.ifi_flags = IFF_UP | IFF_RUNNING;
    std::memcpy(b_.data() + NLMSG_HDRLEN, &ifi, sizeof ifi);
  }
  size_t attr(uint16_t type, const void* data, size_t len) {
    const size_t at = b_.size();
    nlattr a{static_cast<uint16_t>(NLA_HDRLEN + len), type};
    b_.resize(at + NLA_ALIGN(NLA_HDRLEN + len));
    std::memcpy(b_.data() + at, &a, sizeof a);
    if (len) std::memcpy(b_.data() + at + NLA_HDRLEN, data, len);
    return at;
  }
  size_t str(uint16_t type, const std::string& s) { return attr(type, s.c_str(), s.size() + 1); }
  size_t nest(uint16_t type) { return attr(type | NLA_F_NESTED, nullptr, 0); }
  void end(size_t at) {
    const auto len = static_cast<uint16_t>(b_.size() - at);
    std::memcpy(b_.data() + at, &len, sizeof len);
  }
  std::optional<fib::Event> decode() {
    const auto len = static_cast<uint32_t>(b_.size());
    std::memcpy(b_.data(), &len, sizeof len);
    aligned_.assign((b_.size() + 3) / 4, 0);
    std::memcpy(aligned_.data(), b_.data(), b_.size());
    return decode_message({reinterpret_cast<const uint8_t*>(aligned_.data()), b_.size()});
  }

 private:
  std::vector<uint8_t> b_;
  std::vector<uint32_t> aligned_;
};

TEST(RtnlMessage, VlanDeviceAndBridgePortMessages) {
  LinkMessage m(RTM_NEWLINK, AF_UNSPEC, 9);
  m.str(IFLA_IFNAME, "br0.10");
  const uint32_t parent = 4, master = 12;
  m.attr(IFLA_LINK, &parent, sizeof parent);
  m.attr(IFLA_MASTER, &master, sizeof master);
  const size_t info = m.nest(IFLA_LINKINFO);
  m.str(IFLA_INFO_KIND, "vlan");
  const size_t data = m.nest(IFLA_INFO_DATA);
  const uint16_t vid = 10;
  m.attr(IFLA_VLAN_ID, &vid, sizeof vid);
  m.end(data);
  m.str(IFLA_INFO_SLAVE_KIND, "bridge");
  const size_t slave = m.nest(IFLA_INFO_SLAVE_DATA);
  const uint8_t on = 1;
  m.attr(IFLA_BRPORT_NEIGH_SUPPRESS, &on, sizeof on);
  m.end(slave);
  m.end(info);
  const auto ev = m.decode();
  ASSERT_TRUE(ev);
  const auto* l = std::get_if<fib::Link>(&ev->object);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->name, "br0.10");
  EXPECT_EQ(l->kind, "vlan");
  EXPECT_EQ(l->vlan_id, 10);
  EXPECT_EQ(l->link, 4);
  EXPECT_EQ(l->master, 12);
  EXPECT_TRUE(l->up);
  EXPECT_TRUE(l->neigh_suppress);
  EXPECT_FALSE(ev->removed);

  // The bridge's view of a port (AF_BRIDGE) is not a device event: a port leaving its bridge
  // sends RTM_DELLINK there.
  LinkMessage port(RTM_DELLINK, AF_BRIDGE, 9);
  port.str(IFLA_IFNAME, "br0.10");
  EXPECT_FALSE(port.decode());
  // A name without its terminating NUL, cut to the attribute.
  LinkMessage odd(RTM_DELLINK, AF_UNSPEC, 9);
  odd.attr(IFLA_IFNAME, "abc", 3);
  const auto ev2 = odd.decode();
  ASSERT_TRUE(ev2);
  EXPECT_EQ(std::get<fib::Link>(ev2->object).name, "abc");
  EXPECT_TRUE(ev2->removed);
}

}  // namespace
}  // namespace evpnd::nl
