// The outputs of the BGP finite state machine: what RFC 4271 §8.2.2 tells the local system to
// do on each transition (start or stop one of the five timers of §8 and §10, open or drop the
// TCP connection, send OPEN/KEEPALIVE/NOTIFICATION, release resources, delete routes, count
// connection attempts). The FSM only lists them; bgpd/session performs them, in order.
#pragma once

#include <cstdint>
#include <string>

#include "bgpd/codec/message.h"

namespace evpnd::fsm {

/// The FSM's timers (RFC 4271 §8, §10; DelayOpen and IdleHold are the optional ones of §8.1.1).
enum class Timer : uint8_t {
  kConnectRetry,
  kHold,
  kKeepalive,
  kDelayOpen,
  kIdleHold,
};

/// "ConnectRetryTimer", "HoldTimer", "KeepaliveTimer", "DelayOpenTimer", "IdleHoldTimer".
const char* to_string(Timer timer);

enum class ActionType : uint8_t {
  /// Arm `timer` to expire after `seconds`, replacing any running instance (the RFC's "start",
  /// "restart", "set to the initial value"). The caller applies jitter where is_jittered() says.
  kStartTimer,
  /// Cancel `timer` (the RFC's "stop", "reset to zero"). A no-op if it is not running.
  kStopTimer,
  /// Open a TCP connection to the peer (port 179).
  kInitiateTcpConnection,
  /// Refuse the incoming connection that raised Tcp_CR_Invalid (Connect and Active only; the
  /// other states ignore it).
  kRejectTcpConnection,
  /// Close this FSM's TCP connection. A no-op if it has none (e.g. after TcpConnectionFails).
  kDropTcpConnection,
  kSendOpen,
  kSendKeepalive,
  /// Send `notification`; it always precedes the kDropTcpConnection of the same transition.
  kSendNotification,
  /// Release the connection's BGP resources: stop the Hold, Keepalive and DelayOpen timers
  /// (RFC 4271 §8.2.2 Active/ManualStop: "releases all BGP resources including stopping the
  /// DelayOpenTimer") and free its buffers, received OPEN and negotiated capabilities. Never
  /// touches the ConnectRetryTimer or the IdleHoldTimer, nor routes (kDeleteRoutes).
  kReleaseResources,
  /// The session left Established: delete (or, under graceful restart, mark stale) all routes
  /// learned from it and stop advertising to it.
  kDeleteRoutes,
  /// Hand the UPDATE that raised UpdateMsg to the RIB.
  kProcessUpdate,
  /// The session reached Established: start route exchange (send the Adj-RIB-Out, End-of-RIB).
  kSessionEstablished,
  kIncrementConnectRetryCounter,
  kZeroConnectRetryCounter,
};

/// "StartTimer", "StopTimer", "InitiateTcpConnection", ... (the enumerator without its k).
const char* to_string(ActionType type);

/// One thing to do. Only the fields of its type are meaningful; the others keep their defaults
/// so that actions compare equal by value.
struct Action {
  ActionType type = ActionType::kStartTimer;
  Timer timer = Timer::kConnectRetry;       ///< kStartTimer, kStopTimer.
  uint16_t seconds = 0;                     ///< kStartTimer: the duration before jitter.
  codec::NotificationMessage notification;  ///< kSendNotification.

  /// Factories. `seconds` is the timer's duration in whole seconds, before jitter.
  static Action start_timer(Timer timer, uint16_t seconds);
  static Action stop_timer(Timer timer);
  static Action send_notification(codec::NotificationMessage notification);
  /// An action without parameters (any type but the three above).
  static Action make(ActionType type);

  bool operator==(const Action&) const = default;
};

/// For logs and test failures: "StartTimer HoldTimer 240s", "StopTimer ConnectRetryTimer",
/// "SendNotification 5/1 data=04", "SendOpen".
std::string to_string(const Action& action);

/// NOTIFICATION error codes and subcodes the FSM itself sends (RFC 4271 §4.5, RFC 4486,
/// RFC 6608); errors found while decoding come from the codec through EventData.
inline constexpr uint8_t kMessageHeaderError = 1;
inline constexpr uint8_t kOpenMessageError = 2;
inline constexpr uint8_t kUpdateMessageError = 3;
inline constexpr uint8_t kHoldTimerExpired = 4;
inline constexpr uint8_t kFiniteStateMachineError = 5;
inline constexpr uint8_t kCease = 6;
/// OPEN Message Error subcode (RFC 4271 §6.2).
inline constexpr uint8_t kUnacceptableHoldTime = 6;
/// Finite State Machine Error subcodes (RFC 6608 §3).
inline constexpr uint8_t kUnspecifiedError = 0;
inline constexpr uint8_t kUnexpectedMessageInOpenSent = 1;
inline constexpr uint8_t kUnexpectedMessageInOpenConfirm = 2;
inline constexpr uint8_t kUnexpectedMessageInEstablished = 3;
/// Cease subcodes (RFC 4486 §4).
inline constexpr uint8_t kAdministrativeShutdown = 2;
inline constexpr uint8_t kAdministrativeReset = 4;
inline constexpr uint8_t kConnectionCollisionResolution = 7;

}  // namespace evpnd::fsm
