#include "bgpd/session/peer.h"

#include <unistd.h>

#include <boost/asio/connect.hpp>

#include "bgpd/session/session_log.h"
#include "bgpd/session/socket_options.h"

namespace evpnd::session {
namespace asio = boost::asio;
using fsm::Event;
using fsm::State;
using fsm::Timer;

namespace {

constexpr uint16_t kAsTrans = 23456;  // RFC 6793 §9

codec::IpAddress to_ip(const asio::ip::address& a) {
  if (a.is_v4()) return codec::IpAddress::v4(a.to_v4().to_uint());
  if (a.to_v6().is_v4_mapped()) {
    return codec::IpAddress::v4(a.to_v6().to_v4().to_uint());
  }
  return codec::IpAddress::v6(a.to_v6().to_bytes());
}

Event timer_event(Timer t) {
  switch (t) {
    case Timer::kConnectRetry:
      return Event::kConnectRetryTimerExpires;
    case Timer::kHold:
      return Event::kHoldTimerExpires;
    case Timer::kKeepalive:
      return Event::kKeepaliveTimerExpires;
    case Timer::kDelayOpen:
      return Event::kDelayOpenTimerExpires;
    default:
      return Event::kIdleHoldTimerExpires;
  }
}

}  // namespace

// Reads the second connection of a collision until its OPEN arrives (RFC 4271 §6.8).
class Peer::CollisionReader : public ConnectionHandler {
 public:
  explicit CollisionReader(Peer& peer) : peer_(peer) {}
  void on_message(std::span<const uint8_t> message) override {
    auto m = codec::decode_message(message, {});
    if (m.ok() && std::holds_alternative<codec::OpenMessage>(*m)) {
      peer_.handle_collision_open(std::get<codec::OpenMessage>(*m));
    } else {
      drop();
    }
  }
  void on_header_error(const codec::DecodeError&) override { drop(); }
  void on_closed(const std::string&) override { drop(); }

