#include "evpn/origination.h"

namespace evpnd::evpn {
namespace {

std::vector<codec::PathAttribute> base_attributes(const std::vector<codec::RouteTarget>& rts,
                                                  std::vector<codec::ExtendedCommunity> extra) {
  codec::ExtendedCommunities ec;
  for (const auto& rt : rts) ec.values.emplace_back(rt);
  ec.values.emplace_back(codec::EncapsulationCommunity{});
  for (auto& e : extra) ec.values.push_back(std::move(e));
  return {codec::make_attribute(codec::kOrigin, codec::Origin{0}),
          codec::make_attribute(codec::kAsPath, codec::AsPath{}),
          codec::make_attribute(codec::kExtendedCommunities, std::move(ec))};
}

}  // namespace

codec::RouteDistinguisher auto_rd(const codec::IpAddress& router_id, uint32_t vni) {
  return codec::RouteDistinguisher::from(
      codec::AdminAssigned{1, router_id.v4_value(), vni & 0xffff});
}

codec::RouteTarget auto_route_target(uint32_t asn, uint32_t vni) {
  // Type 0, the low 16 bits of the ASN and the whole VNI, as FRR derives it: with a 4-octet ASN
  // a type 2 RT would keep only 16 bits of the VNI (VNIs 100 and 65636 would share it) and FRR
  // leaves would not import it.
  return codec::RouteTarget{codec::AdminAssigned{0, asn & 0xffff, vni}};
}

std::optional<codec::RouteDistinguisher> resolve_rd(const std::string& text,
                                                    const codec::IpAddress& router_id,
                                                    uint32_t vni) {
  if (text.empty() || text == "auto") return auto_rd(router_id, vni);
  return codec::RouteDistinguisher::parse(text);
}

std::vector<codec::RouteTarget> resolve_route_targets(const std::vector<std::string>& texts,
                                                      uint32_t asn, uint32_t vni) {
  std::vector<codec::RouteTarget> out;
  if (texts.empty()) out.push_back(auto_route_target(asn, vni));
  for (const auto& t : texts) {
    if (t == "auto") {
      out.push_back(auto_route_target(asn, vni));
    } else if (auto rt = codec::RouteTarget::parse(t)) {
      out.push_back(*rt);
    }
  }
  return out;
}

LocalRoute mac_ip_route(const codec::RouteDistinguisher& rd,
                        const std::vector<codec::RouteTarget>& rts, uint32_t vni,
                        const codec::MacAddress& mac, const codec::IpAddress& ip, bool sticky,
                        uint32_t sequence, const codec::IpAddress& vtep) {
  codec::MacIpAdvertisementRoute r;
  r.rd = rd;
  r.mac = mac;
  r.ip = ip;
  r.label1 = vni;
  std::vector<codec::ExtendedCommunity> extra;
  if (sticky || sequence > 0) extra.emplace_back(codec::MacMobility{sticky, sequence});
  return {codec::EvpnRoute{r}, base_attributes(rts, std::move(extra)), vtep};
}

LocalRoute inclusive_multicast_route(const codec::RouteDistinguisher& rd,
                                     const std::vector<codec::RouteTarget>& rts, uint32_t vni,
                                     const codec::IpAddress& vtep) {
  codec::InclusiveMulticastRoute r;
  r.rd = rd;
  r.originating_router = vtep;
  auto attrs = base_attributes(rts, {});
  codec::PmsiTunnel pmsi;
  pmsi.tunnel_type = codec::PmsiTunnel::kIngressReplication;
  pmsi.label = vni;
  pmsi.tunnel_id.assign(vtep.bytes.begin(), vtep.bytes.begin() + vtep.size());
  attrs.push_back(codec::make_attribute(codec::kPmsiTunnel, std::move(pmsi)));
  return {codec::EvpnRoute{r}, std::move(attrs), vtep};
}

LocalRoute ip_prefix_route(const codec::RouteDistinguisher& rd,
                           const std::vector<codec::RouteTarget>& rts, uint32_t l3vni,
                           const codec::IpPrefix& prefix, const codec::IpAddress& gateway,
                           const std::optional<codec::MacAddress>& router_mac,
                           const codec::IpAddress& vtep) {
  codec::IpPrefixRoute r;
  r.rd = rd;
  r.prefix = prefix;
  r.gateway = gateway.is_none() ? codec::IpAddress{prefix.address.family, {}} : gateway;
  r.label = l3vni;
  std::vector<codec::ExtendedCommunity> extra;
  if (router_mac) extra.emplace_back(codec::RouterMac{*router_mac});
  return {codec::EvpnRoute{r}, base_attributes(rts, std::move(extra)), vtep};
}

}  // namespace evpnd::evpn
