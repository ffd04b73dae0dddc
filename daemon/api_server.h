// The management API server: HTTP/1.1 (Boost.Beast) on a Unix socket with mode 0660, and
// optionally on a loopback TCP address. Handlers run on the daemon's one io_context thread and
// return protobuf messages, sent in protobuf's JSON mapping (DESIGN.md, "Management API").
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace google::protobuf {
class Message;
}

namespace evpnd::daemon {

/// What a handler sees of a request: the path without the query, and the query parameters.
struct ApiRequest {
  std::string path;
  std::map<std::string, std::string> query;
};

/// A handler's answer: an HTTP status and a protobuf message, or a status and an error text
/// (sent as evpnd.api.Error).
struct ApiResponse {
  unsigned status = 200;
  std::unique_ptr<google::protobuf::Message> body;
  std::string error;

  static ApiResponse ok(std::unique_ptr<google::protobuf::Message> m);
  static ApiResponse fail(unsigned status, std::string message);
};

/// Serves GET requests by path prefix. Untrusted input never throws past it: malformed
/// requests get 400, unknown paths 404, other methods 405, oversized requests 413.
class ApiServer {
 public:
  using Handler = std::function<ApiResponse(const ApiRequest&)>;

  explicit ApiServer(boost::asio::io_context& io);
  ~ApiServer();

  /// Routes GET requests whose path equals `path`, or starts with it when it ends in '/'.
  void route(std::string path, Handler h);
  /// Listens on a Unix socket (removing a stale socket file first, creating the directory).
  /// Returns an error text, or "" on success.
  std::string listen_unix(const std::string& socket_path);
  /// Listens on "127.0.0.1:PORT" or "[::1]:PORT"; returns an error text, or "".
  std::string listen_tcp(const std::string& address);
  /// Stops accepting and closes the listeners (open connections finish their request).
  void stop();

  /// Answers one request (also used by tests without a socket).
  ApiResponse handle(const std::string& method, const std::string& target) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The JSON text of a message in protobuf's JSON mapping (field names as in the .proto).
std::string to_json(const google::protobuf::Message& m);

}  // namespace evpnd::daemon
