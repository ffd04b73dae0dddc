#include "bgpd/fsm/state_machine.h"

#include <limits>
#include <optional>
#include <utility>

namespace evpnd::fsm {
namespace {

using codec::NotificationMessage;

enum class Counter : uint8_t { kKeep, kIncrement, kZero };
enum class Restart : uint8_t { kNone, kPlain, kDamped };

// How a transition to Idle tears the connection down (see the fixed order in the header). The
// default is the RFC's most common paragraph: stop the ConnectRetryTimer, release, drop,
// increment the ConnectRetryCounter, damp.
struct Teardown {
  std::optional<NotificationMessage> notification;
  bool stop_connect_retry = true;
  bool stop_delay_open = false;
  bool drop = true;
  Counter counter = Counter::kIncrement;
  Restart restart = Restart::kDamped;

  Teardown& send(NotificationMessage n) {
    notification = std::move(n);
    return *this;
  }
  Teardown& keep_connect_retry() {
    stop_connect_retry = false;
    return *this;
  }
  Teardown& stop_delay_open_if(bool b) {
    stop_delay_open = b;
    return *this;
  }
  Teardown& no_drop() {
    drop = false;
    return *this;
  }
  // ManualStop: zero the counter, no automatic restart.
  Teardown& manual_stop() {
    counter = Counter::kZero;
    restart = Restart::kNone;
    return *this;
  }
  // NotifMsgVerErr paths: no counter, no damping (the restart still happens).
  Teardown& undamped() {
    counter = Counter::kKeep;
    restart = Restart::kPlain;
    return *this;
  }
};

NotificationMessage notification(uint8_t code, uint8_t subcode, std::vector<uint8_t> data = {}) {
  NotificationMessage n;
  n.code = code;
  n.subcode = subcode;
  n.data = std::move(data);
  return n;
}

bool is_start(Event e) {
  return e == Event::kManualStart || e == Event::kAutomaticStart ||
         e == Event::kManualStartWithPassiveTcpEstablishment ||
         e == Event::kAutomaticStartWithPassiveTcpEstablishment;
}

// The message type behind a message event, for RFC 6608's data octet; nullopt for the others.
std::optional<codec::MessageType> message_of(Event e) {
  switch (e) {
    case Event::kBgpOpen:
    case Event::kBgpOpenWithDelayOpenTimerRunning:
    case Event::kBgpOpenMsgErr:
      return codec::MessageType::kOpen;
    case Event::kUpdateMsg:
    case Event::kUpdateMsgErr:
      return codec::MessageType::kUpdate;
    case Event::kNotifMsg:
    case Event::kNotifMsgVerErr:
      return codec::MessageType::kNotification;
    case Event::kKeepAliveMsg:
      return codec::MessageType::kKeepalive;
    default:
      return std::nullopt;
  }
}

class Builder {
 public:
  Builder(const Session& in, Event event, const EventData& data)
      : in_(in), event_(event), data_(data) {
    out_.session = in;
  }

  const Session& in() const { return in_; }
  const Config& config() const { return in_.config; }
  const EventData& data() const { return data_; }
  Event event() const { return event_; }
  Session& next() { return out_.session; }

  void start(Timer t, uint16_t seconds) {
    out_.actions.push_back(Action::start_timer(t, seconds));
    if (t == Timer::kDelayOpen) next().delay_open_timer_running = true;
    if (t == Timer::kIdleHold) next().idle_hold_timer_running = true;
  }

  void stop(Timer t) {
    out_.actions.push_back(Action::stop_timer(t));
    if (t == Timer::kDelayOpen) next().delay_open_timer_running = false;
    if (t == Timer::kIdleHold) next().idle_hold_timer_running = false;
  }

  void act(ActionType type) {
    out_.actions.push_back(Action::make(type));
    switch (type) {
      case ActionType::kReleaseResources:
        next().delay_open_timer_running = false;
        break;
      case ActionType::kIncrementConnectRetryCounter:
        if (next().connect_retry_counter < std::numeric_limits<uint32_t>::max()) {
          ++next().connect_retry_counter;
        }
        break;
      case ActionType::kZeroConnectRetryCounter:
        next().connect_retry_counter = 0;
        break;
      default:
        break;
    }
  }

