#include "bgpd/session/connection.h"

#include <boost/asio/write.hpp>

#include "bgpd/codec/message.h"

namespace evpnd::session {
namespace asio = boost::asio;

namespace {
constexpr size_t kReadChunk = 64 * 1024;
}

Connection::Connection(asio::ip::tcp::socket socket)
    : socket_(std::move(socket)), grace_(socket_.get_executor()) {
  boost::system::error_code ec;
  local_ = socket_.local_endpoint(ec);
  remote_ = socket_.remote_endpoint(ec);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

Connection::~Connection() {
  boost::system::error_code ec;
  socket_.close(ec);
}

void Connection::start(ConnectionHandler* handler) {
  handler_ = handler;
  // A connection handed over while it is being read (a collision's OPEN adopts it from inside
  // on_message) keeps its one outstanding read: a second one would interleave the byte stream.
  if (started_) return;
  started_ = true;
  rbuf_.resize(kReadChunk);
  read();
}

void Connection::read() {
  if (closed_) return;
  if (rbuf_.size() - rlen_ < kReadChunk / 2) rbuf_.resize(rbuf_.size() + kReadChunk);
  socket_.async_read_some(asio::buffer(rbuf_.data() + rlen_, rbuf_.size() - rlen_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->on_read(ec, n); });
}

void Connection::on_read(const boost::system::error_code& ec, size_t n) {
  if (closed_) return;
  if (ec) {
    fail(ec == asio::error::eof ? "connection closed by peer" : ec.message());
    return;
  }
  rlen_ += n;
  if (!handler_) {  // Detached while closing: nobody wants what still arrives.
    rlen_ = 0;
    read();
    return;
  }
  size_t pos = 0;
  codec::DecodeContext ctx;
  ctx.extended_message = max_message_size_ > 4096;
  while (!closed_ && handler_) {
    auto len = codec::frame_length(std::span(rbuf_.data() + pos, rlen_ - pos), ctx);
    if (!len.ok()) {
      auto* h = handler_;
      h->on_header_error(len.error());
      return;
    }
    if (*len == 0 || *len > rlen_ - pos) break;
    handler_->on_message(std::span(rbuf_.data() + pos, *len));
    pos += *len;
  }
  if (pos > 0) {
    std::copy(rbuf_.begin() + static_cast<std::ptrdiff_t>(pos),
              rbuf_.begin() + static_cast<std::ptrdiff_t>(rlen_), rbuf_.begin());
    rlen_ -= pos;
  }
  if (rbuf_.size() > 4 * kReadChunk && rlen_ < kReadChunk) rbuf_.resize(kReadChunk);
  read();
}

void Connection::send(std::vector<uint8_t> message) {
  if (closed_ || closing_) return;
  queued_bytes_ += message.size();
  queue_.push_back(std::move(message));
  if (!writing_) write();
}

void Connection::write() {
  if (queue_.empty()) {
    writing_ = false;
    if (closing_) close();
    return;
  }
  writing_ = true;
  in_flight_.clear();
  std::vector<asio::const_buffer> bufs;
  size_t total = 0;
  while (!queue_.empty() && total < 1024 * 1024) {
    total += queue_.front().size();
    in_flight_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  bufs.reserve(in_flight_.size());
  for (const auto& b : in_flight_) bufs.emplace_back(asio::buffer(b));
  asio::async_write(
      socket_, bufs,
      [self = shared_from_this(), total](const boost::system::error_code& ec, size_t) {
        self->queued_bytes_ -= total;
        if (ec) {
          self->fail(ec.message());
          return;
        }
        self->write();
      });
}

void Connection::close_after_flush() {
  closing_ = true;
  if (!writing_) {
    close();
    return;
  }
  grace_.expires_after(kCloseGrace);
  grace_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->close();
  });
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  grace_.cancel();
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::fail(const std::string& reason) {
  if (closed_) return;
  close();
  if (auto* h = handler_) {
    handler_ = nullptr;
    h->on_closed(reason);
  }
}

}  // namespace evpnd::session
