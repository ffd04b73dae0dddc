// One BGP neighbor: drives the RFC 4271 §8 FSM (bgpd/fsm) with real TCP connections, timers
// with §10 jitter, OPEN checks and capability negotiation (RFC 5492, RFC 4760 §8, RFC 6793,
// RFC 4724 §3 with our Restart State and Forwarding State bits, RFC 8654), connection collision
// resolution (§6.8), GTSM on accepted connections (RFC 5082 §3) and the counters and last error
// that `evpnctl show bgp neighbor` shows. Routes are not its business: it hands UPDATEs to a
// PeerListener and sends what it is given.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bgpd/codec/message.h"
#include "bgpd/fsm/collision.h"
#include "bgpd/fsm/state_machine.h"
#include "bgpd/rib/peer_info.h"
#include "bgpd/session/connection.h"

namespace evpnd::session {

/// How the peer's AS is given in the config: a number, or "internal"/"external".
enum class RemoteAsKind : uint8_t { kNumber, kInternal, kExternal };

/// Settings of one neighbor (from the config). Times in seconds.
struct PeerConfig {
  boost::asio::ip::address address;
  uint16_t port = 179;
  RemoteAsKind remote_as_kind = RemoteAsKind::kNumber;
  uint32_t remote_as = 0;  ///< For kNumber.
  uint32_t local_as = 0;
  codec::IpAddress router_id;
  std::string description;
  std::string hostname;  ///< Ours, sent in the hostname capability.
  fsm::Config timers;
  std::string password;   ///< TCP MD5 (RFC 2385); empty for none.
  int ebgp_multihop = 0;  ///< TTL for eBGP; 0 = 1 (directly connected).
  /// GTSM hops (RFC 5082); 0 = off. Connections whose SYN or later packets arrive with a TTL
  /// below 256 - hops are refused / dropped.
  int ttl_security = 0;
  std::optional<boost::asio::ip::address> local_address;
  bool passive = false;
  bool shutdown = false;
  bool route_reflector_client = false;
  rib::FamilySet families;
  bool graceful_restart = true;
  uint16_t restart_time = 120;  ///< Our Restart Time (RFC 4724 §3).
  /// Restart State (R) bit of our Graceful Restart capability: evpnd has restarted (RFC 4724
  /// §3). The peer then does not wait for our End-of-RIB before sending its own (§4.1 deferral
  /// is the caller's business, not the session's).
  bool restart_state = false;
  /// Forwarding State (F) bit of every family in our capability: the forwarding state (kernel
  /// entries) was kept across the restart (RFC 4724 §3).
  bool forwarding_state = false;
  bool dynamic = false;  ///< Created for a connection from a listen range.
};

/// Counters and history shown by the API.
struct PeerStats {
  uint64_t messages_received = 0;
  uint64_t messages_sent = 0;
  uint64_t updates_received = 0;
  uint64_t updates_sent = 0;
  uint32_t established_transitions = 0;
};

/// A NOTIFICATION sent or received, or a transport failure.
struct LastError {
  std::string direction;  ///< "sent", "received", "local"
  uint8_t code = 0;
  uint8_t subcode = 0;
  std::string message;
  std::chrono::steady_clock::time_point when;
};

class Peer;

/// What a peer reports to the speaker that owns the RIB. Called on the io_context thread.
class PeerListener {
 public:
  virtual ~PeerListener() = default;
  virtual void on_established(Peer& peer) = 0;
  virtual void on_update(Peer& peer, const codec::UpdateMessage& update) = 0;
  /// The session left Established; `graceful`: keep its routes as stale (RFC 4724 §4.2).
  virtual void on_down(Peer& peer, bool graceful) = 0;
  virtual void on_route_refresh(Peer& peer, codec::Family family) = 0;
};

class Peer : public ConnectionHandler {
 public:
  Peer(boost::asio::io_context& io, rib::PeerId id, PeerConfig config, PeerListener& listener);
  ~Peer() override;
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  /// ManualStart (or its passive variant); does nothing for a shut-down neighbor.
  void start();
  /// ManualStop with Cease/`subcode` (RFC 4486) and an optional RFC 8203 communication.
  void stop(uint8_t subcode = fsm::kAdministrativeShutdown, const std::string& message = "");
  /// A connection accepted from this peer's address (§8.2.1.2; collisions per §6.8).
  void accept(std::shared_ptr<Connection> connection);

