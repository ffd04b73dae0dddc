// The inputs of the BGP finite state machine: the RFC 4271 §8.1 events evpnd generates
// (administrative §8.1.2, timer §8.1.3, TCP §8.1.4 and message §8.1.5 events) and the few
// facts some of them carry (the peer's Hold Time, the NOTIFICATION an error calls for).
#pragma once

#include <cstdint>
#include <optional>

#include "bgpd/codec/message.h"

namespace evpnd::fsm {

/// An RFC 4271 §8.1 event; the value is the RFC's event number. Events 6-8
/// (AutomaticStart_with_DampPeerOscillations[_and_PassiveTcpEstablishment], AutomaticStop)
/// are not used by evpnd: damping is built into the IdleHoldTimer (see state_machine.h).
enum class Event : uint8_t {
  kManualStart = 1,
  kManualStop = 2,
  kAutomaticStart = 3,
  kManualStartWithPassiveTcpEstablishment = 4,
  kAutomaticStartWithPassiveTcpEstablishment = 5,
  kConnectRetryTimerExpires = 9,
  kHoldTimerExpires = 10,
  kKeepaliveTimerExpires = 11,
  kDelayOpenTimerExpires = 12,
  kIdleHoldTimerExpires = 13,
  kTcpConnectionValid = 14,
  kTcpCrInvalid = 15,
  kTcpCrAcked = 16,
  kTcpConnectionConfirmed = 17,
  kTcpConnectionFails = 18,
  kBgpOpen = 19,
  kBgpOpenWithDelayOpenTimerRunning = 20,
  kBgpHeaderErr = 21,
  kBgpOpenMsgErr = 22,
  kOpenCollisionDump = 23,
  kNotifMsgVerErr = 24,
  kNotifMsg = 25,
  kKeepAliveMsg = 26,
  kUpdateMsg = 27,
  kUpdateMsgErr = 28,
};

/// Every event evpnd uses, in RFC order (for tables and tests).
inline constexpr Event kAllEvents[] = {
    Event::kManualStart,
    Event::kManualStop,
    Event::kAutomaticStart,
    Event::kManualStartWithPassiveTcpEstablishment,
    Event::kAutomaticStartWithPassiveTcpEstablishment,
    Event::kConnectRetryTimerExpires,
    Event::kHoldTimerExpires,
    Event::kKeepaliveTimerExpires,
    Event::kDelayOpenTimerExpires,
    Event::kIdleHoldTimerExpires,
    Event::kTcpConnectionValid,
    Event::kTcpCrInvalid,
    Event::kTcpCrAcked,
    Event::kTcpConnectionConfirmed,
    Event::kTcpConnectionFails,
    Event::kBgpOpen,
    Event::kBgpOpenWithDelayOpenTimerRunning,
    Event::kBgpHeaderErr,
    Event::kBgpOpenMsgErr,
    Event::kOpenCollisionDump,
    Event::kNotifMsgVerErr,
    Event::kNotifMsg,
    Event::kKeepAliveMsg,
    Event::kUpdateMsg,
    Event::kUpdateMsgErr,
};

/// The RFC 4271 §8.1 name, e.g. "ManualStart", "Tcp_CR_Acked", "BGPOpen with DelayOpenTimer
/// running" (event 20 is the only one the RFC spells with spaces).
const char* to_string(Event event);

/// What some events carry besides their number. Every field has a usable default.
struct EventData {
  /// kBgpOpen and kBgpOpenWithDelayOpenTimerRunning: the Hold Time field of the OPEN received,
  /// in seconds. The FSM negotiates it with Config::hold_time (negotiate_hold_time); a value of
  /// 1 or 2 turns the event into an OPEN Message Error, Unacceptable Hold Time (2/6). When
  /// absent, the peer counts as proposing our own hold time.
  std::optional<uint16_t> peer_hold_time;

  /// The NOTIFICATION the event calls for, when the caller knows it:
  ///  - kBgpHeaderErr, kBgpOpenMsgErr, kUpdateMsgErr: the codec's DecodeError code, subcode and
  ///    data (RFC 4271 §6.1-§6.3); default: code 1, 2 or 3 with subcode 0 (unspecific).
  ///  - kManualStop: the Cease to send; default Cease/Administrative Shutdown (6/2, RFC 4486),
  ///    e.g. 6/4 Administrative Reset for `clear`, with an RFC 8203 communication in data.
  ///  - kOpenCollisionDump: default Cease/Connection Collision Resolution (6/7, RFC 4486).
  /// Ignored for other events.
  std::optional<codec::NotificationMessage> notification;

  /// Seconds the session has been in Established when the event arrives (the caller keeps the
  /// clock). Read only when leaving Established: at Config::idle_hold_reset_time or more, peer
  /// oscillation damping forgets earlier failures.
  uint32_t established_seconds = 0;
};

/// The event a received NOTIFICATION raises: kNotifMsgVerErr for OPEN Message Error /
/// Unsupported Version Number (2/1), else kNotifMsg.
Event notification_event(const codec::NotificationMessage& notification);

}  // namespace evpnd::fsm
