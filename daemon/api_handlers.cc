// The management API's resources (proto/api.proto), built from the speaker's and the RIB's
// state: /v1/bgp/summary, /v1/bgp/neighbors/{address}, /v1/bgp/evpn/routes and
// /v1/bgp/{ipv4,ipv6}/routes.
#include <boost/asio/ip/address.hpp>

#include "daemon/daemon.h"
#include "proto/api.pb.h"

namespace evpnd::daemon {
namespace {

const codec::Family kFamilies[] = {codec::Family::kL2vpnEvpn, codec::Family::kIpv4Unicast,
                                   codec::Family::kIpv6Unicast};

const char* origin_name(uint8_t o) { return o == 0 ? "IGP" : o == 1 ? "EGP" : "incomplete"; }

std::string peer_name(session::Speaker& speaker, rib::PeerId id) {
  if (id == rib::kLocalPeer) return "local";
  if (auto* p = speaker.find(id)) return p->config().address.to_string();
  return "peer " + std::to_string(id);
}

void fill_capabilities(const codec::OpenMessage& open, api::Capabilities* c) {
  for (const auto& cap : open.capabilities()) {
    if (const auto* mp = std::get_if<codec::MultiprotocolCapability>(&cap)) {
      if (auto f = codec::family_of(mp->afi, mp->safi)) {
        c->add_families(codec::to_string(*f));
      } else {
        c->add_families("afi " + std::to_string(mp->afi) + " safi " + std::to_string(mp->safi));
      }
    } else if (std::holds_alternative<codec::FourOctetAsCapability>(cap)) {
      c->set_four_octet_as(true);
    } else if (std::holds_alternative<codec::RouteRefreshCapability>(cap)) {
      c->set_route_refresh(true);
    } else if (std::holds_alternative<codec::EnhancedRouteRefreshCapability>(cap)) {
      c->set_enhanced_route_refresh(true);
    } else if (const auto* gr = std::get_if<codec::GracefulRestartCapability>(&cap)) {
      c->set_graceful_restart(true);
      c->set_graceful_restart_time(gr->restart_time);
      c->set_graceful_restart_restart_state(gr->flags &
                                            codec::GracefulRestartCapability::kRestartState);
      c->set_graceful_restart_notification(gr->flags &
                                           codec::GracefulRestartCapability::kNotification);
      for (const auto& f : gr->families) {
        auto fam = codec::family_of(f.afi, f.safi);
        const std::string name =
            fam ? codec::to_string(*fam)
                : "afi " + std::to_string(f.afi) + " safi " + std::to_string(f.safi);
        c->add_graceful_restart_families(name);
        if (f.flags & codec::GracefulRestartCapability::kForwardingState) {
          c->add_graceful_restart_forwarding_state(name);
        }
      }
    } else if (std::holds_alternative<codec::ExtendedMessageCapability>(cap)) {
      c->set_extended_message(true);
    } else if (const auto* ap = std::get_if<codec::AddPathCapability>(&cap)) {
      for (const auto& f : ap->families) {
        auto fam = codec::family_of(f.afi, f.safi);
        c->add_add_path(std::string(fam ? codec::to_string(*fam) : "other") +
                        (f.send_receive == 3   ? " send/receive"
                         : f.send_receive == 2 ? " send"
                                               : " receive"));
      }
    } else if (const auto* h = std::get_if<codec::HostnameCapability>(&cap)) {
      c->set_hostname(h->hostname);
    }
  }
}

void fill_summary(Daemon& d, session::Peer& p, api::NeighborSummary* s) {
  s->set_address(p.config().address.to_string());
  s->set_remote_as(p.remote_as());
  s->set_state(state_name(p.state()));
  s->set_uptime_seconds(p.state_seconds());
  s->set_messages_received(p.stats().messages_received);
  s->set_messages_sent(p.stats().messages_sent);
  s->set_description(p.config().description);
  s->set_dynamic(p.config().dynamic);
  if (p.received_open()) {
    if (auto h = p.received_open()->find_capability<codec::HostnameCapability>()) {
      s->set_hostname(h->hostname);
    }
  }
  for (auto f : kFamilies) {
    if (!p.config().families.has(f)) continue;
    auto* fc = s->add_families();
    fc->set_family(codec::to_string(f));
    if (p.established() && p.info().families.has(f)) {
      fc->set_received(d.rib().received_count(p.id(), f));
      fc->set_sent(d.rib().advertised_count(p.id(), f));
    }
  }
}

// Fields every path shows, whatever its family.
template <class Path>
void fill_common(const rib::PathView& v, session::Speaker& speaker, Path* out) {
  out->set_best(v.best);
  out->set_peer(peer_name(speaker, v.peer));
  out->set_stale(v.stale);
  if (!v.attributes) return;
  const auto& a = *v.attributes;
  out->set_next_hop(a.next_hop.to_string());
  if (const auto* p = a.get<codec::AsPath>(codec::kAsPath)) out->set_as_path(p->to_string());
  out->set_origin(origin_name(a.origin));
  out->set_local_pref(a.has_local_pref ? a.local_pref : 0);
  out->set_med(a.med);
}

void fill_evpn_path(const rib::PathView& v, session::Speaker& speaker, api::EvpnPath* out) {
  fill_common(v, speaker, out);
  if (const auto* r = std::get_if<codec::EvpnRoute>(&v.nlri)) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, codec::MacIpAdvertisementRoute>) {
            out->set_label1(x.label1);
            if (x.has_label2) out->set_label2(x.label2);
            out->set_esi(x.esi.to_string());
          } else if constexpr (std::is_same_v<T, codec::IpPrefixRoute>) {
            out->set_label1(x.label);
            out->set_esi(x.esi.to_string());
            out->set_gateway(x.gateway.to_string());
          } else if constexpr (std::is_same_v<T, codec::EthernetAutoDiscoveryRoute>) {
            out->set_label1(x.label);
            out->set_esi(x.esi.to_string());
          }
        },
        *r);
  }
  if (!v.attributes) return;
  const auto& a = *v.attributes;
  if (const auto* ec = a.get<codec::ExtendedCommunities>(codec::kExtendedCommunities)) {
    for (const auto& c : ec->values) {
      out->add_extended_communities(codec::to_string(c));
      if (const auto* rt = std::get_if<codec::RouteTarget>(&c)) {
        out->add_route_targets(rt->to_string());
      } else if (const auto* rm = std::get_if<codec::RouterMac>(&c)) {
        out->set_router_mac(rm->mac.to_string());
      }
    }
  }
  out->set_mac_mobility_sequence(a.mac_mobility_sequence);
  out->set_sticky(a.sticky_mac);
  if (const auto* t = a.get<codec::PmsiTunnel>(codec::kPmsiTunnel)) {
    out->set_pmsi_tunnel((t->tunnel_type == codec::PmsiTunnel::kIngressReplication
                              ? std::string("ingress-replication")
                              : "type " + std::to_string(t->tunnel_type)) +
                         " " + t->tunnel_endpoint().to_string() + " vni " +
                         std::to_string(t->label));
  }
}

