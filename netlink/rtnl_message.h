// rtnetlink messages <-> fib types: the encoding of one fib::Change as an RTM_NEWNEIGH /
// RTM_DELNEIGH / RTM_NEWROUTE / RTM_DELROUTE request, and the decoding of RTM_NEW*/RTM_DEL*
// messages of links, addresses, neighbors (AF_BRIDGE FDB and IPv4/IPv6) and routes, as the kernel
// sends them in dumps and events. This is the wire side of DESIGN.md "Netlink facts" for
// RFC 7432 §9.2.2 (remote MACs), RFC 8365 §9 (flood lists) and RFC 9135/9136 (neighbors and
// prefix routes). No sockets here: pure functions on buffers, safe on any input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fib/dataplane.h"

namespace evpnd::nl {

/// Appends one rtnetlink request for `change` to `out` (at a 4-octet aligned offset; `out` is
/// padded first if needed), with sequence number `seq`, port id 0 and the flags
/// NLM_F_REQUEST|NLM_F_ACK plus, for writes, NLM_F_CREATE and NLM_F_REPLACE (Op::kReplace) or
/// NLM_F_APPEND (Op::kAppend). Encoding per entry:
///  - FdbEntry: AF_BRIDGE ndmsg {ifindex, state, flags}, NDA_LLADDR, NDA_VLAN if vlan != 0,
///    NDA_DST if set (on Op::kDelete only for the all-zeros flood MAC, so that only that VTEP
///    goes; a unicast MAC is deleted whatever its remote).
///  - NeighEntry: AF_INET/AF_INET6 ndmsg, NDA_DST = ip, NDA_LLADDR = mac (writes only),
///    NDA_PROTOCOL when non-zero (writes only).
///  - RouteEntry: rtmsg {family, dst_len, table (RT_TABLE_UNSPEC if > 255), protocol,
///    RTN_UNICAST, scope universe (link without gateway, nowhere on delete)}, RTA_TABLE, RTA_DST
///    if prefix_length > 0, RTA_PRIORITY if metric, one next hop as RTA_GATEWAY (RTA_VIA when
///    the gateway's family differs) + RTA_OIF + RTNH_F_ONLINK in rtm_flags, several as
///    RTA_MULTIPATH.
/// Returns the octets appended (> 0), or -EINVAL when the change cannot be encoded (address
/// family missing or mixed, prefix length too long, more than 255 next hops ...); `out` is then
/// unchanged.
int encode_change(const fib::Change& change, uint32_t seq, std::vector<uint8_t>& out);

/// Appends a dump request (NLM_F_REQUEST|NLM_F_DUMP) of `type` (RTM_GETLINK, RTM_GETADDR,
/// RTM_GETNEIGH, RTM_GETROUTE) for address family `family` with sequence number `seq`.
void encode_dump_request(uint16_t type, uint8_t family, uint32_t seq, std::vector<uint8_t>& out);

/// Decodes one rtnetlink message: `message` starts at its nlmsghdr (4-octet aligned) and holds
/// at least nlmsg_len octets. RTM_DEL* messages give `removed` = true. Returns nullopt for
/// messages evpnd does not follow (other types; AF_BRIDGE link messages, which describe bridge
/// ports and whose RTM_DELLINK means "left the bridge"; proxy neighbors; routes that are not
/// RTN_UNICAST or are cached clones; families other than AF_INET/AF_INET6) and for malformed
/// messages (short headers, bad attribute lengths). Never reads outside `message`.
///
/// FDB entries of a bridge's own table never carry NTF_MASTER in what the kernel reports: it
/// sends ndm_flags without NTF_SELF and adds NDA_MASTER. Those entries are returned with
/// fib::kNtfMaster set and `master` = NDA_MASTER, so that what is written reads back the same.
std::optional<fib::Event> decode_message(std::span<const uint8_t> message);

}  // namespace evpnd::nl