 private:
  void drop() {
    if (peer_.collision_) {
      peer_.collision_->detach();
      peer_.collision_->close();
      peer_.collision_.reset();
    }
  }
  Peer& peer_;
};

Peer::Peer(asio::io_context& io, rib::PeerId id, PeerConfig config, PeerListener& listener)
    : io_(io),
      id_(id),
      config_(std::move(config)),
      listener_(listener),
      state_since_(std::chrono::steady_clock::now()),
      random_(std::random_device{}()) {
  session_.config = config_.timers;
  for (auto& t : timers_) t = std::make_unique<asio::steady_timer>(io_);
}

Peer::~Peer() {
  for (auto& t : timers_) t->cancel();
  if (connection_) {
    connection_->detach();
    connection_->close();
  }
  if (collision_) {
    collision_->detach();
    collision_->close();
  }
  if (connecting_) {
    boost::system::error_code ec;
    connecting_->close(ec);
  }
}

void Peer::start() {
  if (config_.shutdown) return;
  dispatch(config_.passive ? Event::kManualStartWithPassiveTcpEstablishment : Event::kManualStart);
}

void Peer::stop(uint8_t subcode, const std::string& message) {
  if (collision_) {  // A stopped peer takes no second connection either.
    collision_->detach();
    collision_->close();
    collision_.reset();
  }
  fsm::EventData d;
  d.notification = message.empty() ? codec::NotificationMessage{fsm::kCease, subcode, {}}
                                   : codec::NotificationMessage::shutdown(subcode, message);
  dispatch(Event::kManualStop, d);
}

void Peer::accept(std::shared_ptr<Connection> connection) {
  if (config_.ttl_security > 0) {
    // RFC 5082 §3: the handshake completed on the shared listener, which has no minimum TTL;
    // the SYN's TTL tells whether the peer is within ttl-security hops.
    const int min_ttl = 256 - config_.ttl_security;
    if (auto ttl = saved_syn_ttl(connection->socket().native_handle()); ttl && *ttl < min_ttl) {
      log().warn("gtsm: connection refused peer={} ttl={} min-ttl={}", config_.address.to_string(),
                 *ttl, min_ttl);
      set_error("local", 0, 0,
                "ttl-security: connection refused, TTL " + std::to_string(*ttl) + " < " +
                    std::to_string(min_ttl));
      connection->close();
      return;
    }
  }
  // Every connection the peer opened gets its key, TTL and minimum TTL now, whichever way it
  // ends up carrying the session (directly, after a collision, or replacing a restarted one).
  configure_socket(connection->socket());
  switch (session_.state) {
    case State::kConnect:
    case State::kActive:
      if (connecting_) {  // Our own attempt loses to the connection that made it.
        boost::system::error_code ec;
        connecting_->close(ec);
        connecting_.reset();
      }
      adopt(std::move(connection));
      connection_is_ours_ = false;
      dispatch(Event::kTcpConnectionConfirmed);
      return;
    case State::kOpenSent:
    case State::kOpenConfirm:
      if (collision_) {
        collision_->detach();
        collision_->close();
      }
      collision_ = std::move(connection);
      collision_reader_ = std::make_unique<CollisionReader>(*this);
      collision_->start(collision_reader_.get());
      return;
    case State::kEstablished:
      if (info_.graceful_restart.negotiated) {
        // RFC 4724 §4.2: a new connection from an established peer means it restarted. The old
        // session ends as if its TCP connection failed (routes kept stale) and the new one is
        // taken as a passively established connection.
        log().info("graceful restart detected peer={} new connection replaces the session",
                   config_.address.to_string());
        set_error("local", 0, 0, "peer restarted (new connection while established)");
        dispatch(Event::kTcpConnectionFails);
        dispatch(Event::kManualStartWithPassiveTcpEstablishment);
        session_.passive = config_.passive;
        adopt(std::move(connection));
        connection_is_ours_ = false;
        dispatch(Event::kTcpConnectionConfirmed);
        return;
      }
      [[fallthrough]];
    default:
      log().debug("connection refused peer={} state={}", config_.address.to_string(),
                  fsm::to_string(session_.state));
      connection->close();
      return;
  }
}

void Peer::handle_collision_open(const codec::OpenMessage& open) {
  auto incoming = collision_;
  if (!incoming) return;
  const uint32_t ours = config_.router_id.v4_value();
  const uint32_t theirs = open.bgp_identifier.v4_value();
  const auto loser = fsm::connection_to_close(ours, theirs, config_.local_as, open.asn());
  // §6.8: a session that reached Established meanwhile is kept, whatever the identifiers say.
  const bool close_existing = connection_is_ours_ && loser == fsm::Initiator::kLocal &&
                              session_.state != State::kEstablished;
  log().info("connection collision peer={} state={} closing={}", config_.address.to_string(),
             fsm::to_string(session_.state), close_existing ? "ours" : "theirs");
  if (!close_existing) {
    std::vector<uint8_t> n =
        codec::encode(codec::Message{codec::NotificationMessage{
                          fsm::kCease, fsm::kConnectionCollisionResolution, {}}},
                      {});
    incoming->detach();
    incoming->send(std::move(n));
    incoming->close_after_flush();
    collision_.reset();
    return;
  }
  // Ours loses: dump it, then run the FSM on the peer's connection from Active.
  dispatch(Event::kOpenCollisionDump);
  collision_.reset();
  dispatch(Event::kManualStartWithPassiveTcpEstablishment);
  session_.passive = config_.passive;
  adopt(incoming);
  connection_is_ours_ = false;
  dispatch(Event::kTcpConnectionConfirmed);
  if (auto err = check_open(open)) {
    fsm::EventData d;
    d.notification = *err;
    dispatch(Event::kBgpOpenMsgErr, d);
    return;
  }
  received_open_ = open;
  fsm::EventData d;
  d.peer_hold_time = open.hold_time;
  dispatch(fsm::open_event(session_), d);
}

void Peer::adopt(std::shared_ptr<Connection> connection) {
  if (connection_) {
    connection_->detach();
    connection_->close();
  }
  connection_ = std::move(connection);
  connection_->set_max_message_size(4096);
  notification_exchanged_ = false;
  context_ = {};
  connection_->start(this);
}

void Peer::dispatch(Event event, const fsm::EventData& data) {
  if (dispatching_) {
    queued_events_.emplace_back(event, data);
    return;
  }
  dispatching_ = true;
  std::pair<Event, fsm::EventData> next{event, data};
  for (;;) {
    fsm::EventData d = next.second;
    const auto now = std::chrono::steady_clock::now();
    if (session_.state == State::kEstablished) {
      d.established_seconds = static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::seconds>(now - established_since_).count());
    }
    const State before = session_.state;
    fsm::Transition t = fsm::step(session_, next.first, d);
    session_ = t.session;
    if (session_.state != before) {
      state_since_ = now;
      log().debug("fsm peer={} event={} {} -> {}", config_.address.to_string(),
                  fsm::to_string(next.first), fsm::to_string(before),
                  fsm::to_string(session_.state));
    }
    for (const auto& a : t.actions) perform(a);
    if (queued_events_.empty()) break;
    next = queued_events_.front();
    queued_events_.erase(queued_events_.begin());
  }
  dispatching_ = false;
}

