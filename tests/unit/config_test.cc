// Tests of the config loader (daemon/config.h): the example hypervisor config and a minimal one
// load with every field and default right, timers and remote-as resolve, and a table of broken
// files each gives its exact one-line error.
#include "daemon/config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace evpnd::daemon {
namespace {

namespace pb = ::evpnd::config;

const std::string kDataDir = std::string(EVPND_SOURCE_DIR) + "/tests/unit/data/config/";

pb::Config load_ok(std::string_view yaml) {
  ConfigResult r = load_config_string(yaml, "evpnd.yaml");
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return r.ok() ? *r : pb::Config{};
}

std::string load_error(std::string_view yaml) {
  ConfigResult r = load_config_string(yaml, "evpnd.yaml");
  return r.ok() ? "(loaded)" : r.error().to_string();
}

std::vector<int> families(const google::protobuf::RepeatedField<int>& f) {
  return {f.begin(), f.end()};
}

const std::vector<int> kDefaultFamilies = {pb::FAMILY_L2VPN_EVPN, pb::FAMILY_IPV4_UNICAST};

std::vector<std::string> strings(const google::protobuf::RepeatedPtrField<std::string>& f) {
  return {f.begin(), f.end()};
}

TEST(ConfigLoad, HypervisorExampleFile) {
  ConfigResult r = load_config_file(kDataDir + "evpnd.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const pb::Config& c = *r;
  EXPECT_EQ(c.router_id(), "10.0.0.11");
  EXPECT_EQ(c.asn(), 65011u);
  EXPECT_EQ(c.vtep_ip(), "10.0.0.11");
  EXPECT_EQ(c.hold_time(), 9u);
  EXPECT_EQ(c.keepalive(), 3u);
  EXPECT_EQ(c.connect_retry(), 5u);
  EXPECT_TRUE(c.graceful_restart().enabled());
  EXPECT_EQ(c.graceful_restart().restart_time(), 120u);
  EXPECT_EQ(c.graceful_restart().stale_time(), 360u);
  EXPECT_EQ(c.listen().address(), "::");
  EXPECT_EQ(c.listen().port(), 179u);
  EXPECT_EQ(c.listen().ranges_size(), 0);

  ASSERT_EQ(c.neighbors_size(), 2);
  const pb::Neighbor& a = c.neighbors(0);
  EXPECT_EQ(a.address(), "10.1.0.0");
  EXPECT_EQ(a.remote_as(), 65100u);
  EXPECT_EQ(a.peer_type(), pb::PEER_TYPE_EXTERNAL);
  EXPECT_EQ(a.description(), "tor-a1 Ethernet1/11");
  EXPECT_EQ(families(a.families()), kDefaultFamilies);
  EXPECT_EQ(a.password(), "rack1-tor-a");
  EXPECT_EQ(a.ebgp_multihop(), 0u);
  EXPECT_EQ(a.ttl_security(), 1u);
  EXPECT_EQ(a.local_address(), "10.1.0.1");
  EXPECT_EQ(a.port(), 179u);
  EXPECT_FALSE(a.passive());
  EXPECT_FALSE(a.route_reflector_client());
  EXPECT_EQ(a.hold_time(), 9u);
  EXPECT_EQ(a.keepalive(), 3u);
  EXPECT_EQ(a.connect_retry(), 5u);
  EXPECT_FALSE(a.shutdown());
  EXPECT_FALSE(a.next_hop_self());
  const pb::Neighbor& b = c.neighbors(1);
  EXPECT_EQ(b.address(), "10.1.1.0");
  EXPECT_EQ(b.remote_as(), 0u);  // "external": any AS but ours
  EXPECT_EQ(b.peer_type(), pb::PEER_TYPE_EXTERNAL);
  EXPECT_EQ(families(b.families()), kDefaultFamilies);
  EXPECT_EQ(b.ttl_security(), 0u);
  EXPECT_EQ(b.hold_time(), 30u);
  EXPECT_EQ(b.keepalive(), 10u);
  EXPECT_EQ(b.connect_retry(), 5u);

  EXPECT_EQ(c.route_reflector().cluster_id(), "10.0.0.11");
  EXPECT_EQ(strings(c.networks()), std::vector<std::string>{"10.0.0.11/32"});

  EXPECT_TRUE(c.evpn().advertise_all_vni());
  ASSERT_EQ(c.evpn().vnis_size(), 2);
  EXPECT_EQ(c.evpn().vnis(0).vni(), 10100u);
  EXPECT_EQ(c.evpn().vnis(0).rd(), "auto");
  EXPECT_EQ(strings(c.evpn().vnis(0).route_targets().imports()), std::vector<std::string>{"auto"});
  EXPECT_EQ(strings(c.evpn().vnis(0).route_targets().exports()), std::vector<std::string>{"auto"});
  EXPECT_EQ(c.evpn().vnis(1).vni(), 10200u);
  EXPECT_EQ(c.evpn().vnis(1).rd(), "10.0.0.11:200");
  EXPECT_EQ(strings(c.evpn().vnis(1).route_targets().imports()),
            (std::vector<std::string>{"auto", "65000:10200"}));
  EXPECT_EQ(strings(c.evpn().vnis(1).route_targets().exports()),
            std::vector<std::string>{"65000:10200"});
  ASSERT_EQ(c.evpn().vrfs_size(), 1);
  const pb::Vrf& vrf = c.evpn().vrfs(0);
  EXPECT_EQ(vrf.name(), "tenant-a");
  EXPECT_EQ(vrf.l3vni(), 50001u);
  EXPECT_EQ(vrf.table(), 1001u);
  EXPECT_EQ(vrf.router_mac(), "02:00:0a:00:00:0b");
  ASSERT_EQ(vrf.advertise_size(), 1);
  EXPECT_EQ(vrf.advertise(0), pb::ADVERTISE_SOURCE_CONNECTED);
  EXPECT_EQ(vrf.rd(), "auto");
  EXPECT_EQ(strings(vrf.route_targets().imports()), std::vector<std::string>{"auto"});
  EXPECT_EQ(strings(vrf.route_targets().exports()), std::vector<std::string>{"auto"});
  EXPECT_EQ(c.evpn().static_routes_size(), 0);

  EXPECT_EQ(c.api().socket(), "/run/evpnd/evpnd.sock");
  ASSERT_TRUE(c.api().has_listen());
  EXPECT_EQ(c.api().listen().address(), "127.0.0.1");
  EXPECT_EQ(c.api().listen().port(), 8179u);
  EXPECT_EQ(c.log().level(), pb::LOG_LEVEL_INFO);
}

TEST(ConfigLoad, MinimalConfigGetsEveryDefault) {
  const pb::Config c = load_ok(
      "router-id: 10.0.0.11\n"
      "asn: 65011\n"
      "neighbors: [{address: 10.1.0.0, remote-as: external}]\n");
  EXPECT_EQ(c.vtep_ip(), "10.0.0.11");
  EXPECT_EQ(c.hold_time(), kDefaultHoldTime);
  EXPECT_EQ(c.keepalive(), kDefaultKeepalive);
  EXPECT_EQ(c.connect_retry(), kDefaultConnectRetry);
  EXPECT_TRUE(c.graceful_restart().enabled());
  EXPECT_EQ(c.graceful_restart().restart_time(), 120u);
  EXPECT_EQ(c.graceful_restart().stale_time(), 360u);
  EXPECT_EQ(c.listen().address(), "::");
  EXPECT_EQ(c.listen().port(), 179u);
  ASSERT_EQ(c.neighbors_size(), 1);
  const pb::Neighbor& n = c.neighbors(0);
  EXPECT_EQ(n.port(), 179u);
  EXPECT_EQ(families(n.families()), kDefaultFamilies);
  EXPECT_EQ(n.hold_time(), 9u);
  EXPECT_EQ(n.keepalive(), 3u);
  EXPECT_EQ(n.connect_retry(), 5u);
  EXPECT_EQ(n.password(), "");
  EXPECT_EQ(n.local_address(), "");
  EXPECT_EQ(c.route_reflector().cluster_id(), "10.0.0.11");
  EXPECT_EQ(c.networks_size(), 0);
  EXPECT_FALSE(c.evpn().advertise_all_vni());
  EXPECT_EQ(c.evpn().vnis_size(), 0);
  EXPECT_EQ(c.api().socket(), kDefaultApiSocket);
  EXPECT_FALSE(c.api().has_listen());
  EXPECT_EQ(c.log().level(), pb::LOG_LEVEL_INFO);
  EXPECT_TRUE(c.evpn().dup_addr_detection().enabled());
  EXPECT_EQ(c.evpn().dup_addr_detection().max_moves(), 5u);
  EXPECT_EQ(c.evpn().dup_addr_detection().time(), 180u);
  EXPECT_EQ(c.evpn().dup_addr_detection().freeze_time(), 180u);
  EXPECT_TRUE(c.kernel().enabled());
  EXPECT_EQ(c.kernel().route_table(), 254u);
}

TEST(ConfigLoad, DupAddrDetectionAndKernel) {
  const pb::Config c = load_ok(
      "router-id: 10.0.0.11\n"
      "asn: 65011\n"
      "evpn: {dup-addr-detection: {max-moves: 3, time: 30, freeze-time: permanent}}\n"
      "kernel: {enabled: false, route-table: 100}\n");
  EXPECT_EQ(c.evpn().dup_addr_detection().max_moves(), 3u);
  EXPECT_EQ(c.evpn().dup_addr_detection().time(), 30u);
  EXPECT_EQ(c.evpn().dup_addr_detection().freeze_time(), 0u);
  EXPECT_FALSE(c.kernel().enabled());
  EXPECT_EQ(c.kernel().route_table(), 100u);
}

TEST(ConfigLoad, DesignDocExample) {
  const pb::Config c = load_ok(R"(
router-id: 10.0.0.11
asn: 65011
vtep-ip: 10.0.0.11          # source of VXLAN tunnels and next hop of our EVPN routes
neighbors:
  - address: 10.1.0.1
    remote-as: external      # a number, "internal" or "external"
    families: [l2vpn-evpn, ipv4-unicast]
    password: s3cret         # optional TCP MD5 (RFC 2385)
networks: [10.0.0.11/32]    # underlay prefixes to advertise (the VTEP address)
evpn:
  advertise-all-vni: true    # discover L2VNIs from the kernel's VXLAN devices
  vnis: [{vni: 100, route-targets: {import: [auto], export: [auto]}}]
  vrfs: [{name: tenant-a, l3vni: 5000, table: 1000, advertise: [connected]}]
api: {socket: /run/evpnd/evpnd.sock}
log: {level: info}
)");
  EXPECT_EQ(c.neighbors(0).password(), "s3cret");
  EXPECT_EQ(c.evpn().vnis(0).vni(), 100u);
  EXPECT_EQ(c.evpn().vrfs(0).l3vni(), 5000u);
}

TEST(ConfigLoad, EveryOtherKey) {
  const pb::Config c = load_ok(R"(
router-id: 192.0.2.1
asn: 4200000001
vtep-ip: 2001:DB8::0:1
hold-time: 90
connect-retry: 30
graceful-restart: {enabled: false, restart-time: 0, stale-time: 4095}
listen:
  address: 2001:db8::1
  port: 1179
  ranges:
    - {prefix: 10.2.0.0/24, remote-as: internal, families: [l2vpn-evpn], password: dyn,
       hold-time: 6}
    - {prefix: 2001:db8:1::/64, remote-as: 65300, keepalive: 20}
neighbors:
  - address: 2001:db8::2
    remote-as: internal
    families: [l2vpn-evpn, ipv6-unicast]
    local-address: 2001:db8::1
    port: 1790
    passive: true
    route-reflector-client: true
    connect-retry: 1
    shutdown: true
  - address: 192.0.2.9
    remote-as: 4200000001
    route-reflector-client: false
  - address: 198.51.100.1
    remote-as: 65200
    ebgp-multihop: 3
    next-hop-self: true
    families: [ipv4-unicast]
route-reflector: {cluster-id: 16909060}
networks: [192.0.2.1/32, 2001:db8::/32]
evpn:
  vrfs:
    - {name: blue, l3vni: 5001, table: 11, advertise: [static, connected], rd: 192.0.2.1:5001,
       route-targets: {import: [4200000001:5001], export: []}}
  static-routes:
    - {type: 2, vni: 100, mac: 02:00:00:00:00:AA}
    - {type: 2, vni: 100, mac: 02:00:00:00:00:bb, ip: 10.10.0.2, sticky: true}
    - {type: 3, vni: 100}
    - {type: 5, prefix: 10.20.0.0/16, l3vni: 5001, gateway: 10.20.0.1}
    - {type: 5, prefix: 2001:db8:20::/48, l3vni: 5001}
api: {socket: /tmp/evpnd-test.sock, listen: "[::1]:9179"}
log: {level: debug}
)");
  EXPECT_EQ(c.asn(), 4200000001u);
  EXPECT_EQ(c.vtep_ip(), "2001:db8::1");
  EXPECT_EQ(c.hold_time(), 90u);
  EXPECT_EQ(c.keepalive(), 3u);
  EXPECT_EQ(c.connect_retry(), 30u);
  EXPECT_FALSE(c.graceful_restart().enabled());
  EXPECT_EQ(c.graceful_restart().restart_time(), 0u);
  EXPECT_EQ(c.graceful_restart().stale_time(), 4095u);
  EXPECT_EQ(c.listen().address(), "2001:db8::1");
  EXPECT_EQ(c.listen().port(), 1179u);
  ASSERT_EQ(c.listen().ranges_size(), 2);
  const pb::ListenRange& r0 = c.listen().ranges(0);
  EXPECT_EQ(r0.prefix(), "10.2.0.0/24");
  EXPECT_EQ(r0.remote_as(), 4200000001u);
  EXPECT_EQ(r0.peer_type(), pb::PEER_TYPE_INTERNAL);
  EXPECT_EQ(families(r0.families()), std::vector<int>{pb::FAMILY_L2VPN_EVPN});
  EXPECT_EQ(r0.password(), "dyn");
  EXPECT_EQ(r0.hold_time(), 6u);
  EXPECT_EQ(r0.keepalive(), 2u);  // the global keepalive, capped at hold / 3
  const pb::ListenRange& r1 = c.listen().ranges(1);
  EXPECT_EQ(r1.prefix(), "2001:db8:1::/64");
  EXPECT_EQ(r1.remote_as(), 65300u);
  EXPECT_EQ(r1.peer_type(), pb::PEER_TYPE_EXTERNAL);
  EXPECT_EQ(families(r1.families()), kDefaultFamilies);
  EXPECT_EQ(r1.hold_time(), 90u);
  EXPECT_EQ(r1.keepalive(), 20u);

  ASSERT_EQ(c.neighbors_size(), 3);
  const pb::Neighbor& n0 = c.neighbors(0);
  EXPECT_EQ(n0.address(), "2001:db8::2");
  EXPECT_EQ(n0.remote_as(), 4200000001u);
  EXPECT_EQ(n0.peer_type(), pb::PEER_TYPE_INTERNAL);
  EXPECT_EQ(families(n0.families()),
            (std::vector<int>{pb::FAMILY_L2VPN_EVPN, pb::FAMILY_IPV6_UNICAST}));
  EXPECT_EQ(n0.local_address(), "2001:db8::1");
  EXPECT_EQ(n0.port(), 1790u);
  EXPECT_TRUE(n0.passive());
  EXPECT_TRUE(n0.route_reflector_client());
  EXPECT_EQ(n0.connect_retry(), 1u);
  EXPECT_TRUE(n0.shutdown());
  EXPECT_EQ(c.neighbors(1).peer_type(), pb::PEER_TYPE_INTERNAL);  // remote-as == asn
  EXPECT_EQ(c.neighbors(1).remote_as(), 4200000001u);
  const pb::Neighbor& n2 = c.neighbors(2);
  EXPECT_EQ(n2.ebgp_multihop(), 3u);
  EXPECT_TRUE(n2.next_hop_self());
  EXPECT_EQ(n2.hold_time(), 90u);
  EXPECT_EQ(n2.keepalive(), 3u);
  EXPECT_EQ(n2.connect_retry(), 30u);

  EXPECT_EQ(c.route_reflector().cluster_id(), "1.2.3.4");
  EXPECT_EQ(strings(c.networks()), (std::vector<std::string>{"192.0.2.1/32", "2001:db8::/32"}));

  ASSERT_EQ(c.evpn().vrfs_size(), 1);
  const pb::Vrf& vrf = c.evpn().vrfs(0);
  EXPECT_EQ(vrf.router_mac(), "");
  EXPECT_EQ(vrf.rd(), "192.0.2.1:5001");
  ASSERT_EQ(vrf.advertise_size(), 2);
  EXPECT_EQ(vrf.advertise(0), pb::ADVERTISE_SOURCE_STATIC);
  EXPECT_EQ(vrf.advertise(1), pb::ADVERTISE_SOURCE_CONNECTED);
  EXPECT_EQ(strings(vrf.route_targets().imports()), std::vector<std::string>{"4200000001:5001"});
  EXPECT_EQ(vrf.route_targets().exports_size(), 0);

  const auto& routes = c.evpn().static_routes();
  ASSERT_EQ(routes.size(), 5);
  ASSERT_TRUE(routes[0].has_mac_ip());
  EXPECT_EQ(routes[0].mac_ip().vni(), 100u);
  EXPECT_EQ(routes[0].mac_ip().mac(), "02:00:00:00:00:aa");
  EXPECT_EQ(routes[0].mac_ip().ip(), "");
  EXPECT_FALSE(routes[0].mac_ip().sticky());
  ASSERT_TRUE(routes[1].has_mac_ip());
  EXPECT_EQ(routes[1].mac_ip().ip(), "10.10.0.2");
  EXPECT_TRUE(routes[1].mac_ip().sticky());
  ASSERT_TRUE(routes[2].has_inclusive_multicast());
  EXPECT_EQ(routes[2].inclusive_multicast().vni(), 100u);
  ASSERT_TRUE(routes[3].has_ip_prefix());
  EXPECT_EQ(routes[3].ip_prefix().prefix(), "10.20.0.0/16");
  EXPECT_EQ(routes[3].ip_prefix().l3vni(), 5001u);
  EXPECT_EQ(routes[3].ip_prefix().gateway(), "10.20.0.1");
  ASSERT_TRUE(routes[4].has_ip_prefix());
  EXPECT_EQ(routes[4].ip_prefix().gateway(), "");

  EXPECT_EQ(c.api().socket(), "/tmp/evpnd-test.sock");
  EXPECT_EQ(c.api().listen().address(), "::1");
  EXPECT_EQ(c.api().listen().port(), 9179u);
  EXPECT_EQ(c.log().level(), pb::LOG_LEVEL_DEBUG);
}

TEST(ConfigLoad, TimersResolvePerNeighbor) {
  const pb::Config c = load_ok(R"(
router-id: 10.0.0.11
asn: 65011
hold-time: 30
keepalive: 10
connect-retry: 7
neighbors:
  - {address: 10.1.0.1, remote-as: external}
  - {address: 10.1.0.2, remote-as: external, hold-time: 6}
  - {address: 10.1.0.3, remote-as: external, keepalive: 5}
  - {address: 10.1.0.4, remote-as: external, hold-time: 0}
  - {address: 10.1.0.5, remote-as: external, hold-time: 60, keepalive: 20, connect-retry: 2}
)");
  ASSERT_EQ(c.neighbors_size(), 5);
  auto timers = [&](int i) {
    const pb::Neighbor& n = c.neighbors(i);
    return std::vector<uint32_t>{n.hold_time(), n.keepalive(), n.connect_retry()};
  };
  EXPECT_EQ(timers(0), (std::vector<uint32_t>{30, 10, 7}));
  EXPECT_EQ(timers(1), (std::vector<uint32_t>{6, 2, 7}));
  EXPECT_EQ(timers(2), (std::vector<uint32_t>{30, 5, 7}));
  EXPECT_EQ(timers(3), (std::vector<uint32_t>{0, 0, 7}));
  EXPECT_EQ(timers(4), (std::vector<uint32_t>{60, 20, 2}));
}

TEST(ConfigLoad, KeepaliveDefaultFollowsHoldTime) {
  EXPECT_EQ(load_ok("router-id: 10.0.0.1\nasn: 1\nhold-time: 0\n").keepalive(), 0u);
  EXPECT_EQ(load_ok("router-id: 10.0.0.1\nasn: 1\nhold-time: 3\n").keepalive(), 1u);
  EXPECT_EQ(load_ok("router-id: 10.0.0.1\nasn: 1\nhold-time: 180\n").keepalive(), 3u);
}

TEST(ConfigLoad, KeysMayComeInAnyOrder) {
  // asn after the neighbors that need it to resolve "internal".
  const pb::Config c = load_ok(R"(
neighbors: [{address: 10.1.0.1, remote-as: internal, route-reflector-client: true}]
hold-time: 12
asn: 65011
router-id: 10.0.0.11
)");
  EXPECT_EQ(c.neighbors(0).remote_as(), 65011u);
  EXPECT_EQ(c.neighbors(0).peer_type(), pb::PEER_TYPE_INTERNAL);
  EXPECT_EQ(c.neighbors(0).hold_time(), 12u);
  EXPECT_EQ(c.neighbors(0).keepalive(), 3u);
}

TEST(ConfigLoad, MissingFileNamesThePath) {
  ConfigResult r = load_config_file(kDataDir + "no-such-file.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 0);
  EXPECT_EQ(r.error().to_string(),
            kDataDir + "no-such-file.yaml: cannot open: No such file or directory");
  ConfigResult dir = load_config_file(kDataDir);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().to_string(), kDataDir + ": cannot read: is a directory");
}

TEST(ConfigLoad, ErrorsInAFileNameThePathAsGiven) {
  ConfigResult r = load_config_string("asn: 1\nrouter-id: 10.0.0.1\nlog: {level: loud}\n",
                                      "/etc/evpnd/evpnd.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), (ConfigError{"/etc/evpnd/evpnd.yaml", 3, "log.level",
                                    "expected trace, debug, info, warn or error"}));
}

