// route_sender: the load generator of the speaker benchmark (bench/speaker/README.md). A BGP
// speaker that connects to a receiver (evpnd, FRR bgpd, ...), completes the RFC 4271 §8
// handshake with an OPEN carrying the multiprotocol (L2VPN EVPN, RFC 4760 §8) and 4-octet AS
// (RFC 6793) capabilities, then writes N EVPN type-2 MAC/IP routes (RFC 7432 §7.2, MAC + IPv4,
// VXLAN label, RFC 8365) packed about 100 per UPDATE that share one attribute set (ORIGIN,
// AS_PATH, MP_REACH_NLRI next hop, route target + VXLAN encapsulation extended communities),
// then the L2VPN EVPN End-of-RIB (RFC 4724 §2), and keeps the session up with KEEPALIVEs until
// SIGINT/SIGTERM (it then sends a Cease/Administrative Shutdown NOTIFICATION and exits 0).
//
// Every message is encoded with bgpd/codec before connecting, into one contiguous buffer, so
// that the send loop only calls write(2). Events go to stdout as `event key=value ...` lines;
// times are CLOCK_REALTIME nanoseconds since the epoch (t_ns=...), so that a script can compare
// them with its own clock (`date +%s%N`):
//
//   encoded routes=... updates=... bytes=... encode_s=...
//   connected t_ns=...
//   established t_ns=... peer_as=... peer_id=... hold_time=...
//   first_byte t_ns=...            just before the first write(2) of the first UPDATE
//   last_route_byte t_ns=...       write(2) of the last UPDATE's last octet returned
//   eor_sent t_ns=... write_s=...  the End-of-RIB too (write_s = first_byte -> here)
//   notification code=... subcode=... | closed reason=...   (exit status 1)
//   stopped sent=... received_messages=... updates=... mp_reach_octets=... mp_unreach_octets=...
//                                  after SIGINT/SIGTERM (exit status 0): what the peer sent us
//                                  (UPDATEs are classified, not decoded)
//
// Usage: route_sender --connect 10.9.0.0 --as 65001 --router-id 10.9.0.1 --routes 1000000
//        [--port 179] [--peer-as ASN] [--next-hop IP] [--rd RD] [--rt RT] [--vni N]
//        [--per-update 100] [--hold-time 90] [--local IP]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bgpd/codec/message.h"

namespace {

using namespace evpnd::codec;  // NOLINT: a small tool built on the codec

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void emit(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void emit(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stdout, fmt, ap);
  va_end(ap);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "route_sender: %s\n", what.c_str());
  std::exit(2);
}

struct Options {
  std::string connect;
  uint16_t port = 179;
  std::string local;
  uint32_t as = 0;
  uint32_t peer_as = 0;  // 0: accept any
  std::string router_id;
  std::string next_hop;  // default: router id
  std::string rd;        // default: router-id:100
  std::string rt;        // default: AS:VNI (2-octet AS) or router-id:VNI
  uint32_t vni = 10100;
  size_t routes = 0;
  size_t per_update = 100;
  uint16_t hold_time = 90;
};

