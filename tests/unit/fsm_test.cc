// The BGP finite state machine (RFC 4271 §8.2.2) as a full state x event matrix: for every
// state (plus the variants with a running DelayOpenTimer or IdleHoldTimer) and every event,
// the next state and the exact action list, written by hand from the RFC text. Then focused
// tests for Hold Time negotiation (§4.2), jitter (§10), collision resolution (§6.8), damping,
// DelayOpen, passive start and the evpnd choices documented in bgpd/fsm/state_machine.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "bgpd/fsm/collision.h"
#include "bgpd/fsm/state_machine.h"

namespace evpnd::fsm {

// Readable failure messages (found by argument-dependent lookup).
// NOLINTBEGIN(readability-identifier-naming): the names GoogleTest looks for.
void PrintTo(const Action& a, std::ostream* os) { *os << to_string(a); }
void PrintTo(State s, std::ostream* os) { *os << to_string(s); }
void PrintTo(Event e, std::ostream* os) { *os << to_string(e); }
// NOLINTEND(readability-identifier-naming)

namespace {

using E = Event;
using S = State;

// --- the configuration every matrix row uses (distinct values so that mix-ups show) ---
constexpr uint16_t kConnectRetry = 5;
constexpr uint16_t kHold = 9;
constexpr uint16_t kKeepalive = 3;
constexpr uint16_t kOpenHold = 240;
constexpr uint16_t kDelayOpenTime = 2;
constexpr uint16_t kPeerHold = 90;  // the peer proposes 90 s; we keep our 9 s
constexpr uint32_t kCounter = 2;    // ConnectRetryCounter before the event
constexpr uint16_t kIdleHoldNow = 4;
constexpr uint16_t kIdleHoldGrown = 8;

Config test_config(bool delay_open) {
  Config c;
  c.connect_retry_time = kConnectRetry;
  c.hold_time = kHold;
  c.keepalive_time = kKeepalive;
  c.open_hold_time = kOpenHold;
  c.delay_open = delay_open;
  c.delay_open_time = kDelayOpenTime;
  c.damp_peer_oscillations = true;
  c.idle_hold_time = 1;
  c.max_idle_hold_time = 120;
  c.idle_hold_reset_time = 300;
  return c;
}

Session in_state(State state, bool delay_open = false) {
  Session s;
  s.config = test_config(delay_open);
  s.state = state;
  s.connect_retry_counter = kCounter;
  s.idle_hold_time = kIdleHoldNow;
  if (state == S::kOpenConfirm || state == S::kEstablished) {
    s.hold_time = kHold;
    s.keepalive_time = kKeepalive;
  }
  return s;
}

codec::NotificationMessage notif(uint8_t code, uint8_t subcode, std::vector<uint8_t> data = {}) {
  codec::NotificationMessage n;
  n.code = code;
  n.subcode = subcode;
  n.data = std::move(data);
  return n;
}

// What the decoder found for the error events of the matrix.
const codec::NotificationMessage header_error = notif(1, 2, {0x00, 0x12});  // Bad Message Length
const codec::NotificationMessage open_error = notif(2, 2);                  // Bad Peer AS
const codec::NotificationMessage update_error = notif(3, 1);  // Malformed Attribute List

EventData matrix_data(Event e) {
  EventData d;
  d.peer_hold_time = kPeerHold;
  d.established_seconds = 10;  // not stable: damping grows the IdleHoldTime
  if (e == E::kBgpHeaderErr) d.notification = header_error;
  if (e == E::kBgpOpenMsgErr) d.notification = open_error;
  if (e == E::kUpdateMsgErr) d.notification = update_error;
  return d;
}

// --- action shorthands ---
Action start(Timer t, uint16_t seconds) { return Action::start_timer(t, seconds); }
Action stop(Timer t) { return Action::stop_timer(t); }
Action make(ActionType t) { return Action::make(t); }
Action notify(uint8_t code, uint8_t subcode, std::vector<uint8_t> data = {}) {
  return Action::send_notification(notif(code, subcode, std::move(data)));
}
Action notify(const codec::NotificationMessage& n) { return Action::send_notification(n); }

const Action start_cr = start(Timer::kConnectRetry, kConnectRetry);
const Action stop_cr = stop(Timer::kConnectRetry);
const Action start_open_hold = start(Timer::kHold, kOpenHold);
const Action start_hold = start(Timer::kHold, kHold);
const Action stop_hold = stop(Timer::kHold);
const Action start_ka = start(Timer::kKeepalive, kKeepalive);
const Action stop_ka = stop(Timer::kKeepalive);
const Action start_do = start(Timer::kDelayOpen, kDelayOpenTime);
const Action stop_do = stop(Timer::kDelayOpen);
const Action stop_idle_hold = stop(Timer::kIdleHold);
const Action idle_hold_4 = start(Timer::kIdleHold, kIdleHoldNow);    // restart, not damped
const Action idle_hold_8 = start(Timer::kIdleHold, kIdleHoldGrown);  // restart, damped
const Action initiate = make(ActionType::kInitiateTcpConnection);
const Action reject = make(ActionType::kRejectTcpConnection);
const Action drop = make(ActionType::kDropTcpConnection);
const Action send_open = make(ActionType::kSendOpen);
const Action send_ka = make(ActionType::kSendKeepalive);
const Action release = make(ActionType::kReleaseResources);
const Action delete_routes = make(ActionType::kDeleteRoutes);
const Action process_update = make(ActionType::kProcessUpdate);
const Action session_established = make(ActionType::kSessionEstablished);
const Action inc = make(ActionType::kIncrementConnectRetryCounter);
const Action zero = make(ActionType::kZeroConnectRetryCounter);

using Actions = std::vector<Action>;

struct Cell {
  Event event;
  State next;
  Actions actions;
};

struct Row {
  const char* name;
  Session session;
  std::vector<Cell> cells;  // one per event, in kAllEvents order
};

// Teardown sequences, in the FSM's fixed order (NOTIFICATION, timer stops, DeleteRoutes,
// ReleaseResources, DropTcpConnection, counter, IdleHoldTimer).
Actions down(const std::optional<Action>& n, const Actions& tail) {
  Actions a;
  if (n) a.push_back(*n);
  a.insert(a.end(), tail.begin(), tail.end());
  return a;
}
// "sets the ConnectRetryTimer to zero, releases all BGP resources, drops the TCP connection,
// increments the ConnectRetryCounter by 1, performs peer oscillation damping".
Actions fail(const std::optional<Action>& n = std::nullopt) {
  return down(n, {stop_cr, release, drop, inc, idle_hold_8});
}
// The same in Established: "deletes all routes associated with this connection" as well.
Actions fail_established(const std::optional<Action>& n = std::nullopt) {
  return down(n, {stop_cr, delete_routes, release, drop, inc, idle_hold_8});
}
// RFC 6608 FSM Error: 5/0 for timer events, 5/<state> with the message type for messages.
Action fsm_error(uint8_t subcode, std::vector<uint8_t> data = {}) {
  return notify(5, subcode, std::move(data));
}
constexpr uint8_t kOpenType = 1, kUpdateType = 2, kKeepaliveType = 4;

std::vector<Row> matrix() {
  const Actions none;
  // Idle, no restart pending. §8.2.2 Idle: start events initialise, zero the counter, start
  // the ConnectRetryTimer and initiate (1, 3) or only listen (4, 5); everything else is
  // ignored ("does not cause change in the state"); IdleHoldTimer_Expires without a pending
  // restart is stale.
  const Actions start_active = {zero, start_cr, initiate};
  const Actions start_passive = {zero, start_cr};
  Row idle{"Idle", in_state(S::kIdle), {}};
  idle.cells = {
      {E::kManualStart, S::kConnect, start_active},
      {E::kManualStop, S::kIdle, none},
      {E::kAutomaticStart, S::kConnect, start_active},
      {E::kManualStartWithPassiveTcpEstablishment, S::kActive, start_passive},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kActive, start_passive},
      {E::kConnectRetryTimerExpires, S::kIdle, none},
      {E::kHoldTimerExpires, S::kIdle, none},
      {E::kKeepaliveTimerExpires, S::kIdle, none},
      {E::kDelayOpenTimerExpires, S::kIdle, none},
      {E::kIdleHoldTimerExpires, S::kIdle, none},
      {E::kTcpConnectionValid, S::kIdle, none},
      {E::kTcpCrInvalid, S::kIdle, none},
      {E::kTcpCrAcked, S::kIdle, none},
      {E::kTcpConnectionConfirmed, S::kIdle, none},
      {E::kTcpConnectionFails, S::kIdle, none},
      {E::kBgpOpen, S::kIdle, none},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kIdle, none},
      {E::kBgpHeaderErr, S::kIdle, none},
      {E::kBgpOpenMsgErr, S::kIdle, none},
      {E::kOpenCollisionDump, S::kIdle, none},
      {E::kNotifMsgVerErr, S::kIdle, none},
      {E::kNotifMsg, S::kIdle, none},
      {E::kKeepAliveMsg, S::kIdle, none},
      {E::kUpdateMsg, S::kIdle, none},
      {E::kUpdateMsgErr, S::kIdle, none},
  };

