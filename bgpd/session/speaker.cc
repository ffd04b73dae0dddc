#include "bgpd/session/speaker.h"

#include <boost/asio/ip/v6_only.hpp>

#include "bgpd/session/session_log.h"
#include "bgpd/session/socket_options.h"

namespace evpnd::session {
namespace asio = boost::asio;

asio::ip::address normalize(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

namespace {

/// The address's octets in network order: 4 for IPv4, 16 for IPv6.
std::vector<uint8_t> octets(const asio::ip::address& a) {
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    return {b.begin(), b.end()};
  }
  const auto b = a.to_v6().to_bytes();
  return {b.begin(), b.end()};
}

bool in_range(const asio::ip::address& a, const ListenRange& r) {
  if (a.is_v4() != r.network.is_v4()) return false;
  const auto ab = octets(a);
  const auto nb = octets(r.network);
  unsigned bits = r.prefix_length;
  for (size_t i = 0; i < ab.size() && bits > 0; ++i) {
    const unsigned n = bits >= 8 ? 8 : bits;
    const uint8_t mask = static_cast<uint8_t>(0xff00u >> n);
    if ((ab[i] & mask) != (nb[i] & mask)) return false;
    bits -= n;
  }
  return true;
}

}  // namespace

Speaker::Speaker(asio::io_context& io, PeerListener& listener) : io_(io), listener_(listener) {}

Speaker::~Speaker() { close_listener(); }

Peer* Speaker::add_peer(PeerConfig config) {
  config.address = normalize(config.address);
  if (find(config.address) || next_id_ > rib::kMaxPeerId) return nullptr;
  install_md5(config);
  peers_.push_back(std::make_unique<Peer>(io_, next_id_++, std::move(config), listener_));
  return peers_.back().get();
}

void Speaker::add_range(ListenRange range) {
  install_md5(range);
  ranges_.push_back(std::move(range));
  range_peers_.push_back(0);
}

void Speaker::install_md5(const ListenRange& range) {
  if (!acceptor_ || range.template_config.password.empty()) return;
  auto network = range.network;
  if (acceptor_->local_endpoint().protocol() == asio::ip::tcp::v6() && network.is_v4()) {
    network = asio::ip::make_address_v6(asio::ip::v4_mapped, network.to_v4());
  }
  if (auto err = set_tcp_md5_prefix(acceptor_->native_handle(), network, range.prefix_length,
                                    range.template_config.password);
      !err.empty()) {
    log().error("listener range={}/{} {}", range.network.to_string(), range.prefix_length, err);
  }
}

void Speaker::install_md5(const PeerConfig& config) {
  if (!acceptor_ || config.password.empty()) return;
  auto addr = config.address;
  if (acceptor_->local_endpoint().protocol() == asio::ip::tcp::v6() && addr.is_v4()) {
    addr = asio::ip::make_address_v6(asio::ip::v4_mapped, addr.to_v4());
  }
  if (auto err = set_tcp_md5(acceptor_->native_handle(), addr, config.password); !err.empty()) {
    log().error("listener peer={} {}", config.address.to_string(), err);
  }
}

std::string Speaker::listen(const asio::ip::address& address, uint16_t port) {
  boost::system::error_code ec;
  auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
  const asio::ip::tcp::endpoint ep(address, port);
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && address.is_v6()) acceptor->set_option(asio::ip::v6_only(false), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return "listen on " + address.to_string() + " port " + std::to_string(port) + ": " +
           ec.message();
  // GTSM (RFC 5082): the listener answers SYNs (its SYN-ACK) with TTL 255, or a peer with
  // ttl-security could not complete a connection to us; the accepted socket gets the peer's own
  // TTL. The TTL of a connection's SYN is checked once the connection is matched to a peer,
  // since a listener shared by all peers cannot carry their minimum TTLs.
  const int fd = acceptor->native_handle();
  for (const auto& err :
       {set_ttl(fd, false, 255), address.is_v6() ? set_ttl(fd, true, 255) : "", set_save_syn(fd)}) {
    if (!err.empty()) log().warn("listener: {}; ttl-security peers may fail to connect", err);
  }
  acceptor_ = std::move(acceptor);
  // The kernel uses the longest match: a neighbor's own key wins over its range's.
  for (const auto& r : ranges_) install_md5(r);
  for (const auto& p : peers_) install_md5(p->config());
  accept_loop();
  return "";
}

void Speaker::accept_loop() {
  acceptor_->async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_) return;
    if (!ec) on_accept(std::move(s));
    accept_loop();
  });
}

void Speaker::on_accept(asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;
  const auto addr = normalize(remote.address());
  Peer* peer = find(addr);
  if (!peer) {
    for (size_t i = 0; i < ranges_.size(); ++i) {
      const ListenRange& r = ranges_[i];
      if (!in_range(addr, r)) continue;
      if (range_peers_[i] >= r.limit) {
        log().warn("connection refused from {}: listen range {}/{} has its {} dynamic neighbors",
                   addr.to_string(), r.network.to_string(), r.prefix_length, r.limit);
        socket.close(ec);
        return;
      }
      PeerConfig c = r.template_config;
      c.address = addr;
      c.dynamic = true;
      peer = add_peer(std::move(c));
      if (peer) {
        ++range_peers_[i];
        log().info("dynamic neighbor accepted peer={}", addr.to_string());
        peer->start();
      }
      break;
    }
  }
  if (!peer) {
    log().warn("connection refused from unconfigured address {}", addr.to_string());
    socket.close(ec);
    return;
  }
  peer->accept(std::make_shared<Connection>(std::move(socket)));
}

void Speaker::start_all() {
  for (auto& p : peers_) p->start();
}

void Speaker::stop_all(uint8_t subcode, const std::string& message) {
  for (auto& p : peers_) p->stop(subcode, message);
}

void Speaker::close_listener() {
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->close(ec);
    acceptor_.reset();
  }
}

uint16_t Speaker::listen_port() const {
  if (!acceptor_) return 0;
  boost::system::error_code ec;
  const auto ep = acceptor_->local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Speaker::set_restart_state(bool restart_state) {
  for (auto& p : peers_) p->set_restart_state(restart_state);
  for (auto& r : ranges_) r.template_config.restart_state = restart_state;
}

Peer* Speaker::find(const asio::ip::address& address) {
  const auto a = normalize(address);
  for (auto& p : peers_) {
    if (p->config().address == a) return p.get();
  }
  return nullptr;
}

Peer* Speaker::find(rib::PeerId id) {
  for (auto& p : peers_) {
    if (p->id() == id) return p.get();
  }
  return nullptr;
}

std::vector<Peer*> Speaker::peers() {
  std::vector<Peer*> out;
  for (auto& p : peers_) out.push_back(p.get());
  return out;
}

}  // namespace evpnd::session