void Peer::perform(const fsm::Action& a) {
  using fsm::ActionType;
  switch (a.type) {
    case ActionType::kStartTimer:
      start_timer(a.timer, a.seconds);
      break;
    case ActionType::kStopTimer:
      stop_timer(a.timer);
      break;
    case ActionType::kInitiateTcpConnection:
      initiate_connection();
      break;
    case ActionType::kRejectTcpConnection:
      break;  // accept() refuses connections itself.
    case ActionType::kDropTcpConnection:
      if (connection_) {
        connection_->detach();
        connection_->close_after_flush();
        connection_.reset();
      }
      if (connecting_) {
        boost::system::error_code ec;
        connecting_->close(ec);
        connecting_.reset();
      }
      break;
    case ActionType::kSendOpen:
      sent_open_ = build_open();
      send(codec::Message{*sent_open_});
      break;
    case ActionType::kSendKeepalive:
      send(codec::Message{codec::KeepaliveMessage{}});
      break;
    case ActionType::kSendNotification: {
      const auto& n = a.notification;
      std::string text =
          codec::error_code_name(n.code) + "/" + codec::error_subcode_name(n.code, n.subcode);
      if (auto c = n.shutdown_communication()) text += ": " + *c;
      set_error("sent", n.code, n.subcode, text);
      notification_exchanged_ = true;
      log().warn("notification sent peer={} code={} subcode={} reason=\"{}\"",
                 config_.address.to_string(), n.code, n.subcode, text);
      send(codec::Message{n});
      break;
    }
    case ActionType::kReleaseResources:
      // The FSM's contract: releasing a connection's resources stops its Hold, Keepalive and
      // DelayOpen timers (the ConnectRetry and IdleHold timers belong to the FSM's own actions).
      stop_timer(Timer::kHold);
      stop_timer(Timer::kKeepalive);
      stop_timer(Timer::kDelayOpen);
      received_open_.reset();
      pending_update_.reset();
      break;
    case ActionType::kDeleteRoutes:
      if (up_) {
        up_ = false;
        const bool graceful = info_.graceful_restart.negotiated && !notification_exchanged_;
        log().info("session down peer={} graceful={}", config_.address.to_string(), graceful);
        listener_.on_down(*this, graceful);
      }
      break;
    case ActionType::kProcessUpdate:
      if (pending_update_) {
        ++stats_.updates_received;
        listener_.on_update(*this, *pending_update_);
      }
      break;
    case ActionType::kSessionEstablished:
      ++stats_.established_transitions;
      up_ = true;
      established_since_ = std::chrono::steady_clock::now();
      log().info("session established peer={} as={} hold={}s families={}{}{}",
                 config_.address.to_string(), info_.remote_asn, session_.hold_time,
                 info_.families.has(codec::Family::kL2vpnEvpn) ? "l2vpn-evpn " : "",
                 info_.families.has(codec::Family::kIpv4Unicast) ? "ipv4-unicast " : "",
                 info_.families.has(codec::Family::kIpv6Unicast) ? "ipv6-unicast" : "");
      listener_.on_established(*this);
      break;
    case ActionType::kIncrementConnectRetryCounter:
    case ActionType::kZeroConnectRetryCounter:
      break;  // The FSM keeps the counter in the session.
  }
}

void Peer::start_timer(Timer timer, uint16_t seconds) {
  auto& t = *timers_[static_cast<size_t>(timer)];
  std::chrono::milliseconds d(static_cast<int64_t>(seconds) * 1000);
  if (fsm::is_jittered(timer)) d = fsm::apply_jitter(seconds, static_cast<uint32_t>(random_()));
  t.expires_after(d);
  // A handler already queued when the timer is stopped or restarted still runs with success:
  // the generation tells it that it is stale.
  const uint64_t gen = ++timer_generation_[static_cast<size_t>(timer)];
  t.async_wait([this, timer, gen](const boost::system::error_code& ec) {
    if (ec || gen != timer_generation_[static_cast<size_t>(timer)]) return;
    dispatch(timer_event(timer));
  });
}

void Peer::stop_timer(Timer timer) {
  ++timer_generation_[static_cast<size_t>(timer)];
  timers_[static_cast<size_t>(timer)]->cancel();
}