  // Idle with an automatic restart pending (IdleHoldTimer running, §8.1.1 "holds the peer in
  // Idle state prior to allowing the next automatic restart"): ManualStart overrides it,
  // ManualStop cancels it, AutomaticStart waits for it, IdleHoldTimer_Expires is the restart.
  Row idle_hold{"Idle+IdleHoldTimer", in_state(S::kIdle), {}};
  idle_hold.session.idle_hold_timer_running = true;
  idle_hold.cells = {
      {E::kManualStart, S::kConnect, {stop_idle_hold, zero, start_cr, initiate}},
      {E::kManualStop, S::kIdle, {stop_idle_hold}},
      {E::kAutomaticStart, S::kIdle, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kActive, {stop_idle_hold, zero, start_cr}},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kIdle, none},
      {E::kConnectRetryTimerExpires, S::kIdle, none},
      {E::kHoldTimerExpires, S::kIdle, none},
      {E::kKeepaliveTimerExpires, S::kIdle, none},
      {E::kDelayOpenTimerExpires, S::kIdle, none},
      {E::kIdleHoldTimerExpires, S::kConnect, start_active},
      {E::kTcpConnectionValid, S::kIdle, none},
      {E::kTcpCrInvalid, S::kIdle, none},
      {E::kTcpCrAcked, S::kIdle, none},
      {E::kTcpConnectionConfirmed, S::kIdle, none},
      {E::kTcpConnectionFails, S::kIdle, none},
      {E::kBgpOpen, S::kIdle, none},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kIdle, none},
      {E::kBgpHeaderErr, S::kIdle, none},
      {E::kBgpOpenMsgErr, S::kIdle, none},
      {E::kOpenCollisionDump, S::kIdle, none},
      {E::kNotifMsgVerErr, S::kIdle, none},
      {E::kNotifMsg, S::kIdle, none},
      {E::kKeepAliveMsg, S::kIdle, none},
      {E::kUpdateMsg, S::kIdle, none},
      {E::kUpdateMsgErr, S::kIdle, none},
  };

  // Connect, DelayOpen off. §8.2.2 Connect.
  const Actions manual_stop_quiet = {stop_cr, release, drop, zero};
  const Actions open_delayed = {stop_cr, stop_do, send_open, send_ka, start_ka, start_hold};
  Row connect{"Connect", in_state(S::kConnect), {}};
  connect.cells = {
      {E::kManualStart, S::kConnect, none},
      {E::kManualStop, S::kIdle, manual_stop_quiet},
      {E::kAutomaticStart, S::kConnect, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kConnect, none},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kConnect, none},
      {E::kConnectRetryTimerExpires, S::kConnect, {drop, start_cr, stop_do, initiate}},
      {E::kHoldTimerExpires, S::kIdle, fail()},
      {E::kKeepaliveTimerExpires, S::kIdle, fail()},
      {E::kDelayOpenTimerExpires, S::kOpenSent, {send_open, start_open_hold}},
      {E::kIdleHoldTimerExpires, S::kIdle, fail()},
      {E::kTcpConnectionValid, S::kConnect, none},
      {E::kTcpCrInvalid, S::kConnect, {reject}},
      {E::kTcpCrAcked, S::kOpenSent, {stop_cr, send_open, start_open_hold}},
      {E::kTcpConnectionConfirmed, S::kOpenSent, {stop_cr, send_open, start_open_hold}},
      // RFC: Idle. evpnd: keep listening in Active and retry later (state_machine.h).
      {E::kTcpConnectionFails, S::kActive, {start_cr}},
      {E::kBgpOpen, S::kIdle, fail()},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kOpenConfirm, open_delayed},
      // No NOTIFICATION: SendNOTIFICATIONwithoutOPEN is FALSE.
      {E::kBgpHeaderErr, S::kIdle, fail()},
      {E::kBgpOpenMsgErr, S::kIdle, fail()},
      {E::kOpenCollisionDump, S::kIdle, fail()},
      {E::kNotifMsgVerErr, S::kIdle, fail()},  // DelayOpenTimer not running
      {E::kNotifMsg, S::kIdle, fail()},
      {E::kKeepAliveMsg, S::kIdle, fail()},
      {E::kUpdateMsg, S::kIdle, fail()},
      {E::kUpdateMsgErr, S::kIdle, fail()},
  };

  // Connect, DelayOpen on and the DelayOpenTimer running (TCP is up, our OPEN is held back).
  const Actions fail_do = {stop_cr, stop_do, release, drop, inc, idle_hold_8};
  Row connect_do{"Connect+DelayOpenTimer", in_state(S::kConnect, true), {}};
  connect_do.session.delay_open_timer_running = true;
  connect_do.cells = {
      {E::kManualStart, S::kConnect, none},
      {E::kManualStop, S::kIdle, manual_stop_quiet},
      {E::kAutomaticStart, S::kConnect, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kConnect, none},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kConnect, none},
      {E::kConnectRetryTimerExpires, S::kConnect, {drop, start_cr, stop_do, initiate}},
      {E::kHoldTimerExpires, S::kIdle, fail_do},
      {E::kKeepaliveTimerExpires, S::kIdle, fail_do},
      {E::kDelayOpenTimerExpires, S::kOpenSent, {send_open, start_open_hold}},
      {E::kIdleHoldTimerExpires, S::kIdle, fail_do},
      {E::kTcpConnectionValid, S::kConnect, none},
      {E::kTcpCrInvalid, S::kConnect, {reject}},
      {E::kTcpCrAcked, S::kConnect, {stop_cr, start_do}},
      {E::kTcpConnectionConfirmed, S::kConnect, {stop_cr, start_do}},
      {E::kTcpConnectionFails, S::kActive, {start_cr, stop_do}},
      {E::kBgpOpen, S::kIdle, fail_do},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kOpenConfirm, open_delayed},
      {E::kBgpHeaderErr, S::kIdle, fail()},
      {E::kBgpOpenMsgErr, S::kIdle, fail()},
      {E::kOpenCollisionDump, S::kIdle, fail_do},
      // Version error while the DelayOpenTimer runs: no counter, no damping.
      {E::kNotifMsgVerErr, S::kIdle, {stop_cr, stop_do, release, drop, idle_hold_4}},
      {E::kNotifMsg, S::kIdle, fail_do},
      {E::kKeepAliveMsg, S::kIdle, fail_do},
      {E::kUpdateMsg, S::kIdle, fail_do},
      {E::kUpdateMsgErr, S::kIdle, fail_do},
  };

  // Active, DelayOpen off. §8.2.2 Active.
  Row active{"Active", in_state(S::kActive), {}};
  active.cells = {
      {E::kManualStart, S::kActive, none},
      {E::kManualStop, S::kIdle, manual_stop_quiet},
      {E::kAutomaticStart, S::kActive, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kActive, none},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kActive, none},
      {E::kConnectRetryTimerExpires, S::kConnect, {start_cr, initiate}},
      {E::kHoldTimerExpires, S::kIdle, fail()},
      {E::kKeepaliveTimerExpires, S::kIdle, fail()},
      {E::kDelayOpenTimerExpires, S::kOpenSent, {stop_cr, stop_do, send_open, start_open_hold}},
      {E::kIdleHoldTimerExpires, S::kIdle, fail()},
      {E::kTcpConnectionValid, S::kActive, none},
      {E::kTcpCrInvalid, S::kActive, {reject}},
      {E::kTcpCrAcked, S::kOpenSent, {stop_cr, send_open, start_open_hold}},
      {E::kTcpConnectionConfirmed, S::kOpenSent, {stop_cr, send_open, start_open_hold}},
      // "restarts the ConnectRetryTimer, stops and clears the DelayOpenTimer, releases all
      // BGP resource, increments the ConnectRetryCounter, damping, Idle" (no drop in the
      // RFC).
      {E::kTcpConnectionFails, S::kIdle, {start_cr, stop_do, release, inc, idle_hold_8}},
      {E::kBgpOpen, S::kIdle, fail()},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kOpenConfirm, open_delayed},
      {E::kBgpHeaderErr, S::kIdle, fail()},
      {E::kBgpOpenMsgErr, S::kIdle, fail()},
      {E::kOpenCollisionDump, S::kIdle, fail()},
      {E::kNotifMsgVerErr, S::kIdle, fail()},
      {E::kNotifMsg, S::kIdle, fail()},
      {E::kKeepAliveMsg, S::kIdle, fail()},
      {E::kUpdateMsg, S::kIdle, fail()},
      {E::kUpdateMsgErr, S::kIdle, fail()},
  };

  // Active, DelayOpen on and the DelayOpenTimer running (an accepted connection waits).
  Row active_do{"Active+DelayOpenTimer", in_state(S::kActive, true), {}};
  active_do.session.delay_open_timer_running = true;
  active_do.cells = {
      {E::kManualStart, S::kActive, none},
      {E::kManualStop, S::kIdle, manual_stop_quiet},
      {E::kAutomaticStart, S::kActive, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kActive, none},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kActive, none},
      {E::kConnectRetryTimerExpires, S::kConnect, {start_cr, initiate}},
      {E::kHoldTimerExpires, S::kIdle, fail()},
      {E::kKeepaliveTimerExpires, S::kIdle, fail()},
      {E::kDelayOpenTimerExpires, S::kOpenSent, {stop_cr, stop_do, send_open, start_open_hold}},
      {E::kIdleHoldTimerExpires, S::kIdle, fail()},
      {E::kTcpConnectionValid, S::kActive, none},
      {E::kTcpCrInvalid, S::kActive, {reject}},
      {E::kTcpCrAcked, S::kActive, {stop_cr, start_do}},
      {E::kTcpConnectionConfirmed, S::kActive, {stop_cr, start_do}},
      {E::kTcpConnectionFails, S::kIdle, {start_cr, stop_do, release, inc, idle_hold_8}},
      {E::kBgpOpen, S::kIdle, fail()},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kOpenConfirm, open_delayed},
      {E::kBgpHeaderErr, S::kIdle, fail()},
      {E::kBgpOpenMsgErr, S::kIdle, fail()},
      {E::kOpenCollisionDump, S::kIdle, fail()},
      {E::kNotifMsgVerErr, S::kIdle, {stop_cr, stop_do, release, drop, idle_hold_4}},
      {E::kNotifMsg, S::kIdle, fail()},
      {E::kKeepAliveMsg, S::kIdle, fail()},
      {E::kUpdateMsg, S::kIdle, fail()},
      {E::kUpdateMsgErr, S::kIdle, fail()},
  };

  // OpenSent. §8.2.2 OpenSent; FSM Errors per RFC 6608 (subcode 1 = OpenSent).
  const Actions cease_admin = {notify(6, 2), stop_cr, release, drop, zero};
  Row open_sent{"OpenSent", in_state(S::kOpenSent), {}};
  open_sent.cells = {
      {E::kManualStart, S::kOpenSent, none},
      {E::kManualStop, S::kIdle, cease_admin},
      {E::kAutomaticStart, S::kOpenSent, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kOpenSent, none},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kOpenSent, none},
      {E::kConnectRetryTimerExpires, S::kIdle, fail(fsm_error(0))},
      {E::kHoldTimerExpires, S::kIdle, fail(notify(4, 0))},
      {E::kKeepaliveTimerExpires, S::kIdle, fail(fsm_error(0))},
      {E::kDelayOpenTimerExpires, S::kIdle, fail(fsm_error(0))},
      {E::kIdleHoldTimerExpires, S::kIdle, fail(fsm_error(0))},
      {E::kTcpConnectionValid, S::kOpenSent, none},
      {E::kTcpCrInvalid, S::kOpenSent, none},
      {E::kTcpCrAcked, S::kOpenSent, none},
      {E::kTcpConnectionConfirmed, S::kOpenSent, none},
      // "closes the BGP connection, restarts the ConnectRetryTimer, ... Active".
      {E::kTcpConnectionFails, S::kActive, {release, drop, start_cr}},
      {E::kBgpOpen, S::kOpenConfirm, {stop_do, stop_cr, send_ka, start_ka, start_hold}},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kIdle, fail(fsm_error(1, {kOpenType}))},
      {E::kBgpHeaderErr, S::kIdle, fail(notify(header_error))},
      {E::kBgpOpenMsgErr, S::kIdle, fail(notify(open_error))},
      {E::kOpenCollisionDump, S::kIdle, fail(notify(6, 7))},
      {E::kNotifMsgVerErr, S::kIdle, {stop_cr, release, drop, idle_hold_4}},
      // The RFC lists NotifMsg with the FSM Error events; a NOTIFICATION is not answered.
      {E::kNotifMsg, S::kIdle, fail()},
      {E::kKeepAliveMsg, S::kIdle, fail(fsm_error(1, {kKeepaliveType}))},
      {E::kUpdateMsg, S::kIdle, fail(fsm_error(1, {kUpdateType}))},
      {E::kUpdateMsgErr, S::kIdle, fail(fsm_error(1, {kUpdateType}))},
  };

  // OpenConfirm. §8.2.2 OpenConfirm; RFC 6608 subcode 2.
  Row open_confirm{"OpenConfirm", in_state(S::kOpenConfirm), {}};
  open_confirm.cells = {
      {E::kManualStart, S::kOpenConfirm, none},
      {E::kManualStop, S::kIdle, cease_admin},
      {E::kAutomaticStart, S::kOpenConfirm, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kOpenConfirm, none},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kOpenConfirm, none},
      {E::kConnectRetryTimerExpires, S::kIdle, fail(fsm_error(0))},
      {E::kHoldTimerExpires, S::kIdle, fail(notify(4, 0))},
      {E::kKeepaliveTimerExpires, S::kOpenConfirm, {send_ka, start_ka}},
      {E::kDelayOpenTimerExpires, S::kIdle, fail(fsm_error(0))},
      {E::kIdleHoldTimerExpires, S::kIdle, fail(fsm_error(0))},
      {E::kTcpConnectionValid, S::kOpenConfirm, none},
      {E::kTcpCrInvalid, S::kOpenConfirm, none},
      {E::kTcpCrAcked, S::kOpenConfirm, none},
      {E::kTcpConnectionConfirmed, S::kOpenConfirm, none},
      {E::kTcpConnectionFails, S::kIdle, fail()},
      // A second OPEN on this connection (collisions arrive as OpenCollisionDump).
      {E::kBgpOpen, S::kIdle, fail(fsm_error(2, {kOpenType}))},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kIdle, fail(fsm_error(2, {kOpenType}))},
      {E::kBgpHeaderErr, S::kIdle, fail(notify(header_error))},
      {E::kBgpOpenMsgErr, S::kIdle, fail(notify(open_error))},
      {E::kOpenCollisionDump, S::kIdle, fail(notify(6, 7))},
      {E::kNotifMsgVerErr, S::kIdle, {stop_cr, release, drop, idle_hold_4}},
      {E::kNotifMsg, S::kIdle, fail()},
      {E::kKeepAliveMsg, S::kEstablished, {start_hold, session_established}},
      {E::kUpdateMsg, S::kIdle, fail(fsm_error(2, {kUpdateType}))},
      {E::kUpdateMsgErr, S::kIdle, fail(fsm_error(2, {kUpdateType}))},
  };

  // Established. §8.2.2 Established; RFC 6608 subcode 3.
  Row established{"Established", in_state(S::kEstablished), {}};
  established.cells = {
      {E::kManualStart, S::kEstablished, none},
      {E::kManualStop, S::kIdle, {notify(6, 2), stop_cr, delete_routes, release, drop, zero}},
      {E::kAutomaticStart, S::kEstablished, none},
      {E::kManualStartWithPassiveTcpEstablishment, S::kEstablished, none},
      {E::kAutomaticStartWithPassiveTcpEstablishment, S::kEstablished, none},
      {E::kConnectRetryTimerExpires, S::kIdle, fail_established(fsm_error(0))},
      {E::kHoldTimerExpires, S::kIdle, fail_established(notify(4, 0))},
      {E::kKeepaliveTimerExpires, S::kEstablished, {send_ka, start_ka}},
      {E::kDelayOpenTimerExpires, S::kIdle, fail_established(fsm_error(0))},
      {E::kIdleHoldTimerExpires, S::kIdle, fail_established(fsm_error(0))},
      {E::kTcpConnectionValid, S::kEstablished, none},
      {E::kTcpCrInvalid, S::kEstablished, none},
      {E::kTcpCrAcked, S::kEstablished, none},
      {E::kTcpConnectionConfirmed, S::kEstablished, none},
      {E::kTcpConnectionFails, S::kIdle, fail_established()},
      {E::kBgpOpen, S::kIdle, fail_established(fsm_error(3, {kOpenType}))},
      {E::kBgpOpenWithDelayOpenTimerRunning, S::kIdle, fail_established(fsm_error(3, {kOpenType}))},
      // §6.1: a header error is reported as Message Header Error.
      {E::kBgpHeaderErr, S::kIdle, fail_established(notify(header_error))},
      {E::kBgpOpenMsgErr, S::kIdle, fail_established(fsm_error(3, {kOpenType}))},
      {E::kOpenCollisionDump, S::kIdle, fail_established(notify(6, 7))},
      {E::kNotifMsgVerErr, S::kIdle, fail_established()},
      {E::kNotifMsg, S::kIdle, fail_established()},
      {E::kKeepAliveMsg, S::kEstablished, {start_hold}},
      {E::kUpdateMsg, S::kEstablished, {process_update, start_hold}},
      {E::kUpdateMsgErr, S::kIdle, fail_established(notify(update_error))},
  };

  return {idle,      idle_hold, connect,      connect_do, active,
          active_do, open_sent, open_confirm, established};
}