Options parse_args(int argc, char** argv) {
  Options o;
  auto need = [&](int& i) -> std::string {
    if (i + 1 >= argc) die(std::string("missing value for ") + argv[i]);
    return argv[++i];
  };
  auto number = [](const std::string& s, const char* what) -> uint64_t {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (errno || !end || *end || s.empty()) die(std::string("bad ") + what + ": " + s);
    return v;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--connect")
      o.connect = need(i);
    else if (a == "--port")
      o.port = static_cast<uint16_t>(number(need(i), "port"));
    else if (a == "--local")
      o.local = need(i);
    else if (a == "--as")
      o.as = static_cast<uint32_t>(number(need(i), "as"));
    else if (a == "--peer-as")
      o.peer_as = static_cast<uint32_t>(number(need(i), "peer-as"));
    else if (a == "--router-id")
      o.router_id = need(i);
    else if (a == "--next-hop")
      o.next_hop = need(i);
    else if (a == "--rd")
      o.rd = need(i);
    else if (a == "--rt")
      o.rt = need(i);
    else if (a == "--vni")
      o.vni = static_cast<uint32_t>(number(need(i), "vni"));
    else if (a == "--routes")
      o.routes = number(need(i), "routes");
    else if (a == "--per-update")
      o.per_update = number(need(i), "per-update");
    else if (a == "--hold-time")
      o.hold_time = static_cast<uint16_t>(number(need(i), "hold-time"));
    else if (a == "-h" || a == "--help") {
      std::printf(
          "route_sender --connect IP --as ASN --router-id IP --routes N [--port 179]\n"
          "  [--peer-as ASN] [--local IP] [--next-hop IP] [--rd RD] [--rt RT] [--vni N]\n"
          "  [--per-update 100] [--hold-time 90]\n");
      std::exit(0);
    } else {
      die("unknown argument: " + std::string(a));
    }
  }
  if (o.connect.empty() || !o.as || o.router_id.empty()) {
    die("--connect, --as and --router-id are required (--help)");
  }
  if (o.per_update == 0 || o.per_update > 100) die("--per-update must be 1..100");
  if (o.vni == 0 || o.vni > 0xffffff) die("--vni must be 1..16777215");
  if (o.routes > 0xffffff) die("--routes: at most 16777215 (distinct MACs and IPs)");
  if (o.hold_time != 0 && o.hold_time < 3) die("--hold-time: 0 or at least 3");
  if (o.next_hop.empty()) o.next_hop = o.router_id;
  if (o.rd.empty()) o.rd = o.router_id + ":100";
  if (o.rt.empty()) {
    o.rt = (o.as <= 0xffff ? std::to_string(o.as) : o.router_id) + ":" + std::to_string(o.vni);
  }
  return o;
}

// ---- Pre-encoding -----------------------------------------------------------------------------

struct Load {
  std::vector<uint8_t> open, keepalive, notification;
  std::vector<uint8_t> stream;  // every UPDATE, then the End-of-RIB
  size_t routes_end = 0;        // offset of the End-of-RIB in `stream`
  size_t updates = 0;
};

// Route i: MAC 02:00:00:xx:xx:xx and IP 10.x.x.x (both i + 1, distinct for i < 2^24 - 1).
MacIpAdvertisementRoute make_route(const RouteDistinguisher& rd, uint32_t vni, uint32_t i) {
  MacIpAdvertisementRoute r;
  r.rd = rd;
  const uint32_t n = i + 1;
  r.mac.bytes = {0x02,
                 0x00,
                 0x00,
                 static_cast<uint8_t>(n >> 16),
                 static_cast<uint8_t>(n >> 8),
                 static_cast<uint8_t>(n)};
  r.ip = IpAddress::v4((10u << 24) | n);
  r.label1 = vni;
  return r;
}

