#include "bgpd/rib/route_key.h"

#include <algorithm>
#include <cassert>

#include "bgpd/rib/hash.h"

namespace evpnd::rib {
namespace {

using codec::Family;

// Appends octets to a key, in order.
class KeyWriter {
 public:
  explicit KeyWriter(RouteKey& k) : k_(k) {}
  void u8(uint8_t v) { k_.data[k_.size++] = v; }
  void u32(uint32_t v) {
    u8(static_cast<uint8_t>(v >> 24));
    u8(static_cast<uint8_t>(v >> 16));
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void bytes(const uint8_t* p, size_t n) {
    std::memcpy(k_.data.data() + k_.size, p, n);
    k_.size = static_cast<uint8_t>(k_.size + n);
  }
  void rd(const codec::RouteDistinguisher& rd) {
    u8(static_cast<uint8_t>(rd.type >> 8));
    u8(static_cast<uint8_t>(rd.type));
    bytes(rd.value.data(), rd.value.size());
  }
  void ip(const codec::IpAddress& a) {
    u8(a.family);
    bytes(a.bytes.data(), a.size());
  }

 private:
  RouteKey& k_;
};

// Reads the octets KeyWriter wrote.
class KeyReader {
 public:
  explicit KeyReader(const RouteKey& k) : k_(k) {}
  uint8_t u8() { return k_.data[pos_++]; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
    return v;
  }
  void bytes(uint8_t* p, size_t n) {
    std::memcpy(p, k_.data.data() + pos_, n);
    pos_ += n;
  }
  codec::RouteDistinguisher rd() {
    codec::RouteDistinguisher r;
    r.type = static_cast<uint16_t>(u8() << 8);
    r.type = static_cast<uint16_t>(r.type | u8());
    bytes(r.value.data(), r.value.size());
    return r;
  }
  codec::IpAddress ip() {
    codec::IpAddress a;
    a.family = u8();
    bytes(a.bytes.data(), a.size());
    return a;
  }

 private:
  const RouteKey& k_;
  size_t pos_ = 0;
};

uint64_t unknown_route_seed() {
  static const uint64_t seed = detail::mix64(reinterpret_cast<uintptr_t>(&seed) ^ 0x5eedULL);
  return seed;
}

}  // namespace

codec::Family family_of(const Nlri& nlri) {
  if (const auto* p = std::get_if<codec::IpPrefix>(&nlri)) {
    return p->address.family == 6 ? Family::kIpv6Unicast : Family::kIpv4Unicast;
  }
  return Family::kL2vpnEvpn;
}

uint64_t RouteKey::hash() const { return detail::hash_bytes(this, sizeof(*this)); }

bool NlriExtras::is_zero() const {
  return esi.is_zero() && label1 == 0 && label2 == 0 && !has_label2 && gateway.is_none() &&
         unknown_value.empty();
}

uint64_t NlriExtras::hash() const {
  uint8_t buf[10 + 4 + 4 + 1 + 1 + 16];
  size_t n = 0;
  std::memcpy(buf + n, esi.bytes.data(), 10);
  n += 10;
  std::memcpy(buf + n, &label1, 4);
  n += 4;
  std::memcpy(buf + n, &label2, 4);
  n += 4;
  buf[n++] = has_label2 ? 1 : 0;
  buf[n++] = gateway.family;
  std::memcpy(buf + n, gateway.bytes.data(), 16);
  n += 16;
  uint64_t h = detail::hash_bytes(buf, n);
  if (!unknown_value.empty()) {
    h ^= detail::hash_bytes(unknown_value.data(), unknown_value.size(), 1);
  }
  return h;
}

void split_nlri(const codec::EvpnRoute& route, RouteKey& key, NlriExtras& extras) {
  key = RouteKey{};
  key.family = Family::kL2vpnEvpn;
  key.route_type = codec::route_type(route);
  extras = NlriExtras{};
  KeyWriter w(key);
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, codec::EthernetAutoDiscoveryRoute>) {
          w.rd(r.rd);
          w.bytes(r.esi.bytes.data(), r.esi.bytes.size());
          w.u32(r.ethernet_tag);
          extras.label1 = r.label;
        } else if constexpr (std::is_same_v<T, codec::MacIpAdvertisementRoute>) {
          w.rd(r.rd);
          w.u32(r.ethernet_tag);
          w.bytes(r.mac.bytes.data(), r.mac.bytes.size());
          w.ip(r.ip);
          extras.esi = r.esi;
          extras.label1 = r.label1;
          extras.has_label2 = r.has_label2;
          extras.label2 = r.label2;
        } else if constexpr (std::is_same_v<T, codec::InclusiveMulticastRoute>) {
          w.rd(r.rd);
          w.u32(r.ethernet_tag);
          w.ip(r.originating_router);
        } else if constexpr (std::is_same_v<T, codec::EthernetSegmentRoute>) {
          w.rd(r.rd);
          w.bytes(r.esi.bytes.data(), r.esi.bytes.size());
          w.ip(r.originating_router);
        } else if constexpr (std::is_same_v<T, codec::IpPrefixRoute>) {
          w.rd(r.rd);
          w.u32(r.ethernet_tag);
          w.u8(r.prefix.length);
          w.ip(r.prefix.address);
          extras.esi = r.esi;
          extras.label1 = r.label;
          extras.gateway = r.gateway;
          // An all-zero gateway of the prefix's family is "unused": keep it as none.
          if (std::all_of(r.gateway.bytes.begin(), r.gateway.bytes.end(),
                          [](uint8_t b) { return b == 0; })) {
            extras.gateway = codec::IpAddress{};
          }
        } else {
          key.route_type = r.type;
          if (r.value.size() <= RouteKey::kDataSize) {
            w.bytes(r.value.data(), r.value.size());
          } else {
            w.bytes(r.value.data(), RouteKey::kDataSize - 8);
            const uint64_t h =
                detail::hash_bytes(r.value.data(), r.value.size(), unknown_route_seed());
            for (int i = 0; i < 8; ++i) w.u8(static_cast<uint8_t>(h >> (56 - 8 * i)));
            key.size = RouteKey::kHashed;
            extras.unknown_value = r.value;
          }
        }
      },
      route);
}

