// The management API's kernel-side resources (proto/api.proto): /v1/evpn/vnis, /v1/evpn/macs,
// /v1/evpn/arps (the EVPN instances, RFC 7432) and /v1/fib (what evpnd installed in the kernel).
#include <cstring>

#include "daemon/daemon.h"
#include "proto/api.pb.h"

namespace evpnd::daemon {
namespace {

/// Parses the optional `vni` query parameter; false (with a 400 in `error`) when malformed.
bool vni_filter(const ApiRequest& req, std::optional<uint32_t>& vni, ApiResponse& error) {
  auto it = req.query.find("vni");
  if (it == req.query.end()) return true;
  const std::string& s = it->second;
  if (s.empty() || s.size() > 8 || s.find_first_not_of("0123456789") != std::string::npos) {
    error = ApiResponse::fail(400, "vni must be a number 1..16777215: " + s);
    return false;
  }
  vni = static_cast<uint32_t>(std::stoul(s));
  return true;
}

std::string fdb_flags(uint8_t flags) {
  std::string s;
  auto add = [&](const char* w) { s += s.empty() ? w : std::string(" ") + w; };
  if (flags & fib::kNtfSelf) add("self");
  if (flags & fib::kNtfMaster) add("master");
  if (flags & fib::kNtfExtLearned) add("extern_learn");
  if (flags & fib::kNtfSticky) add("sticky");
  return s;
}

}  // namespace

void Daemon::register_kernel_api() {
  api_->route("/v1/evpn/vnis", [this](const ApiRequest&) {
    auto m = std::make_unique<api::EvpnVnis>();
    for (const auto& v : kernel_->evpn().vnis()) {
      auto* o = m->add_vnis();
      o->set_vni(v.vni);
      o->set_vxlan_device(v.vxlan_device);
      o->set_bridge(v.bridge);
      o->set_rd(v.rd.to_string());
      if (v.import_auto) o->add_import_rts("auto (any ASN):" + std::to_string(v.vni));
      for (const auto& rt : v.import_rts) o->add_import_rts(rt.to_string());
      for (const auto& rt : v.export_rts) o->add_export_rts(rt.to_string());
      o->set_local_macs(static_cast<uint32_t>(v.local_macs));
      o->set_remote_macs(static_cast<uint32_t>(v.remote_macs));
      for (const auto& vtep : v.remote_vteps) o->add_remote_vteps(vtep.to_string());
    }
    return ApiResponse::ok(std::move(m));
  });

  api_->route("/v1/evpn/macs", [this](const ApiRequest& req) {
    std::optional<uint32_t> vni;
    ApiResponse error;
    if (!vni_filter(req, vni, error)) return error;
    auto m = std::make_unique<api::EvpnMacs>();
    for (const auto& v : kernel_->evpn().macs(vni)) {
      auto* o = m->add_macs();
      o->set_vni(v.vni);
      o->set_mac(v.mac.to_string());
      o->set_type(v.local ? "local" : "remote");
      if (v.local) {
        o->set_port(v.port);
      } else {
        o->set_vtep(v.vtep.to_string());
      }
      o->set_sequence(v.sequence);
      o->set_sticky(v.sticky);
      o->set_frozen(v.frozen);
      o->set_moves(v.moves);
      for (const auto& ip : v.ips) o->add_ips(ip.to_string());
    }
    return ApiResponse::ok(std::move(m));
  });

  api_->route("/v1/evpn/arps", [this](const ApiRequest& req) {
    std::optional<uint32_t> vni;
    ApiResponse error;
    if (!vni_filter(req, vni, error)) return error;
    auto m = std::make_unique<api::EvpnArps>();
    for (const auto& v : kernel_->evpn().arps(vni)) {
      auto* o = m->add_arps();
      o->set_vni(v.vni);
      o->set_ip(v.ip.to_string());
      o->set_mac(v.mac.to_string());
      o->set_type(v.local ? "local" : "remote");
      if (!v.local) o->set_vtep(v.vtep.to_string());
    }
    return ApiResponse::ok(std::move(m));
  });

  api_->route("/v1/fib", [this](const ApiRequest&) {
    auto m = std::make_unique<api::Fib>();
    const fib::Fib* f = kernel_->fib();
    if (!f) return ApiResponse::ok(std::move(m));
    f->for_each([&](const fib::FibEntryView& v) {
      auto* o = m->add_entries();
      o->set_state(fib::to_string(v.state));
      if (v.last_error) o->set_error(std::strerror(-v.last_error));
      o->set_attempts(v.attempts);
      if (const auto* e = std::get_if<fib::FdbEntry>(&v.entry)) {
        o->set_kind(e->mac.is_zero() && !e->dst.empty() ? "flood" : "fdb");
        o->set_device(kernel_->link_name(e->ifindex));
        o->set_mac(e->mac.to_string());
        o->set_dst(e->dst.to_string());
        o->set_flags(fdb_flags(e->flags));
      } else if (const auto* n = std::get_if<fib::NeighEntry>(&v.entry)) {
        o->set_kind("neigh");
        o->set_device(kernel_->link_name(n->ifindex));
        o->set_mac(n->mac.to_string());
        o->set_dst(n->ip.to_string());
        o->set_flags(fdb_flags(n->flags));
      } else if (const auto* r = std::get_if<fib::RouteEntry>(&v.entry)) {
        o->set_kind("route");
        o->set_table(r->table);
        o->set_dst(r->dst.to_string() + "/" + std::to_string(r->prefix_length));
        std::string via;
        for (const auto& nh : r->next_hops) {
          if (!via.empty()) via += ",";
          via += nh.gateway.to_string();
        }
        o->set_via(via);
        if (!r->next_hops.empty() && r->next_hops.front().ifindex) {
          o->set_device(kernel_->link_name(r->next_hops.front().ifindex));
        }
      }
    });
    const auto st = f->stats();
    auto* s = m->mutable_stats();
    s->set_desired(st.desired);
    s->set_installed(st.installed);
    s->set_pending(st.pending);
    s->set_failed(st.failed);
    s->set_stale(st.stale);
    s->set_writes(st.writes);
    s->set_write_errors(st.write_errors);
    s->set_resyncs(st.resyncs);
    s->set_restored(st.restored);
    return ApiResponse::ok(std::move(m));
  });
}

}  // namespace evpnd::daemon
