#include "daemon/daemon.h"

#include <unistd.h>

#include <algorithm>

#include "daemon/config.h"
#include "daemon/log.h"
#include "evpn/origination.h"
#include "netlink/netlink_dataplane.h"
#include "proto/api.pb.h"

namespace evpnd::daemon {
namespace asio = boost::asio;

namespace {

std::optional<codec::Family> to_family(config::Family f) {
  switch (f) {
    case config::FAMILY_L2VPN_EVPN:
      return codec::Family::kL2vpnEvpn;
    case config::FAMILY_IPV4_UNICAST:
      return codec::Family::kIpv4Unicast;
    case config::FAMILY_IPV6_UNICAST:
      return codec::Family::kIpv6Unicast;
    default:
      return std::nullopt;
  }
}

template <class Repeated>
rib::FamilySet families_of(const Repeated& fs) {
  rib::FamilySet out;
  for (int f : fs) {
    if (auto fam = to_family(static_cast<config::Family>(f))) out.add(*fam);
  }
  return out;
}

std::string hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

}  // namespace

const char* state_name(fsm::State s) {
  switch (s) {
    case fsm::State::kIdle:
      return "Idle";
    case fsm::State::kConnect:
      return "Connect";
    case fsm::State::kActive:
      return "Active";
    case fsm::State::kOpenSent:
      return "OpenSent";
    case fsm::State::kOpenConfirm:
      return "OpenConfirm";
    default:
      return "Established";
  }
}

Daemon::Daemon(asio::io_context& io, config::Config config)
    : io_(io), config_(std::move(config)), flush_timer_(io) {
  rib::RibConfig rc;
  rc.asn = config_.asn();
  rc.router_id = *codec::IpAddress::parse(config_.router_id());
  if (!config_.route_reflector().cluster_id().empty()) {
    if (auto c = codec::IpAddress::parse(config_.route_reflector().cluster_id()))
      rc.cluster_id = *c;
  }
  rib_ = std::make_unique<rib::Rib>(rc);
  speaker_ = std::make_unique<session::Speaker>(io_, *this);
  api_ = std::make_unique<ApiServer>(io_);
}

Daemon::~Daemon() = default;

void Daemon::add_peers() {
  const auto router_id = *codec::IpAddress::parse(config_.router_id());
  const std::string host = hostname();
  auto base = [&](session::PeerConfig& pc) {
    pc.local_as = config_.asn();
    pc.router_id = router_id;
    pc.hostname = host;
    pc.graceful_restart = config_.graceful_restart().enabled();
    pc.restart_time = static_cast<uint16_t>(config_.graceful_restart().restart_time());
    pc.restart_state = restarted_;
    pc.forwarding_state = restarted_;
  };
  auto remote_as = [](session::PeerConfig& pc, config::PeerType type, uint32_t asn) {
    pc.remote_as = asn;
    pc.remote_as_kind = type == config::PEER_TYPE_INTERNAL   ? session::RemoteAsKind::kInternal
                        : type == config::PEER_TYPE_EXTERNAL ? session::RemoteAsKind::kExternal
                                                             : session::RemoteAsKind::kNumber;
  };
  for (const auto& n : config_.neighbors()) {
    session::PeerConfig pc;
    base(pc);
    pc.address = asio::ip::make_address(n.address());
    pc.port = static_cast<uint16_t>(n.port());
    remote_as(pc, n.peer_type(), n.remote_as());
    pc.description = n.description();
    pc.timers.hold_time = static_cast<uint16_t>(n.hold_time());
    pc.timers.keepalive_time = static_cast<uint16_t>(n.keepalive());
    pc.timers.connect_retry_time = static_cast<uint16_t>(n.connect_retry());
    pc.password = n.password();
    pc.ebgp_multihop = static_cast<int>(n.ebgp_multihop());
    pc.ttl_security = static_cast<int>(n.ttl_security());
    if (!n.local_address().empty()) pc.local_address = asio::ip::make_address(n.local_address());
    pc.passive = n.passive();
    pc.shutdown = n.shutdown();
    pc.route_reflector_client = n.route_reflector_client();
    pc.families = families_of(n.families());
    speaker_->add_peer(std::move(pc));
  }
  for (const auto& r : config_.listen().ranges()) {
    session::ListenRange lr;
    const auto slash = r.prefix().find('/');
    lr.network = asio::ip::make_address(r.prefix().substr(0, slash));
    lr.prefix_length = static_cast<unsigned>(std::stoul(r.prefix().substr(slash + 1)));
    base(lr.template_config);
    remote_as(lr.template_config, r.peer_type(), r.remote_as());
    lr.template_config.timers.hold_time = static_cast<uint16_t>(r.hold_time());
    lr.template_config.timers.keepalive_time = static_cast<uint16_t>(r.keepalive());
    lr.template_config.timers.connect_retry_time = static_cast<uint16_t>(config_.connect_retry());
    lr.template_config.password = r.password();
    lr.template_config.passive = true;
    lr.template_config.families = families_of(r.families());
    speaker_->add_range(std::move(lr));
  }
}

std::pair<size_t, size_t> Daemon::originate(const config::Config& cfg) {
  const auto router_id = *codec::IpAddress::parse(cfg.router_id());
  const auto vtep = cfg.vtep_ip().empty() ? router_id : *codec::IpAddress::parse(cfg.vtep_ip());
  std::vector<evpn::LocalRoute> routes;
  for (const auto& n : cfg.networks()) {
    if (auto p = codec::IpPrefix::parse(n)) routes.push_back({rib::Nlri{*p}, {}, {}});
  }
  using Settings = std::pair<codec::RouteDistinguisher, std::vector<codec::RouteTarget>>;
  auto settings = [&](const std::string& rd_text, const config::RouteTargets& rts,
                      uint32_t vni) -> Settings {
    auto rd = evpn::resolve_rd(rd_text, router_id, vni);
    return {rd ? *rd : evpn::auto_rd(router_id, vni),
            evpn::resolve_route_targets({rts.exports().begin(), rts.exports().end()}, config_.asn(),
                                        vni)};
  };
  auto vni_settings = [&](uint32_t vni) -> Settings {
    for (const auto& v : cfg.evpn().vnis()) {
      if (v.vni() == vni) return settings(v.rd(), v.route_targets(), vni);
    }
    for (const auto& v : cfg.evpn().vrfs()) {
      if (v.l3vni() == vni) return settings(v.rd(), v.route_targets(), vni);
    }
    return settings("auto", config::RouteTargets{}, vni);
  };
  auto add = [&](evpn::LocalRoute r) { routes.push_back(std::move(r)); };
  for (const auto& s : cfg.evpn().static_routes()) {
    if (s.has_mac_ip()) {
      const auto& m = s.mac_ip();
      auto [rd, rts] = vni_settings(m.vni());
      auto ip = m.ip().empty() ? codec::IpAddress{} : *codec::IpAddress::parse(m.ip());
      add(evpn::mac_ip_route(rd, rts, m.vni(), *codec::MacAddress::parse(m.mac()), ip, m.sticky(),
                             0, vtep));
    } else if (s.has_inclusive_multicast()) {
      auto [rd, rts] = vni_settings(s.inclusive_multicast().vni());
      add(evpn::inclusive_multicast_route(rd, rts, s.inclusive_multicast().vni(), vtep));
    } else if (s.has_ip_prefix()) {
      const auto& p = s.ip_prefix();
      auto [rd, rts] = vni_settings(p.l3vni());
      std::optional<codec::MacAddress> rmac;
      for (const auto& v : cfg.evpn().vrfs()) {
        if (v.l3vni() == p.l3vni() && !v.router_mac().empty()) {
          rmac = codec::MacAddress::parse(v.router_mac());
        }
      }
      auto gw = p.gateway().empty() ? codec::IpAddress{} : *codec::IpAddress::parse(p.gateway());
      add(evpn::ip_prefix_route(rd, rts, p.l3vni(), *codec::IpPrefix::parse(p.prefix()), gw, rmac,
                                vtep));
    }
  }
  // Withdraw what is no longer configured (compared by NLRI key), then (re)originate the rest.
  auto key_of = [](const rib::Nlri& n) {
    rib::RouteKey k;
    rib::NlriExtras ex;
    rib::split_nlri(n, k, ex);
    return k;
  };
  size_t withdrawn = 0;
  for (const auto& old : originated_) {
    const auto k = key_of(old);
    const bool kept = std::any_of(routes.begin(), routes.end(),
                                  [&](const evpn::LocalRoute& r) { return key_of(r.nlri) == k; });
    if (!kept && rib_->withdraw_local(old)) ++withdrawn;
  }
  originated_.clear();
  for (const auto& r : routes) {
    if (rib_->originate(r.nlri, r.attributes, r.next_hop)) originated_.push_back(r.nlri);
  }
  schedule_flush();
  return {originated_.size(), withdrawn};
}

void Daemon::reload(const std::string& path) {
  auto cfg = load_config_file(path);
  if (!cfg.ok()) {
    logger("daemon")->error("reload failed, running config kept: {}", cfg.error().to_string());
    return;
  }
  // Only the originated routes are applied live; report other differences.
  config::Config a = config_;
  config::Config b = *cfg;
  for (auto* c : {&a, &b}) {
    c->clear_networks();
    c->mutable_evpn()->clear_static_routes();
  }
  if (a.SerializeAsString() != b.SerializeAsString()) {
    logger("daemon")->warn(
        "reload: only networks and evpn.static-routes are applied live; restart evpnd for the "
        "other changes");
  }
  *config_.mutable_networks() = cfg->networks();
  *config_.mutable_evpn()->mutable_static_routes() = cfg->evpn().static_routes();
  const auto [originated, withdrawn] = originate(config_);
  logger("daemon")->info("config reloaded path={} originated={} withdrawn={}", path, originated,
                         withdrawn);
}

std::string Daemon::start() {
  if (auto err = api_->listen_unix(config_.api().socket()); !err.empty()) return err;
  if (config_.api().has_listen() && !config_.api().listen().address().empty()) {
    const auto& l = config_.api().listen();
    const bool v6 = l.address().find(':') != std::string::npos;
    const std::string addr =
        (v6 ? "[" + l.address() + "]" : l.address()) + ":" + std::to_string(l.port());
    if (auto err = api_->listen_tcp(addr); !err.empty()) return err;
  }
  register_api();
  // The kernel first: local MACs are originated and old entries adopted before any peer sees
  // our End-of-RIB.
  std::unique_ptr<fib::Dataplane> dataplane;
  if (config_.kernel().enabled()) {
    std::string err;
    dataplane = nl::NetlinkDataplane::open(io_, &err);
    if (!dataplane) logger("kernel")->error("netlink unavailable, kernel not programmed: {}", err);
  }
  evpn::EvpnOptions eo;
  eo.asn = config_.asn();
  eo.router_id = *codec::IpAddress::parse(config_.router_id());
  eo.vtep = config_.vtep_ip().empty() ? eo.router_id : *codec::IpAddress::parse(config_.vtep_ip());
  eo.advertise_all_vni = config_.evpn().advertise_all_vni();
  for (const auto& v : config_.evpn().vnis()) {
    evpn::VniSettings vs;
    vs.vni = v.vni();
    vs.rd = v.rd();
    vs.imports.assign(v.route_targets().imports().begin(), v.route_targets().imports().end());
    vs.exports.assign(v.route_targets().exports().begin(), v.route_targets().exports().end());
    eo.vnis.push_back(std::move(vs));
  }
  const auto& dad = config_.evpn().dup_addr_detection();
  eo.dup_detection = dad.enabled();
  eo.dup_max_moves = dad.max_moves();
  eo.dup_window = std::chrono::seconds(dad.time());
  eo.dup_freeze = std::chrono::seconds(dad.freeze_time());
  KernelAgentOptions ko;
  ko.enabled = config_.kernel().enabled();
  ko.route_table = config_.kernel().route_table();
  ko.defer_time =
      std::chrono::seconds(std::clamp<uint32_t>(config_.graceful_restart().restart_time(), 1, 120));
  kernel_ = std::make_unique<KernelAgent>(io_, *rib_, std::move(dataplane), std::move(eo), ko);
  kernel_->set_rib_changed_callback([this] { schedule_flush(); });
  // RFC 4724 §3: the Restart State bit only in the OPENs of the restart itself.
  kernel_->set_converged_callback([this] {
    if (!restarted_) return;
    restarted_ = false;
    speaker_->set_restart_state(false);
    logger("daemon")->info("graceful restart complete: Restart State no longer announced");
  });
  const bool kept = kernel_->start();
  restarted_ = config_.graceful_restart().enabled() && (kept || force_restart_state_);
  if (restarted_) {
    logger("daemon")->info(
        "graceful restart: announcing Restart State and Forwarding State to peers");
  }
  add_peers();
  boost::system::error_code ec;
  const auto listen_addr = asio::ip::make_address(
      config_.listen().address().empty() ? "::" : config_.listen().address(), ec);
  if (ec) return "listen address " + config_.listen().address() + ": " + ec.message();
  if (auto err = speaker_->listen(listen_addr, static_cast<uint16_t>(config_.listen().port()));
      !err.empty()) {
    return err;
  }
  originate(config_);
  speaker_->start_all();
  logger("daemon")->info("evpnd started router-id={} asn={} neighbors={}", config_.router_id(),
                         config_.asn(), config_.neighbors_size());
  return "";
}

void Daemon::shutdown(const std::string& message, std::function<void()> done) {
  logger("daemon")->info("shutting down reason=\"{}\"", message);
  speaker_->close_listener();
  speaker_->stop_all(fsm::kAdministrativeShutdown, message);
  api_->stop();
  flush_timer_.cancel();
  for (auto& [id, t] : stale_timers_) t->cancel();
  auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(300));
  t->async_wait([t, done = std::move(done)](const boost::system::error_code&) { done(); });
}