void Peer::configure_socket(asio::ip::tcp::socket& socket) {
  const int fd = socket.native_handle();
  const bool v6 = config_.address.is_v6();
  if (!config_.password.empty()) {
    if (auto err = set_tcp_md5(fd, config_.address, config_.password); !err.empty()) {
      log().error("peer={} {}", config_.address.to_string(), err);
    }
  }
  if (config_.ttl_security > 0) {
    set_ttl(fd, v6, 255);
    set_min_ttl(fd, v6, 256 - config_.ttl_security);
  } else if (!ibgp_with(config_.remote_as_kind == RemoteAsKind::kNumber ? config_.remote_as : 0)) {
    set_ttl(fd, v6, config_.ebgp_multihop > 0 ? config_.ebgp_multihop : 1);
  }
}

bool Peer::ibgp_with(uint32_t remote_as) const {
  if (config_.remote_as_kind == RemoteAsKind::kInternal) return true;
  if (config_.remote_as_kind == RemoteAsKind::kExternal) return false;
  return remote_as == config_.local_as;
}

void Peer::initiate_connection() {
  auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint remote(config_.address, config_.port);
  socket->open(remote.protocol(), ec);
  if (!ec && config_.local_address) {
    socket->bind(asio::ip::tcp::endpoint(*config_.local_address, 0), ec);
  }
  if (ec) {
    if (!last_error_) set_error("local", 0, 0, "connect: " + ec.message());
    io_.post([this] { dispatch(Event::kTcpConnectionFails); });
    return;
  }
  configure_socket(*socket);
  connecting_ = socket;
  socket->async_connect(remote, [this, socket](const boost::system::error_code& cec) {
    if (connecting_ != socket) return;  // Abandoned (dropped or superseded).
    connecting_.reset();
    if (cec) {
      if (cec != asio::error::operation_aborted) {
        if (!last_error_) set_error("local", 0, 0, "connect: " + cec.message());
        dispatch(Event::kTcpConnectionFails);
      }
      return;
    }
    adopt(std::make_shared<Connection>(std::move(*socket)));
    connection_is_ours_ = true;
    dispatch(Event::kTcpCrAcked);
  });
}

codec::OpenMessage Peer::build_open() const {
  codec::OpenMessage o;
  o.my_as = config_.local_as > 0xffff ? kAsTrans : static_cast<uint16_t>(config_.local_as);
  o.hold_time = config_.timers.hold_time;
  o.bgp_identifier = config_.router_id;
  codec::OptionalParameter p;
  for (auto f :
       {codec::Family::kL2vpnEvpn, codec::Family::kIpv4Unicast, codec::Family::kIpv6Unicast}) {
    if (config_.families.has(f)) {
      p.capabilities.push_back(
          codec::MultiprotocolCapability{codec::afi_of(f), 0, codec::safi_of(f)});
    }
  }
  p.capabilities.push_back(codec::RouteRefreshCapability{});
  p.capabilities.push_back(codec::FourOctetAsCapability{config_.local_as});
  if (config_.graceful_restart) {
    codec::GracefulRestartCapability gr;
    gr.restart_time = config_.restart_time & 0x0fff;
    if (config_.restart_state) gr.flags = codec::GracefulRestartCapability::kRestartState;
    const uint8_t family_flags =
        config_.forwarding_state ? codec::GracefulRestartCapability::kForwardingState : 0;
    for (auto f :
         {codec::Family::kL2vpnEvpn, codec::Family::kIpv4Unicast, codec::Family::kIpv6Unicast}) {
      if (config_.families.has(f)) {
        gr.families.push_back({codec::afi_of(f), codec::safi_of(f), family_flags});
      }
    }
    p.capabilities.push_back(gr);
  }
  p.capabilities.push_back(codec::ExtendedMessageCapability{});
  if (!config_.hostname.empty()) {
    p.capabilities.push_back(codec::HostnameCapability{config_.hostname.substr(0, 64), ""});
  }
  o.parameters.push_back(std::move(p));
  return o;
}

