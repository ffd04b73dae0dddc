// The session layer on real loopback TCP sockets: the Graceful Restart capability of the OPEN a
// Peer sends (RFC 4724 §3: Restart State bit, Forwarding State bit per family, as configured,
// 0 by default), GTSM on accepted connections (RFC 5082 §3: a SYN that arrived with a TTL below
// 256 - hops is refused before any OPEN), and TCP MD5 keys of listen ranges (RFC 2385 on the
// listener for a whole prefix).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bgpd/codec/message.h"
#include "bgpd/session/connection.h"
#include "bgpd/session/peer.h"
#include "bgpd/session/socket_options.h"
#include "bgpd/session/speaker.h"

namespace evpnd::session {
namespace {

namespace asio = boost::asio;
using GrCap = codec::GracefulRestartCapability;

class NullListener : public PeerListener {
 public:
  void on_established(Peer&) override {}
  void on_update(Peer&, const codec::UpdateMessage&) override {}
  void on_down(Peer&, bool) override {}
  void on_route_refresh(Peer&, codec::Family) override {}
};

PeerConfig base_config() {
  PeerConfig c;
  c.address = asio::ip::make_address("127.0.0.1");
  c.remote_as = 65002;
  c.local_as = 65001;
  c.router_id = codec::IpAddress::v4(0x0a000001);
  c.families = {codec::Family::kL2vpnEvpn, codec::Family::kIpv4Unicast,
                codec::Family::kIpv6Unicast};
  c.restart_time = 120;
  return c;
}

// The bytes of the first message a Peer with `config` sends after connecting to a local
// listener (its OPEN), header included; empty if none came within 5 s.
std::vector<uint8_t> first_message(PeerConfig config,
                                   const std::function<void(Peer&)>& before_start = {}) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  config.port = acceptor.local_endpoint().port();
  NullListener listener;
  Peer peer(io, 1, config, listener);
  std::vector<uint8_t> bytes(19);
  asio::ip::tcp::socket socket(io);
  bool done = false;
  acceptor.async_accept(socket, [&](const boost::system::error_code& ec) {
    if (ec) return;
    asio::async_read(
        socket, asio::buffer(bytes), [&](const boost::system::error_code& hec, size_t) {
          if (hec) return;
          const size_t len = static_cast<size_t>(bytes[16]) << 8 | bytes[17];
          if (len < 19) return;
          bytes.resize(len);
          asio::async_read(socket, asio::buffer(bytes.data() + 19, len - 19),
                           [&](const boost::system::error_code& bec, size_t) { done = !bec; });
        });
  });
  if (before_start) before_start(peer);
  peer.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(50));
  }
  if (!done) return {};
  return bytes;
}

// The Graceful Restart capability's value as sent: the octets after its code and length, found
// by walking the OPEN's optional parameters (RFC 5492 §4) without the codec.
std::optional<std::vector<uint8_t>> raw_gr_value(const std::vector<uint8_t>& open) {
  if (open.size() < 29 || open[18] != 1) return std::nullopt;
  const size_t end = 29 + open[28];
  for (size_t p = 29; p + 2 <= end && end <= open.size();) {
    const uint8_t type = open[p];
    const size_t plen = open[p + 1];
    if (type == 2) {  // Capabilities
      for (size_t c = p + 2; c + 2 <= p + 2 + plen;) {
        const uint8_t code = open[c];
        const size_t clen = open[c + 1];
        if (code == codec::kCapGracefulRestart) {
          return std::vector<uint8_t>(open.begin() + static_cast<std::ptrdiff_t>(c + 2),
                                      open.begin() + static_cast<std::ptrdiff_t>(c + 2 + clen));
        }
        c += 2 + clen;
      }
    }
    p += 2 + plen;
  }
  return std::nullopt;
}

GrCap decoded_gr(const std::vector<uint8_t>& bytes) {
  auto m = codec::decode_message(bytes, {});
  EXPECT_TRUE(m.ok());
  if (!m.ok() || !std::holds_alternative<codec::OpenMessage>(*m)) return {};
  auto gr = std::get<codec::OpenMessage>(*m).find_capability<GrCap>();
  EXPECT_TRUE(gr.has_value());
  return gr.value_or(GrCap{});
}

// (AFI, SAFI) of the three families in the order Peer lists them.
const std::vector<std::pair<uint16_t, uint8_t>> kAllFamilies = {{25, 70}, {1, 1}, {2, 1}};

