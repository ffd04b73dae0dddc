// A minimal client of evpnd's management API (DESIGN.md, "Management API and CLI"): one
// HTTP/1.1 GET over the daemon's Unix socket with Boost.Beast, synchronous, with a deadline.
#pragma once

#include <chrono>
#include <string>

namespace evpnd::cli {

/// What one GET gave.
struct ApiReply {
  /// Empty when an HTTP response arrived (whatever its status). Otherwise one line saying why
  /// there is none, e.g. "cannot connect to /run/evpnd/evpnd.sock: No such file or directory
  /// (is evpnd running?)".
  std::string transport_error;
  unsigned status = 0;  ///< HTTP status, e.g. 200 or 404.
  std::string body;     ///< The response body as sent (JSON text).
};

/// GETs `target` (path and query, e.g. "/v1/bgp/summary") from the API server listening on the
/// Unix socket `socket_path`. Connecting, sending and reading the whole response must finish
/// within `timeout`. Never throws for network errors: they come back in `transport_error`.
ApiReply api_get(const std::string& socket_path, const std::string& target,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5));

/// Percent-encodes `value` for a query string (RFC 3986 unreserved characters and ':' stay).
std::string url_encode(const std::string& value);

}  // namespace evpnd::cli