std::optional<codec::NotificationMessage> Peer::check_open(const codec::OpenMessage& open) {
  const uint32_t asn = open.asn();
  bool as_ok = true;
  switch (config_.remote_as_kind) {
    case RemoteAsKind::kNumber:
      as_ok = asn == config_.remote_as;
      break;
    case RemoteAsKind::kInternal:
      as_ok = asn == config_.local_as;
      break;
    case RemoteAsKind::kExternal:
      as_ok = asn != config_.local_as;
      break;
  }
  if (!as_ok) {  // RFC 4271 §6.2: data is the My Autonomous System field.
    set_error("local", 2, 2, "peer announced AS " + std::to_string(asn));
    return codec::NotificationMessage{
        2, 2, {static_cast<uint8_t>(open.my_as >> 8), static_cast<uint8_t>(open.my_as)}};
  }
  const bool ibgp = asn == config_.local_as;
  if (ibgp && open.bgp_identifier == config_.router_id) {  // RFC 6286 §2.2
    set_error("local", 2, 3, "peer uses our BGP identifier");
    return codec::NotificationMessage{2, 3, {}};
  }
  rib::FamilySet families;
  bool any_mp = false;
  for (const auto& c : open.capabilities()) {
    if (const auto* mp = std::get_if<codec::MultiprotocolCapability>(&c)) {
      any_mp = true;
      if (auto f = codec::family_of(mp->afi, mp->safi); f && config_.families.has(*f)) {
        families.add(*f);
      }
    }
  }
  // RFC 4760 §8: a speaker without the capability supports IPv4 unicast only.
  if (!any_mp && config_.families.has(codec::Family::kIpv4Unicast)) {
    families.add(codec::Family::kIpv4Unicast);
  }
  context_ = {};
  context_.four_octet_as = open.find_capability<codec::FourOctetAsCapability>().has_value();
  context_.extended_message = open.find_capability<codec::ExtendedMessageCapability>().has_value();
  if (connection_) connection_->set_max_message_size(context_.max_message_size());
  info_ = {};
  info_.address = to_ip(config_.address);
  info_.remote_asn = asn;
  info_.local_asn = config_.local_as;
  info_.router_id = open.bgp_identifier;
  info_.ibgp = ibgp;
  info_.route_reflector_client = config_.route_reflector_client;
  info_.families = families;
  info_.context = context_;
  if (connection_) {
    const auto local = connection_->local().address();
    if (local.is_v4() || (local.is_v6() && local.to_v6().is_v4_mapped())) {
      info_.local_address = to_ip(local);
    } else {
      info_.local_ipv6_address = to_ip(local);
      info_.local_address = config_.router_id;
    }
  }
  if (auto gr = open.find_capability<codec::GracefulRestartCapability>();
      gr && config_.graceful_restart) {
    info_.graceful_restart.negotiated = true;
    info_.graceful_restart.restart_time = gr->restart_time;
    for (const auto& f : gr->families) {
      if (auto fam = codec::family_of(f.afi, f.safi)) {
        info_.graceful_restart.families.add(*fam);
        if (f.flags & codec::GracefulRestartCapability::kForwardingState) {
          info_.graceful_restart.forwarding_state.add(*fam);
        }
      }
    }
  }
  return std::nullopt;
}

void Peer::on_message(std::span<const uint8_t> bytes) {
  ++stats_.messages_received;
  const auto type = static_cast<codec::MessageType>(bytes[18]);
  auto m = codec::decode_message(bytes, context_);
  if (!m.ok()) {
    const auto& e = m.error();
    fsm::EventData d;
    d.notification = codec::NotificationMessage{e.code, e.subcode, e.data};
    log().warn("malformed message peer={} type={} offset={} error=\"{}\"",
               config_.address.to_string(), static_cast<int>(type), e.offset, e.what);
    if (type == codec::MessageType::kOpen) {
      dispatch(Event::kBgpOpenMsgErr, d);
    } else if (type == codec::MessageType::kUpdate) {
      dispatch(Event::kUpdateMsgErr, d);
    } else {
      dispatch(Event::kBgpHeaderErr, d);
    }
    return;
  }
  std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, codec::OpenMessage>) {
          if (auto err = check_open(x)) {
            fsm::EventData d;
            d.notification = *err;
            dispatch(Event::kBgpOpenMsgErr, d);
            return;
          }
          received_open_ = x;
          fsm::EventData d;
          d.peer_hold_time = x.hold_time;
          dispatch(fsm::open_event(session_), d);
        } else if constexpr (std::is_same_v<T, codec::UpdateMessage>) {
          for (const auto& e : x.errors) {
            log().warn("malformed UPDATE peer={} handling={} offset={} error=\"{}\"",
                       config_.address.to_string(), codec::to_string(e.action), e.offset, e.what);
          }
          pending_update_ = std::move(x);
          dispatch(Event::kUpdateMsg);
          pending_update_.reset();
        } else if constexpr (std::is_same_v<T, codec::NotificationMessage>) {
          std::string text =
              codec::error_code_name(x.code) + "/" + codec::error_subcode_name(x.code, x.subcode);
          if (auto c = x.shutdown_communication()) text += ": " + *c;
          set_error("received", x.code, x.subcode, text);
          notification_exchanged_ = true;
          log().warn("notification received peer={} code={} subcode={} reason=\"{}\"",
                     config_.address.to_string(), x.code, x.subcode, text);
          // Cease/Connection Collision Resolution only means "go on with my connection" while
          // the OPENs are exchanged (RFC 4271 §6.8); later it ends the session like any Cease.
          const bool opening =
              session_.state == State::kOpenSent || session_.state == State::kOpenConfirm;
          dispatch(fsm::notification_event(x));
          if (opening && x.code == fsm::kCease &&
              x.subcode == fsm::kConnectionCollisionResolution) {
            continue_on_peer_connection();
          }
        } else if constexpr (std::is_same_v<T, codec::KeepaliveMessage>) {
          dispatch(Event::kKeepAliveMsg);
        } else if constexpr (std::is_same_v<T, codec::RouteRefreshMessage>) {
          auto f = codec::family_of(x.afi, x.safi);
          if (established() && f && x.subtype == 0 && info_.families.has(*f)) {
            listener_.on_route_refresh(*this, *f);
          }
        }
      },
      *m);
}