TEST(ConfigErrorText, Forms) {
  EXPECT_EQ((ConfigError{"evpnd.yaml", 7, "neighbors[0].remote-as", "bad"}).to_string(),
            "evpnd.yaml:7: neighbors[0].remote-as: bad");
  EXPECT_EQ((ConfigError{"evpnd.yaml", 3, "", "syntax error: x"}).to_string(),
            "evpnd.yaml:3: syntax error: x");
  EXPECT_EQ((ConfigError{"evpnd.yaml", 0, "", "cannot open: x"}).to_string(),
            "evpnd.yaml: cannot open: x");
}

// Cuts of the example file, and the file with a byte replaced, either load or give an error with
// a line: never an exception, never line 0. (Every 7th position: yaml-cpp takes ~1.5 ms a load.)
TEST(ConfigLoad, NeverThrowsOnDamagedInput) {
  std::string text;
  {
    FILE* f = std::fopen((kDataDir + "evpnd.yaml").c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  ASSERT_TRUE(load_config_string(text, "evpnd.yaml").ok());
  constexpr std::string_view kDamage = ":[-\"x{&*";
  size_t failures = 0;
  auto check = [&](std::string_view yaml) {
    ConfigResult r = load_config_string(yaml, "evpnd.yaml");
    if (!r.ok()) {
      ++failures;
      EXPECT_GE(r.error().line, 1) << r.error().to_string();
    }
  };
  for (size_t i = 0; i < text.size(); i += 7) {
    check(std::string_view(text).substr(0, i));
    std::string damaged = text;
    damaged[i] = kDamage[i % kDamage.size()];
    check(damaged);
  }
  EXPECT_GT(failures, 100u);
}

// ---- the table of broken files -----------------------------------------------------------

struct BadCase {
  const char* name;
  const char* yaml;
  const char* error;  // exactly ConfigError::to_string()
};

// Prepended to cases that are about something other than the required keys.
constexpr const char* kHead = "router-id: 10.0.0.11\nasn: 65011\n";  // lines 1-2

class ConfigErrorTable : public testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrorTable, GivesTheExactLine) {
  const BadCase& c = GetParam();
  std::string yaml = c.yaml;
  if (yaml.rfind("@", 0) == 0) yaml = kHead + yaml.substr(1);  // "@..." = head + rest
  EXPECT_EQ(load_error(yaml), c.error) << yaml;
}

const BadCase kBadCases[] = {
    // --- the document ---
    {"syntax_error_unclosed_flow", "router-id: 10.0.0.11\nasn: [65011\nlog: {}\n",
     "evpnd.yaml:3: syntax error: end of sequence flow not found"},
    {"syntax_error_bad_indent", "router-id: 10.0.0.11\nasn: 65011\n  log: {}\n",
     "evpnd.yaml:3: syntax error: illegal map value"},
    {"syntax_error_unknown_escape", "@api: {socket: \"/run/\\q\"}\n",
     "evpnd.yaml:3: syntax error: unknown escape character: q"},
    {"top_level_list", "- router-id: 10.0.0.11\n", "evpnd.yaml:1: expected a map of settings"},
    {"empty_document", "# nothing here\n",
     "evpnd.yaml:1: router-id: missing (the BGP identifier, an IPv4 address)"},
    // --- required keys ---
    {"missing_router_id", "asn: 65011\nvtep-ip: 10.0.0.11\n",
     "evpnd.yaml:1: router-id: missing (the BGP identifier, an IPv4 address)"},
    {"missing_asn", "\nrouter-id: 10.0.0.11\n",
     "evpnd.yaml:2: asn: missing (the local AS number, 1..4294967295)"},
    // --- keys ---
    {"unknown_key_close", "@neighbours: []\n",
     "evpnd.yaml:3: neighbours: unknown key; did you mean \"neighbors\"?"},
    {"unknown_key_underscore", "@hold_time: 9\n",
     "evpnd.yaml:3: hold_time: unknown key; did you mean \"hold-time\"?"},
    {"unknown_key_far", "@colour: blue\n", "evpnd.yaml:3: colour: unknown key"},
    {"unknown_nested_key", "@neighbors:\n  - address: 10.1.0.1\n    remote_as: 65100\n",
     "evpnd.yaml:5: neighbors[0].remote_as: unknown key; did you mean \"remote-as\"?"},
    {"unknown_deep_key", "@evpn:\n  vnis:\n    - vni: 10\n      route-targets: {imports: [auto]}\n",
     "evpnd.yaml:6: evpn.vnis[0].route-targets.imports: unknown key; did you mean \"import\"?"},
    {"duplicate_key", "@log: {level: info}\nasn: 65012\n",
     "evpnd.yaml:4: asn: duplicate key (first on line 2)"},
    // --- types ---
    {"asn_list", "router-id: 10.0.0.11\nasn: [65011]\n", "evpnd.yaml:2: asn: expected a number"},
    {"asn_word", "router-id: 10.0.0.11\nasn: sixty\n", "evpnd.yaml:2: asn: expected a number"},
    {"asn_zero", "router-id: 10.0.0.11\nasn: 0\n", "evpnd.yaml:2: asn: must be 1..4294967295"},
    {"asn_too_big", "router-id: 10.0.0.11\nasn: 4294967296\n",
     "evpnd.yaml:2: asn: must be 1..4294967295"},
    {"asn_empty", "router-id: 10.0.0.11\nasn:\n", "evpnd.yaml:2: asn: expected a number"},
    {"bool_yes", "@neighbors: [{address: 10.1.0.1, remote-as: external, passive: yes}]\n",
     "evpnd.yaml:3: neighbors[0].passive: expected true or false"},
    {"map_expected", "@graceful-restart: true\n", "evpnd.yaml:3: graceful-restart: expected a map"},
    {"list_expected", "@networks: 10.0.0.11/32\n", "evpnd.yaml:3: networks: expected a list"},
    {"neighbor_not_a_map", "@neighbors: [10.1.0.1]\n",
     "evpnd.yaml:3: neighbors[0]: expected a map"},
    {"description_map", "@neighbors:\n- {address: 10.1.0.1, remote-as: 1, description: {a: b}}\n",
     "evpnd.yaml:4: neighbors[0].description: expected a string"},
    // --- addresses ---
    {"router_id_bad_octet", "router-id: 10.0.0.256\nasn: 65011\n",
     "evpnd.yaml:1: router-id: expected an IPv4 address"},
    {"router_id_ipv6", "router-id: 2001:db8::1\nasn: 65011\n",
     "evpnd.yaml:1: router-id: expected an IPv4 address"},
    {"router_id_zero", "router-id: 0.0.0.0\nasn: 65011\n",
     "evpnd.yaml:1: router-id: must not be 0.0.0.0"},
    {"vtep_ip_bad", "@vtep-ip: 10.0.0\n", "evpnd.yaml:3: vtep-ip: expected an IP address"},
    {"neighbor_address_bad", "@neighbors:\n  - address: 10.1.0.300\n    remote-as: 65100\n",
     "evpnd.yaml:4: neighbors[0].address: expected an IP address"},
    {"local_address_other_family",
     "@neighbors:\n  - {address: 10.1.0.1, remote-as: 65100, local-address: 2001:db8::1}\n",
     "evpnd.yaml:4: neighbors[0].local-address: must be an IPv4 address like the neighbor's "
     "address"},
    {"listen_address_bad", "@listen: {address: everywhere}\n",
     "evpnd.yaml:3: listen.address: expected \"any\" or an IP address"},
    {"network_host_bits", "@networks: [10.0.0.11/24]\n",
     "evpnd.yaml:3: networks[0]: has host bits set; did you mean 10.0.0.0/24?"},
    {"network_bad_prefix", "@networks:\n  - 10.0.0.11/32\n  - 10.0.0.0/33\n",
     "evpnd.yaml:5: networks[1]: expected an IP prefix such as 10.0.0.0/24"},
    {"network_duplicate", "@networks: [10.0.0.11/32, 2001:db8::/32, 10.0.0.11/32]\n",
     "evpnd.yaml:3: networks[2]: duplicate prefix (also networks[0])"},
    {"cluster_id_bad", "@route-reflector: {cluster-id: rr1}\n",
     "evpnd.yaml:3: route-reflector.cluster-id: expected an IPv4 address or a number"},
    // --- neighbors ---
    {"duplicate_neighbor",
     "@neighbors:\n  - {address: 2001:db8::1, remote-as: 65100}\n"
     "  - {address: 10.1.0.1, remote-as: 65100}\n"
     "  - {address: 2001:DB8:0::1, remote-as: 65101}\n",
     "evpnd.yaml:6: neighbors[2].address: duplicate neighbor 2001:db8::1 (also neighbors[0])"},
    {"missing_neighbor_address", "@neighbors:\n  - remote-as: 65100\n",
     "evpnd.yaml:4: neighbors[0].address: missing (the neighbor's IP address)"},
    {"missing_remote_as", "@neighbors:\n  - address: 10.1.0.1\n",
     "evpnd.yaml:4: neighbors[0].remote-as: missing (a number, \"internal\" or \"external\")"},
    {"bad_remote_as",  // the example of DESIGN.md, line for line
     "router-id: 10.0.0.11\nasn: 65011\nvtep-ip: 10.0.0.11\nneighbors:\n"
     "  - address: 10.1.0.1\n    description: tor-a1\n    remote-as: ebgp\n",
     "evpnd.yaml:7: neighbors[0].remote-as: expected a number, \"internal\" or \"external\""},
    {"remote_as_misspelt", "@neighbors: [{address: 10.1.0.1, remote-as: externel}]\n",
     "evpnd.yaml:3: neighbors[0].remote-as: expected a number, \"internal\" or \"external\"; "
     "did you mean \"external\"?"},
    {"remote_as_zero", "@neighbors: [{address: 10.1.0.1, remote-as: 0}]\n",
     "evpnd.yaml:3: neighbors[0].remote-as: must be 1..4294967295"},
    {"family_misspelt",
     "@neighbors:\n  - {address: 10.1.0.1, remote-as: 1,\n"
     "     families: [l2vpn-evpn, ipv4-unicst]}\n",
     "evpnd.yaml:5: neighbors[0].families[1]: expected l2vpn-evpn, ipv4-unicast or "
     "ipv6-unicast; did you mean \"ipv4-unicast\"?"},
    {"family_unknown", "@neighbors: [{address: 10.1.0.1, remote-as: 1, families: [vpnv4]}]\n",
     "evpnd.yaml:3: neighbors[0].families[0]: expected l2vpn-evpn, ipv4-unicast or "
     "ipv6-unicast"},
    {"family_duplicate",
     "@neighbors: [{address: 10.1.0.1, remote-as: 1, families: [l2vpn-evpn, l2vpn-evpn]}]\n",
     "evpnd.yaml:3: neighbors[0].families[1]: duplicate family"},
    {"families_empty", "@neighbors: [{address: 10.1.0.1, remote-as: 1, families: []}]\n",
     "evpnd.yaml:3: neighbors[0].families: must name at least one family"},
    {"families_scalar",
     "@neighbors:\n  - address: 10.1.0.1\n    remote-as: 1\n    families: l2vpn-evpn\n",
     "evpnd.yaml:6: neighbors[0].families: expected a list"},
    {"password_too_long",
     "@neighbors: [{address: 10.1.0.1, remote-as: 1, password: "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}]\n",
     "evpnd.yaml:3: neighbors[0].password: longer than 80 bytes, the TCP MD5 key limit"},
    {"ebgp_multihop_with_ttl_security",
     "@neighbors:\n  - address: 10.1.0.1\n    remote-as: 65100\n    ebgp-multihop: 2\n"
     "    ttl-security: 1\n",
     "evpnd.yaml:7: neighbors[0].ttl-security: cannot be combined with ebgp-multihop"},
    {"ebgp_multihop_internal",
     "@neighbors:\n  - {address: 10.1.0.1, remote-as: internal, ebgp-multihop: 2}\n",
     "evpnd.yaml:4: neighbors[0].ebgp-multihop: applies to external neighbors only"},
    {"ebgp_multihop_zero", "@neighbors: [{address: 10.1.0.1, remote-as: 1, ebgp-multihop: 0}]\n",
     "evpnd.yaml:3: neighbors[0].ebgp-multihop: must be 1..255"},
    {"ttl_security_255", "@neighbors: [{address: 10.1.0.1, remote-as: 1, ttl-security: 255}]\n",
     "evpnd.yaml:3: neighbors[0].ttl-security: must be 1..254"},
    {"rr_client_external",
     "@neighbors: [{address: 10.1.0.1, remote-as: 65100, route-reflector-client: true}]\n",
     "evpnd.yaml:3: neighbors[0].route-reflector-client: applies to internal neighbors only"},
    {"next_hop_self_without_ipv4",
     "@neighbors: [{address: 10.1.0.1, remote-as: 1, families: [l2vpn-evpn], "
     "next-hop-self: true}]\n",
     "evpnd.yaml:3: neighbors[0].next-hop-self: applies to ipv4-unicast, which this neighbor does "
     "not carry"},
    {"neighbor_port_zero", "@neighbors: [{address: 10.1.0.1, remote-as: 1, port: 0}]\n",
     "evpnd.yaml:3: neighbors[0].port: must be 1..65535"},
    // --- timers ---
    {"hold_time_2", "@hold-time: 2\n", "evpnd.yaml:3: hold-time: must be 0 or 3..65535 (seconds)"},
    {"hold_time_huge", "@hold-time: 65536\n",
     "evpnd.yaml:3: hold-time: must be 0 or 3..65535 (seconds)"},
    {"keepalive_not_below_hold", "@keepalive: 9\n",
     "evpnd.yaml:3: keepalive: must be less than hold-time (9)"},
    {"keepalive_with_hold_0", "@keepalive: 3\nhold-time: 0\n",
     "evpnd.yaml:3: keepalive: must be 0 when hold-time is 0"},
    {"neighbor_hold_time_2", "@neighbors: [{address: 10.1.0.1, remote-as: 1, hold-time: 2}]\n",
     "evpnd.yaml:3: neighbors[0].hold-time: must be 0 or 3..65535 (seconds)"},
    {"neighbor_keepalive_vs_own_hold",
     "@neighbors:\n  - {address: 10.1.0.1, remote-as: 1, hold-time: 6, keepalive: 6}\n",
     "evpnd.yaml:4: neighbors[0].keepalive: must be less than hold-time (6)"},
    {"neighbor_keepalive_vs_global_hold",
     "@hold-time: 9\nneighbors: [{address: 10.1.0.1, remote-as: 1, keepalive: 10}]\n",
     "evpnd.yaml:4: neighbors[0].keepalive: must be less than hold-time (9)"},
    {"connect_retry_zero", "@connect-retry: 0\n",
     "evpnd.yaml:3: connect-retry: must be 1..65535 (seconds)"},
    {"restart_time_13_bits", "@graceful-restart: {restart-time: 4096}\n",
     "evpnd.yaml:3: graceful-restart.restart-time: must be 0..4095"},
    // --- listen ranges ---
    {"range_missing_remote_as", "@listen:\n  ranges:\n    - prefix: 10.2.0.0/24\n",
     "evpnd.yaml:5: listen.ranges[0].remote-as: missing (a number, \"internal\" or \"external\")"},
    {"range_duplicate",
     "@listen:\n  ranges:\n    - {prefix: 10.2.0.0/24, remote-as: 1}\n"
     "    - {prefix: 10.2.0.0/24, remote-as: 2}\n",
     "evpnd.yaml:6: listen.ranges[1].prefix: duplicate range 10.2.0.0/24"},
    // --- EVPN ---
    {"vni_too_big", "@evpn:\n  vnis:\n    - vni: 16777216\n",
     "evpnd.yaml:5: evpn.vnis[0].vni: must be 1..16777215"},
    {"vni_zero", "@evpn: {vnis: [{vni: 0}]}\n",
     "evpnd.yaml:3: evpn.vnis[0].vni: must be 1..16777215"},
    {"vni_missing", "@evpn:\n  vnis:\n    - rd: auto\n",
     "evpnd.yaml:5: evpn.vnis[0].vni: missing (1..16777215)"},
    {"vni_duplicate", "@evpn:\n  vnis:\n    - vni: 100\n    - vni: 200\n    - vni: 100\n",
     "evpnd.yaml:7: evpn.vnis[2].vni: duplicate VNI 100 (also evpn.vnis[0])"},
    {"l3vni_same_as_vni",
     "@evpn:\n  vnis: [{vni: 5000}]\n  vrfs: [{name: red, l3vni: 5000, table: 10}]\n",
     "evpnd.yaml:5: evpn.vrfs[0].l3vni: duplicate VNI 5000 (also evpn.vnis[0])"},
    {"bad_rt",
     "@evpn:\n  vnis:\n    - vni: 100\n      route-targets:\n        import: [auto, 65000]\n",
     "evpnd.yaml:7: evpn.vnis[0].route-targets.import[1]: expected \"auto\" or a route target "
     "such as 65000:100"},
    {"bad_rt_too_big", "@evpn: {vnis: [{vni: 1, route-targets: {export: [4200000000:70000]}}]}\n",
     "evpnd.yaml:3: evpn.vnis[0].route-targets.export[0]: expected \"auto\" or a route target "
     "such as 65000:100"},
    {"bad_rd", "@evpn:\n  vnis:\n    - {vni: 100, rd: 10.0.0.11}\n",
     "evpnd.yaml:5: evpn.vnis[0].rd: expected \"auto\" or a route distinguisher such as "
     "10.0.0.11:100 or 65011:100"},
    {"vrf_main_table", "@evpn:\n  vrfs:\n    - {name: red, l3vni: 5000, table: 254}\n",
     "evpnd.yaml:5: evpn.vrfs[0].table: must be 1..4294967295 other than 253, 254 and 255 (the "
     "kernel's own tables)"},
    {"vrf_name_too_long", "@evpn: {vrfs: [{name: tenant-with-a-long-name, l3vni: 1, table: 1}]}\n",
     "evpnd.yaml:3: evpn.vrfs[0].name: expected a Linux device name: 1..15 bytes, no '/', ':' or "
     "spaces"},
    {"vrf_duplicate_name",
     "@evpn:\n  vrfs:\n    - {name: red, l3vni: 5000, table: 10}\n"
     "    - {name: red, l3vni: 5001, table: 11}\n",
     "evpnd.yaml:6: evpn.vrfs[1].name: duplicate VRF name red"},
    {"vrf_multicast_router_mac",
     "@evpn: {vrfs: [{name: red, l3vni: 5000, table: 10, router-mac: 01:00:5e:00:00:01}]}\n",
     "evpnd.yaml:3: evpn.vrfs[0].router-mac: must be a unicast MAC address"},
    {"vrf_advertise_unknown",
     "@evpn: {vrfs: [{name: red, l3vni: 5000, table: 10, advertise: [kernel]}]}\n",
     "evpnd.yaml:3: evpn.vrfs[0].advertise[0]: expected connected or static"},
    {"vrf_missing_table", "@evpn:\n  vrfs:\n    - name: red\n      l3vni: 5000\n",
     "evpnd.yaml:5: evpn.vrfs[0].table: missing (the VRF's kernel routing table)"},
    {"static_route_bad_mac",
     "@evpn:\n  static-routes:\n    - {type: 2, vni: 100, mac: 02:00:00:00:00}\n",
     "evpnd.yaml:5: evpn.static-routes[0].mac: expected a MAC address such as "
     "02:00:00:aa:bb:cc"},
    {"static_route_vni_range", "@evpn: {static-routes: [{type: 3, vni: 16777216}]}\n",
     "evpnd.yaml:3: evpn.static-routes[0].vni: must be 1..16777215"},
    {"static_route_type_4", "@evpn:\n  static-routes:\n    - {type: 4, vni: 1}\n",
     "evpnd.yaml:5: evpn.static-routes[0].type: must be 2 (MAC/IP), 3 (inclusive multicast) or 5 "
     "(IP prefix)"},
    {"static_route_missing_type", "@evpn:\n  static-routes:\n    - {vni: 1}\n",
     "evpnd.yaml:5: evpn.static-routes[0].type: missing (2 (MAC/IP), 3 (inclusive multicast) or "
     "5 (IP prefix))"},
    {"static_route_key_of_other_type",
     "@evpn:\n  static-routes:\n    - type: 3\n      vni: 100\n      mac: 02:00:00:00:00:01\n",
     "evpnd.yaml:7: evpn.static-routes[0].mac: not a key of a type-3 route (keys: type, vni)"},
    {"static_route_missing_mac", "@evpn: {static-routes: [{type: 2, vni: 100}]}\n",
     "evpnd.yaml:3: evpn.static-routes[0].mac: missing (a MAC address)"},
    {"static_route_gateway_family",
     "@evpn:\n  static-routes:\n    - {type: 5, prefix: 10.20.0.0/16, l3vni: 1, gateway: ::1}\n",
     "evpnd.yaml:5: evpn.static-routes[0].gateway: must be an IPv4 address like the prefix"},
    {"dad_max_moves_one", "@evpn:\n  dup-addr-detection: {max-moves: 1}\n",
     "evpnd.yaml:4: evpn.dup-addr-detection.max-moves: must be 2..1000"},
    {"dad_freeze_word", "@evpn:\n  dup-addr-detection:\n    freeze-time: forever\n",
     "evpnd.yaml:5: evpn.dup-addr-detection.freeze-time: expected a number"},
    {"dad_unknown_key", "@evpn: {dup-addr-detection: {max-move: 3}}\n",
     "evpnd.yaml:3: evpn.dup-addr-detection.max-move: unknown key; did you mean \"max-moves\"?"},
    {"kernel_table_local", "@kernel: {route-table: 255}\n",
     "evpnd.yaml:3: kernel.route-table: tables 253 (default) and 255 (local) are the kernel's"},
    // --- api and log ---
    {"api_listen_not_loopback", "@api: {listen: 10.0.0.11:8179}\n",
     "evpnd.yaml:3: api.listen: must be a loopback address (127.0.0.0/8 or ::1)"},
    {"api_listen_no_port", "@api: {listen: 127.0.0.1}\n",
     "evpnd.yaml:3: api.listen: expected ADDRESS:PORT such as 127.0.0.1:8179 or [::1]:8179"},
    {"api_listen_port_range", "@api: {listen: \"127.0.0.1:70000\"}\n",
     "evpnd.yaml:3: api.listen: port must be 1..65535"},
    {"api_socket_relative", "@api:\n  socket: evpnd.sock\n",
     "evpnd.yaml:4: api.socket: expected an absolute path"},
    {"log_level_misspelt", "@log:\n  level: warning\n",
     "evpnd.yaml:4: log.level: expected trace, debug, info, warn or error; did you mean \"warn\"?"},
};

INSTANTIATE_TEST_SUITE_P(ConfigTable, ConfigErrorTable, testing::ValuesIn(kBadCases),
                         [](const testing::TestParamInfo<BadCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace evpnd::daemon
