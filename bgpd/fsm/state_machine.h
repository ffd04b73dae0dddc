// The BGP finite state machine of RFC 4271 §8.2.2 as a pure function: (variables, event) ->
// (new variables, ordered actions). No sockets, clocks, logging or randomness; bgpd/session
// feeds it events and performs the actions. One Session per TCP connection (§8.2.1.2).
//
// evpnd's choices where RFC 4271 leaves room or is silent:
//  - Optional attributes: DelayOpen and DampPeerOscillations per Config; PassiveTcpEstablishment
//    per start event; SendNOTIFICATIONwithoutOPEN, CollisionDetectEstablishedState,
//    TrackTcpState and AutomaticStop are FALSE (so no NOTIFICATION before our OPEN is sent).
//  - Automatic restart: every transition to Idle except ManualStop ends by starting the
//    IdleHoldTimer; IdleHoldTimer_Expires in Idle then restarts the session like
//    AutomaticStart (or its passive variant when the session is passive). ManualStop cancels a
//    pending restart; ManualStart overrides it; AutomaticStart waits for it.
//  - Damping: where §8.2.2 says "performs peer oscillation damping" (and also when Established
//    ends by TcpConnectionFails or a received NOTIFICATION, which the RFC omits there) the
//    IdleHoldTime grows (next_idle_hold_time); on other Idle transitions it stays as is. Leaving
//    an Established session that lasted Config::idle_hold_reset_time first resets it.
//  - Connect + TcpConnectionFails without a running DelayOpenTimer goes to Active (keep
//    listening, retry on ConnectRetryTimer_Expires) instead of Idle, as FRR, BIRD and OpenBGPD
//    do: two peers that both restart would otherwise keep refusing each other from Idle.
//  - A passive session in Active restarts its ConnectRetryTimer on expiry instead of
//    connecting.
//  - FSM Error NOTIFICATIONs carry the RFC 6608 subcode of the state (5/1, 5/2, 5/3) and the
//    unexpected message's type as data when a message caused them, 5/0 without data when a timer
//    event did. A received NOTIFICATION is never answered with one (OpenSent + NotifMsg).
//  - An OPEN on this connection in OpenConfirm or Established (BGPOpen, or BGPOpenMsgErr in
//    Established) is an unexpected message (5/2, 5/3): collisions with the other connection
//    reach this FSM as OpenCollisionDump. BGPHeaderErr in Established sends the Message Header
//    Error of §6.1 from EventData, not an FSM Error.
//  - HoldTimer_Expires in Established also deletes the routes (the RFC lists it everywhere
//    else). Teardown actions come in one fixed order: SendNotification, StopTimer
//    ConnectRetry, StopTimer DelayOpen, DeleteRoutes, ReleaseResources, DropTcpConnection,
//    counter, StartTimer IdleHold (the RFC's order varies between paragraphs, meaninglessly).
//  - Timer stops the RFC prescribes unconditionally are emitted even if the timer is not
//    running (stopping is idempotent); "if running" stops of the DelayOpenTimer follow
//    Session::delay_open_timer_running.
#pragma once

#include <vector>

#include "bgpd/fsm/action.h"
#include "bgpd/fsm/event.h"
#include "bgpd/fsm/session.h"
#include "bgpd/fsm/state.h"
#include "bgpd/fsm/timers.h"

namespace evpnd::fsm {

/// The result of one event: the new variables and what to do, in order.
struct Transition {
  Session session;
  std::vector<Action> actions;
  bool operator==(const Transition&) const = default;
};

/// Applies `event` (with its `data`) to `session` per RFC 4271 §8.2.2 and the choices above.
/// Total: every state accepts every event (ignored events return the session unchanged and no
/// actions). Timer durations in the actions are in seconds, before jitter. Never throws.
Transition step(const Session& session, Event event, const EventData& data = {});

/// The event a valid OPEN raises on this connection: BGPOpen with DelayOpenTimer running (20)
/// while the DelayOpenTimer runs, else BGPOpen (19).
Event open_event(const Session& session);

}  // namespace evpnd::fsm