TEST(SessionOpen, GracefulRestartBitsAreZeroByDefault) {
  const auto bytes = first_message(base_config());
  ASSERT_FALSE(bytes.empty()) << "no OPEN received";
  const GrCap gr = decoded_gr(bytes);
  EXPECT_EQ(gr.flags, 0);
  EXPECT_EQ(gr.restart_time, 120);
  ASSERT_EQ(gr.families.size(), kAllFamilies.size());
  for (size_t i = 0; i < gr.families.size(); ++i) {
    EXPECT_EQ(gr.families[i].afi, kAllFamilies[i].first);
    EXPECT_EQ(gr.families[i].safi, kAllFamilies[i].second);
    EXPECT_EQ(gr.families[i].flags, 0) << "family " << i;
  }
  // On the wire: R bit clear, Restart Time 120 = 0x078, every family's flags octet 0.
  const auto raw = raw_gr_value(bytes);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, (std::vector<uint8_t>{0x00, 0x78, 0, 25, 70, 0, 0, 1, 1, 0, 0, 2, 1, 0}));
}

TEST(SessionOpen, RestartStateAndForwardingStateAsConfigured) {
  PeerConfig c = base_config();
  c.restart_state = true;
  c.forwarding_state = true;
  const auto bytes = first_message(c);
  ASSERT_FALSE(bytes.empty()) << "no OPEN received";
  const GrCap gr = decoded_gr(bytes);
  EXPECT_EQ(gr.flags, GrCap::kRestartState);
  EXPECT_EQ(gr.restart_time, 120);
  ASSERT_EQ(gr.families.size(), kAllFamilies.size());
  for (size_t i = 0; i < gr.families.size(); ++i) {
    EXPECT_EQ(gr.families[i].flags, GrCap::kForwardingState) << "family " << i;
  }
  // RFC 4724 §3: R is the most significant bit of the Restart Flags / Restart Time octets,
  // F the most significant bit of each family's flags octet.
  const auto raw = raw_gr_value(bytes);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw,
            (std::vector<uint8_t>{0x80, 0x78, 0, 25, 70, 0x80, 0, 1, 1, 0x80, 0, 2, 1, 0x80}));
}

TEST(SessionOpen, RestartStateWithoutForwardingState) {
  PeerConfig c = base_config();
  c.restart_state = true;
  const auto bytes = first_message(c);
  ASSERT_FALSE(bytes.empty()) << "no OPEN received";
  const auto raw = raw_gr_value(bytes);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, (std::vector<uint8_t>{0x80, 0x78, 0, 25, 70, 0, 0, 1, 1, 0, 0, 2, 1, 0}));
}

TEST(SessionOpen, ForwardingStateOnlyForConfiguredFamilies) {
  PeerConfig c = base_config();
  c.families = {codec::Family::kL2vpnEvpn};
  c.forwarding_state = true;
  c.restart_time = 300;  // 0x12c
  const auto bytes = first_message(c);
  ASSERT_FALSE(bytes.empty()) << "no OPEN received";
  const GrCap gr = decoded_gr(bytes);
  EXPECT_EQ(gr.flags, 0);
  ASSERT_EQ(gr.families.size(), 1u);
  EXPECT_EQ(gr.families[0].afi, 25);
  EXPECT_EQ(gr.families[0].safi, 70);
  EXPECT_EQ(gr.families[0].flags, GrCap::kForwardingState);
  const auto raw = raw_gr_value(bytes);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, (std::vector<uint8_t>{0x01, 0x2c, 0, 25, 70, 0x80}));
}

TEST(SessionOpen, NoCapabilityWhenGracefulRestartIsOff) {
  PeerConfig c = base_config();
  c.graceful_restart = false;
  c.restart_state = true;
  c.forwarding_state = true;
  const auto bytes = first_message(c);
  ASSERT_FALSE(bytes.empty()) << "no OPEN received";
  EXPECT_FALSE(raw_gr_value(bytes).has_value());
}

TEST(SessionOpen, SetRestartStateChangesLaterOpens) {
  PeerConfig c = base_config();
  c.restart_state = true;
  const auto raw =
      raw_gr_value(first_message(c, [](Peer& peer) { peer.set_restart_state(false); }));
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ((*raw)[0] & 0x80, 0) << "R bit still set";
}

// ---- a Speaker listening on loopback, and raw client sockets ----