bool contains(const Actions& actions, const Action& a) {
  return std::find(actions.begin(), actions.end(), a) != actions.end();
}

bool is_start(Event e) {
  return e == E::kManualStart || e == E::kAutomaticStart ||
         e == E::kManualStartWithPassiveTcpEstablishment ||
         e == E::kAutomaticStartWithPassiveTcpEstablishment;
}

// The session variables follow the actions (the contract of session.h and action.h).
void expect_variables(const Row& row, const Cell& cell, const Session& after) {
  const Session& before = row.session;
  const Actions& a = cell.actions;
  EXPECT_EQ(after.config, before.config);
  EXPECT_EQ(after.connect_retry_counter, contains(a, inc)    ? kCounter + 1
                                         : contains(a, zero) ? 0u
                                                             : kCounter);
  // The IdleHoldTime is the delay of the last restart; unchanged when there is none.
  uint16_t idle_hold_time = before.idle_hold_time;
  bool idle_hold_running = before.idle_hold_timer_running;
  bool delay_open_running = before.delay_open_timer_running;
  for (const Action& x : a) {
    if (x.type == ActionType::kStartTimer && x.timer == Timer::kIdleHold) {
      idle_hold_time = x.seconds;
      idle_hold_running = true;
    }
    if (x.type == ActionType::kStopTimer && x.timer == Timer::kIdleHold) idle_hold_running = false;
    if (x.type == ActionType::kStartTimer && x.timer == Timer::kDelayOpen) {
      delay_open_running = true;
    }
    if ((x.type == ActionType::kStopTimer && x.timer == Timer::kDelayOpen) || x == release) {
      delay_open_running = false;
    }
  }
  if (before.state == S::kIdle && cell.next != S::kIdle && !contains(a, stop_idle_hold)) {
    idle_hold_running = false;  // the IdleHoldTimer expired: that was the restart
  }
  if (cell.event == E::kDelayOpenTimerExpires || cell.next == S::kIdle) delay_open_running = false;
  EXPECT_EQ(after.idle_hold_time, idle_hold_time);
  EXPECT_EQ(after.idle_hold_timer_running, idle_hold_running);
  EXPECT_EQ(after.delay_open_timer_running, delay_open_running);
  // Negotiated timers: set when the OPEN is accepted, cleared in Idle.
  if (cell.next == S::kIdle) {
    EXPECT_EQ(after.hold_time, 0);
    EXPECT_EQ(after.keepalive_time, 0);
  } else if (cell.next == S::kOpenConfirm && before.state != S::kOpenConfirm) {
    EXPECT_EQ(after.hold_time, kHold);
    EXPECT_EQ(after.keepalive_time, kKeepalive);
  } else {
    EXPECT_EQ(after.hold_time, before.hold_time);
    EXPECT_EQ(after.keepalive_time, before.keepalive_time);
  }
  // PassiveTcpEstablishment comes from the start event that left Idle.
  if (before.state == S::kIdle && cell.next != S::kIdle && is_start(cell.event)) {
    EXPECT_EQ(after.passive, cell.event == E::kManualStartWithPassiveTcpEstablishment ||
                                 cell.event == E::kAutomaticStartWithPassiveTcpEstablishment);
  } else {
    EXPECT_EQ(after.passive, before.passive);
  }
}

