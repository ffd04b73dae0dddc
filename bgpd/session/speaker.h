// The BGP speaker's transport side: the configured and dynamic neighbors (Peer), the listening
// socket that accepts their connections (RFC 4271 §8.2.1.2, passive opening) with their TCP MD5
// keys, and the start/stop of every session.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bgpd/session/peer.h"

namespace evpnd::session {

/// A listen range (dynamic neighbors): connections from `prefix` are accepted and get a peer
/// built from `template_config` with the connecting address.
struct ListenRange {
  boost::asio::ip::address network;
  unsigned prefix_length = 0;
  PeerConfig template_config;
};

class Speaker {
 public:
  Speaker(boost::asio::io_context& io, PeerListener& listener);
  ~Speaker();

  /// Adds a configured neighbor (not started). Returns null if its address is already used or
  /// the peer table is full.
  Peer* add_peer(PeerConfig config);
  void add_range(ListenRange range);
  /// Listens for BGP connections on `address` (any address: "::", dual stack) and `port`.
  /// Returns "" or an error text (e.g. port in use, permission).
  std::string listen(const boost::asio::ip::address& address, uint16_t port);
  void start_all();
  /// Stops every session with Cease/`subcode` (RFC 4486) and a communication (RFC 8203).
  void stop_all(uint8_t subcode, const std::string& message);
  /// Closes the listening socket.
  void close_listener();

  Peer* find(const boost::asio::ip::address& address);
  Peer* find(rib::PeerId id);
  /// Every peer, in configuration order (dynamic ones last).
  std::vector<Peer*> peers();

 private:
  void accept_loop();
  void on_accept(boost::asio::ip::tcp::socket socket);
  void install_md5(const PeerConfig& config);

  boost::asio::io_context& io_;
  PeerListener& listener_;
  std::vector<std::unique_ptr<Peer>> peers_;
  std::vector<ListenRange> ranges_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  rib::PeerId next_id_ = 1;
};

/// An address with IPv4-mapped IPv6 addresses turned back into IPv4.
boost::asio::ip::address normalize(const boost::asio::ip::address& a);

}  // namespace evpnd::session