// The VNI a route belongs to, for `--vni` filtering.
uint32_t route_vni(const codec::EvpnRoute& r, const rib::AttrSet* a) {
  if (const auto* t2 = std::get_if<codec::MacIpAdvertisementRoute>(&r)) return t2->label1;
  if (const auto* t5 = std::get_if<codec::IpPrefixRoute>(&r)) return t5->label;
  if (const auto* t1 = std::get_if<codec::EthernetAutoDiscoveryRoute>(&r)) return t1->label;
  if (a) {
    if (const auto* t = a->get<codec::PmsiTunnel>(codec::kPmsiTunnel)) return t->label;
  }
  return 0;
}

}  // namespace

void Daemon::register_api() {
  api_->route("/v1/bgp/summary", [this](const ApiRequest&) {
    auto m = std::make_unique<api::BgpSummary>();
    m->set_router_id(config_.router_id());
    m->set_asn(config_.asn());
    for (auto* p : speaker_->peers()) fill_summary(*this, *p, m->add_neighbors());
    return ApiResponse::ok(std::move(m));
  });

  api_->route("/v1/bgp/neighbors/", [this](const ApiRequest& req) {
    const std::string addr = req.path.substr(std::string("/v1/bgp/neighbors/").size());
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(addr, ec);
    if (ec) return ApiResponse::fail(400, "not an IP address: " + addr);
    auto* p = speaker_->find(a);
    if (!p) return ApiResponse::fail(404, "no neighbor " + addr);
    auto m = std::make_unique<api::NeighborDetail>();
    fill_summary(*this, *p, m->mutable_summary());
    if (auto l = p->local_endpoint()) {
      m->set_local_address(session::normalize(l->address()).to_string());
      m->set_local_port(l->port());
    }
    if (auto r = p->remote_endpoint()) m->set_remote_port(r->port());
    m->set_ibgp(p->info().ibgp);
    m->set_route_reflector_client(p->config().route_reflector_client);
    m->set_hold_time(p->session().hold_time);
    m->set_keepalive(p->session().keepalive_time);
    m->set_configured_hold_time(p->config().timers.hold_time);
    m->set_configured_keepalive(p->config().timers.keepalive_time);
    if (p->received_open()) {
      m->set_router_id(p->received_open()->bgp_identifier.to_string());
      fill_capabilities(*p->received_open(), m->mutable_received());
    }
    if (p->sent_open()) fill_capabilities(*p->sent_open(), m->mutable_advertised());
    if (p->established()) {
      auto* n = m->mutable_negotiated();
      for (auto f : kFamilies) {
        if (p->info().families.has(f)) n->add_families(codec::to_string(f));
      }
      n->set_four_octet_as(p->info().context.four_octet_as);
      n->set_extended_message(p->info().context.extended_message);
      n->set_graceful_restart(p->info().graceful_restart.negotiated);
      n->set_graceful_restart_time(p->info().graceful_restart.restart_time);
      n->set_route_refresh(m->received().route_refresh());
    }
    if (const auto& e = p->last_error()) {
      auto* le = m->mutable_last_error();
      le->set_direction(e->direction);
      le->set_code(e->code);
      le->set_subcode(e->subcode);
      if (e->code) {
        le->set_code_name(codec::error_code_name(e->code));
        le->set_subcode_name(codec::error_subcode_name(e->code, e->subcode));
      }
      le->set_message(e->message);
      le->set_seconds_ago(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                    std::chrono::steady_clock::now() - e->when)
                                                    .count()));
    }
    m->set_established_transitions(p->stats().established_transitions);
    m->set_connect_retry_counter(p->session().connect_retry_counter);
    m->set_next_restart_seconds(p->session().idle_hold_time);
    m->set_graceful_restart_stale(rib_->stale_count(p->id()) > 0);
    return ApiResponse::ok(std::move(m));
  });

  api_->route("/v1/bgp/evpn/routes", [this](const ApiRequest& req) {
    int type = 0;
    uint32_t vni = 0;
    std::optional<codec::RouteDistinguisher> rd;
    try {
      if (auto it = req.query.find("type"); it != req.query.end()) type = std::stoi(it->second);
      if (auto it = req.query.find("vni"); it != req.query.end()) {
        vni = static_cast<uint32_t>(std::stoul(it->second));
      }
    } catch (const std::exception&) {
      return ApiResponse::fail(400, "type and vni must be numbers");
    }
    if (auto it = req.query.find("rd"); it != req.query.end()) {
      rd = codec::RouteDistinguisher::parse(it->second);
      if (!rd) return ApiResponse::fail(400, "not a route distinguisher: " + it->second);
    }
    auto m = std::make_unique<api::EvpnRoutes>();
    rib_->for_each_best(codec::Family::kL2vpnEvpn, [&](const rib::PathView& best) {
      const auto& route = std::get<codec::EvpnRoute>(best.nlri);
      if (type && codec::route_type(route) != type) return;
      if (rd && codec::route_distinguisher(route) != rd) return;
      if (vni && route_vni(route, best.attributes) != vni) return;
      auto* r = m->add_routes();
      r->set_route_type(codec::route_type(route));
      if (auto d = codec::route_distinguisher(route)) r->set_rd(d->to_string());
      r->set_prefix(codec::to_string(route));
      r->set_vni(route_vni(route, best.attributes));
      std::visit(
          [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (requires { x.ethernet_tag; }) r->set_ethernet_tag(x.ethernet_tag);
            if constexpr (std::is_same_v<T, codec::MacIpAdvertisementRoute>) {
              r->set_mac(x.mac.to_string());
              if (!x.ip.is_none()) r->set_ip(x.ip.to_string());
            } else if constexpr (std::is_same_v<T, codec::IpPrefixRoute>) {
              r->set_ip_prefix(x.prefix.to_string());
            } else if constexpr (requires { x.originating_router; }) {
              r->set_originating_router(x.originating_router.to_string());
            }
          },
          route);
      for (const auto& p : rib_->paths(best.nlri)) fill_evpn_path(p, *speaker_, r->add_paths());
    });
    return ApiResponse::ok(std::move(m));
  });

  for (auto fam : {codec::Family::kIpv4Unicast, codec::Family::kIpv6Unicast}) {
    const std::string path =
        fam == codec::Family::kIpv4Unicast ? "/v1/bgp/ipv4/routes" : "/v1/bgp/ipv6/routes";
    api_->route(path, [this, fam](const ApiRequest&) {
      auto m = std::make_unique<api::UnicastRoutes>();
      m->set_family(codec::to_string(fam));
      rib_->for_each_best(fam, [&](const rib::PathView& best) {
        auto* r = m->add_routes();
        r->set_prefix(std::get<codec::IpPrefix>(best.nlri).to_string());
        for (const auto& p : rib_->paths(best.nlri)) {
          auto* up = r->add_paths();
          fill_common(p, *speaker_, up);
          if (p.attributes) {
            if (const auto* c = p.attributes->get<codec::Communities>(codec::kCommunities)) {
              for (uint32_t v : c->values) {
                up->add_communities(std::to_string(v >> 16) + ":" + std::to_string(v & 0xffff));
              }
            }
          }
        }
      });
      return ApiResponse::ok(std::move(m));
    });
  }
  register_kernel_api();
}

}  // namespace evpnd::daemon
