// Tests of `evpnctl show`: API messages (proto/api.proto) built by hand, formatted by
// cli/show_format.h and compared with the exact FRR-style text; then the evpnctl binary
// against a real evpnd started on a temporary socket and port.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/show_format.h"
#include "proto/api.pb.h"

extern char** environ;

namespace evpnd::cli {
namespace {

// ---- formatting, no daemon ----

TEST(EvpnctlShowFormat, UptimeLikeFrr) {
  EXPECT_EQ(format_uptime(0), "00:00:00");
  EXPECT_EQ(format_uptime(83), "00:01:23");
  EXPECT_EQ(format_uptime(86399), "23:59:59");
  EXPECT_EQ(format_uptime(86400 + 2 * 3600 + 3 * 60 + 4), "1d02h03m");
  EXPECT_EQ(format_uptime(2 * 604800 + 3 * 86400 + 4 * 3600), "02w3d04h");
  EXPECT_EQ(format_uptime(365 * 86400 + 604800 + 2 * 86400), "01y01w2d");
}

api::NeighborSummary* add_neighbor(api::BgpSummary& s, const char* address, uint32_t as,
                                   const char* state, uint64_t uptime, uint64_t received,
                                   uint64_t sent) {
  auto* n = s.add_neighbors();
  n->set_address(address);
  n->set_remote_as(as);
  n->set_state(state);
  n->set_uptime_seconds(uptime);
  n->set_messages_received(received);
  n->set_messages_sent(sent);
  return n;
}

void add_family(api::NeighborSummary* n, const char* family, uint64_t received, uint64_t sent) {
  auto* f = n->add_families();
  f->set_family(family);
  f->set_received(received);
  f->set_sent(sent);
}

TEST(EvpnctlShowFormat, SummaryEstablishedAndActive) {
  api::BgpSummary s;
  s.set_router_id("10.0.0.11");
  s.set_asn(65011);
  auto* spine = add_neighbor(s, "10.1.0.1", 65000, "Established", 3723, 120, 100);
  spine->set_description("spine1");
  add_family(spine, "l2vpn-evpn", 12, 3);
  add_family(spine, "ipv4-unicast", 2, 1);
  auto* down = add_neighbor(s, "10.1.0.2", 0, "Active", 5, 0, 0);
  add_family(down, "l2vpn-evpn", 0, 0);

  EXPECT_EQ(
      format_bgp_summary(s),
      "BGP router identifier 10.0.0.11, local AS number 65011\n"
      "\n"
      "IPv4 Unicast Summary:\n"
      "Neighbor        V         AS   MsgRcvd   MsgSent  Up/Down State/PfxRcd   PfxSnt Desc\n"
      "10.1.0.1        4      65000       120       100 01:02:03            2        1 spine1\n"
      "\n"
      "Total number of neighbors 1\n"
      "\n"
      "L2VPN EVPN Summary:\n"
      "Neighbor        V         AS   MsgRcvd   MsgSent  Up/Down State/PfxRcd   PfxSnt Desc\n"
      "10.1.0.1        4      65000       120       100 01:02:03           12        3 spine1\n"
      "10.1.0.2        4   external         0         0    never       Active        0 N/A\n"
      "\n"
      "Total number of neighbors 2\n");
}

TEST(EvpnctlShowFormat, SummaryWideDynamicNeighborAndFlappedPeer) {
  api::BgpSummary s;
  s.set_router_id("10.0.0.11");
  s.set_asn(65011);
  auto* dyn = add_neighbor(s, "2001:db8:ffff::1:2:3", 65100, "Established", 93784, 7, 9);
  dyn->set_dynamic(true);
  add_family(dyn, "ipv6-unicast", 4, 5);
  // Not Established but it has received messages: Up/Down is the time since it went down.
  auto* flapped = add_neighbor(s, "10.1.0.3", 65000, "Idle", 42, 30, 31);
  add_family(flapped, "ipv6-unicast", 0, 0);

  EXPECT_EQ(format_bgp_summary(s),
            "BGP router identifier 10.0.0.11, local AS number 65011\n"
            "\n"
            "IPv6 Unicast Summary:\n"
            "Neighbor              V         AS   MsgRcvd   MsgSent  Up/Down State/PfxRcd   "
            "PfxSnt Desc\n"
            "*2001:db8:ffff::1:2:3 4      65100         7         9 1d02h03m            4        "
            "5 N/A\n"
            "10.1.0.3              4      65000        30        31 00:00:42         Idle        "
            "0 N/A\n"
            "\n"
            "* - dynamic neighbor\n"
            "\n"
            "Total number of neighbors 2\n");
}

TEST(EvpnctlShowFormat, SummaryWithoutNeighbors) {
  api::BgpSummary s;
  s.set_router_id("10.0.0.1");
  s.set_asn(65001);
  EXPECT_EQ(format_bgp_summary(s),
            "BGP router identifier 10.0.0.1, local AS number 65001\n"
            "\n"
            "% No BGP neighbors found\n");
}

TEST(EvpnctlShowFormat, NeighborEstablished) {
  api::NeighborDetail d;
  auto* s = d.mutable_summary();
  s->set_address("10.1.0.1");
  s->set_remote_as(65000);
  s->set_state("Established");
  s->set_uptime_seconds(93784);
  s->set_messages_received(1234);
  s->set_messages_sent(1200);
  s->set_hostname("spine1");
  s->set_description("spine 1, rack 4");
  d.set_local_address("10.1.0.2");
  d.set_local_port(179);
  d.set_remote_port(45678);
  d.set_router_id("10.0.0.100");
  d.set_hold_time(9);
  d.set_keepalive(3);
  d.set_configured_hold_time(90);
  d.set_configured_keepalive(30);
  auto* adv = d.mutable_advertised();
  adv->add_families("l2vpn-evpn");
  adv->add_families("ipv4-unicast");
  adv->set_four_octet_as(true);
  adv->set_route_refresh(true);
  adv->set_enhanced_route_refresh(true);
  adv->set_graceful_restart(true);
  adv->set_graceful_restart_time(120);
  adv->set_extended_message(true);
  adv->set_hostname("leaf1");
  auto* rcv = d.mutable_received();
  rcv->add_families("l2vpn-evpn");
  rcv->set_four_octet_as(true);
  rcv->set_route_refresh(true);
  rcv->set_graceful_restart(true);
  rcv->set_graceful_restart_time(300);
  rcv->add_add_path("l2vpn-evpn send");
  rcv->set_hostname("spine1");
  auto* neg = d.mutable_negotiated();
  neg->add_families("l2vpn-evpn");
  neg->set_four_octet_as(true);
  neg->set_route_refresh(true);
  neg->set_graceful_restart(true);
  neg->set_graceful_restart_time(300);
  auto* e = d.mutable_last_error();
  e->set_direction("received");
  e->set_code(6);
  e->set_subcode(2);
  e->set_code_name("Cease");
  e->set_subcode_name("Administrative Shutdown");
  e->set_message("maintenance");
  e->set_seconds_ago(93790);
  d.set_established_transitions(2);

  EXPECT_EQ(format_neighbor_detail(d),
            "BGP neighbor is 10.1.0.1, remote AS 65000, external link\n"
            "Hostname: spine1\n"
            " Description: spine 1, rack 4\n"
            "  BGP version 4, remote router ID 10.0.0.100\n"
            "  BGP state = Established, up for 1d02h03m\n"
            "  Hold time is 9, keepalive interval is 3 seconds\n"
            "  Configured hold time is 90, keepalive interval is 30 seconds\n"
            "  Neighbor capabilities:\n"
            "    4 Byte AS: advertised and received\n"
            "    Extended Message: advertised\n"
            "    AddPath:\n"
            "      received: l2vpn-evpn send\n"
            "    Route refresh: advertised and received\n"
            "    Enhanced Route Refresh: advertised\n"
            "    Address Family IPv4 Unicast: advertised\n"
            "    Address Family L2VPN EVPN: advertised and received\n"
            "    Hostname Capability: advertised (name: leaf1) received (name: spine1)\n"
            "    Graceful Restart Capability: advertised and received\n"
            "      Local Restart timer is 120 seconds\n"
            "      Remote Restart timer is 300 seconds\n"
            "  Negotiated capabilities:\n"
            "    Address families: L2VPN EVPN\n"
            "    4 Byte AS, Route refresh\n"
            "    Graceful Restart, restart time 300 seconds\n"
            "  Message statistics:\n"
            "                         Sent       Rcvd\n"
            "    Total:               1200       1234\n"
            "  Connections established 2; dropped 1\n"
            "  Last reset 1d02h03m, Notification received (Cease/Administrative Shutdown): "
            "maintenance\n"
            "Local host: 10.1.0.2, Local port: 179\n"
            "Foreign host: 10.1.0.1, Foreign port: 45678\n");
}

TEST(EvpnctlShowFormat, NeighborIdleAfterSentNotification) {
  api::NeighborDetail d;
  auto* s = d.mutable_summary();
  s->set_address("10.1.0.9");
  s->set_remote_as(65009);
  s->set_state("Idle");
  s->set_messages_received(1);
  s->set_messages_sent(2);
  d.set_ibgp(false);
  d.set_configured_hold_time(9);
  d.set_configured_keepalive(3);
  d.set_connect_retry_counter(4);
  d.set_next_restart_seconds(30);
  auto* e = d.mutable_last_error();
  e->set_direction("sent");
  e->set_code(2);
  e->set_subcode(2);
  e->set_code_name("OPEN Message Error");
  e->set_subcode_name("Bad Peer AS");
  e->set_seconds_ago(65);

  EXPECT_EQ(format_neighbor_detail(d),
            "BGP neighbor is 10.1.0.9, remote AS 65009, external link\n"
            "  BGP version 4, remote router ID 0.0.0.0\n"
            "  BGP state = Idle\n"
            "  Idle hold time is 30 seconds\n"
            "  Configured hold time is 9, keepalive interval is 3 seconds\n"
            "  Message statistics:\n"
            "                         Sent       Rcvd\n"
            "    Total:                  2          1\n"
            "  Connections established 0; dropped 0\n"
            "  Connect retry counter 4\n"
            "  Last reset 00:01:05, Notification sent (OPEN Message Error/Bad Peer AS)\n");

  // A transport error, then no error at all.
  e->Clear();
  e->set_direction("local");
  e->set_message("connect: Connection refused");
  e->set_seconds_ago(4);
  EXPECT_NE(format_neighbor_detail(d).find("  Last reset 00:00:04, connect: Connection refused\n"),
            std::string::npos);
  d.clear_last_error();
  EXPECT_NE(format_neighbor_detail(d).find("  Last reset never\n"), std::string::npos);
}

api::EvpnPath* add_path(api::EvpnRoute* r, bool best, const char* peer, const char* next_hop,
                        const char* as_path, std::initializer_list<const char*> ecoms) {
  auto* p = r->add_paths();
  p->set_best(best);
  p->set_peer(peer);
  p->set_next_hop(next_hop);
  p->set_as_path(as_path);
  p->set_origin("IGP");
  for (const char* c : ecoms) {
    p->add_extended_communities(c);
    if (std::string(c).rfind("RT:", 0) == 0) p->add_route_targets(c + 3);
  }
  return p;
}

api::EvpnRoute* add_route(api::EvpnRoutes& rs, uint32_t type, const char* rd, const char* prefix,
                          uint32_t vni) {
  auto* r = rs.add_routes();
  r->set_route_type(type);
  r->set_rd(rd);
  r->set_prefix(prefix);
  r->set_vni(vni);
  return r;
}

TEST(EvpnctlShowFormat, EvpnRoutesOfTypes2And3And5) {
  // In the order the API might send them; the output is by RD, then by route type.
  api::EvpnRoutes rs;
  auto* imet = add_route(rs, 3, "10.0.0.12:2", "[3]:[0]:[32]:[10.0.0.12]", 100);
  imet->set_originating_router("10.0.0.12");
  add_path(imet, true, "10.1.0.1", "10.0.0.12", "65000 65012", {"RT:65012:100", "ET:8"})
      ->set_pmsi_tunnel("ingress-replication 10.0.0.12 vni 100");

  auto* prefix = add_route(rs, 5, "10.0.0.12:5000", "[5]:[0]:[24]:[10.20.0.0]", 5000);
  prefix->set_ip_prefix("10.20.0.0/24");
  auto* p5 = add_path(prefix, true, "10.1.0.1", "10.0.0.12", "65000 65012",
                      {"RT:65012:5000", "ET:8", "Rmac:aa:bb:cc:00:00:12"});
  p5->set_label1(5000);
  p5->set_router_mac("aa:bb:cc:00:00:12");
  p5->set_gateway("0.0.0.0");
  p5->set_med(50);
  p5->set_local_pref(200);

  auto* macip =
      add_route(rs, 2, "10.0.0.12:2", "[2]:[0]:[48]:[52:54:00:aa:bb:01]:[32]:[10.1.1.12]", 100);
  macip->set_mac("52:54:00:aa:bb:01");
  macip->set_ip("10.1.1.12");
  for (const char* peer : {"10.1.0.1", "10.1.0.2"}) {
    const bool first = std::string(peer) == "10.1.0.1";
    auto* p =
        add_path(macip, first, peer, "10.0.0.12", "65000 65012", {"RT:65012:100", "ET:8", "MM:3"});
    p->set_label1(100);
    p->set_label2(5000);
    p->set_mac_mobility_sequence(3);
    p->set_router_mac("aa:bb:cc:00:00:12");  // No Rmac community: shown in the details.
    p->set_stale(!first);
  }

  auto* local = add_route(rs, 3, "10.0.0.11:2", "[3]:[0]:[32]:[10.0.0.11]", 100);
  add_path(local, true, "local", "10.0.0.11", "", {"RT:65011:100", "ET:8"})
      ->set_pmsi_tunnel("ingress-replication 10.0.0.11 vni 100");

  // A type-0 RD (ASN:N) sorts before the type-1 ones (IP:N).
  auto* sticky = add_route(rs, 2, "65012:7", "[2]:[0]:[48]:[52:54:00:aa:bb:07]", 100);
  auto* ps = add_path(sticky, true, "10.1.0.1", "10.0.0.12", "65000 65012", {"ET:8"});
  ps->set_label1(100);
  ps->set_sticky(true);
  ps->set_esi("00:11:22:33:44:55:66:77:88:99");

  EXPECT_EQ(format_evpn_routes(rs),
            "Status codes: * valid, > best, S stale\n"
            "Origin codes: i - IGP, e - EGP, ? - incomplete\n"
            "EVPN type-1 prefix: [1]:[ESI]:[EthTag]\n"
            "EVPN type-2 prefix: [2]:[EthTag]:[MAClen]:[MAC]:[IPlen]:[IP]\n"
            "EVPN type-3 prefix: [3]:[EthTag]:[IPlen]:[OrigIP]\n"
            "EVPN type-4 prefix: [4]:[ESI]:[IPlen]:[OrigIP]\n"
            "EVPN type-5 prefix: [5]:[EthTag]:[IPlen]:[IP]\n"
            "\n"
            "   Network          Next Hop            Metric LocPrf Path\n"
            "Route Distinguisher: 65012:7\n"
            "*> [2]:[0]:[48]:[52:54:00:aa:bb:07]\n"
            "                    10.0.0.12                         65000 65012 i\n"
            "                    ET:8\n"
            "                    VNI 100, ESI 00:11:22:33:44:55:66:77:88:99, sticky MAC\n"
            "Route Distinguisher: 10.0.0.11:2\n"
            "*> [3]:[0]:[32]:[10.0.0.11]\n"
            "                    10.0.0.11                         i\n"
            "                    RT:65011:100 ET:8\n"
            "                    PMSI tunnel ingress-replication 10.0.0.11 vni 100\n"
            "Route Distinguisher: 10.0.0.12:2\n"
            "*> [2]:[0]:[48]:[52:54:00:aa:bb:01]:[32]:[10.1.1.12]\n"
            "                    10.0.0.12                         65000 65012 i\n"
            "                    RT:65012:100 ET:8 MM:3\n"
            "                    VNI 100/5000, Router MAC aa:bb:cc:00:00:12\n"
            "S                   10.0.0.12                         65000 65012 i\n"
            "                    RT:65012:100 ET:8 MM:3\n"
            "                    VNI 100/5000, Router MAC aa:bb:cc:00:00:12, stale\n"
            "*> [3]:[0]:[32]:[10.0.0.12]\n"
            "                    10.0.0.12                         65000 65012 i\n"
            "                    RT:65012:100 ET:8\n"
            "                    PMSI tunnel ingress-replication 10.0.0.12 vni 100\n"
            "Route Distinguisher: 10.0.0.12:5000\n"
            "*> [5]:[0]:[24]:[10.20.0.0]\n"
            "                    10.0.0.12               50    200 65000 65012 i\n"
            "                    RT:65012:5000 ET:8 Rmac:aa:bb:cc:00:00:12\n"
            "                    VNI 5000\n"
            "\n"
            "Displayed 5 prefixes (6 paths)\n");

  EXPECT_EQ(format_evpn_routes(api::EvpnRoutes()), "No prefixes displayed\n");
}

api::UnicastPath* add_path(api::UnicastRoute* r, bool best, const char* next_hop,
                           const char* as_path, const char* origin) {
  auto* p = r->add_paths();
  p->set_best(best);
  p->set_next_hop(next_hop);
  p->set_as_path(as_path);
  p->set_origin(origin);
  return p;
}

TEST(EvpnctlShowFormat, UnicastRoutes) {
  api::UnicastRoutes v4;
  v4.set_family("ipv4-unicast");
  auto* own = v4.add_routes();
  own->set_prefix("10.0.0.11/32");
  add_path(own, true, "", "", "IGP")->set_peer("local");
  auto* two = v4.add_routes();
  two->set_prefix("10.0.0.12/32");
  add_path(two, true, "10.1.0.1", "65000 65012", "IGP");
  auto* second = add_path(two, false, "10.1.0.2", "65000 65012", "IGP");
  second->set_med(10);
  second->set_stale(true);
  auto* wide = v4.add_routes();
  wide->set_prefix("10.100.100.100/32");  // 17 characters: the next hop goes on a new line.
  add_path(wide, true, "10.1.0.1", "", "incomplete")->set_local_pref(100);

  EXPECT_EQ(format_unicast_routes(v4),
            "Status codes:  * valid, > best, S stale\n"
            "Origin codes:  i - IGP, e - EGP, ? - incomplete\n"
            "\n"
            "   Network          Next Hop            Metric LocPrf Path\n"
            "*> 10.0.0.11/32     0.0.0.0                           i\n"
            "*> 10.0.0.12/32     10.1.0.1                          65000 65012 i\n"
            "S                   10.1.0.2                10        65000 65012 i\n"
            "*> 10.100.100.100/32\n"
            "                    10.1.0.1                      100 ?\n"
            "\n"
            "Displayed  3 routes and 4 total paths\n");

  api::UnicastRoutes v6;
  v6.set_family("ipv6-unicast");
  auto* r6 = v6.add_routes();
  r6->set_prefix("2001:db8::/32");
  add_path(r6, true, "2001:db8:ffff::1", "65000", "EGP");  // 16 characters: wraps too.
  auto* local6 = v6.add_routes();
  local6->set_prefix("2001:db8:1::/48");
  add_path(local6, true, "", "", "IGP");
  EXPECT_EQ(format_unicast_routes(v6),
            "Status codes:  * valid, > best, S stale\n"
            "Origin codes:  i - IGP, e - EGP, ? - incomplete\n"
            "\n"
            "   Network          Next Hop            Metric LocPrf Path\n"
            "*> 2001:db8::/32    2001:db8:ffff::1\n"
            "                                                      65000 e\n"
            "*> 2001:db8:1::/48  ::                                i\n"
            "\n"
            "Displayed  2 routes and 2 total paths\n");

  v6.clear_routes();
  EXPECT_EQ(format_unicast_routes(v6), "No BGP prefixes displayed, 0 exist\n");
}

// ---- the evpnctl binary, with and without a daemon ----

#ifdef EVPNCTL_PATH
struct CliRun {
  int status = -1;
  std::string out;  // stdout and stderr together.
};

CliRun evpnctl(const std::string& args) {
  CliRun r;
  const std::string command = std::string(EVPNCTL_PATH) + " " + args + " 2>&1";
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(EvpnctlShowFormat, EvpnVnis) {
  api::EvpnVnis m;
  auto* v = m.add_vnis();
  v->set_vni(100);
  v->set_vxlan_device("vxlan100");
  v->set_bridge("br100");
  v->set_rd("10.0.0.1:100");
  v->add_import_rts("auto (any ASN):100");
  v->add_export_rts("65001:100");
  v->set_local_macs(2);
  v->set_remote_macs(3);
  v->add_remote_vteps("10.0.0.2");
  v->add_remote_vteps("10.0.0.3");
  EXPECT_EQ(
      format_evpn_vnis(m),
      "VNI       VxLAN IF        Bridge          # Local MACs  # Remote MACs  # Remote VTEPs\n"
      "100       vxlan100        br100           2             3              2\n"
      "\n"
      "VNI: 100\n"
      "  RD: 10.0.0.1:100\n"
      "  Import Route Target: auto (any ASN):100\n"
      "  Export Route Target: 65001:100\n"
      "  Remote VTEPs: 10.0.0.2 10.0.0.3\n");
  EXPECT_EQ(format_evpn_vnis(api::EvpnVnis{}),
            "No VNIs: no VXLAN device is enslaved to a bridge, or none is configured.\n");
}

TEST(EvpnctlShowFormat, EvpnMacsAndArps) {
  api::EvpnMacs m;
  auto* a = m.add_macs();
  a->set_vni(100);
  a->set_mac("02:00:00:00:01:01");
  a->set_type("local");
  a->set_port("vm1");
  a->set_sequence(2);
  a->add_ips("192.168.0.1");
  auto* b = m.add_macs();
  b->set_vni(100);
  b->set_mac("02:00:00:00:01:02");
  b->set_type("remote");
  b->set_vtep("10.0.0.2");
  b->set_sequence(7);
  b->set_sticky(true);
  b->set_frozen(true);
  EXPECT_EQ(format_evpn_macs(m),
            "VNI 100 #MACs (local and remote) 2\n\n"
            "Flags: S=sticky, F=frozen by duplicate detection\n"
            "MAC               Type   Flags Intf/Remote VTEP    Seq   IPs\n"
            "02:00:00:00:01:01 local        vm1                 2     192.168.0.1\n"
            "02:00:00:00:01:02 remote SF    10.0.0.2            7\n");
  api::EvpnArps arps;
  auto* r = arps.add_arps();
  r->set_vni(200);
  r->set_ip("192.168.0.9");
  r->set_mac("02:00:00:00:02:09");
  r->set_type("remote");
  r->set_vtep("10.0.0.3");
  const std::string text = format_evpn_arps(arps);
  EXPECT_NE(text.find("VNI 200 #ARP"), std::string::npos) << text;
  EXPECT_NE(text.find("192.168.0.9"), std::string::npos) << text;
  EXPECT_NE(text.find("remote 02:00:00:00:02:09 10.0.0.3\n"), std::string::npos) << text;
}

TEST(EvpnctlShowFormat, Fib) {
  api::Fib m;
  auto* e = m.add_entries();
  e->set_kind("fdb");
  e->set_device("vxlan100");
  e->set_mac("02:00:00:00:01:02");
  e->set_dst("10.0.0.2");
  e->set_state("installed");
  e->set_flags("self extern_learn");
  auto* f = m.add_entries();
  f->set_kind("route");
  f->set_dst("10.0.0.2/32");
  f->set_via("10.1.1.0,10.1.2.0");
  f->set_table(254);
  f->set_state("failed");
  f->set_error("Network is unreachable");
  f->set_attempts(3);
  m.mutable_stats()->set_desired(2);
  m.mutable_stats()->set_installed(1);
  m.mutable_stats()->set_failed(1);
  const std::string text = format_fib(m);
  EXPECT_NE(text.find("fdb    vxlan100        02:00:00:00:01:02 10.0.0.2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("installed self extern_learn\n"), std::string::npos) << text;
  EXPECT_NE(text.find("10.1.1.0,10.1.2.0 failed (Network is unreachable, 3 attempts)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Entries: 2 desired, 1 installed, 0 pending, 1 failed, 0 stale"),
            std::string::npos)
      << text;
}

TEST(EvpnctlShowBinary, HelpListsTheShowCommands) {
  const CliRun top = evpnctl("--help");
  EXPECT_EQ(top.status, 0);
  EXPECT_TRUE(contains(top.out, "show bgp summary")) << top.out;
  const CliRun show = evpnctl("show --help");
  EXPECT_EQ(show.status, 0);
  for (const char* c : {"show bgp summary", "show bgp neighbor ADDRESS", "show bgp evpn routes",
                        "show bgp ipv4 routes", "show bgp ipv6 routes", "show evpn vni",
                        "show evpn mac", "show evpn arp", "show fib", "--json"}) {
    EXPECT_TRUE(contains(show.out, c)) << c << "\n" << show.out;
  }
}

TEST(EvpnctlShowBinary, UsageErrorsExitTwo) {
  for (const char* args :
       {"show", "show bgp", "show bgp nonsense", "show bgp neighbor", "show bgp summary --type 2",
        "show bgp evpn routes --type 9", "show bgp evpn routes --vni x",
        "show bgp evpn routes --rd bogus", "show fib --vni 100", "show evpn mac --vni 0",
        "show evpn nonsense", "show evpn vni --type 2"}) {
    const CliRun r = evpnctl(std::string("--socket /nonexistent/evpnd.sock ") + args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "Try 'evpnctl show --help'.")) << args << "\n" << r.out;
  }
}

TEST(EvpnctlShowBinary, NoDaemonIsOneClearLine) {
  const CliRun r = evpnctl("--socket /nonexistent/evpnd.sock show bgp summary");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out,
            "evpnctl: cannot connect to /nonexistent/evpnd.sock: No such file or directory (is "
            "evpnd running?)\n");
}

#ifdef EVPND_PATH
// A temporary directory, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "evpnctl_show.XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

TEST(EvpnctlShowEndToEnd, RealDaemon) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string socket = (dir.path / "evpnd.sock").string();
  const std::string config = (dir.path / "evpnd.yaml").string();
  const std::string log = (dir.path / "evpnd.log").string();
  const int port = 17900 + static_cast<int>(getpid() % 1000);
  std::ofstream(config) << "router-id: 10.0.0.1\n"
                           "asn: 65001\n"
                           "listen: {port: "
                        << port
                        << "}\n"
                           "networks: [10.0.0.1/32]\n"
                           "kernel: {enabled: false}\n"
                           "evpn:\n"
                           "  static-routes:\n"
                           "    - {type: 3, vni: 100}\n"
                           "api: {socket: "
                        << socket << "}\n";

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string exe = EVPND_PATH;
  std::string flag = "-c";
  std::string config_arg = config;
  char* argv[] = {exe.data(), flag.data(), config_arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ASSERT_EQ(spawned, 0) << "cannot start " << exe;

  // Wait up to 10 s for the API socket; stop early if evpnd exits.
  bool up = false;
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 200 && !up && !exited; ++i) {
    up = std::filesystem::exists(socket);
    exited = waitpid(pid, &status, WNOHANG) == pid;
    if (!up && !exited) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto log_text = [&] {
    std::ifstream f(log);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  if (!up || exited) {
    if (!exited) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    FAIL() << "evpnd did not open its API socket; its log:\n" << log_text();
  }
  const std::string s = "--socket " + socket + " ";

  const CliRun summary = evpnctl(s + "show bgp summary");
  EXPECT_EQ(summary.status, 0) << summary.out;
  EXPECT_EQ(summary.out,
            "BGP router identifier 10.0.0.1, local AS number 65001\n\n% No BGP neighbors found\n");

  const CliRun evpn = evpnctl(s + "show bgp evpn routes");
  EXPECT_EQ(evpn.status, 0) << evpn.out;
  EXPECT_TRUE(contains(evpn.out, "Route Distinguisher: 10.0.0.1:")) << evpn.out;
  EXPECT_TRUE(contains(evpn.out,
                       "*> [3]:[0]:[32]:[10.0.0.1]\n"
                       "                    10.0.0.1                          i\n"
                       "                    RT:65001:100 ET:8\n"
                       "                    PMSI tunnel ingress-replication 10.0.0.1 vni 100\n"))
      << evpn.out;
  EXPECT_TRUE(contains(evpn.out, "\nDisplayed 1 prefixes (1 paths)\n")) << evpn.out;

  const CliRun filtered = evpnctl(s + "show bgp evpn routes --type 3 --vni 100 --json");
  ASSERT_EQ(filtered.status, 0) << filtered.out;
  const auto j = nlohmann::json::parse(filtered.out);
  ASSERT_EQ(j["routes"].size(), 1u) << filtered.out;
  EXPECT_EQ(j["routes"][0]["route_type"], 3);
  EXPECT_EQ(j["routes"][0]["originating_router"], "10.0.0.1");
  EXPECT_EQ(j["routes"][0]["paths"][0]["pmsi_tunnel"], "ingress-replication 10.0.0.1 vni 100");
  const std::string rd = j["routes"][0]["rd"];
  const CliRun by_rd = evpnctl(s + "show bgp evpn routes --rd " + rd);
  EXPECT_TRUE(contains(by_rd.out, "Route Distinguisher: " + rd + "\n")) << by_rd.out;
  EXPECT_EQ(evpnctl(s + "show bgp evpn routes --rd 10.9.9.9:1").out, "No prefixes displayed\n");
  EXPECT_EQ(evpnctl(s + "show bgp evpn routes --type 2").out, "No prefixes displayed\n");
  EXPECT_EQ(evpnctl(s + "show bgp evpn routes --vni 200").out, "No prefixes displayed\n");

  const CliRun v4 = evpnctl(s + "show bgp ipv4 routes");
  EXPECT_EQ(v4.status, 0) << v4.out;
  EXPECT_TRUE(contains(v4.out, "\n*> 10.0.0.1/32      0.0.0.0                           i\n"))
      << v4.out;
  EXPECT_TRUE(contains(v4.out, "\nDisplayed  1 routes and 1 total paths\n")) << v4.out;
  const CliRun v4json = evpnctl(s + "show bgp ipv4 routes --json");
  EXPECT_EQ(nlohmann::json::parse(v4json.out)["routes"][0]["prefix"], "10.0.0.1/32");
  EXPECT_EQ(evpnctl(s + "show bgp ipv6 routes").out, "No BGP prefixes displayed, 0 exist\n");
  EXPECT_EQ(nlohmann::json::parse(evpnctl(s + "show bgp summary --json").out)["asn"], 65001);

  const CliRun missing = evpnctl(s + "show bgp neighbor 10.9.9.9");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.out, "evpnctl: no neighbor 10.9.9.9\n");

  kill(pid, SIGTERM);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log_text();

  const CliRun gone = evpnctl(s + "show bgp summary");
  EXPECT_EQ(gone.status, 1);
  EXPECT_EQ(gone.out, "evpnctl: cannot connect to " + socket +
                          ": No such file or directory (is evpnd running?)\n");
}
#endif  // EVPND_PATH
#endif  // EVPNCTL_PATH

}  // namespace
}  // namespace evpnd::cli