TEST(FsmMatrix, CoversEveryStateAndEvent) {
  const auto rows = matrix();
  std::vector<State> states;
  for (const Row& row : rows) {
    ASSERT_EQ(row.cells.size(), std::size(kAllEvents)) << row.name;
    for (size_t i = 0; i < row.cells.size(); ++i) {
      EXPECT_EQ(row.cells[i].event, kAllEvents[i]) << row.name << " cell " << i;
    }
    states.push_back(row.session.state);
  }
  for (State s : kAllStates) {
    EXPECT_NE(std::find(states.begin(), states.end(), s), states.end()) << to_string(s);
  }
  EXPECT_EQ(rows.size(), 9u);
}

TEST(FsmMatrix, EveryTransitionMatchesTheRfcTable) {
  int checked = 0;
  for (const Row& row : matrix()) {
    for (const Cell& cell : row.cells) {
      SCOPED_TRACE(std::string(row.name) + " x " + to_string(cell.event));
      const Transition t = step(row.session, cell.event, matrix_data(cell.event));
      EXPECT_EQ(t.session.state, cell.next);
      EXPECT_EQ(t.actions, cell.actions);
      expect_variables(row, cell, t.session);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 9 * 25);
}

TEST(FsmMatrix, IgnoredEventsChangeNothing) {
  // Wherever the table says "no actions and same state", the whole Session is unchanged.
  int ignored = 0;
  for (const Row& row : matrix()) {
    for (const Cell& cell : row.cells) {
      if (!cell.actions.empty() || cell.next != row.session.state) continue;
      const Transition t = step(row.session, cell.event, matrix_data(cell.event));
      EXPECT_EQ(t.session, row.session) << row.name << " x " << to_string(cell.event);
      ++ignored;
    }
  }
  EXPECT_GT(ignored, 50);
}

TEST(FsmMatrix, NotificationAlwaysPrecedesTheDrop) {
  for (const Row& row : matrix()) {
    for (Event e : kAllEvents) {
      const Transition t = step(row.session, e, matrix_data(e));
      const auto n = std::find_if(t.actions.begin(), t.actions.end(), [](const Action& a) {
        return a.type == ActionType::kSendNotification;
      });
      const auto d = std::find(t.actions.begin(), t.actions.end(), drop);
      if (n != t.actions.end()) {
        EXPECT_LT(n, d) << row.name << " x " << to_string(e);
        EXPECT_EQ(t.session.state, S::kIdle) << row.name << " x " << to_string(e);
      }
    }
  }
}

// --- names ---

TEST(FsmNames, EventsCarryRfcNumbersAndNames) {
  struct Named {
    Event event;
    int number;
    const char* name;
  };
  const Named named[] = {
      {E::kManualStart, 1, "ManualStart"},
      {E::kManualStop, 2, "ManualStop"},
      {E::kAutomaticStart, 3, "AutomaticStart"},
      {E::kManualStartWithPassiveTcpEstablishment, 4, "ManualStart_with_PassiveTcpEstablishment"},
      {E::kAutomaticStartWithPassiveTcpEstablishment, 5,
       "AutomaticStart_with_PassiveTcpEstablishment"},
      {E::kConnectRetryTimerExpires, 9, "ConnectRetryTimer_Expires"},
      {E::kHoldTimerExpires, 10, "HoldTimer_Expires"},
      {E::kKeepaliveTimerExpires, 11, "KeepaliveTimer_Expires"},
      {E::kDelayOpenTimerExpires, 12, "DelayOpenTimer_Expires"},
      {E::kIdleHoldTimerExpires, 13, "IdleHoldTimer_Expires"},
      {E::kTcpConnectionValid, 14, "TcpConnection_Valid"},
      {E::kTcpCrInvalid, 15, "Tcp_CR_Invalid"},
      {E::kTcpCrAcked, 16, "Tcp_CR_Acked"},
      {E::kTcpConnectionConfirmed, 17, "TcpConnectionConfirmed"},
      {E::kTcpConnectionFails, 18, "TcpConnectionFails"},
      {E::kBgpOpen, 19, "BGPOpen"},
      {E::kBgpOpenWithDelayOpenTimerRunning, 20, "BGPOpen with DelayOpenTimer running"},
      {E::kBgpHeaderErr, 21, "BGPHeaderErr"},
      {E::kBgpOpenMsgErr, 22, "BGPOpenMsgErr"},
      {E::kOpenCollisionDump, 23, "OpenCollisionDump"},
      {E::kNotifMsgVerErr, 24, "NotifMsgVerErr"},
      {E::kNotifMsg, 25, "NotifMsg"},
      {E::kKeepAliveMsg, 26, "KeepAliveMsg"},
      {E::kUpdateMsg, 27, "UpdateMsg"},
      {E::kUpdateMsgErr, 28, "UpdateMsgErr"},
  };
  ASSERT_EQ(std::size(named), std::size(kAllEvents));
  for (size_t i = 0; i < std::size(named); ++i) {
    EXPECT_EQ(named[i].event, kAllEvents[i]);
    EXPECT_EQ(static_cast<int>(named[i].event), named[i].number);
    EXPECT_STREQ(to_string(named[i].event), named[i].name);
  }
}

TEST(FsmNames, StatesTimersAndActions) {
  EXPECT_STREQ(to_string(S::kIdle), "Idle");
  EXPECT_STREQ(to_string(S::kConnect), "Connect");
  EXPECT_STREQ(to_string(S::kActive), "Active");
  EXPECT_STREQ(to_string(S::kOpenSent), "OpenSent");
  EXPECT_STREQ(to_string(S::kOpenConfirm), "OpenConfirm");
  EXPECT_STREQ(to_string(S::kEstablished), "Established");
  EXPECT_EQ(static_cast<int>(S::kIdle), 1);  // BGP4-MIB bgpPeerState
  EXPECT_EQ(static_cast<int>(S::kEstablished), 6);
  EXPECT_STREQ(to_string(Timer::kConnectRetry), "ConnectRetryTimer");
  EXPECT_STREQ(to_string(Timer::kIdleHold), "IdleHoldTimer");
  EXPECT_EQ(to_string(start_open_hold), "StartTimer HoldTimer 240s");
  EXPECT_EQ(to_string(stop_cr), "StopTimer ConnectRetryTimer");
  EXPECT_EQ(to_string(fsm_error(1, {kKeepaliveType})), "SendNotification 5/1 data=04");
  EXPECT_EQ(to_string(notify(4, 0)), "SendNotification 4/0");
  EXPECT_EQ(to_string(send_open), "SendOpen");
  EXPECT_STREQ(to_string(Initiator::kRemote), "Remote");
}

// --- Hold Time negotiation (RFC 4271 §4.2, §6.2, §10) ---

TEST(FsmHoldTime, SmallerValueWinsAndKeepaliveIsAThird) {
  using H = HoldTimes;
  EXPECT_EQ(negotiate_hold_time(9, 3, 90), (H{9, 3}));
  EXPECT_EQ(negotiate_hold_time(90, 30, 9), (H{9, 3}));
  EXPECT_EQ(negotiate_hold_time(9, 3, 3), (H{3, 1}));
  EXPECT_EQ(negotiate_hold_time(180, 0, 180), (H{180, 60}));  // 0 = a third of the hold time
  EXPECT_EQ(negotiate_hold_time(180, 10, 90), (H{90, 10}));   // configured keepalive is smaller
  EXPECT_EQ(negotiate_hold_time(180, 60, 90), (H{90, 30}));   // capped at a third
  EXPECT_EQ(negotiate_hold_time(4, 0, 4), (H{4, 1}));         // whole seconds, rounded down
  EXPECT_EQ(negotiate_hold_time(10, 0, 10), (H{10, 3}));
  EXPECT_EQ(negotiate_hold_time(5, 0, 65535), (H{5, 1}));
  EXPECT_EQ(negotiate_hold_time(65535, 0, 65535), (H{65535, 21845}));
}

TEST(FsmHoldTime, ZeroMeansNoKeepalives) {
  EXPECT_EQ(negotiate_hold_time(9, 3, 0), (HoldTimes{0, 0}));
  EXPECT_EQ(negotiate_hold_time(0, 3, 90), (HoldTimes{0, 0}));
  EXPECT_EQ(negotiate_hold_time(0, 0, 0), (HoldTimes{0, 0}));
}

TEST(FsmHoldTime, OneAndTwoSecondsAreRejected) {
  EXPECT_FALSE(negotiate_hold_time(9, 3, 1));
  EXPECT_FALSE(negotiate_hold_time(9, 3, 2));
  EXPECT_FALSE(negotiate_hold_time(0, 0, 2));  // even when we ask for no keepalives
  EXPECT_TRUE(negotiate_hold_time(9, 3, 3));
  // A local 1 or 2 (config validation refuses it) counts as 3.
  EXPECT_EQ(negotiate_hold_time(2, 0, 90), (HoldTimes{3, 1}));
}

TEST(FsmHoldTime, UnacceptableHoldTimeInOpenSentSendsOpenMessageError) {
  Session s = in_state(S::kOpenSent);
  EventData d;
  d.peer_hold_time = 2;
  const Transition t = step(s, E::kBgpOpen, d);
  EXPECT_EQ(t.session.state, S::kIdle);
  EXPECT_EQ(t.actions, fail(notify(2, 6)));
}

TEST(FsmHoldTime, UnacceptableHoldTimeWithDelayOpenIsSilent) {
  // Connect with DelayOpen: our OPEN is not sent yet, so no NOTIFICATION (as BGPOpenMsgErr).
  Session s = in_state(S::kConnect, true);
  s.delay_open_timer_running = true;
  EventData d;
  d.peer_hold_time = 1;
  const Transition t = step(s, E::kBgpOpenWithDelayOpenTimerRunning, d);
  EXPECT_EQ(t.session.state, S::kIdle);
  EXPECT_EQ(t.actions, fail());
}

TEST(FsmHoldTime, ZeroHoldTimeRunsWithoutHoldAndKeepaliveTimers) {
  Session s = in_state(S::kOpenSent);
  EventData d;
  d.peer_hold_time = 0;
  Transition t = step(s, E::kBgpOpen, d);
  EXPECT_EQ(t.session.state, S::kOpenConfirm);
  EXPECT_EQ(t.actions, (Actions{stop_do, stop_cr, send_ka, stop_ka, stop_hold}));
  EXPECT_EQ(t.session.hold_time, 0);
  EXPECT_EQ(t.session.keepalive_time, 0);

  t = step(t.session, E::kKeepAliveMsg);
  EXPECT_EQ(t.session.state, S::kEstablished);
  EXPECT_EQ(t.actions, (Actions{session_established}));  // no HoldTimer
  EXPECT_EQ(step(t.session, E::kKeepAliveMsg).actions, Actions{});
  EXPECT_EQ(step(t.session, E::kUpdateMsg).actions, (Actions{process_update}));
  EXPECT_EQ(step(t.session, E::kKeepaliveTimerExpires).actions, (Actions{send_ka}));
}

TEST(FsmHoldTime, NegotiatedValuesDriveTheTimers) {
  Session s = in_state(S::kOpenSent);
  s.config.hold_time = 90;
  s.config.keepalive_time = 0;
  EventData d;
  d.peer_hold_time = 30;
  Transition t = step(s, E::kBgpOpen, d);
  EXPECT_EQ(t.actions, (Actions{stop_do, stop_cr, send_ka, start(Timer::kKeepalive, 10),
                                start(Timer::kHold, 30)}));
  t = step(t.session, E::kKeepAliveMsg);
  EXPECT_EQ(t.actions, (Actions{start(Timer::kHold, 30), session_established}));
  EXPECT_EQ(step(t.session, E::kKeepaliveTimerExpires).actions,
            (Actions{send_ka, start(Timer::kKeepalive, 10)}));
  // Without a Hold Time in EventData the peer counts as proposing ours (90 s).
  t = step(s, E::kBgpOpen);
  EXPECT_EQ(t.session.hold_time, 90);
  EXPECT_EQ(t.session.keepalive_time, 30);
}

// --- jitter (RFC 4271 §10) ---

TEST(FsmJitter, FactorSpansThreeQuartersToOne) {
  using std::chrono::milliseconds;
  constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();
  EXPECT_EQ(apply_jitter(5, 0), milliseconds(3750));
  EXPECT_EQ(apply_jitter(5, kMax), milliseconds(5000));
  EXPECT_EQ(apply_jitter(120, 0), milliseconds(90000));
  EXPECT_EQ(apply_jitter(0, kMax), milliseconds(0));
  EXPECT_EQ(apply_jitter(65535, kMax), milliseconds(65535000));  // no overflow
  // The midpoint is 0.875 (within the 1 ms of integer rounding).
  EXPECT_NEAR(static_cast<double>(apply_jitter(4, kMax / 2).count()), 3500.0, 1.0);
}

TEST(FsmJitter, RandomValuesStayInBoundsAndSpreadOut) {
  std::mt19937 rng(4271);
  int64_t low = 1'000'000, high = 0;
  int64_t previous = -1;
  for (int i = 0; i < 10000; ++i) {
    const uint32_t r = static_cast<uint32_t>(rng());
    const int64_t ms = apply_jitter(3, r).count();
    EXPECT_GE(ms, 2250);
    EXPECT_LE(ms, 3000);
    low = std::min(low, ms);
    high = std::max(high, ms);
  }
  EXPECT_LT(low, 2300);  // the whole range is used
  EXPECT_GT(high, 2950);
  for (uint32_t r = 0; r < 0xf0000000u; r += 0x10000000u) {  // monotonic in the random value
    const int64_t ms = apply_jitter(9, r).count();
    EXPECT_GE(ms, previous);
    previous = ms;
  }
}

TEST(FsmJitter, OnlyRfcTimersAndTheRestartAreJittered) {
  EXPECT_TRUE(is_jittered(Timer::kConnectRetry));
  EXPECT_TRUE(is_jittered(Timer::kKeepalive));
  EXPECT_TRUE(is_jittered(Timer::kIdleHold));
  EXPECT_FALSE(is_jittered(Timer::kHold));
  EXPECT_FALSE(is_jittered(Timer::kDelayOpen));
}

// --- collision resolution (RFC 4271 §6.8, RFC 6286 §2.3) ---

constexpr uint32_t ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return uint32_t{a} << 24 | uint32_t{b} << 16 | uint32_t{c} << 8 | d;
}