struct Client {
  int fd = -1;
  int min_ttl = 0;               ///< IP_MINTTL of the client socket (0: none).
  const char* source = nullptr;  ///< Local address to bind (a 127/8 address), or the default.
  ~Client() {
    if (fd >= 0) ::close(fd);
  }
};

// A client socket to 127.0.0.1:`port` with outgoing TTL `ttl`, c.min_ttl and, if `key` is set,
// a TCP MD5 key for 127.0.0.1. Connects without blocking; returns whether the handshake completed
// while `io` ran for up to 2 s.
bool connect_client(Client& c, asio::io_context& io, uint16_t port, int ttl,
                    const std::string& key = "") {
  c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c.fd < 0) return false;
  ::setsockopt(c.fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
  if (c.min_ttl > 0) ::setsockopt(c.fd, IPPROTO_IP, IP_MINTTL, &c.min_ttl, sizeof c.min_ttl);
  if (!key.empty() && !set_tcp_md5(c.fd, asio::ip::make_address("127.0.0.1"), key).empty()) {
    return false;
  }
  if (c.source) {
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, c.source, &src.sin_addr);
    if (::bind(c.fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) return false;
  }
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(c.fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0) return true;
  if (errno != EINPROGRESS) return false;
  for (int i = 0; i < 40; ++i) {
    io.run_for(std::chrono::milliseconds(50));
    pollfd p{c.fd, POLLOUT, 0};
    if (::poll(&p, 1, 0) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      return err == 0;
    }
  }
  return false;
}

// What the client reads while `io` runs for up to 2 s: the bytes, and whether the speaker
// closed the connection (EOF or reset).
struct Received {
  std::vector<uint8_t> bytes;
  bool closed = false;
};
Received read_client(Client& c, asio::io_context& io) {
  Received r;
  for (int i = 0; i < 40 && !r.closed; ++i) {
    io.run_for(std::chrono::milliseconds(50));
    uint8_t buf[4096];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        r.bytes.insert(r.bytes.end(), buf, buf + n);
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) r.closed = true;
      break;
    }
    if (r.bytes.size() >= 19) break;
  }
  return r;
}

TEST(SessionGtsm, ConnectionWhoseSynTtlIsTooLowIsClosedWithoutOpen) {
  asio::io_context io;
  NullListener listener;
  Speaker speaker(io, listener);
  PeerConfig c = base_config();
  c.passive = true;
  c.ttl_security = 1;  // Accept only TTL 255.
  Peer* peer = speaker.add_peer(c);
  ASSERT_NE(peer, nullptr);
  ASSERT_EQ(speaker.listen(asio::ip::make_address("127.0.0.1"), 0), "");
  speaker.start_all();

  Client far;  // TTL 254 on loopback: one hop too many.
  ASSERT_TRUE(connect_client(far, io, speaker.listen_port(), 254));
  const Received refused = read_client(far, io);
  EXPECT_TRUE(refused.closed);
  EXPECT_TRUE(refused.bytes.empty()) << refused.bytes.size() << " bytes received";
  ASSERT_TRUE(peer->last_error().has_value());
  EXPECT_EQ(peer->last_error()->message, "ttl-security: connection refused, TTL 254 < 255");
  EXPECT_NE(peer->state(), fsm::State::kOpenSent);

  Client near;  // TTL 255: accepted, the OPEN comes.
  ASSERT_TRUE(connect_client(near, io, speaker.listen_port(), 255));
  const Received accepted = read_client(near, io);
  ASSERT_GE(accepted.bytes.size(), 19u);
  EXPECT_EQ(accepted.bytes[18], 1) << "message type";
  EXPECT_EQ(peer->state(), fsm::State::kOpenSent);
}

TEST(SessionGtsm, ListenerAnswersWithTtl255) {
  // A peer with ttl-security connecting to us drops a SYN-ACK below its minimum TTL: the
  // handshake completes only if the listener sends with TTL 255.
  asio::io_context io;
  NullListener listener;
  Speaker speaker(io, listener);
  PeerConfig c = base_config();
  c.passive = true;
  c.ttl_security = 1;
  ASSERT_NE(speaker.add_peer(c), nullptr);
  ASSERT_EQ(speaker.listen(asio::ip::make_address("127.0.0.1"), 0), "");
  speaker.start_all();
  Client client;
  client.min_ttl = 255;
  ASSERT_TRUE(connect_client(client, io, speaker.listen_port(), 255));
  const Received r = read_client(client, io);
  ASSERT_GE(r.bytes.size(), 19u);
  EXPECT_EQ(r.bytes[18], 1) << "message type";
}