Load encode_load(const Options& o) {
  Load l;
  DecodeContext ctx;  // 4-octet AS, no extended message, no add-path: checked against the OPENs
  const auto id = IpAddress::parse(o.router_id);
  const auto nh = IpAddress::parse(o.next_hop);
  const auto rd = RouteDistinguisher::parse(o.rd);
  const auto rt = RouteTarget::parse(o.rt);
  if (!id || id->family != 4) die("--router-id: not an IPv4 address: " + o.router_id);
  if (!nh) die("--next-hop: not an address: " + o.next_hop);
  if (!rd) die("--rd: not a route distinguisher: " + o.rd);
  if (!rt) die("--rt: not a route target: " + o.rt);

  OpenMessage open;
  open.my_as = o.as <= 0xffff ? static_cast<uint16_t>(o.as) : 23456;  // AS_TRANS
  open.hold_time = o.hold_time;
  open.bgp_identifier = *id;
  OptionalParameter caps;
  caps.capabilities = {MultiprotocolCapability{25, 0, 70}, RouteRefreshCapability{},
                       FourOctetAsCapability{o.as}};
  open.parameters = {caps};
  l.open = encode(Message(open), ctx);
  l.keepalive = encode(Message(KeepaliveMessage{}), ctx);
  l.notification = encode(Message(NotificationMessage::shutdown(2, "route_sender stopped")), ctx);

  const std::vector<PathAttribute> shared = {
      make_attribute(kOrigin, Origin{0}),
      make_attribute(kAsPath, AsPath{{AsPathSegment{2, {o.as}}}}),
      make_attribute(
          kExtendedCommunities,
          ExtendedCommunities{{*rt, EncapsulationCommunity{EncapsulationCommunity::kVxlan}}}),
  };
  l.stream.reserve(o.routes / o.per_update * 4000 + 8192);
  for (size_t first = 0; first < o.routes; first += o.per_update) {
    const size_t count = std::min(o.per_update, o.routes - first);
    MpReachNlri reach;
    reach.afi = 25;
    reach.safi = 70;
    reach.set_next_hop(*nh);
    reach.evpn.reserve(count);
    for (size_t i = first; i < first + count; ++i) {
      reach.evpn.push_back(EvpnNlri{0, make_route(*rd, o.vni, static_cast<uint32_t>(i))});
    }
    UpdateMessage u;
    u.path_attributes = shared;
    u.path_attributes.push_back(make_attribute(kMpReachNlri, std::move(reach)));
    const size_t before = l.stream.size();
    encode(Message(std::move(u)), ctx, l.stream);
    if (l.stream.size() - before > ctx.max_message_size()) {
      die("an UPDATE exceeds 4096 octets: lower --per-update");
    }
    ++l.updates;
  }
  l.routes_end = l.stream.size();
  UpdateMessage eor;  // RFC 4724 §2: an UPDATE with only an empty MP_UNREACH_NLRI
  MpUnreachNlri unreach;
  unreach.afi = 25;
  unreach.safi = 70;
  eor.path_attributes = {make_attribute(kMpUnreachNlri, std::move(unreach))};
  encode(Message(std::move(eor)), ctx, l.stream);

  // Sanity: the first UPDATE decodes back to per_update type-2 routes.
  if (o.routes) {
    auto len = frame_length(l.stream, ctx);
    if (!len.ok() || *len == 0) die("self-check: cannot frame the first UPDATE");
    auto m = decode_message(std::span(l.stream).first(*len), ctx);
    const auto* u = m.ok() ? std::get_if<UpdateMessage>(&*m) : nullptr;
    const auto* r = u ? u->get<MpReachNlri>(kMpReachNlri) : nullptr;
    if (!r || r->evpn.size() != std::min(o.per_update, o.routes)) {
      die("self-check: the first UPDATE does not decode to its routes");
    }
  }
  return l;
}

// ---- The session ------------------------------------------------------------------------------

class Session {
 public:
  explicit Session(int fd) : fd_(fd) {}

  // Blocking write of all of `b` (used for the handshake and KEEPALIVEs, never mid-stream).
  bool write_all(std::span<const uint8_t> b) {
    while (!b.empty()) {
      const ssize_t n = ::write(fd_, b.data(), b.size());
      if (n > 0) {
        b = b.subspan(static_cast<size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, 100);
        if (g_stop) return false;
      } else {
        closed("write: " + std::string(std::strerror(errno)));
        return false;
      }
    }
    return true;
  }

