#include "bgpd/rib/update_packer.h"

#include "bgpd/rib/route_key.h"

namespace evpnd::rib {
namespace {

using codec::Family;

constexpr size_t kFieldLengths = 4;     // Withdrawn Routes Length + Total Path Attribute Length.
constexpr size_t kMpHeader = 4 + 3;     // Flags, type, 2-octet length; AFI, SAFI.
constexpr size_t kNextHopAttr = 3 + 4;  // NEXT_HOP: flags, type, length, IPv4.

bool uses_nlri_field(Family family, const AttrSet& attrs) {
  return family == Family::kIpv4Unicast && attrs.next_hop.family == 4;
}

size_t next_hop_size(const AttrSet& attrs) {
  return attrs.next_hop.size() + attrs.link_local_next_hop.size();
}

codec::MpReachNlri mp_reach(Family family, const AttrSet& attrs) {
  codec::MpReachNlri mp;
  mp.afi = codec::afi_of(family);
  mp.safi = codec::safi_of(family);
  mp.set_next_hop(attrs.next_hop);
  if (!attrs.link_local_next_hop.is_none()) {
    const auto& ll = attrs.link_local_next_hop;
    mp.next_hop.insert(mp.next_hop.end(), ll.bytes.begin(), ll.bytes.begin() + ll.size());
  }
  return mp;
}

// The message for one batch of announcements: MP_REACH_NLRI first, then the attributes with
// NEXT_HOP in type order when the NLRI field is used.
codec::UpdateMessage announcement(Family family, const AttrSet& attrs, bool nlri_field) {
  codec::UpdateMessage u;
  u.path_attributes.reserve(attrs.attributes.size() + 1);
  if (!nlri_field) {
    u.path_attributes.push_back(
        codec::make_attribute(codec::kMpReachNlri, mp_reach(family, attrs)));
  }
  bool nh_done = !nlri_field;
  for (const auto& a : attrs.attributes) {
    if (!nh_done && a.type > codec::kNextHop) {
      u.path_attributes.push_back(
          codec::make_attribute(codec::kNextHop, codec::NextHop{attrs.next_hop}));
      nh_done = true;
    }
    u.path_attributes.push_back(a);
  }
  if (!nh_done) {
    u.path_attributes.push_back(
        codec::make_attribute(codec::kNextHop, codec::NextHop{attrs.next_hop}));
  }
  return u;
}

codec::MpReachNlri& reach_of(codec::UpdateMessage& u) {
  return std::get<codec::MpReachNlri>(u.path_attributes[0].value);
}

codec::MpUnreachNlri& unreach_of(codec::UpdateMessage& u) {
  return std::get<codec::MpUnreachNlri>(u.path_attributes[0].value);
}

codec::UpdateMessage mp_unreach_message(Family family) {
  codec::MpUnreachNlri mp;
  mp.afi = codec::afi_of(family);
  mp.safi = codec::safi_of(family);
  codec::UpdateMessage u;
  u.path_attributes.push_back(codec::make_attribute(codec::kMpUnreachNlri, std::move(mp)));
  return u;
}

}  // namespace

size_t UpdatePacker::announce_overhead(Family family, const AttrSet& attrs) {
  size_t n = codec::kHeaderSize + kFieldLengths + attrs.encoded_size;
  if (uses_nlri_field(family, attrs)) return n + kNextHopAttr;
  return n + kMpHeader + 1 + next_hop_size(attrs) + 1;  // NH length, NH, reserved.
}

void UpdatePacker::announce(Family family, const AttrSet& attrs,
                            std::vector<codec::PrefixNlri> prefixes) {
  const bool add_path = ctx_.add_path_for(family);
  const bool nlri_field = uses_nlri_field(family, attrs);
  const size_t overhead = announce_overhead(family, attrs);
  const size_t limit = ctx_.max_message_size();
  size_t used = limit;  // Forces a new message for the first prefix.
  for (auto& p : prefixes) {
    const size_t n = encoded_size(p.prefix, add_path);
    if (overhead + n > limit) continue;  // Attributes too large to carry anything.
    if (used + n > limit) {
      out_.push_back(announcement(family, attrs, nlri_field));
      used = overhead;
    }
    used += n;
    if (nlri_field) {
      out_.back().nlri.push_back(std::move(p));
    } else {
      reach_of(out_.back()).prefixes.push_back(std::move(p));
    }
  }
}

void UpdatePacker::announce(const AttrSet& attrs, std::vector<codec::EvpnNlri> routes) {
  const bool add_path = ctx_.add_path_for(Family::kL2vpnEvpn);
  const size_t overhead = announce_overhead(Family::kL2vpnEvpn, attrs);
  const size_t limit = ctx_.max_message_size();
  size_t used = limit;
  for (auto& r : routes) {
    const size_t n = encoded_size(r.route, add_path);
    if (overhead + n > limit) continue;
    if (used + n > limit) {
      out_.push_back(announcement(Family::kL2vpnEvpn, attrs, false));
      used = overhead;
    }
    used += n;
    reach_of(out_.back()).evpn.push_back(std::move(r));
  }
}

void UpdatePacker::withdraw(Family family, std::vector<codec::PrefixNlri> prefixes) {
  const bool add_path = ctx_.add_path_for(family);
  const bool field = family == Family::kIpv4Unicast;
  const size_t overhead = codec::kHeaderSize + kFieldLengths + (field ? 0 : kMpHeader);
  const size_t limit = ctx_.max_message_size();
  size_t used = limit;
  for (auto& p : prefixes) {
    const size_t n = encoded_size(p.prefix, add_path);
    if (used + n > limit) {
      out_.push_back(field ? codec::UpdateMessage{} : mp_unreach_message(family));
      used = overhead;
    }
    used += n;
    if (field) {
      out_.back().withdrawn_routes.push_back(std::move(p));
    } else {
      unreach_of(out_.back()).prefixes.push_back(std::move(p));
    }
  }
}

void UpdatePacker::withdraw(std::vector<codec::EvpnNlri> routes) {
  const bool add_path = ctx_.add_path_for(Family::kL2vpnEvpn);
  const size_t overhead = codec::kHeaderSize + kFieldLengths + kMpHeader;
  const size_t limit = ctx_.max_message_size();
  size_t used = limit;
  for (auto& r : routes) {
    const size_t n = encoded_size(r.route, add_path);
    if (overhead + n > limit) continue;
    if (used + n > limit) {
      out_.push_back(mp_unreach_message(Family::kL2vpnEvpn));
      used = overhead;
    }
    used += n;
    unreach_of(out_.back()).evpn.push_back(std::move(r));
  }
}

void UpdatePacker::end_of_rib(Family family) {
  if (family == Family::kIpv4Unicast) {
    out_.emplace_back();
  } else {
    out_.push_back(mp_unreach_message(family));
  }
}

}  // namespace evpnd::rib
