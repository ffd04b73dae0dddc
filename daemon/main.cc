// evpnd: the BGP EVPN daemon. `evpnd -c FILE` runs it; `evpnd --check -c FILE` only validates
// the config. SIGTERM/SIGINT stop it cleanly: every peer gets Cease/Administrative Shutdown.
// SIGHUP re-reads the config file (originated routes apply live).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>
#include <functional>
#include <iostream>

#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description opts("evpnd, a BGP EVPN control-plane daemon for VXLAN fabrics");
  opts.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>()->default_value("/etc/evpnd/evpnd.yaml"),
      "config file (YAML)")("check", "validate the config file and exit")(
      "log-level", po::value<std::string>(),
      "trace, debug, info, warn or error (overrides log.level)")(
      "graceful-restart",
      "announce a restart to peers (RFC 4724 Restart State and Forwarding State bits) even if "
      "the kernel holds no entries of a previous run")("version", "print the version");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "evpnd: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "evpnd 0.1.0\n";
    return 0;
  }
  const std::string path = vm["config"].as<std::string>();
  auto cfg = evpnd::daemon::load_config_file(path);
  if (!cfg.ok()) {
    std::cerr << cfg.error().to_string() << "\n";
    return 1;
  }
  if (vm.count("check")) {
    std::cout << path << ": OK\n";
    return 0;
  }
  static const char* const kLevels[] = {"info", "trace", "debug", "info", "warn", "error"};
  std::string level = kLevels[cfg->log().level() < 6 ? cfg->log().level() : 0];
  if (vm.count("log-level")) level = vm["log-level"].as<std::string>();
  if (!evpnd::daemon::init_logging(level)) {
    std::cerr << "evpnd: unknown log level " << level << "\n";
    return 2;
  }

  boost::asio::io_context io(1);
  evpnd::daemon::Daemon daemon(io, std::move(*cfg));
  daemon.set_graceful_restart(vm.count("graceful-restart") > 0);
  if (auto err = daemon.start(); !err.empty()) {
    std::cerr << "evpnd: " << err << "\n";
    return 1;
  }
  boost::asio::signal_set hangup(io, SIGHUP);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    hangup.cancel();
    daemon.shutdown(sig == SIGTERM ? "evpnd stopped (SIGTERM)" : "evpnd stopped (SIGINT)",
                    [&io] { io.stop(); });
  });
  std::function<void()> wait_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      daemon.reload(path);
      wait_hangup();
    });
  };
  wait_hangup();
  io.run();
  return 0;
}
