// The evpnd daemon: wires the BGP sessions (bgpd/session) to the RIB (bgpd/rib), originates the
// configured networks and EVPN routes (evpn/), runs the graceful-restart timers of RFC 4724 §4.2
// as helper, and answers the management API from their state. Everything runs on one
// io_context thread (DESIGN.md, runtime model).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bgpd/rib/rib.h"
#include "bgpd/session/speaker.h"
#include "daemon/api_server.h"
#include "daemon/kernel_agent.h"
#include "proto/config.pb.h"

namespace evpnd::daemon {

class Daemon : public session::PeerListener {
 public:
  Daemon(boost::asio::io_context& io, config::Config config);
  ~Daemon() override;

  /// Opens the API socket, reads the kernel (VXLAN devices, local MACs, evpnd's entries kept from
  /// a previous run), opens the BGP listener, originates local routes and starts every session.
  /// Returns "" or the error that prevents starting.
  std::string start();
  /// Announce a restart (RFC 4724 §3 Restart State and Forwarding State bits) even if the kernel
  /// holds no entries of a previous run, like FRR's `bgpd -K`. Call before start().
  void set_graceful_restart(bool restarting) { force_restart_state_ = restarting; }
  /// Re-reads the config file (SIGHUP): the routes evpnd originates (networks, EVPN static
  /// routes) follow the new file at once; other changes are reported as needing a restart. A
  /// broken file changes nothing and is logged with its file:line: key: error.
  void reload(const std::string& path);
  /// Sends Cease/Administrative Shutdown with `message` to every peer, then calls `done` once
  /// the NOTIFICATIONs had a chance to leave (at most ~0.5 s).
  void shutdown(const std::string& message, std::function<void()> done);

  rib::Rib& rib() { return *rib_; }
  session::Speaker& speaker() { return *speaker_; }
  KernelAgent& kernel() { return *kernel_; }
  ApiServer& api() { return *api_; }

  // session::PeerListener
  void on_established(session::Peer& peer) override;
  void on_update(session::Peer& peer, const codec::UpdateMessage& update) override;
  void on_down(session::Peer& peer, bool graceful) override;
  void on_route_refresh(session::Peer& peer, codec::Family family) override;

 private:
  void add_peers();
  /// Originates what `config` asks for and withdraws what evpnd originated before but `config`
  /// no longer has. Returns (originated, withdrawn).
  std::pair<size_t, size_t> originate(const config::Config& config);
  void register_api();
  void register_kernel_api();
  void schedule_flush();
  void flush();
  void start_stale_timer(session::Peer& peer, uint32_t seconds);
  /// RFC 4724 §4.1: once every configured peer is up and has sent End-of-RIB for each family,
  /// the kernel's stale entries of the previous run are reconciled.
  void check_initial_convergence();

  boost::asio::io_context& io_;
  config::Config config_;
  std::unique_ptr<rib::Rib> rib_;
  std::unique_ptr<session::Speaker> speaker_;
  std::unique_ptr<ApiServer> api_;
  boost::asio::steady_timer flush_timer_;
  bool flush_scheduled_ = false;
  std::map<rib::PeerId, std::unique_ptr<boost::asio::steady_timer>> stale_timers_;
  std::vector<rib::Nlri> originated_;
  std::unique_ptr<KernelAgent> kernel_;
  bool force_restart_state_ = false;
  bool restarted_ = false;  ///< Restart State and Forwarding State bits sent to peers.
  std::map<rib::PeerId, rib::FamilySet> eor_received_;
};

/// Names of FSM states as operators know them: "Idle", ..., "Established".
const char* state_name(fsm::State s);

}  // namespace evpnd::daemon