TEST(SessionGtsm, TwoHopsAllowTtl254) {
  asio::io_context io;
  NullListener listener;
  Speaker speaker(io, listener);
  PeerConfig c = base_config();
  c.passive = true;
  c.ttl_security = 2;
  ASSERT_NE(speaker.add_peer(c), nullptr);
  ASSERT_EQ(speaker.listen(asio::ip::make_address("127.0.0.1"), 0), "");
  speaker.start_all();
  Client client;
  ASSERT_TRUE(connect_client(client, io, speaker.listen_port(), 254));
  const Received r = read_client(client, io);
  ASSERT_GE(r.bytes.size(), 19u);
  EXPECT_EQ(r.bytes[18], 1) << "message type";
}

TEST(SessionGtsm, SavedSynTtlReadsTheSynHeader) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  ASSERT_EQ(set_save_syn(acceptor.native_handle()), "");
  Client client;
  ASSERT_TRUE(connect_client(client, io, acceptor.local_endpoint().port(), 77));
  asio::ip::tcp::socket s(io);
  acceptor.accept(s);
  EXPECT_EQ(saved_syn_ttl(s.native_handle()), std::optional<int>(77));
  EXPECT_EQ(saved_syn_ttl(s.native_handle()), std::nullopt) << "read once";
}

TEST(SessionMd5, ListenRangeKeyAcceptsSignedConnection) {
  asio::io_context io;
  NullListener listener;
  Speaker speaker(io, listener);
  ListenRange range;
  range.network = asio::ip::make_address("127.0.0.0");
  range.prefix_length = 8;
  range.template_config = base_config();
  range.template_config.passive = true;
  range.template_config.password = "range-secret";
  speaker.add_range(range);
  ASSERT_EQ(speaker.listen(asio::ip::make_address("127.0.0.1"), 0), "");

  // Without a key the listener drops the SYN (it expects a signature from this range).
  Client unsigned_client;
  EXPECT_FALSE(connect_client(unsigned_client, io, speaker.listen_port(), 64));
  EXPECT_TRUE(speaker.peers().empty());

  Client signed_client;
  ASSERT_TRUE(connect_client(signed_client, io, speaker.listen_port(), 64, "range-secret"));
  const Received r = read_client(signed_client, io);
  ASSERT_GE(r.bytes.size(), 19u);
  EXPECT_EQ(r.bytes[18], 1) << "message type";
  ASSERT_EQ(speaker.peers().size(), 1u);
  EXPECT_TRUE(speaker.peers()[0]->config().dynamic);
}

TEST(SessionMd5, RangeAddedAfterListenGetsItsKey) {
  asio::io_context io;
  NullListener listener;
  Speaker speaker(io, listener);
  ASSERT_EQ(speaker.listen(asio::ip::make_address("127.0.0.1"), 0), "");
  ListenRange range;
  range.network = asio::ip::make_address("127.0.0.0");
  range.prefix_length = 8;
  range.template_config = base_config();
  range.template_config.passive = true;
  range.template_config.password = "later";
  speaker.add_range(range);
  Client client;
  ASSERT_TRUE(connect_client(client, io, speaker.listen_port(), 64, "later"));
  const Received r = read_client(client, io);
  ASSERT_GE(r.bytes.size(), 19u);
  EXPECT_EQ(r.bytes[18], 1) << "message type";
}

TEST(SessionMd5, PrefixLengthIsChecked) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  EXPECT_NE(
      set_tcp_md5_prefix(acceptor.native_handle(), asio::ip::make_address("10.0.0.0"), 33, "k"),
      "");
  EXPECT_EQ(
      set_tcp_md5_prefix(acceptor.native_handle(), asio::ip::make_address("10.0.0.0"), 24, "k"),
      "");
}

TEST(SessionOpen, SpeakerRestartStateReachesDynamicPeers) {
  asio::io_context io;
  NullListener listener;
  Speaker speaker(io, listener);
  ListenRange range;
  range.network = asio::ip::make_address("127.0.0.0");
  range.prefix_length = 8;
  range.template_config = base_config();
  range.template_config.passive = true;
  range.template_config.forwarding_state = true;
  speaker.add_range(range);
  speaker.set_restart_state(true);
  ASSERT_EQ(speaker.listen(asio::ip::make_address("127.0.0.1"), 0), "");
  Client client;
  ASSERT_TRUE(connect_client(client, io, speaker.listen_port(), 64));
  const Received r = read_client(client, io);
  ASSERT_GE(r.bytes.size(), 19u);
  const auto raw = raw_gr_value(r.bytes);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw,
            (std::vector<uint8_t>{0x80, 0x78, 0, 25, 70, 0x80, 0, 1, 1, 0x80, 0, 2, 1, 0x80}));
}

