// api_get: Boost.Beast over boost::asio::local::stream_protocol. The operations are Beast's
// asynchronous ones on a basic_stream, run to completion on a private io_context, because
// basic_stream's timeouts apply to asynchronous operations only.
#include "cli/api_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <limits>

namespace evpnd::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Stream = beast::basic_stream<asio::local::stream_protocol>;

constexpr unsigned kHttp11 = 11;

std::string seconds_text(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + (ms == 1000 ? " second" : " seconds");
  return std::to_string(ms) + " ms";
}

// Runs `io` until the operations finish; the stream's deadline bounds them.
void run(asio::io_context& io) {
  io.restart();
  io.run();
}

}  // namespace

ApiReply api_get(const std::string& socket_path, const std::string& target,
                 std::chrono::milliseconds timeout) {
  ApiReply reply;
  asio::io_context io;
  Stream stream(io);
  beast::error_code ec;
  const std::string timed_out =
      "no answer from " + socket_path + " within " + seconds_text(timeout);

  asio::local::stream_protocol::endpoint endpoint;
  try {
    endpoint = asio::local::stream_protocol::endpoint(socket_path);
  } catch (const boost::system::system_error& e) {  // A path too long for sockaddr_un.
    reply.transport_error = "cannot connect to " + socket_path + ": " + e.code().message();
    return reply;
  }
  stream.expires_after(timeout);
  stream.async_connect(endpoint, [&](beast::error_code e) { ec = e; });
  run(io);
  if (ec) {
    if (ec == beast::error::timeout) {
      reply.transport_error = timed_out;
      return reply;
    }
    reply.transport_error = "cannot connect to " + socket_path + ": " + ec.message();
    if (ec == boost::system::errc::no_such_file_or_directory ||
        ec == boost::system::errc::connection_refused) {
      reply.transport_error += " (is evpnd running?)";
    }
    return reply;
  }

  http::request<http::empty_body> request(http::verb::get, target, kHttp11);
  request.set(http::field::host, "evpnd");
  request.set(http::field::user_agent, "evpnctl");
  request.set(http::field::accept, "application/json");
  request.keep_alive(false);
  http::async_write(stream, request, [&](beast::error_code e, size_t) { ec = e; });
  run(io);
  if (ec) {
    reply.transport_error = ec == beast::error::timeout
                                ? timed_out
                                : "cannot send to " + socket_path + ": " + ec.message();
    return reply;
  }

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
  run(io);
  if (ec) {
    reply.transport_error = ec == beast::error::timeout
                                ? timed_out
                                : "bad answer from " + socket_path + ": " + ec.message();
    return reply;
  }
  auto response = parser.release();
  reply.status = response.result_int();
  reply.body = std::move(response.body());
  stream.socket().shutdown(asio::local::stream_protocol::socket::shutdown_both, ec);
  return reply;
}

std::string url_encode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~' || u == ':') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

}  // namespace evpnd::cli