  void notify(NotificationMessage n) {
    out_.actions.push_back(Action::send_notification(std::move(n)));
  }

  Transition done(State state) {
    next().state = state;
    return std::move(out_);
  }

  Transition ignore() { return done(in_.state); }

  // Every transition to Idle goes through here.
  Transition to_idle(Teardown t) {
    if (t.notification) notify(std::move(*t.notification));
    if (t.stop_connect_retry) stop(Timer::kConnectRetry);
    if (t.stop_delay_open) stop(Timer::kDelayOpen);
    if (in_.state == State::kEstablished) act(ActionType::kDeleteRoutes);
    act(ActionType::kReleaseResources);
    if (t.drop) act(ActionType::kDropTcpConnection);
    if (t.counter == Counter::kIncrement) act(ActionType::kIncrementConnectRetryCounter);
    if (t.counter == Counter::kZero) act(ActionType::kZeroConnectRetryCounter);
    if (t.restart != Restart::kNone) restart_later(t.restart == Restart::kDamped);
    next().hold_time = 0;
    next().keepalive_time = 0;
    next().delay_open_timer_running = false;
    return done(State::kIdle);
  }

  // --- notifications ---

  // Cease on ManualStop, 6/2 unless the caller chose another subcode or a communication.
  NotificationMessage cease() const {
    return data_.notification ? *data_.notification : notification(kCease, kAdministrativeShutdown);
  }

  NotificationMessage collision() const {
    return data_.notification ? *data_.notification
                              : notification(kCease, kConnectionCollisionResolution);
  }

  // The decoding error behind BGPHeaderErr, BGPOpenMsgErr or UpdateMsgErr.
  NotificationMessage message_error() const {
    if (data_.notification) return *data_.notification;
    switch (event_) {
      case Event::kBgpHeaderErr:
        return notification(kMessageHeaderError, 0);
      case Event::kBgpOpenMsgErr:
        return notification(kOpenMessageError, 0);
      default:
        return notification(kUpdateMessageError, 0);
    }
  }

  // RFC 6608: the subcode names the state; the data octet is the unexpected message's type.
  NotificationMessage fsm_error() const {
    const auto type = message_of(event_);
    if (!type) return notification(kFiniteStateMachineError, kUnspecifiedError);
    uint8_t subcode = kUnspecifiedError;
    switch (in_.state) {
      case State::kOpenSent:
        subcode = kUnexpectedMessageInOpenSent;
        break;
      case State::kOpenConfirm:
        subcode = kUnexpectedMessageInOpenConfirm;
        break;
      case State::kEstablished:
        subcode = kUnexpectedMessageInEstablished;
        break;
      default:
        break;
    }
    return notification(kFiniteStateMachineError, subcode, {static_cast<uint8_t>(*type)});
  }

  // --- shared sequences ---

  // Idle + a start event (or the automatic restart): Connect, or Active when passive.
  Transition start_session(bool passive) {
    next().passive = passive;
    act(ActionType::kZeroConnectRetryCounter);
    start(Timer::kConnectRetry, config().connect_retry_time);
    if (passive) return done(State::kActive);
    act(ActionType::kInitiateTcpConnection);
    return done(State::kConnect);
  }

  // Connect/Active + Tcp_CR_Acked or TcpConnectionConfirmed.
  Transition tcp_up() {
    stop(Timer::kConnectRetry);
    if (config().delay_open) {
      start(Timer::kDelayOpen, config().delay_open_time);
      return ignore();
    }
    act(ActionType::kSendOpen);
    start(Timer::kHold, config().open_hold_time);
    return done(State::kOpenSent);
  }

  // The peer's OPEN is accepted: negotiated timers, KeepaliveTimer and HoldTimer.
  void open_accepted(const HoldTimes& times) {
    next().hold_time = times.hold_time;
    next().keepalive_time = times.keepalive_time;
    if (times.hold_time != 0) {
      start(Timer::kKeepalive, times.keepalive_time);
      start(Timer::kHold, times.hold_time);
    } else {
      stop(Timer::kKeepalive);
      stop(Timer::kHold);
    }
  }

  std::optional<HoldTimes> negotiate() const {
    return negotiate_hold_time(config().hold_time, config().keepalive_time,
                               data_.peer_hold_time.value_or(config().hold_time));
  }