  // Reads what is there; hands every whole message to `on_msg`. False when the peer closed.
  template <class F>
  bool read_some(F&& on_msg) {
    uint8_t buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n > 0) {
        rbuf_.insert(rbuf_.end(), buf, buf + n);
        continue;
      }
      if (n == 0) {
        closed("connection closed by peer");
        return false;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      closed("read: " + std::string(std::strerror(errno)));
      return false;
    }
    size_t pos = 0;
    for (;;) {
      auto len = frame_length(std::span(rbuf_).subspan(pos), ctx_);
      if (!len.ok()) {
        closed("bad message header from peer: " + len.error().what);
        return false;
      }
      if (*len == 0 || *len > rbuf_.size() - pos) break;
      if (!on_msg(std::span<const uint8_t>(rbuf_).subspan(pos, *len))) return false;
      pos += *len;
    }
    rbuf_.erase(rbuf_.begin(), rbuf_.begin() + static_cast<std::ptrdiff_t>(pos));
    return true;
  }

  // Common handling of a message in Established: NOTIFICATION ends the session; UPDATEs are
  // only classified (no decoding: the sender shares the machine with the receiver).
  bool on_established_msg(std::span<const uint8_t> m) {
    ++received_;
    if (m[18] == static_cast<uint8_t>(MessageType::kNotification)) {
      notified(m);
      return false;
    }
    if (m[18] == static_cast<uint8_t>(MessageType::kUpdate)) count_update(m);
    return true;
  }

  // Octets of MP_REACH_NLRI / MP_UNREACH_NLRI values in an UPDATE from the peer (e.g. our own
  // routes echoed back, or withdrawn again).
  void count_update(std::span<const uint8_t> m) {
    ++updates_;
    size_t p = kHeaderSize;
    if (m.size() < p + 4) return;
    p += 2 + ((size_t{m[p]} << 8) | m[p + 1]);  // withdrawn routes
    if (m.size() < p + 2) return;
    const size_t end = std::min(m.size(), p + 2 + ((size_t{m[p]} << 8) | m[p + 1]));
    p += 2;
    while (p + 3 <= end) {
      const uint8_t flags = m[p], type = m[p + 1];
      size_t len = m[p + 2], hdr = 3;
      if (flags & 0x10) {
        if (p + 4 > end) break;
        len = (len << 8) | m[p + 3];
        hdr = 4;
      }
      if (type == kMpReachNlri) reach_octets_ += len;
      if (type == kMpUnreachNlri) unreach_octets_ += len;
      p += hdr + len;
    }
  }

  void notified(std::span<const uint8_t> m) {
    auto d = decode_message(m, ctx_);
    std::string text;
    if (d.ok()) {
      if (auto* n = std::get_if<NotificationMessage>(&*d)) {
        emit("notification code=%u subcode=%u text=\"%s / %s\"", n->code, n->subcode,
             error_code_name(n->code).c_str(), error_subcode_name(n->code, n->subcode).c_str());
        failed_ = true;
        return;
      }
    }
    emit("notification undecodable");
    failed_ = true;
  }

  void closed(const std::string& reason) {
    if (!failed_) emit("closed reason=\"%s\"", reason.c_str());
    failed_ = true;
  }

  int fd() const { return fd_; }
  bool failed() const { return failed_; }
  size_t received() const { return received_; }
  size_t updates() const { return updates_; }
  size_t reach_octets() const { return reach_octets_; }
  size_t unreach_octets() const { return unreach_octets_; }

 private:
  int fd_;
  DecodeContext ctx_;
  std::vector<uint8_t> rbuf_;
  bool failed_ = false;
  size_t received_ = 0;
  size_t updates_ = 0;
  size_t reach_octets_ = 0;
  size_t unreach_octets_ = 0;
};

