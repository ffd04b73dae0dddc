// The variables of one BGP finite state machine (RFC 4271 §8: the mandatory session attributes
// and the optional DelayOpen, DampPeerOscillations/IdleHoldTime and PassiveTcpEstablishment
// ones of §8.1.1) and the per-peer settings they are derived from. step() maps one Session to
// the next; nothing else is kept anywhere.
#pragma once

#include <cstdint>

#include "bgpd/fsm/state.h"

namespace evpnd::fsm {

/// Defaults for a data-center fabric, in seconds. The config may override every one of them.
inline constexpr uint16_t kDefaultHoldTime = 9;
inline constexpr uint16_t kDefaultKeepaliveTime = 3;
inline constexpr uint16_t kDefaultConnectRetryTime = 5;
/// The "large value" the HoldTimer gets while waiting for the peer's OPEN: 4 minutes
/// (RFC 4271 §8.2.2 Connect and Active, §10).
inline constexpr uint16_t kLargeHoldTime = 240;
/// DelayOpenTime when DelayOpen is turned on without a value (FRR's default).
inline constexpr uint16_t kDefaultDelayOpenTime = 120;
/// Restart delays of a peer that went down (see Config::idle_hold_time): the first automatic
/// restart waits 1 s (FRR's initial start timer), each further failure doubles the wait up to
/// 120 s (FRR's cap, and RFC 4271 §8.1.1's example), and a session that then stays Established
/// for 300 s (BIRD's "error forget time", the RFC's "5 minutes") starts again from 1 s.
inline constexpr uint16_t kDefaultIdleHoldTime = 1;
inline constexpr uint16_t kDefaultMaxIdleHoldTime = 120;
inline constexpr uint32_t kDefaultIdleHoldResetTime = 300;

/// Per-peer FSM settings (from the config; constant while the session runs). Times in seconds.
struct Config {
  /// ConnectRetryTime: wait between two outgoing connection attempts.
  uint16_t connect_retry_time = kDefaultConnectRetryTime;
  /// The Hold Time we put in our OPEN: 0 (no keepalives) or at least 3 (RFC 4271 §4.2; config
  /// validation rejects 1 and 2).
  uint16_t hold_time = kDefaultHoldTime;
  /// Upper bound of the negotiated KeepaliveTime; 0 means one third of the hold time.
  uint16_t keepalive_time = kDefaultKeepaliveTime;
  /// HoldTimer while in OpenSent (RFC 4271 §8.2.2 "a large value").
  uint16_t open_hold_time = kLargeHoldTime;
  /// DelayOpen (RFC 4271 §8.1.1 group 4): on TCP success, wait DelayOpenTime for the peer's OPEN
  /// before sending ours.
  bool delay_open = false;
  uint16_t delay_open_time = kDefaultDelayOpenTime;
  /// DampPeerOscillations (RFC 4271 §8.1.1 group 1): the restart delay grows while the peer
  /// keeps failing. Without it every automatic restart waits idle_hold_time.
  bool damp_peer_oscillations = true;
  /// IdleHoldTime of the first automatic restart after a failure (0 counts as 1).
  uint16_t idle_hold_time = kDefaultIdleHoldTime;
  /// Cap of the doubling IdleHoldTime.
  uint16_t max_idle_hold_time = kDefaultMaxIdleHoldTime;
  /// A session that stayed Established this long is stable: its failure restarts from
  /// idle_hold_time.
  uint32_t idle_hold_reset_time = kDefaultIdleHoldResetTime;

  bool operator==(const Config&) const = default;
};

/// The FSM variables of one connection. A default Session is a freshly configured peer in Idle.
struct Session {
  Config config;
  State state = State::kIdle;
  /// ConnectRetryCounter (RFC 4271 §8): zeroed by start and stop events, incremented by most
  /// failures. Saturates at its maximum.
  uint32_t connect_retry_counter = 0;
  /// PassiveTcpEstablishment as chosen by the last start event (4 and 5 set it, 1 and 3 clear
  /// it). A passive session never initiates a connection, also not on automatic restarts.
  bool passive = false;
  /// Whether the DelayOpenTimer is running (Connect and Active only).
  bool delay_open_timer_running = false;
  /// Whether the IdleHoldTimer is running, i.e. an automatic restart is pending (Idle only).
  bool idle_hold_timer_running = false;
  /// Negotiated HoldTime and KeepaliveTime in seconds (0 = no keepalives); set when the peer's
  /// OPEN is accepted, back to 0 in Idle.
  uint16_t hold_time = 0;
  uint16_t keepalive_time = 0;
  /// Current IdleHoldTime: the delay of the last automatic restart, 0 before the first one.
  uint16_t idle_hold_time = 0;

  bool operator==(const Session&) const = default;
};

}  // namespace evpnd::fsm