void Daemon::on_established(session::Peer& peer) {
  eor_received_.erase(peer.id());
  rib_->peer_up(peer.id(), peer.info());
  if (auto it = stale_timers_.find(peer.id()); it != stale_timers_.end()) it->second->cancel();
  // Stale routes kept through the peer's restart wait for its End-of-RIB, at most stale-time.
  if (peer.info().graceful_restart.negotiated) {
    start_stale_timer(peer, config_.graceful_restart().stale_time());
  }
  schedule_flush();
}

void Daemon::on_update(session::Peer& peer, const codec::UpdateMessage& update) {
  const auto r = rib_->apply(peer.id(), update);
  if (r.end_of_rib) {
    logger("rib")->info("end-of-rib peer={} family={} stale-removed={}",
                        peer.config().address.to_string(), codec::to_string(*r.end_of_rib),
                        r.stale_swept);
    eor_received_[peer.id()].add(*r.end_of_rib);
    check_initial_convergence();
  }
  if (r.treat_as_withdraw) {
    logger("rib")->warn("update treated as withdraw peer={} withdrawn={}",
                        peer.config().address.to_string(), r.withdrawn);
  }
  schedule_flush();
}

void Daemon::on_down(session::Peer& peer, bool graceful) {
  eor_received_.erase(peer.id());
  rib_->peer_down(peer.id(), graceful);
  if (graceful) {
    // RFC 4724 §4.2: keep the routes for the peer's Restart Time, then drop what is still stale.
    start_stale_timer(peer, std::max<uint32_t>(peer.info().graceful_restart.restart_time, 1));
  }
  schedule_flush();
}

