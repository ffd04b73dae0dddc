// One BGP transport connection (RFC 4271 §8: the TCP connection an FSM drives): reads the byte
// stream, frames it into whole messages (RFC 4271 §4.1 header checks via the codec), and writes
// queued messages in batches, many per write. Protocol meaning stays with the Peer that owns it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bgpd/codec/decode_error.h"

namespace evpnd::session {

/// Receives what a Connection reads. Called on the io_context thread.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  /// One whole message, header included; valid only during the call.
  virtual void on_message(std::span<const uint8_t> message) = 0;
  /// The stream broke the header rules (RFC 4271 §6.1): the handler sends the NOTIFICATION.
  virtual void on_header_error(const codec::DecodeError& error) = 0;
  /// The connection closed or failed; `reason` says why ("connection closed by peer", ...).
  virtual void on_closed(const std::string& reason) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(boost::asio::ip::tcp::socket socket);
  ~Connection();

  /// Starts reading; `handler` must outlive the connection or call detach() first. On a
  /// connection already started (e.g. from inside its own handler's on_message), only hands it
  /// to `handler`: the messages already read and not yet delivered go to it.
  void start(ConnectionHandler* handler);
  /// Stops calling the handler (it is going away).
  void detach() { handler_ = nullptr; }
  /// Hands the connection to another handler; messages already read go to it.
  void set_handler(ConnectionHandler* handler) { handler_ = handler; }
  bool closed() const { return closed_; }
  /// Queues one encoded message; writes are coalesced.
  void send(std::vector<uint8_t> message);
  /// Closes once the queued messages are written (for a final NOTIFICATION), at the latest
  /// after kCloseGrace (a peer that stops reading cannot keep the socket). What arrives
  /// meanwhile on a detached connection is read and dropped.
  void close_after_flush();
  static constexpr std::chrono::seconds kCloseGrace{5};
  /// Closes now, dropping what is queued.
  void close();
  /// Largest message accepted, in octets (4096, or 65535 with extended messages).
  void set_max_message_size(size_t n) { max_message_size_ = n; }

  const boost::asio::ip::tcp::endpoint& local() const { return local_; }
  const boost::asio::ip::tcp::endpoint& remote() const { return remote_; }
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  uint64_t bytes_queued() const { return queued_bytes_; }

 private:
  void read();
  void on_read(const boost::system::error_code& ec, size_t n);
  void write();
  void fail(const std::string& reason);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer grace_;
  boost::asio::ip::tcp::endpoint local_;
  boost::asio::ip::tcp::endpoint remote_;
  ConnectionHandler* handler_ = nullptr;
  std::vector<uint8_t> rbuf_;
  size_t rlen_ = 0;
  size_t max_message_size_ = 4096;
  std::deque<std::vector<uint8_t>> queue_;
  std::vector<std::vector<uint8_t>> in_flight_;
  uint64_t queued_bytes_ = 0;
  bool started_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace evpnd::session