 private:
  // Schedules the automatic restart; `damped`: this failure grows the IdleHoldTime.
  void restart_later(bool damped) {
    const Config& c = config();
    const uint16_t base = c.idle_hold_time == 0 ? 1 : c.idle_hold_time;
    uint16_t delay = base;
    if (!c.damp_peer_oscillations) {
      next().idle_hold_time = 0;
    } else {
      uint16_t current = in_.idle_hold_time;
      if (in_.state == State::kEstablished && data_.established_seconds >= c.idle_hold_reset_time) {
        current = 0;
      }
      if (damped) {
        delay = next_idle_hold_time(c, current);
        next().idle_hold_time = delay;
      } else {
        delay = current == 0 ? base : current;
        next().idle_hold_time = current;
      }
    }
    start(Timer::kIdleHold, delay);
  }

  const Session& in_;
  Event event_;
  const EventData& data_;
  Transition out_;
};

Transition idle(Builder& b) {
  const Session& s = b.in();
  switch (b.event()) {
    case Event::kManualStart:
    case Event::kManualStartWithPassiveTcpEstablishment:
      if (s.idle_hold_timer_running) b.stop(Timer::kIdleHold);
      return b.start_session(b.event() == Event::kManualStartWithPassiveTcpEstablishment);
    case Event::kAutomaticStart:
    case Event::kAutomaticStartWithPassiveTcpEstablishment:
      // Damping holds the peer in Idle until the IdleHoldTimer expires.
      if (s.idle_hold_timer_running) return b.ignore();
      return b.start_session(b.event() == Event::kAutomaticStartWithPassiveTcpEstablishment);
    case Event::kIdleHoldTimerExpires:
      if (!s.idle_hold_timer_running) return b.ignore();  // stale: cancelled by ManualStop
      b.next().idle_hold_timer_running = false;
      return b.start_session(s.passive);
    case Event::kManualStop:
      if (s.idle_hold_timer_running) b.stop(Timer::kIdleHold);
      return b.ignore();
    default:
      return b.ignore();
  }
}

Transition connect(Builder& b) {
  const Session& s = b.in();
  const Config& c = b.config();
  switch (b.event()) {
    case Event::kManualStop:
      return b.to_idle(Teardown().manual_stop());
    case Event::kConnectRetryTimerExpires:
      b.act(ActionType::kDropTcpConnection);
      b.start(Timer::kConnectRetry, c.connect_retry_time);
      b.stop(Timer::kDelayOpen);
      b.act(ActionType::kInitiateTcpConnection);
      return b.ignore();
    case Event::kDelayOpenTimerExpires:
      b.next().delay_open_timer_running = false;
      b.act(ActionType::kSendOpen);
      b.start(Timer::kHold, c.open_hold_time);
      return b.done(State::kOpenSent);
    case Event::kTcpConnectionValid:
      return b.ignore();
    case Event::kTcpCrInvalid:
      b.act(ActionType::kRejectTcpConnection);
      return b.ignore();
    case Event::kTcpCrAcked:
    case Event::kTcpConnectionConfirmed:
      return b.tcp_up();
    case Event::kTcpConnectionFails:
      // With a running DelayOpenTimer as the RFC says; without one, Active instead of Idle
      // (see the header).
      b.start(Timer::kConnectRetry, c.connect_retry_time);
      if (s.delay_open_timer_running) b.stop(Timer::kDelayOpen);
      return b.done(State::kActive);
    case Event::kBgpOpenWithDelayOpenTimerRunning: {
      const auto times = b.negotiate();
      if (!times) return b.to_idle(Teardown());  // as BGPOpenMsgErr
      b.stop(Timer::kConnectRetry);
      b.stop(Timer::kDelayOpen);
      b.act(ActionType::kSendOpen);
      b.act(ActionType::kSendKeepalive);
      b.open_accepted(*times);
      return b.done(State::kOpenConfirm);
    }
    case Event::kBgpHeaderErr:
    case Event::kBgpOpenMsgErr:
      return b.to_idle(Teardown());
    case Event::kNotifMsgVerErr:
      if (s.delay_open_timer_running) {
        return b.to_idle(Teardown().stop_delay_open_if(true).undamped());
      }
      return b.to_idle(Teardown());
    default:
      if (is_start(b.event())) return b.ignore();
      return b.to_idle(Teardown().stop_delay_open_if(s.delay_open_timer_running));
  }
}

Transition active(Builder& b) {
  const Session& s = b.in();
  const Config& c = b.config();
  switch (b.event()) {
    case Event::kManualStop:
      return b.to_idle(Teardown().manual_stop());
    case Event::kConnectRetryTimerExpires:
      b.start(Timer::kConnectRetry, c.connect_retry_time);
      if (s.passive) return b.ignore();
      b.act(ActionType::kInitiateTcpConnection);
      return b.done(State::kConnect);
    case Event::kDelayOpenTimerExpires:
      b.stop(Timer::kConnectRetry);
      b.stop(Timer::kDelayOpen);
      b.act(ActionType::kSendOpen);
      b.start(Timer::kHold, c.open_hold_time);
      return b.done(State::kOpenSent);
    case Event::kTcpConnectionValid:
      return b.ignore();
    case Event::kTcpCrInvalid:
      b.act(ActionType::kRejectTcpConnection);
      return b.ignore();
    case Event::kTcpCrAcked:
    case Event::kTcpConnectionConfirmed:
      return b.tcp_up();
    case Event::kTcpConnectionFails:
      b.start(Timer::kConnectRetry, c.connect_retry_time);
      return b.to_idle(Teardown().keep_connect_retry().stop_delay_open_if(true).no_drop());
    case Event::kBgpOpenWithDelayOpenTimerRunning: {
      const auto times = b.negotiate();
      if (!times) return b.to_idle(Teardown());  // as BGPOpenMsgErr
      b.stop(Timer::kConnectRetry);
      b.stop(Timer::kDelayOpen);
      b.act(ActionType::kSendOpen);
      b.act(ActionType::kSendKeepalive);
      b.open_accepted(*times);
      return b.done(State::kOpenConfirm);
    }
    case Event::kNotifMsgVerErr:
      if (s.delay_open_timer_running) {
        return b.to_idle(Teardown().stop_delay_open_if(true).undamped());
      }
      return b.to_idle(Teardown());
    default:
      // BGPHeaderErr and BGPOpenMsgErr (no NOTIFICATION: SendNOTIFICATIONwithoutOPEN is FALSE)
      // and all other events.
      if (is_start(b.event())) return b.ignore();
      return b.to_idle(Teardown());
  }
}

Transition open_sent(Builder& b) {
  const Config& c = b.config();
  switch (b.event()) {
    case Event::kManualStop:
      return b.to_idle(Teardown().send(b.cease()).manual_stop());
    case Event::kHoldTimerExpires:
      return b.to_idle(Teardown().send(notification(kHoldTimerExpired, 0)));
    case Event::kTcpConnectionValid:
    case Event::kTcpCrInvalid:
    case Event::kTcpCrAcked:
    case Event::kTcpConnectionConfirmed:
      // A second connection: it has its own FSM; collisions come back as OpenCollisionDump.
      return b.ignore();
    case Event::kTcpConnectionFails:
      b.act(ActionType::kReleaseResources);
      b.act(ActionType::kDropTcpConnection);
      b.start(Timer::kConnectRetry, c.connect_retry_time);
      return b.done(State::kActive);
    case Event::kBgpOpen: {
      const auto times = b.negotiate();
      if (!times) {
        return b.to_idle(Teardown().send(notification(kOpenMessageError, kUnacceptableHoldTime)));
      }
      b.stop(Timer::kDelayOpen);
      b.stop(Timer::kConnectRetry);
      b.act(ActionType::kSendKeepalive);
      b.open_accepted(*times);
      return b.done(State::kOpenConfirm);
    }
    case Event::kBgpHeaderErr:
    case Event::kBgpOpenMsgErr:
      return b.to_idle(Teardown().send(b.message_error()));
    case Event::kOpenCollisionDump:
      return b.to_idle(Teardown().send(b.collision()));
    case Event::kNotifMsgVerErr:
      return b.to_idle(Teardown().undamped());
    case Event::kNotifMsg:
      return b.to_idle(Teardown());  // never answer a NOTIFICATION with one
    default:
      if (is_start(b.event())) return b.ignore();
      return b.to_idle(Teardown().send(b.fsm_error()));
  }
}

Transition open_confirm(Builder& b) {
  const Session& s = b.in();
  switch (b.event()) {
    case Event::kManualStop:
      return b.to_idle(Teardown().send(b.cease()).manual_stop());
    case Event::kHoldTimerExpires:
      return b.to_idle(Teardown().send(notification(kHoldTimerExpired, 0)));
    case Event::kKeepaliveTimerExpires:
      b.act(ActionType::kSendKeepalive);
      if (s.keepalive_time != 0) b.start(Timer::kKeepalive, s.keepalive_time);
      return b.ignore();
    case Event::kTcpConnectionValid:
    case Event::kTcpCrInvalid:
    case Event::kTcpCrAcked:
    case Event::kTcpConnectionConfirmed:
      return b.ignore();
    case Event::kTcpConnectionFails:
    case Event::kNotifMsg:
      return b.to_idle(Teardown());
    case Event::kNotifMsgVerErr:
      return b.to_idle(Teardown().undamped());
    case Event::kBgpHeaderErr:
    case Event::kBgpOpenMsgErr:
      return b.to_idle(Teardown().send(b.message_error()));
    case Event::kOpenCollisionDump:
      return b.to_idle(Teardown().send(b.collision()));
    case Event::kKeepAliveMsg:
      if (s.hold_time != 0) b.start(Timer::kHold, s.hold_time);
      b.act(ActionType::kSessionEstablished);
      return b.done(State::kEstablished);
    default:
      // ConnectRetryTimer_Expires, DelayOpenTimer_Expires, IdleHoldTimer_Expires, an OPEN on
      // this connection (19, 20), UpdateMsg, UpdateMsgErr.
      if (is_start(b.event())) return b.ignore();
      return b.to_idle(Teardown().send(b.fsm_error()));
  }
}

Transition established(Builder& b) {
  const Session& s = b.in();
  switch (b.event()) {
    case Event::kManualStop:
      return b.to_idle(Teardown().send(b.cease()).manual_stop());
    case Event::kHoldTimerExpires:
      return b.to_idle(Teardown().send(notification(kHoldTimerExpired, 0)));
    case Event::kKeepaliveTimerExpires:
      b.act(ActionType::kSendKeepalive);
      if (s.hold_time != 0) b.start(Timer::kKeepalive, s.keepalive_time);
      return b.ignore();
    case Event::kTcpConnectionValid:
    case Event::kTcpCrInvalid:
    case Event::kTcpCrAcked:
    case Event::kTcpConnectionConfirmed:
      return b.ignore();
    case Event::kTcpConnectionFails:
    case Event::kNotifMsgVerErr:
    case Event::kNotifMsg:
      return b.to_idle(Teardown());
    case Event::kBgpHeaderErr:
      return b.to_idle(Teardown().send(b.message_error()));
    case Event::kOpenCollisionDump:
      return b.to_idle(Teardown().send(b.collision()));
    case Event::kKeepAliveMsg:
      if (s.hold_time != 0) b.start(Timer::kHold, s.hold_time);
      return b.ignore();
    case Event::kUpdateMsg:
      b.act(ActionType::kProcessUpdate);
      if (s.hold_time != 0) b.start(Timer::kHold, s.hold_time);
      return b.ignore();
    case Event::kUpdateMsgErr:
      return b.to_idle(Teardown().send(b.message_error()));
    default:
      // ConnectRetryTimer_Expires, DelayOpenTimer_Expires, IdleHoldTimer_Expires, an OPEN on
      // this connection (19, 20, 22).
      if (is_start(b.event())) return b.ignore();
      return b.to_idle(Teardown().send(b.fsm_error()));
  }
}

}  // namespace

Transition step(const Session& session, Event event, const EventData& data) {
  Builder b(session, event, data);
  switch (session.state) {
    case State::kIdle:
      return idle(b);
    case State::kConnect:
      return connect(b);
    case State::kActive:
      return active(b);
    case State::kOpenSent:
      return open_sent(b);
    case State::kOpenConfirm:
      return open_confirm(b);
    case State::kEstablished:
      return established(b);
  }
  return b.ignore();
}

Event open_event(const Session& session) {
  return session.delay_open_timer_running ? Event::kBgpOpenWithDelayOpenTimerRunning
                                          : Event::kBgpOpen;
}

}  // namespace evpnd::fsm
