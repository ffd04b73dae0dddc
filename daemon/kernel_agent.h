// The kernel side of the daemon (DESIGN.md, data flow): follows the kernel through a
// fib::Dataplane (VXLAN devices, bridges, local MACs and neighbors), feeds what it learns to the
// EVPN layer (evpn::Evpn), and turns what the EVPN layer and the underlay routes want into
// fib::Fib entries that are written in batches:
//   remote MAC (RFC 7432 §9.2.2)   -> FDB entry on the VXLAN device with dst = VTEP (self) and
//                                     the bridge's entry (master), both extern_learn;
//   remote VTEP of a VNI (type 3)  -> an all-zeros FDB entry per VTEP (head-end replication,
//                                     RFC 8365 §9);
//   remote MAC+IP                  -> a neighbor on the VNI's SVI (extern_learn, NOARP);
//   IPv4/IPv6 unicast best paths   -> routes in the underlay table, ECMP across peers.
// Graceful restart (RFC 4724 §4.1): evpnd's entries found in the kernel at start stay as stale
// and keep forwarding until every peer has sent End-of-RIB (or the deferral timer ends); then the
// ones not confirmed are removed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "bgpd/rib/rib.h"
#include "evpn/evpn.h"
#include "fib/dataplane.h"
#include "fib/fib.h"

namespace evpnd::daemon {

/// Settings of the kernel side.
struct KernelAgentOptions {
  bool enabled = true;         ///< false: no netlink; EVPN state is kept but never installed.
  uint32_t route_table = 254;  ///< Table of underlay routes.
  std::chrono::seconds defer_time{120};  ///< RFC 4724 §4.1 deferral: longest wait for EoRs.
};

class KernelAgent : public fib::DataplaneListener, public evpn::KernelSink {
 public:
  /// `dataplane` may be null (kernel disabled or netlink unavailable).
  KernelAgent(boost::asio::io_context& io, rib::Rib& rib, std::unique_ptr<fib::Dataplane> dataplane,
              evpn::EvpnOptions evpn_options, KernelAgentOptions options);
  ~KernelAgent() override;

  /// Dumps the kernel, adopts evpnd's old entries as stale, activates the VNIs found and
  /// originates the local MACs and neighbors already known. Call before the BGP sessions start.
  /// Returns whether evpnd's own entries were found (a restart with forwarding state kept).
  bool start();
  /// Called when the EVPN layer changed the RIB on its own (a kernel event or a timer made it
  /// originate or withdraw): the owner sends the resulting UPDATEs.
  void set_rib_changed_callback(std::function<void()> callback) {
    rib_changed_ = std::move(callback);
  }
  /// Called once, when the restart's reconcile is done (End-of-RIB from every peer, or the
  /// deferral timer): the owner stops announcing a restart.
  void set_converged_callback(std::function<void()> callback) { converged_ = std::move(callback); }
  /// Call after every batch of RIB input: feeds the RIB's best-path changes to the EVPN layer and
  /// the underlay routes to the FIB, then writes the FIB's pending changes.
  void process_rib_changes();
  /// A peer finished its initial table (End-of-RIB for every family, or it went down); `all_done`
  /// when no configured peer is still expected. Sweeps the stale entries once all are done.
  void initial_convergence_done();

  evpn::Evpn& evpn() { return *evpn_; }
  const fib::Fib* fib() const { return fib_.get(); }
  bool kernel_enabled() const { return dataplane_ != nullptr; }
  /// Interface name of an ifindex as last seen, or the number.
  std::string link_name(int ifindex) const;
  /// Whether the stale sweep of the restart is still to come.
  bool stale_pending() const { return !stale_swept_; }

  // fib::DataplaneListener
  void on_event(const fib::Event& event) override;
  void on_events_lost() override;

  // evpn::KernelSink
  void set_remote_mac(uint32_t vni, const codec::MacAddress& mac,
                      const std::optional<evpn::RemoteMac>& where) override;
  void set_flood_vtep(uint32_t vni, const codec::IpAddress& vtep, bool present) override;
  void set_remote_neigh(uint32_t vni, const codec::IpAddress& ip,
                        const std::optional<codec::MacAddress>& mac) override;

 private:
  struct VniDevice {
    int vxlan = 0;   ///< ifindex of the VXLAN device.
    int bridge = 0;  ///< ifindex of its bridge (also the SVI of the VNI).
  };

  void resync();
  void adopt_links(const fib::Snapshot& snapshot);
  void link_changed(const fib::Link& link, bool removed);
  void update_vnis();
  void fdb_changed(const fib::FdbEntry& e, bool removed);
  void neigh_changed(const fib::NeighEntry& n, bool removed);
  std::optional<uint32_t> vni_of_bridge(int bridge) const;
  void underlay_route(const rib::Nlri& nlri, bool removed);
  void schedule_sync();
  void sync();
  void schedule_tick(std::optional<evpn::Clock::time_point> when);

  boost::asio::io_context& io_;
  rib::Rib& rib_;
  std::unique_ptr<fib::Dataplane> dataplane_;
  std::unique_ptr<fib::Fib> fib_;
  std::unique_ptr<evpn::Evpn> evpn_;
  KernelAgentOptions options_;

  std::unordered_map<int, fib::Link> links_;
  std::map<uint32_t, VniDevice> vnis_;  ///< Active VNIs and their devices.
  /// Local MACs reported to the EVPN layer: (vni, mac) -> port ifindex.
  std::map<std::pair<uint32_t, fib::Mac>, int> local_macs_;
  /// Local neighbors reported: (vni, ip) -> mac.
  std::map<std::pair<uint32_t, fib::IpAddr>, fib::Mac> local_neighs_;

  boost::asio::steady_timer sync_timer_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer defer_timer_;
  std::function<void()> rib_changed_;
  std::function<void()> converged_;
  bool sync_scheduled_ = false;
  bool stale_swept_ = false;
};

}  // namespace evpnd::daemon
