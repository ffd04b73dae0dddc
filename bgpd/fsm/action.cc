#include "bgpd/fsm/action.h"

#include <cstdio>
#include <utility>

namespace evpnd::fsm {

const char* to_string(Timer timer) {
  switch (timer) {
    case Timer::kConnectRetry:
      return "ConnectRetryTimer";
    case Timer::kHold:
      return "HoldTimer";
    case Timer::kKeepalive:
      return "KeepaliveTimer";
    case Timer::kDelayOpen:
      return "DelayOpenTimer";
    case Timer::kIdleHold:
      return "IdleHoldTimer";
  }
  return "?";
}

const char* to_string(ActionType type) {
  switch (type) {
    case ActionType::kStartTimer:
      return "StartTimer";
    case ActionType::kStopTimer:
      return "StopTimer";
    case ActionType::kInitiateTcpConnection:
      return "InitiateTcpConnection";
    case ActionType::kRejectTcpConnection:
      return "RejectTcpConnection";
    case ActionType::kDropTcpConnection:
      return "DropTcpConnection";
    case ActionType::kSendOpen:
      return "SendOpen";
    case ActionType::kSendKeepalive:
      return "SendKeepalive";
    case ActionType::kSendNotification:
      return "SendNotification";
    case ActionType::kReleaseResources:
      return "ReleaseResources";
    case ActionType::kDeleteRoutes:
      return "DeleteRoutes";
    case ActionType::kProcessUpdate:
      return "ProcessUpdate";
    case ActionType::kSessionEstablished:
      return "SessionEstablished";
    case ActionType::kIncrementConnectRetryCounter:
      return "IncrementConnectRetryCounter";
    case ActionType::kZeroConnectRetryCounter:
      return "ZeroConnectRetryCounter";
  }
  return "?";
}

Action Action::start_timer(Timer timer, uint16_t seconds) {
  Action a;
  a.type = ActionType::kStartTimer;
  a.timer = timer;
  a.seconds = seconds;
  return a;
}

Action Action::stop_timer(Timer timer) {
  Action a;
  a.type = ActionType::kStopTimer;
  a.timer = timer;
  return a;
}

Action Action::send_notification(codec::NotificationMessage notification) {
  Action a;
  a.type = ActionType::kSendNotification;
  a.notification = std::move(notification);
  return a;
}

Action Action::make(ActionType type) {
  Action a;
  a.type = type;
  return a;
}

std::string to_string(const Action& action) {
  std::string s = to_string(action.type);
  switch (action.type) {
    case ActionType::kStartTimer:
      s += ' ';
      s += to_string(action.timer);
      s += ' ' + std::to_string(action.seconds) + 's';
      break;
    case ActionType::kStopTimer:
      s += ' ';
      s += to_string(action.timer);
      break;
    case ActionType::kSendNotification: {
      s += ' ' + std::to_string(action.notification.code) + '/' +
           std::to_string(action.notification.subcode);
      if (!action.notification.data.empty()) {
        s += " data=";
        for (uint8_t b : action.notification.data) {
          char hex[3];
          std::snprintf(hex, sizeof hex, "%02x", b);
          s += hex;
        }
      }
      break;
    }
    default:
      break;
  }
  return s;
}

}  // namespace evpnd::fsm
