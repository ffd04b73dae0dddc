#include "daemon/api_server.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <optional>
#include <vector>

#include "proto/api.pb.h"

namespace evpnd::daemon {
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr size_t kMaxRequestBytes = 16 * 1024;

std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int hi = hex(s[i + 1]);
      int lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i] == '+' ? ' ' : s[i];
  }
  return out;
}

// One connection: reads requests and answers them until the peer closes or errs.
template <class Socket>
class Connection : public std::enable_shared_from_this<Connection<Socket>> {
 public:
  Connection(Socket socket, const ApiServer& server)
      : socket_(std::move(socket)), server_(server) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestBytes);
    parser_->body_limit(kMaxRequestBytes);
    http::async_read(socket_, buffer_, *parser_,
                     [self = this->shared_from_this()](boost::system::error_code ec, size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(boost::system::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof) return;
    if (ec) {
      const bool too_big = ec == http::error::header_limit || ec == http::error::body_limit;
      respond(ApiResponse::fail(too_big ? 413 : 400, "bad request: " + ec.message()), 11, false);
      return;
    }
    const auto& req = parser_->get();
    ApiResponse r = server_.handle(std::string(req.method_string()), std::string(req.target()));
    respond(std::move(r), req.version(), req.keep_alive());
  }

  void respond(ApiResponse r, unsigned version, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version);
    res->result(r.status);
    res->set(http::field::server, "evpnd");
    res->set(http::field::content_type, "application/json");
    if (r.body) {
      res->body() = to_json(*r.body);
    } else {
      evpnd::api::Error e;
      e.set_status(r.status);
      e.set_message(r.error);
      res->body() = to_json(e);
    }
    res->body() += "\n";
    res->keep_alive(keep_alive);
    res->prepare_payload();
    http::async_write(
        socket_, *res,
        [self = this->shared_from_this(), res, keep_alive](boost::system::error_code ec, size_t) {
          if (!ec && keep_alive) self->read();
        });
  }

  Socket socket_;
  const ApiServer& server_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

struct ApiServer::Impl {
  explicit Impl(asio::io_context& io_context) : io(io_context) {}
  asio::io_context& io;
  std::vector<std::pair<std::string, Handler>> routes;
  std::unique_ptr<asio::local::stream_protocol::acceptor> unix_acceptor;
  std::unique_ptr<asio::ip::tcp::acceptor> tcp_acceptor;
  std::string unix_path;
};

ApiResponse ApiResponse::ok(std::unique_ptr<google::protobuf::Message> m) {
  ApiResponse r;
  r.body = std::move(m);
  return r;
}

ApiResponse ApiResponse::fail(unsigned status, std::string message) {
  ApiResponse r;
  r.status = status;
  r.error = std::move(message);
  return r;
}

ApiServer::ApiServer(asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}
ApiServer::~ApiServer() { stop(); }

void ApiServer::route(std::string path, Handler h) {
  impl_->routes.emplace_back(std::move(path), std::move(h));
}

ApiResponse ApiServer::handle(const std::string& method, const std::string& target) const {
  if (method != "GET") return ApiResponse::fail(405, "only GET is supported");
  ApiRequest req;
  const auto q = target.find('?');
  req.path = url_decode(target.substr(0, q));
  if (q != std::string::npos) {
    std::string_view rest(target);
    rest.remove_prefix(q + 1);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      auto kv = rest.substr(0, amp);
      auto eq = kv.find('=');
      if (!kv.empty()) {
        req.query[url_decode(kv.substr(0, eq))] =
            eq == std::string_view::npos ? "" : url_decode(kv.substr(eq + 1));
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  for (const auto& [path, handler] : impl_->routes) {
    const bool prefix = !path.empty() && path.back() == '/';
    if (req.path == path ||
        (prefix && req.path.rfind(path, 0) == 0 && req.path.size() > path.size())) {
      try {
        return handler(req);
      } catch (const std::exception& e) {
        return ApiResponse::fail(500, std::string("internal error: ") + e.what());
      }
    }
  }
  return ApiResponse::fail(404, "no such resource: " + req.path);
}

namespace {

template <class Acceptor, class Socket>
void accept_loop(Acceptor& acceptor, const ApiServer& server) {
  acceptor.async_accept([&acceptor, &server](boost::system::error_code ec, Socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Connection<Socket>>(std::move(socket), server)->start();
    accept_loop<Acceptor, Socket>(acceptor, server);
  });
}

}  // namespace

std::string ApiServer::listen_unix(const std::string& socket_path) {
  using Proto = asio::local::stream_protocol;
  std::error_code fs_ec;
  const auto dir = std::filesystem::path(socket_path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, fs_ec);
  std::filesystem::remove(socket_path, fs_ec);
  boost::system::error_code ec;
  auto acceptor = std::make_unique<Proto::acceptor>(impl_->io);
  acceptor->open(Proto(), ec);
  if (!ec) acceptor->bind(Proto::endpoint(socket_path), ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "api socket " + socket_path + ": " + ec.message();
  ::chmod(socket_path.c_str(), 0660);
  impl_->unix_acceptor = std::move(acceptor);
  impl_->unix_path = socket_path;
  accept_loop<Proto::acceptor, Proto::socket>(*impl_->unix_acceptor, *this);
  return "";
}

std::string ApiServer::listen_tcp(const std::string& address) {
  using asio::ip::tcp;
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return "api listen " + address + ": expected ADDRESS:PORT";
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(host, ec);
  if (ec || !ip.is_loopback()) return "api listen " + address + ": must be a loopback address";
  unsigned long port = 0;
  try {
    port = std::stoul(address.substr(colon + 1));
  } catch (const std::exception&) {
    port = 0;
  }
  if (port == 0 || port > 65535) return "api listen " + address + ": bad port";
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
  const tcp::endpoint ep(ip, static_cast<uint16_t>(port));
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "api listen " + address + ": " + ec.message();
  impl_->tcp_acceptor = std::move(acceptor);
  accept_loop<tcp::acceptor, tcp::socket>(*impl_->tcp_acceptor, *this);
  return "";
}

void ApiServer::stop() {
  boost::system::error_code ec;
  if (impl_->unix_acceptor) {
    impl_->unix_acceptor->close(ec);
    impl_->unix_acceptor.reset();
    std::error_code fs_ec;
    std::filesystem::remove(impl_->unix_path, fs_ec);
  }
  if (impl_->tcp_acceptor) {
    impl_->tcp_acceptor->close(ec);
    impl_->tcp_acceptor.reset();
  }
}

std::string to_json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
  return out;
}

}  // namespace evpnd::daemon