  /// Sets the RFC 4724 §3 Restart State bit of the OPENs sent from now on (the current
  /// session, if any, keeps the OPEN it sent).
  void set_restart_state(bool restart_state) { config_.restart_state = restart_state; }

  /// Queues an UPDATE; only while Established.
  void send_update(const codec::UpdateMessage& update);
  /// Bytes queued on the connection and not yet written.
  uint64_t queued_bytes() const;

  rib::PeerId id() const { return id_; }
  const PeerConfig& config() const { return config_; }
  fsm::State state() const { return session_.state; }
  bool established() const { return session_.state == fsm::State::kEstablished; }
  /// Seconds in the current state.
  uint64_t state_seconds() const;
  const PeerStats& stats() const { return stats_; }
  const std::optional<LastError>& last_error() const { return last_error_; }
  const fsm::Session& session() const { return session_; }
  /// The OPENs of the current session (nullopt before they are exchanged).
  const std::optional<codec::OpenMessage>& received_open() const { return received_open_; }
  const std::optional<codec::OpenMessage>& sent_open() const { return sent_open_; }
  /// What the RIB needs about the established session.
  const rib::PeerInfo& info() const { return info_; }
  /// The remote AS: the configured number, or the one the peer announced.
  uint32_t remote_as() const;
  /// Endpoints of the current connection, if any.
  std::optional<boost::asio::ip::tcp::endpoint> local_endpoint() const;
  std::optional<boost::asio::ip::tcp::endpoint> remote_endpoint() const;

  // ConnectionHandler
  void on_message(std::span<const uint8_t> message) override;
  void on_header_error(const codec::DecodeError& error) override;
  void on_closed(const std::string& reason) override;

 private:
  void dispatch(fsm::Event event, const fsm::EventData& data = {});
  void perform(const fsm::Action& action);
  void start_timer(fsm::Timer timer, uint16_t seconds);
  void stop_timer(fsm::Timer timer);
  void initiate_connection();
  void adopt(std::shared_ptr<Connection> connection);
  void configure_socket(boost::asio::ip::tcp::socket& socket);
  codec::OpenMessage build_open() const;
  /// Checks the peer's OPEN (RFC 4271 §6.2) and negotiates; returns the NOTIFICATION to send
  /// if it is unacceptable.
  std::optional<codec::NotificationMessage> check_open(const codec::OpenMessage& open);
  void send(const codec::Message& m);
  void set_error(std::string direction, uint8_t code, uint8_t subcode, std::string message);
  void handle_collision_open(const codec::OpenMessage& open);
  /// RFC 4271 §6.8 from the losing side: the peer closed the connection we opened (Cease/7, or
  /// a close while its own connection to us waits) because it keeps its own. Continues on that
  /// connection as a passively opened one, at once, instead of going through Idle and its
  /// restart delay (which would refuse it).
  void continue_on_peer_connection();
  bool ibgp_with(uint32_t remote_as) const;

  boost::asio::io_context& io_;
  rib::PeerId id_;
  PeerConfig config_;
  PeerListener& listener_;
  fsm::Session session_;
  std::shared_ptr<Connection> connection_;
  bool connection_is_ours_ = false;  // We initiated it.
  std::shared_ptr<boost::asio::ip::tcp::socket> connecting_;
  // A second connection from the peer while ours is in OpenSent/OpenConfirm (§6.8).
  std::shared_ptr<Connection> collision_;
  class CollisionReader;
  std::unique_ptr<CollisionReader> collision_reader_;
  std::array<std::unique_ptr<boost::asio::steady_timer>, 5> timers_;
  std::array<uint64_t, 5> timer_generation_{};
  std::optional<codec::OpenMessage> received_open_;
  std::optional<codec::OpenMessage> sent_open_;
  std::optional<codec::UpdateMessage> pending_update_;
  codec::DecodeContext context_;
  rib::PeerInfo info_;
  PeerStats stats_;
  std::optional<LastError> last_error_;
  bool notification_exchanged_ = false;  // In the current teardown.
  bool dispatching_ = false;
  std::vector<std::pair<fsm::Event, fsm::EventData>> queued_events_;
  std::chrono::steady_clock::time_point state_since_;
  std::chrono::steady_clock::time_point established_since_;
  std::mt19937 random_;
  bool up_ = false;  // Announced to the listener as established.
};

}  // namespace evpnd::session