void Peer::on_header_error(const codec::DecodeError& e) {
  fsm::EventData d;
  d.notification = codec::NotificationMessage{e.code, e.subcode, e.data};
  log().warn("bad message header peer={} error=\"{}\"", config_.address.to_string(), e.what);
  dispatch(Event::kBgpHeaderErr, d);
}

void Peer::on_closed(const std::string& reason) {
  connection_.reset();
  if (!notification_exchanged_) set_error("local", 0, 0, reason);
  log().info("connection closed peer={} reason=\"{}\"", config_.address.to_string(), reason);
  dispatch(Event::kTcpConnectionFails);
  if (collision_) continue_on_peer_connection();
}

void Peer::continue_on_peer_connection() {
  if (config_.shutdown || connection_) return;
  log().info("connection collision peer={} our connection was closed, continuing on the peer's{}",
             config_.address.to_string(), collision_ ? "" : " when it comes");
  if (session_.state == State::kIdle) {
    // No restart delay: this is no failure of the peer, and Idle would refuse its connection.
    dispatch(Event::kManualStartWithPassiveTcpEstablishment);
    session_.passive = config_.passive;
  }
  if (!collision_ || (session_.state != State::kActive && session_.state != State::kConnect)) {
    return;  // In Active, accept() takes the peer's connection when it comes.
  }
  if (connecting_) {
    boost::system::error_code ec;
    connecting_->close(ec);
    connecting_.reset();
  }
  auto incoming = std::move(collision_);
  collision_.reset();
  adopt(incoming);
  connection_is_ours_ = false;
  dispatch(Event::kTcpConnectionConfirmed);
}

void Peer::send(const codec::Message& m) {
  if (!connection_) return;
  ++stats_.messages_sent;
  connection_->send(codec::encode(m, context_));
}

void Peer::send_update(const codec::UpdateMessage& update) {
  if (!established() || !connection_) return;
  ++stats_.updates_sent;
  ++stats_.messages_sent;
  std::vector<uint8_t> bytes;
  codec::encode(codec::Message{update}, context_, bytes);
  connection_->send(std::move(bytes));
}

uint64_t Peer::queued_bytes() const { return connection_ ? connection_->bytes_queued() : 0; }

uint64_t Peer::state_seconds() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::steady_clock::now() - state_since_)
                                   .count());
}

uint32_t Peer::remote_as() const {
  if (received_open_) return received_open_->asn();
  if (config_.remote_as_kind == RemoteAsKind::kInternal) return config_.local_as;
  return config_.remote_as;
}

std::optional<asio::ip::tcp::endpoint> Peer::local_endpoint() const {
  if (!connection_) return std::nullopt;
  return connection_->local();
}

std::optional<asio::ip::tcp::endpoint> Peer::remote_endpoint() const {
  if (!connection_) return std::nullopt;
  return connection_->remote();
}

void Peer::set_error(std::string direction, uint8_t code, uint8_t subcode, std::string message) {
  last_error_ = LastError{std::move(direction), code, subcode, std::move(message),
                          std::chrono::steady_clock::now()};
}

}  // namespace evpnd::session
