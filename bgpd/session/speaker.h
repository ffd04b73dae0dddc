// The BGP speaker's transport side: the configured and dynamic neighbors (Peer), the listening
// socket that accepts their connections (RFC 4271 §8.2.1.2, passive opening) with their TCP MD5
// keys (RFC 2385; one per neighbor, one per listen range), and the start/stop of every session.
// Connections from addresses that are neither a neighbor nor in a listen range are closed
// before any BGP message is sent.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bgpd/session/peer.h"

namespace evpnd::session {

/// A listen range (dynamic neighbors): connections from `network`/`prefix_length` are accepted
/// and get a passive peer built from `template_config` with the connecting address. A
/// `template_config.password` is installed on the listener for the whole range. At most
/// `limit` dynamic neighbors are created from the range (FRR's `bgp listen limit`, 100 by
/// default); connections from further addresses are refused.
struct ListenRange {
  boost::asio::ip::address network;
  unsigned prefix_length = 0;
  PeerConfig template_config;
  size_t limit = 100;
};

class Speaker {
 public:
  Speaker(boost::asio::io_context& io, PeerListener& listener);
  ~Speaker();

  /// Adds a configured neighbor (not started). Returns null if its address is already used or
  /// the peer table is full.
  Peer* add_peer(PeerConfig config);
  /// Adds a listen range; its TCP MD5 key, if any, goes on the listener (now or at listen()).
  void add_range(ListenRange range);
  /// Listens for BGP connections on `address` (any address: "::", dual stack) and `port`.
  /// Returns "" or an error text (e.g. port in use, permission).
  std::string listen(const boost::asio::ip::address& address, uint16_t port);
  void start_all();
  /// Stops every session with Cease/`subcode` (RFC 4486) and a communication (RFC 8203).
  void stop_all(uint8_t subcode, const std::string& message);
  /// Closes the listening socket.
  void close_listener();
  /// The port the listener is bound to (the one asked for, or the kernel's choice for port 0);
  /// 0 when not listening.
  uint16_t listen_port() const;
  /// RFC 4724 §3 Restart State bit of the OPENs every peer (and every future dynamic peer)
  /// sends from now on. The daemon sets it at start after a restart and clears it when its
  /// restart is over (§4.1: End-of-RIB from every peer, or its deferral timer), so that a
  /// session that flaps later does not claim a restart again.
  void set_restart_state(bool restart_state);

  Peer* find(const boost::asio::ip::address& address);
  Peer* find(rib::PeerId id);
  /// Every peer, in configuration order (dynamic ones last).
  std::vector<Peer*> peers();

 private:
  void accept_loop();
  void on_accept(boost::asio::ip::tcp::socket socket);
  void install_md5(const PeerConfig& config);
  void install_md5(const ListenRange& range);

  boost::asio::io_context& io_;
  PeerListener& listener_;
  std::vector<std::unique_ptr<Peer>> peers_;
  std::vector<ListenRange> ranges_;
  std::vector<size_t> range_peers_;  ///< Dynamic neighbors created from each range.
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  rib::PeerId next_id_ = 1;
};

/// An address with IPv4-mapped IPv6 addresses turned back into IPv4.
boost::asio::ip::address normalize(const boost::asio::ip::address& a);

}  // namespace evpnd::session
