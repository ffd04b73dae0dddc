// Decode errors and the RFC 7606 handling each one calls for, so that a BGP speaker can act on
// a malformed message without parsing it again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace evpnd::codec {

/// What the receiver of a malformed message must do (RFC 7606 §2), from mildest to harshest.
enum class ErrorAction : uint8_t {
  kAttributeDiscard,  ///< Drop the attribute, keep the routes (RFC 7606 §2).
  kTreatAsWithdraw,   ///< Handle every NLRI of the UPDATE as withdrawn (RFC 7606 §2).
  kSessionReset,      ///< Send NOTIFICATION(code, subcode, data) and close (RFC 4271 §6).
};

/// One error found while decoding: what was wrong, at which byte offset of the message, and the
/// NOTIFICATION code/subcode/data that RFC 4271 §6 prescribes for it (also filled for the milder
/// actions, for logging).
struct DecodeError {
  ErrorAction action = ErrorAction::kSessionReset;
  uint8_t code = 0;
  uint8_t subcode = 0;
  std::vector<uint8_t> data;
  size_t offset = 0;  ///< Byte offset from the first octet of the message (marker included).
  std::string what;   ///< One line for humans, e.g. "ORIGIN: length 2, expected 1".
  bool operator==(const DecodeError&) const = default;
};

/// Name of an ErrorAction as used in logs and JSON: "attribute-discard", "treat-as-withdraw",
/// "session-reset".
const char* to_string(ErrorAction action);

/// Either a decoded value or the DecodeError that stopped decoding.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(DecodeError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const DecodeError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, DecodeError> v_;
};

}  // namespace evpnd::codec