TEST(FsmCollision, LowerIdentifierClosesTheConnectionItInitiated) {
  // We are 10.0.0.1, the peer 10.0.0.2: the peer's connection survives, ours is closed.
  EXPECT_EQ(connection_to_close(ipv4(10, 0, 0, 1), ipv4(10, 0, 0, 2)), Initiator::kLocal);
  EXPECT_EQ(connection_to_close(ipv4(10, 0, 0, 2), ipv4(10, 0, 0, 1)), Initiator::kRemote);
}

TEST(FsmCollision, IdentifiersCompareAsHostOrderIntegers) {
  // 1.0.0.2 < 2.0.0.1 as numbers, though their last octets compare the other way round.
  EXPECT_EQ(connection_to_close(ipv4(1, 0, 0, 2), ipv4(2, 0, 0, 1)), Initiator::kLocal);
  EXPECT_EQ(connection_to_close(ipv4(192, 168, 0, 1), ipv4(10, 255, 255, 255)), Initiator::kRemote);
  EXPECT_EQ(connection_to_close(0xffffffffu, 0x7fffffffu), Initiator::kRemote);  // unsigned
}

TEST(FsmCollision, EqualIdentifiersFallBackToTheAsNumber) {
  const uint32_t id = ipv4(10, 0, 0, 1);
  EXPECT_EQ(connection_to_close(id, id, 65001, 65002), Initiator::kLocal);
  EXPECT_EQ(connection_to_close(id, id, 4200000000u, 65002), Initiator::kRemote);
  EXPECT_EQ(connection_to_close(id, id, 65001, 65001), Initiator::kRemote);
}