int connect_to(const Options& o) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(o.port);
  if (inet_pton(AF_INET, o.connect.c_str(), &sa.sin_addr) != 1) {
    die("--connect: not an IPv4 address: " + o.connect);
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket: " + std::string(std::strerror(errno)));
  if (!o.local.empty()) {
    sockaddr_in la{};
    la.sin_family = AF_INET;
    if (inet_pton(AF_INET, o.local.c_str(), &la.sin_addr) != 1) die("--local: bad address");
    if (::bind(fd, reinterpret_cast<sockaddr*>(&la), sizeof la) != 0) {
      die("bind: " + std::string(std::strerror(errno)));
    }
  }
  const int ttl = 255;  // GTSM-friendly; directly connected eBGP accepts it too
  ::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  ::signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  const auto t0 = std::chrono::steady_clock::now();
  const Load load = encode_load(o);
  const double encode_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  emit("encoded routes=%zu updates=%zu bytes=%zu encode_s=%.3f", o.routes, load.updates,
       load.stream.size(), encode_s);

  // Connect, retrying for a while (the receiver may still be starting).
  int fd = -1;
  int connect_errno = 0;
  for (int attempt = 0; attempt < 300 && !g_stop; ++attempt) {
    fd = connect_to(o);
    if (fd >= 0) break;
    connect_errno = errno;
    usleep(100'000);
  }
  if (fd < 0) {
    emit("closed reason=\"connect: %s\"", std::strerror(connect_errno));
    return 1;
  }
  emit("connected t_ns=%lld", static_cast<long long>(now_ns()));
  Session s(fd);

  // Handshake: OPEN out; OPEN in (checked); KEEPALIVE out; KEEPALIVE in -> Established.
  if (!s.write_all(load.open)) return 1;
  bool got_open = false, established = false;
  size_t received = 0;
  uint16_t hold = o.hold_time;
  while (!established && !s.failed() && !g_stop) {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 200);
    s.read_some([&](std::span<const uint8_t> m) {
      const uint8_t type = m[18];
      if (type == static_cast<uint8_t>(MessageType::kNotification)) {
        s.notified(m);
        return false;
      }
      if (!got_open) {
        DecodeContext ctx;
        auto d = decode_message(m, ctx);
        const auto* open = d.ok() ? std::get_if<OpenMessage>(&*d) : nullptr;
        if (!open) {
          s.closed("expected OPEN from the peer");
          return false;
        }
        if (!open->find_capability<FourOctetAsCapability>() ||
            !open->advertises(Family::kL2vpnEvpn)) {
          s.closed("peer OPEN lacks 4-octet AS or L2VPN EVPN");
          return false;
        }
        if (o.peer_as && open->asn() != o.peer_as) {
          s.closed("peer AS " + std::to_string(open->asn()) + ", expected " +
                   std::to_string(o.peer_as));
          return false;
        }
        hold = std::min<uint16_t>(hold, open->hold_time);
        emit("open peer_as=%u peer_id=%s hold_time=%u", open->asn(),
             open->bgp_identifier.to_string().c_str(), open->hold_time);
        got_open = true;
        return s.write_all(load.keepalive);
      }
      if (established) {  // what the peer sent right after its KEEPALIVE (e.g. End-of-RIB)
        ++received;
        return true;
      }
      if (type == static_cast<uint8_t>(MessageType::kKeepalive)) {
        established = true;
        return true;
      }
      s.closed("unexpected message type " + std::to_string(type) + " in OpenConfirm");
      return false;
    });
  }
  if (!established) return g_stop ? 0 : 1;
  emit("established t_ns=%lld hold_time=%u", static_cast<long long>(now_ns()), hold);

  // The stream: non-blocking writes of the pre-encoded bytes, reading whatever the peer sends.
  const std::span<const uint8_t> stream(load.stream);
  size_t sent = 0;
  int64_t first_ns = 0, last_route_ns = 0, eor_ns = 0;
  auto last_keepalive = std::chrono::steady_clock::now();
  const auto keepalive_every = std::chrono::milliseconds(hold ? hold * 1000 / 3 : 30000);
  while (!s.failed() && !g_stop) {
    const bool writing = sent < stream.size();
    pollfd p{fd, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
    ::poll(&p, 1, writing ? 1000 : 200);
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!s.read_some([&](std::span<const uint8_t> m) { return s.on_established_msg(m); })) {
        break;
      }
    }
    if (writing && (p.revents & POLLOUT)) {
      if (!first_ns) first_ns = now_ns();
      while (sent < stream.size()) {
        const ssize_t n = ::write(fd, stream.data() + sent, stream.size() - sent);
        if (n > 0) {
          const size_t before = sent;
          sent += static_cast<size_t>(n);
          if (before < load.routes_end && sent >= load.routes_end) last_route_ns = now_ns();
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else if (n < 0 && errno == EAGAIN) {
          break;
        } else {
          s.closed("write: " + std::string(std::strerror(errno)));
          break;
        }
      }
      if (sent == stream.size()) {
        eor_ns = now_ns();
        if (!last_route_ns) last_route_ns = eor_ns;
        emit("first_byte t_ns=%lld", static_cast<long long>(first_ns));
        emit("last_route_byte t_ns=%lld", static_cast<long long>(last_route_ns));
        emit("eor_sent t_ns=%lld write_s=%.6f", static_cast<long long>(eor_ns),
             static_cast<double>(eor_ns - first_ns) / 1e9);
        last_keepalive = std::chrono::steady_clock::now();
      }
      continue;
    }
    // KEEPALIVEs only between whole messages: once the stream is out (while it is being
    // written, the UPDATEs restart the peer's hold timer, RFC 4271 §4.4).
    if (!writing && hold && std::chrono::steady_clock::now() - last_keepalive >= keepalive_every) {
      if (!s.write_all(load.keepalive)) break;
      last_keepalive = std::chrono::steady_clock::now();
    }
  }
  if (g_stop && !s.failed()) {
    // Cease / Administrative Shutdown, best effort (the socket may be full), and only between
    // whole messages.
    if (sent == 0 || sent == stream.size()) {
      (void)!::write(fd, load.notification.data(), load.notification.size());
    }
    emit(
        "stopped sent=%zu received_messages=%zu updates=%zu mp_reach_octets=%zu "
        "mp_unreach_octets=%zu",
        sent, received + s.received(), s.updates(), s.reach_octets(), s.unreach_octets());
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return 1;
}