void Daemon::start_stale_timer(session::Peer& peer, uint32_t seconds) {
  auto& t = stale_timers_[peer.id()];
  if (!t) t = std::make_unique<asio::steady_timer>(io_);
  t->expires_after(std::chrono::seconds(seconds));
  const rib::PeerId id = peer.id();
  const std::string addr = peer.config().address.to_string();
  t->async_wait([this, id, addr](const boost::system::error_code& ec) {
    if (ec) return;
    size_t n = 0;
    for (auto f :
         {codec::Family::kL2vpnEvpn, codec::Family::kIpv4Unicast, codec::Family::kIpv6Unicast}) {
      n += rib_->sweep_stale(id, f);
    }
    if (n) logger("rib")->info("stale routes removed peer={} count={}", addr, n);
    schedule_flush();
  });
}

void Daemon::check_initial_convergence() {
  if (!kernel_ || !kernel_->stale_pending()) return;
  for (auto* peer : speaker_->peers()) {
    if (peer->config().dynamic || peer->config().shutdown) continue;
    if (!peer->established()) return;
    const auto it = eor_received_.find(peer->id());
    const rib::FamilySet& negotiated = peer->info().families;
    for (auto f :
         {codec::Family::kL2vpnEvpn, codec::Family::kIpv4Unicast, codec::Family::kIpv6Unicast}) {
      if (negotiated.has(f) && (it == eor_received_.end() || !it->second.has(f))) return;
    }
  }
  // Process what the End-of-RIBs confirmed before the sweep.
  kernel_->process_rib_changes();
  kernel_->initial_convergence_done();
}

void Daemon::on_route_refresh(session::Peer& peer, codec::Family family) {
  rib_->route_refresh(peer.id(), family);
  schedule_flush();
}

void Daemon::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  asio::post(io_, [this] {
    flush_scheduled_ = false;
    flush();
  });
}

void Daemon::flush() {
  constexpr uint64_t kHighWater = 8 * 1024 * 1024;
  constexpr size_t kBatch = 20000;
  // Best-path changes go to the EVPN layer and the FIB; what the EVPN layer originates in
  // response is in the Adj-RIBs-Out before they are read below.
  if (kernel_) kernel_->process_rib_changes();
  bool more = false;
  for (auto* peer : speaker_->peers()) {
    if (!peer->established()) continue;
    if (peer->queued_bytes() > kHighWater) {
      more = true;
      continue;
    }
    for (auto& u : rib_->take_updates(peer->id(), kBatch)) peer->send_update(u);
    if (rib_->has_pending_updates(peer->id())) more = true;
  }
  if (more) {
    flush_timer_.expires_after(std::chrono::milliseconds(2));
    flush_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) flush();
    });
  }
}

}  // namespace evpnd::daemon