TEST(FsmCollision, TheLoserGetsCeaseCollisionResolution) {
  for (State s : {S::kOpenSent, S::kOpenConfirm}) {
    const Transition t = step(in_state(s), E::kOpenCollisionDump);
    EXPECT_EQ(t.session.state, S::kIdle);
    ASSERT_FALSE(t.actions.empty());
    EXPECT_EQ(t.actions.front(), notify(6, 7)) << to_string(s);
  }
}

// --- peer oscillation damping ---

TEST(FsmDamping, IdleHoldTimeDoublesUpToTheCap) {
  const Config c = test_config(false);  // 1 s, cap 120 s
  EXPECT_EQ(next_idle_hold_time(c, 0), 1);
  EXPECT_EQ(next_idle_hold_time(c, 1), 2);
  EXPECT_EQ(next_idle_hold_time(c, 32), 64);
  EXPECT_EQ(next_idle_hold_time(c, 64), 120);
  EXPECT_EQ(next_idle_hold_time(c, 120), 120);
  EXPECT_EQ(next_idle_hold_time(c, 65535), 120);
  Config d;
  d.idle_hold_time = 5;
  d.max_idle_hold_time = 60;
  EXPECT_EQ(next_idle_hold_time(d, 0), 5);
  EXPECT_EQ(next_idle_hold_time(d, 5), 10);
  EXPECT_EQ(next_idle_hold_time(d, 40), 60);
  d.idle_hold_time = 0;  // counts as 1
  EXPECT_EQ(next_idle_hold_time(d, 0), 1);
  d.idle_hold_time = 30;
  d.max_idle_hold_time = 10;  // a cap below the base: the base wins
  EXPECT_EQ(next_idle_hold_time(d, 0), 30);
}

