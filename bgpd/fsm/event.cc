#include "bgpd/fsm/event.h"

namespace evpnd::fsm {

const char* to_string(Event event) {
  switch (event) {
    case Event::kManualStart:
      return "ManualStart";
    case Event::kManualStop:
      return "ManualStop";
    case Event::kAutomaticStart:
      return "AutomaticStart";
    case Event::kManualStartWithPassiveTcpEstablishment:
      return "ManualStart_with_PassiveTcpEstablishment";
    case Event::kAutomaticStartWithPassiveTcpEstablishment:
      return "AutomaticStart_with_PassiveTcpEstablishment";
    case Event::kConnectRetryTimerExpires:
      return "ConnectRetryTimer_Expires";
    case Event::kHoldTimerExpires:
      return "HoldTimer_Expires";
    case Event::kKeepaliveTimerExpires:
      return "KeepaliveTimer_Expires";
    case Event::kDelayOpenTimerExpires:
      return "DelayOpenTimer_Expires";
    case Event::kIdleHoldTimerExpires:
      return "IdleHoldTimer_Expires";
    case Event::kTcpConnectionValid:
      return "TcpConnection_Valid";
    case Event::kTcpCrInvalid:
      return "Tcp_CR_Invalid";
    case Event::kTcpCrAcked:
      return "Tcp_CR_Acked";
    case Event::kTcpConnectionConfirmed:
      return "TcpConnectionConfirmed";
    case Event::kTcpConnectionFails:
      return "TcpConnectionFails";
    case Event::kBgpOpen:
      return "BGPOpen";
    case Event::kBgpOpenWithDelayOpenTimerRunning:
      return "BGPOpen with DelayOpenTimer running";
    case Event::kBgpHeaderErr:
      return "BGPHeaderErr";
    case Event::kBgpOpenMsgErr:
      return "BGPOpenMsgErr";
    case Event::kOpenCollisionDump:
      return "OpenCollisionDump";
    case Event::kNotifMsgVerErr:
      return "NotifMsgVerErr";
    case Event::kNotifMsg:
      return "NotifMsg";
    case Event::kKeepAliveMsg:
      return "KeepAliveMsg";
    case Event::kUpdateMsg:
      return "UpdateMsg";
    case Event::kUpdateMsgErr:
      return "UpdateMsgErr";
  }
  return "?";
}

Event notification_event(const codec::NotificationMessage& notification) {
  constexpr uint8_t kOpenMessageError = 2;
  constexpr uint8_t kUnsupportedVersionNumber = 1;
  return notification.code == kOpenMessageError && notification.subcode == kUnsupportedVersionNumber
             ? Event::kNotifMsgVerErr
             : Event::kNotifMsg;
}

}  // namespace evpnd::fsm