TEST(SessionDynamic, ListenRangeCreatesAtMostItsLimitOfNeighbors) {
  asio::io_context io;
  NullListener listener;
  Speaker speaker(io, listener);
  ListenRange range;
  range.network = asio::ip::make_address("127.0.2.0");
  range.prefix_length = 24;
  range.template_config = base_config();
  range.template_config.passive = true;
  range.limit = 2;
  speaker.add_range(range);
  ASSERT_EQ(speaker.listen(asio::ip::make_address("127.0.0.1"), 0), "");
  const char* sources[] = {"127.0.2.1", "127.0.2.2", "127.0.2.3"};
  std::vector<Received> got;
  for (const char* src : sources) {
    Client client;
    client.source = src;
    ASSERT_TRUE(connect_client(client, io, speaker.listen_port(), 64)) << src;
    got.push_back(read_client(client, io));
  }
  EXPECT_GE(got[0].bytes.size(), 19u) << "first neighbor got no OPEN";
  EXPECT_GE(got[1].bytes.size(), 19u) << "second neighbor got no OPEN";
  EXPECT_TRUE(got[2].bytes.empty()) << "third address got a session beyond the limit";
  EXPECT_TRUE(got[2].closed);
  EXPECT_EQ(speaker.peers().size(), 2u);
  // A known dynamic neighbor comes back: it is not a new one, so the limit does not apply.
  Client again;
  again.source = "127.0.2.1";
  ASSERT_TRUE(connect_client(again, io, speaker.listen_port(), 64));
  EXPECT_EQ(speaker.peers().size(), 2u);
}

// ---- Connection: handing a connection over from inside on_message (what a collision does) ----

class Recorder : public ConnectionHandler {
 public:
  void on_message(std::span<const uint8_t> m) override {
    messages.emplace_back(m.begin(), m.end());
    if (on_first && messages.size() == 1) on_first();
  }
  void on_header_error(const codec::DecodeError&) override { ++header_errors; }
  void on_closed(const std::string&) override { closed = true; }
  std::vector<std::vector<uint8_t>> messages;
  int header_errors = 0;
  bool closed = false;
  std::function<void()> on_first;
};

std::vector<uint8_t> bgp_message(uint8_t type, std::vector<uint8_t> body) {
  std::vector<uint8_t> m(16, 0xff);
  const size_t len = 19 + body.size();
  m.push_back(static_cast<uint8_t>(len >> 8));
  m.push_back(static_cast<uint8_t>(len));
  m.push_back(type);
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

TEST(SessionConnection, HandOverInsideOnMessageKeepsTheStream) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket writer(io);
  writer.connect(acceptor.local_endpoint());
  auto connection = std::make_shared<Connection>(acceptor.accept());
  Recorder first, second;
  // Like Peer::handle_collision_open: the first handler's OPEN hands the connection on.
  first.on_first = [&] { connection->start(&second); };
  connection->start(&first);
  const auto keepalive = bgp_message(4, {});
  const auto notification = bgp_message(3, {6, 7});
  const auto update = bgp_message(2, {0, 0, 0, 0});
  asio::write(writer, asio::buffer(keepalive));
  for (int i = 0; i < 20 && first.messages.empty(); ++i) io.run_for(std::chrono::milliseconds(10));
  ASSERT_EQ(first.messages.size(), 1u);
  std::vector<uint8_t> rest = notification;
  rest.insert(rest.end(), update.begin(), update.end());
  asio::write(writer, asio::buffer(rest));
  asio::write(writer, asio::buffer(keepalive));
  for (int i = 0; i < 50 && second.messages.size() < 3; ++i) {
    io.run_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(first.messages.size(), 1u);
  EXPECT_EQ(second.header_errors, 0);
  ASSERT_EQ(second.messages.size(), 3u);
  EXPECT_EQ(second.messages[0], notification);
  EXPECT_EQ(second.messages[1], update);
  EXPECT_EQ(second.messages[2], keepalive);
  connection->detach();
  connection->close();
}

}  // namespace
}  // namespace evpnd::session