TEST(FsmDamping, DefaultFigures) {
  const Config c;
  EXPECT_EQ(c.hold_time, 9);
  EXPECT_EQ(c.keepalive_time, 3);
  EXPECT_EQ(c.connect_retry_time, 5);
  EXPECT_EQ(c.open_hold_time, 240);
  EXPECT_EQ(c.idle_hold_time, 1);
  EXPECT_EQ(c.max_idle_hold_time, 120);
  EXPECT_EQ(c.idle_hold_reset_time, 300u);
  EXPECT_TRUE(c.damp_peer_oscillations);
  EXPECT_FALSE(c.delay_open);
}

// Drives a session from the pending restart in Idle to Established; returns it.
Session bring_up(Session s) {
  s = step(s, E::kIdleHoldTimerExpires).session;
  s = step(s, E::kTcpCrAcked).session;
  EventData d;
  d.peer_hold_time = kPeerHold;
  s = step(s, E::kBgpOpen, d).session;
  s = step(s, E::kKeepAliveMsg).session;
  EXPECT_EQ(s.state, S::kEstablished);
  return s;
}

// The IdleHoldTimer duration the transition to Idle asked for.
uint16_t restart_delay(const Transition& t) {
  EXPECT_FALSE(t.actions.empty());
  if (t.actions.empty()) return 0;
  const Action& last = t.actions.back();
  EXPECT_EQ(last.type, ActionType::kStartTimer);
  EXPECT_EQ(last.timer, Timer::kIdleHold);
  return last.seconds;
}

TEST(FsmDamping, FlappingPeerWaitsLongerEachTime) {
  Session s;
  s.config = test_config(false);
  s = step(s, E::kManualStart).session;
  s = step(s, E::kTcpCrAcked).session;
  EventData open_data;
  open_data.peer_hold_time = kPeerHold;
  s = step(s, E::kBgpOpen, open_data).session;
  s = step(s, E::kKeepAliveMsg).session;
  ASSERT_EQ(s.state, S::kEstablished);

  EventData brief;
  brief.established_seconds = 20;
  std::vector<uint16_t> delays;
  for (int i = 0; i < 9; ++i) {
    const Transition flap = step(s, E::kHoldTimerExpires, brief);
    EXPECT_EQ(flap.session.state, S::kIdle);
    EXPECT_TRUE(flap.session.idle_hold_timer_running);
    delays.push_back(restart_delay(flap));
    // While the restart is pending, AutomaticStart is held back.
    EXPECT_EQ(step(flap.session, E::kAutomaticStart).session, flap.session);
    s = bring_up(flap.session);
  }
  EXPECT_EQ(delays, (std::vector<uint16_t>{1, 2, 4, 8, 16, 32, 64, 120, 120}));

  // The peer flaps by TCP failure and NOTIFICATION too (the RFC omits damping there).
  EXPECT_EQ(restart_delay(step(s, E::kTcpConnectionFails, brief)), 120);
  EXPECT_EQ(restart_delay(step(s, E::kNotifMsg, brief)), 120);
}

TEST(FsmDamping, StableSessionStartsOverFromTheBase) {
  Session s = in_state(S::kEstablished);
  s.idle_hold_time = 120;
  EventData d;
  d.established_seconds = 300;  // Config::idle_hold_reset_time
  Transition t = step(s, E::kNotifMsg, d);
  EXPECT_EQ(restart_delay(t), 1);
  EXPECT_EQ(t.session.idle_hold_time, 1);
  d.established_seconds = 299;
  t = step(s, E::kNotifMsg, d);
  EXPECT_EQ(restart_delay(t), 120);
  // Only time spent in Established counts: a failure in OpenConfirm keeps growing.
  Session oc = in_state(S::kOpenConfirm);
  oc.idle_hold_time = 16;
  d.established_seconds = 100000;
  EXPECT_EQ(restart_delay(step(oc, E::kHoldTimerExpires, d)), 32);
}

TEST(FsmDamping, UndampedFailuresKeepTheCurrentDelay) {
  // A version error (no damping in the RFC) restarts after the current IdleHoldTime.
  Session s = in_state(S::kOpenSent);
  s.idle_hold_time = 16;
  Transition t = step(s, E::kNotifMsgVerErr);
  EXPECT_EQ(restart_delay(t), 16);
  EXPECT_EQ(t.session.idle_hold_time, 16);
  EXPECT_EQ(t.session.connect_retry_counter, kCounter);
  s.idle_hold_time = 0;  // no failure yet: the base
  t = step(s, E::kNotifMsgVerErr);
  EXPECT_EQ(restart_delay(t), 1);
  EXPECT_EQ(t.session.idle_hold_time, 0);
}

TEST(FsmDamping, WithoutDampingEveryRestartWaitsTheBase) {
  Session s = in_state(S::kEstablished);
  s.config.damp_peer_oscillations = false;
  s.config.idle_hold_time = 3;
  for (int i = 0; i < 4; ++i) {
    const Transition t = step(s, E::kHoldTimerExpires);
    EXPECT_EQ(restart_delay(t), 3);
    EXPECT_EQ(t.session.idle_hold_time, 0);
    s = bring_up(t.session);
  }
}

TEST(FsmDamping, ManualStopCancelsThePendingRestart) {
  Transition t = step(in_state(S::kEstablished), E::kHoldTimerExpires);
  ASSERT_TRUE(t.session.idle_hold_timer_running);
  t = step(t.session, E::kManualStop);
  EXPECT_EQ(t.actions, (Actions{stop_idle_hold}));
  EXPECT_FALSE(t.session.idle_hold_timer_running);
  // An expiry already queued when the timer was cancelled does not restart the peer.
  const Transition stale = step(t.session, E::kIdleHoldTimerExpires);
  EXPECT_EQ(stale.session, t.session);
  EXPECT_TRUE(stale.actions.empty());
  // And ManualStop from a running session schedules no restart at all.
  const Transition stopped = step(in_state(S::kEstablished), E::kManualStop);
  EXPECT_FALSE(stopped.session.idle_hold_timer_running);
  EXPECT_FALSE(contains(stopped.actions, idle_hold_4) || contains(stopped.actions, idle_hold_8));
}

TEST(FsmDamping, ManualStopMaySendAnotherCease) {
  EventData d;
  d.notification = codec::NotificationMessage::shutdown(kAdministrativeReset, "maintenance");
  const Transition t = step(in_state(S::kEstablished), E::kManualStop, d);
  ASSERT_FALSE(t.actions.empty());
  EXPECT_EQ(t.actions.front(), notify(*d.notification));
  EXPECT_EQ(t.actions.front().notification.subcode, 4);
  EXPECT_EQ(t.session.connect_retry_counter, 0u);
}

TEST(FsmDamping, CounterSaturates) {
  Session s = in_state(S::kOpenSent);
  s.connect_retry_counter = std::numeric_limits<uint32_t>::max();
  const Transition t = step(s, E::kHoldTimerExpires);
  EXPECT_EQ(t.session.connect_retry_counter, std::numeric_limits<uint32_t>::max());
  EXPECT_TRUE(contains(t.actions, inc));
}

// --- DelayOpen (RFC 4271 §8.1.1 group 4) ---

