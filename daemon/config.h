// Loading the evpnd config file: YAML text (one file per host, see DESIGN.md "Config") in,
// a validated evpnd::config::Config (proto/config.proto) with every default applied out, or the
// first error with its file, line and key. Used by `evpnd -c FILE`, `evpnd --check` and reload.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "proto/config.pb.h"

namespace evpnd::daemon {

/// Defaults the loader fills in (seconds where a time).
inline constexpr uint32_t kDefaultHoldTime = 9;
inline constexpr uint32_t kDefaultKeepalive = 3;  ///< Capped at hold-time / 3.
inline constexpr uint32_t kDefaultConnectRetry = 5;
inline constexpr uint32_t kDefaultRestartTime = 120;
inline constexpr uint32_t kDefaultStaleTime = 360;
inline constexpr uint32_t kDefaultBgpPort = 179;
inline constexpr std::string_view kDefaultApiSocket = "/run/evpnd/evpnd.sock";

/// Why a config was rejected. One line for humans via to_string().
struct ConfigError {
  std::string file;     ///< The path (or display name) as given to the loader.
  int line = 0;         ///< 1-based line; 0 when the error concerns the whole file (unreadable).
  std::string key;      ///< Path of the offending key, e.g. "neighbors[0].remote-as"; "" when
                        ///< none applies (YAML syntax errors, a top level that is not a map).
  std::string message;  ///< What is wrong, e.g. `expected a number, "internal" or "external"`.

  /// `FILE:LINE: KEY: MESSAGE`, e.g.
  /// `evpnd.yaml:7: neighbors[0].remote-as: expected a number, "internal" or "external"`.
  /// An empty key is left out (`FILE:LINE: MESSAGE`), and so is a zero line (`FILE: MESSAGE`).
  std::string to_string() const;

  bool operator==(const ConfigError&) const = default;
};

/// Either a loaded config or the error that stopped loading.
class ConfigResult {
 public:
  ConfigResult(config::Config value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  ConfigResult(ConfigError error) : v_(std::move(error)) {}     // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  config::Config& value() { return std::get<0>(v_); }
  const config::Config& value() const { return std::get<0>(v_); }
  config::Config& operator*() { return value(); }
  const config::Config& operator*() const { return value(); }
  config::Config* operator->() { return &value(); }
  const config::Config* operator->() const { return &value(); }
  /// Only when !ok().
  const ConfigError& error() const { return std::get<1>(v_); }

 private:
  std::variant<config::Config, ConfigError> v_;
};

/// Reads and validates the YAML config file at `path`. Errors name the file as `path` was given.
/// A file that cannot be read gives an error with line 0. Never throws (short of running out of
/// memory).
ConfigResult load_config_file(const std::string& path);

/// Validates YAML text; `name` stands for the file in errors (e.g. "evpnd.yaml"). On success every
/// field holds its effective value (see proto/config.proto): defaults applied, neighbor and
/// listen-range timers resolved from the globals, addresses in canonical form, RDs/RTs written
/// "auto" left as "auto" for the EVPN layer. On failure, the first error found: keys are checked
/// in file order, and checks that relate several keys run once the map holding them is read.
/// Never throws (short of running out of memory).
ConfigResult load_config_string(std::string_view yaml, std::string_view name);

}  // namespace evpnd::daemon
