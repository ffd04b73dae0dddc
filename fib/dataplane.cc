#include "fib/dataplane.h"

#include <arpa/inet.h>

#include <cstdio>

namespace evpnd::fib {

bool Mac::is_zero() const {
  for (uint8_t o : octets) {
    if (o) return false;
  }
  return true;
}

std::string Mac::to_string() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", octets[0], octets[1], octets[2],
                octets[3], octets[4], octets[5]);
  return buf;
}

std::optional<Mac> Mac::parse(const std::string& text) {
  Mac m;
  unsigned v[6];
  char tail;
  if (text.size() != 17 || std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1],
                                       &v[2], &v[3], &v[4], &v[5], &tail) != 6) {
    return std::nullopt;
  }
  for (int i = 0; i < 6; ++i) m.octets[i] = static_cast<uint8_t>(v[i]);
  return m;
}

size_t IpAddr::size() const { return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0; }

std::string IpAddr::to_string() const {
  if (family == 0) return "";
  char buf[INET6_ADDRSTRLEN];
  ::inet_ntop(family, octets.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpAddr> IpAddr::parse(const std::string& text) {
  IpAddr a;
  if (::inet_pton(AF_INET, text.c_str(), a.octets.data()) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (::inet_pton(AF_INET6, text.c_str(), a.octets.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

IpAddr IpAddr::v4(uint32_t host_order) {
  IpAddr a;
  a.family = AF_INET;
  a.octets[0] = static_cast<uint8_t>(host_order >> 24);
  a.octets[1] = static_cast<uint8_t>(host_order >> 16);
  a.octets[2] = static_cast<uint8_t>(host_order >> 8);
  a.octets[3] = static_cast<uint8_t>(host_order);
  return a;
}

namespace {

std::string fdb_flags(uint8_t flags) {
  std::string s;
  if (flags & kNtfSelf) s += " self";
  if (flags & kNtfMaster) s += " master";
  if (flags & kNtfExtLearned) s += " extern_learn";
  if (flags & kNtfSticky) s += " sticky";
  return s;
}

}  // namespace

std::string to_string(const Entry& entry) {
  if (const auto* f = std::get_if<FdbEntry>(&entry)) {
    std::string s = "fdb dev " + std::to_string(f->ifindex) + " " + f->mac.to_string();
    if (f->vlan) s += " vlan " + std::to_string(f->vlan);
    if (!f->dst.empty()) s += " dst " + f->dst.to_string();
    if (f->master) s += " master-dev " + std::to_string(f->master);
    return s + fdb_flags(f->flags);
  }
  if (const auto* n = std::get_if<NeighEntry>(&entry)) {
    return "neigh " + n->ip.to_string() + " dev " + std::to_string(n->ifindex) + " lladdr " +
           n->mac.to_string() + fdb_flags(n->flags);
  }
  const auto& r = std::get<RouteEntry>(entry);
  std::string s = "route table " + std::to_string(r.table) + " " + r.dst.to_string() + "/" +
                  std::to_string(r.prefix_length);
  for (const auto& nh : r.next_hops) {
    s += " via " + nh.gateway.to_string();
    if (nh.ifindex) s += " dev " + std::to_string(nh.ifindex);
    if (nh.onlink) s += " onlink";
  }
  return s;
}

}  // namespace evpnd::fib