TEST(FsmDelayOpen, PeerOpenArrivesFirst) {
  Session s;
  s.config = test_config(true);
  Transition t = step(s, E::kManualStart);
  EXPECT_EQ(t.session.state, S::kConnect);
  t = step(t.session, E::kTcpCrAcked);
  EXPECT_EQ(t.session.state, S::kConnect);
  EXPECT_EQ(t.actions, (Actions{stop_cr, start_do}));
  EXPECT_TRUE(t.session.delay_open_timer_running);
  EXPECT_EQ(open_event(t.session), E::kBgpOpenWithDelayOpenTimerRunning);

  EventData d;
  d.peer_hold_time = kPeerHold;
  t = step(t.session, open_event(t.session), d);
  EXPECT_EQ(t.session.state, S::kOpenConfirm);
  // Our OPEN goes out first, then the KEEPALIVE that accepts the peer's.
  EXPECT_EQ(t.actions, (Actions{stop_cr, stop_do, send_open, send_ka, start_ka, start_hold}));
  EXPECT_FALSE(t.session.delay_open_timer_running);
  EXPECT_EQ(open_event(t.session), E::kBgpOpen);
  t = step(t.session, E::kKeepAliveMsg);
  EXPECT_EQ(t.session.state, S::kEstablished);
}

TEST(FsmDelayOpen, TimerExpiresFirst) {
  Session s = in_state(S::kConnect, true);
  s.delay_open_timer_running = true;
  Transition t = step(s, E::kDelayOpenTimerExpires);
  EXPECT_EQ(t.session.state, S::kOpenSent);
  EXPECT_EQ(t.actions, (Actions{send_open, start_open_hold}));
  EXPECT_FALSE(t.session.delay_open_timer_running);
  EXPECT_EQ(open_event(t.session), E::kBgpOpen);
  EventData d;
  d.peer_hold_time = kPeerHold;
  t = step(t.session, E::kBgpOpen, d);
  EXPECT_EQ(t.session.state, S::kOpenConfirm);
}

TEST(FsmDelayOpen, PassiveSideAcceptsThenWaits) {
  Session s;
  s.config = test_config(true);
  Transition t = step(s, E::kManualStartWithPassiveTcpEstablishment);
  t = step(t.session, E::kTcpConnectionConfirmed);
  EXPECT_EQ(t.session.state, S::kActive);
  EXPECT_EQ(t.actions, (Actions{stop_cr, start_do}));
  t = step(t.session, E::kDelayOpenTimerExpires);
  EXPECT_EQ(t.session.state, S::kOpenSent);
  EXPECT_EQ(t.actions, (Actions{stop_cr, stop_do, send_open, start_open_hold}));
}

TEST(FsmDelayOpen, ConnectionLossWhileDelayingFallsBackToActive) {
  Session s = in_state(S::kConnect, true);
  s.delay_open_timer_running = true;
  const Transition t = step(s, E::kTcpConnectionFails);
  EXPECT_EQ(t.session.state, S::kActive);
  EXPECT_EQ(t.actions, (Actions{start_cr, stop_do}));
  EXPECT_FALSE(t.session.delay_open_timer_running);
  EXPECT_EQ(t.session.connect_retry_counter, kCounter);
}

// --- passive start (PassiveTcpEstablishment) ---

TEST(FsmPassive, ListensAndNeverConnects) {
  Session s;
  s.config = test_config(false);
  Transition t = step(s, E::kAutomaticStartWithPassiveTcpEstablishment);
  EXPECT_EQ(t.session.state, S::kActive);
  EXPECT_EQ(t.actions, (Actions{zero, start_cr}));
  EXPECT_TRUE(t.session.passive);
  // ConnectRetryTimer_Expires: RFC Active would initiate; a passive session keeps waiting.
  const Transition retry = step(t.session, E::kConnectRetryTimerExpires);
  EXPECT_EQ(retry.session.state, S::kActive);
  EXPECT_EQ(retry.actions, (Actions{start_cr}));
  // The peer connects.
  t = step(t.session, E::kTcpConnectionConfirmed);
  EXPECT_EQ(t.session.state, S::kOpenSent);
  EXPECT_EQ(t.actions, (Actions{stop_cr, send_open, start_open_hold}));
  // After a failure the automatic restart is passive again.
  t = step(t.session, E::kHoldTimerExpires);
  EXPECT_EQ(t.session.state, S::kIdle);
  t = step(t.session, E::kIdleHoldTimerExpires);
  EXPECT_EQ(t.session.state, S::kActive);
  EXPECT_EQ(t.actions, (Actions{zero, start_cr}));
}

TEST(FsmPassive, ActiveStartClearsPassive) {
  Session s;
  s.passive = true;
  const Transition t = step(s, E::kManualStart);
  EXPECT_FALSE(t.session.passive);
  EXPECT_TRUE(contains(t.actions, initiate));
}

// --- whole sessions ---

TEST(FsmSession, ActiveOpenToEstablishedAndBack) {
  Session s;
  s.config = test_config(false);
  Transition t = step(s, E::kAutomaticStart);
  EXPECT_EQ(t.actions, (Actions{zero, start_cr, initiate}));
  t = step(t.session, E::kTcpCrAcked);
  EXPECT_EQ(t.actions, (Actions{stop_cr, send_open, start_open_hold}));
  EventData d;
  d.peer_hold_time = kPeerHold;
  t = step(t.session, E::kBgpOpen, d);
  EXPECT_EQ(t.actions, (Actions{stop_do, stop_cr, send_ka, start_ka, start_hold}));
  t = step(t.session, E::kKeepAliveMsg);
  EXPECT_EQ(t.actions, (Actions{start_hold, session_established}));
  EXPECT_EQ(t.session.state, S::kEstablished);
  t = step(t.session, E::kUpdateMsg);
  EXPECT_EQ(t.actions, (Actions{process_update, start_hold}));
  t = step(t.session, E::kNotifMsg);
  EXPECT_EQ(t.session.state, S::kIdle);
  EXPECT_EQ(t.actions,
            (Actions{stop_cr, delete_routes, release, drop, inc, start(Timer::kIdleHold, 1)}));
  EXPECT_EQ(t.session.connect_retry_counter, 1u);
}

TEST(FsmSession, RefusedConnectionsKeepListeningBetweenRetries) {
  // Peer down: connect, refused, listen in Active, retry on the ConnectRetryTimer, forever
  // without going Idle (where incoming connections would be refused too).
  Session s;
  s.config = test_config(false);
  Transition t = step(s, E::kManualStart);
  for (int i = 0; i < 3; ++i) {
    t = step(t.session, E::kTcpConnectionFails);
    EXPECT_EQ(t.session.state, S::kActive);
    EXPECT_EQ(t.actions, (Actions{start_cr}));
    t = step(t.session, E::kConnectRetryTimerExpires);
    EXPECT_EQ(t.session.state, S::kConnect);
    EXPECT_EQ(t.actions, (Actions{start_cr, initiate}));
  }
  EXPECT_EQ(t.session.connect_retry_counter, 0u);
  // Meanwhile the peer comes up and connects to us.
  t = step(t.session, E::kTcpConnectionFails);
  t = step(t.session, E::kTcpConnectionConfirmed);
  EXPECT_EQ(t.session.state, S::kOpenSent);
}

TEST(FsmSession, NotificationEventClassification) {
  EXPECT_EQ(notification_event(notif(2, 1)), E::kNotifMsgVerErr);
  EXPECT_EQ(notification_event(notif(2, 2)), E::kNotifMsg);
  EXPECT_EQ(notification_event(notif(1, 1)), E::kNotifMsg);
  EXPECT_EQ(notification_event(notif(6, 2)), E::kNotifMsg);
}

TEST(FsmSession, ErrorEventsWithoutDetailsUseUnspecificSubcodes) {
  const Session s = in_state(S::kOpenSent);
  EXPECT_EQ(step(s, E::kBgpHeaderErr).actions.front(), notify(1, 0));
  EXPECT_EQ(step(s, E::kBgpOpenMsgErr).actions.front(), notify(2, 0));
  EXPECT_EQ(step(in_state(S::kEstablished), E::kUpdateMsgErr).actions.front(), notify(3, 0));
  EXPECT_EQ(step(s, E::kManualStop).actions.front(), notify(6, 2));
  EXPECT_EQ(step(s, E::kOpenCollisionDump).actions.front(), notify(6, 7));
}

}  // namespace
}  // namespace evpnd::fsm