bool split_nlri(const codec::IpPrefix& prefix, RouteKey& key) {
  key = RouteKey{};
  const uint8_t fam = prefix.address.family;
  if ((fam != 4 && fam != 6) || prefix.length > prefix.address.size() * 8) return false;
  key.family = fam == 4 ? Family::kIpv4Unicast : Family::kIpv6Unicast;
  KeyWriter w(key);
  w.u8(prefix.length);
  const size_t n = (prefix.length + 7u) / 8u;
  w.bytes(prefix.address.bytes.data(), n);
  if (prefix.length % 8 != 0) {
    key.data[n] = static_cast<uint8_t>(key.data[n] & (0xff << (8 - prefix.length % 8)));
  }
  return true;
}

bool split_nlri(const Nlri& nlri, RouteKey& key, NlriExtras& extras) {
  if (const auto* p = std::get_if<codec::IpPrefix>(&nlri)) {
    extras = NlriExtras{};
    return split_nlri(*p, key);
  }
  split_nlri(std::get<codec::EvpnRoute>(nlri), key, extras);
  return true;
}

codec::IpPrefix to_prefix(const RouteKey& key) {
  codec::IpPrefix p;
  p.address.family = key.family == Family::kIpv6Unicast ? 6 : 4;
  p.length = key.data[0];
  std::memcpy(p.address.bytes.data(), key.data.data() + 1, key.size - 1u);
  return p;
}

codec::EvpnRoute to_evpn_route(const RouteKey& key, const NlriExtras& extras) {
  KeyReader r(key);
  switch (key.route_type) {
    case 1: {
      codec::EthernetAutoDiscoveryRoute x;
      x.rd = r.rd();
      r.bytes(x.esi.bytes.data(), x.esi.bytes.size());
      x.ethernet_tag = r.u32();
      x.label = extras.label1;
      return x;
    }
    case 2: {
      codec::MacIpAdvertisementRoute x;
      x.rd = r.rd();
      x.ethernet_tag = r.u32();
      r.bytes(x.mac.bytes.data(), x.mac.bytes.size());
      x.ip = r.ip();
      x.esi = extras.esi;
      x.label1 = extras.label1;
      x.has_label2 = extras.has_label2;
      x.label2 = extras.label2;
      return x;
    }
    case 3: {
      codec::InclusiveMulticastRoute x;
      x.rd = r.rd();
      x.ethernet_tag = r.u32();
      x.originating_router = r.ip();
      return x;
    }
    case 4: {
      codec::EthernetSegmentRoute x;
      x.rd = r.rd();
      r.bytes(x.esi.bytes.data(), x.esi.bytes.size());
      x.originating_router = r.ip();
      return x;
    }
    case 5: {
      codec::IpPrefixRoute x;
      x.rd = r.rd();
      x.ethernet_tag = r.u32();
      x.prefix.length = r.u8();
      x.prefix.address = r.ip();
      x.esi = extras.esi;
      x.label = extras.label1;
      x.gateway = extras.gateway;
      x.gateway.family = x.prefix.address.family;  // Unused gateway: zeros of that family.
      return x;
    }
    default: {
      codec::UnknownEvpnRoute x;
      x.type = key.route_type;
      if (key.size == RouteKey::kHashed) {
        x.value = extras.unknown_value;
      } else {
        x.value.assign(key.data.begin(), key.data.begin() + key.size);
      }
      return x;
    }
  }
}

Nlri to_nlri(const RouteKey& key, const NlriExtras& extras) {
  if (key.family == Family::kL2vpnEvpn) return to_evpn_route(key, extras);
  return to_prefix(key);
}

size_t encoded_size(const codec::IpPrefix& prefix, bool add_path) {
  return (add_path ? 4u : 0u) + 1u + (prefix.length + 7u) / 8u;
}

size_t encoded_size(const codec::EvpnRoute& route, bool add_path) {
  const size_t value = std::visit(
      [](const auto& r) -> size_t {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, codec::EthernetAutoDiscoveryRoute>) {
          return 25;
        } else if constexpr (std::is_same_v<T, codec::MacIpAdvertisementRoute>) {
          return 33u + r.ip.size() + (r.has_label2 ? 3u : 0u);
        } else if constexpr (std::is_same_v<T, codec::InclusiveMulticastRoute>) {
          return 13u + r.originating_router.size();
        } else if constexpr (std::is_same_v<T, codec::EthernetSegmentRoute>) {
          return 19u + r.originating_router.size();
        } else if constexpr (std::is_same_v<T, codec::IpPrefixRoute>) {
          return r.prefix.address.family == 6 ? 58u : 34u;
        } else {
          return r.value.size();
        }
      },
      route);
  return (add_path ? 4u : 0u) + 2u + value;
}

}  // namespace evpnd::rib
