# The two-hosts lab: two evpnd hypervisors and one FRR VTEP behind an FRR ToR (sourced by
# labs/lib.sh's lab_load; defines the tables below and lab_build).
#
#                         tor: FRR 8.4, AS 65100, lo 10.0.0.100
#                         (underlay router, EVPN next hop unchanged)
#          10.1.1.0/31 /            | 10.1.2.0/31          \ 10.1.3.0/31
#         10.1.1.1/31 /             | 10.1.2.1/31           \ 10.1.3.1/31
#     h1: evpnd, AS 65001      h2: evpnd, AS 65002      h3: FRR, AS 65003
#     VTEP 10.0.0.1            VTEP 10.0.0.2            VTEP 10.0.0.3
#     br100 (vxlan100)         br100 (vxlan100)         br100 (vxlan100)
#       vm1 .1                   vm2 .2                   vm3 .3
#     br200 (vxlan200)         br200 (vxlan200)         (no VNI 200)
#       vm4 .4                   vm5 .5
#
# Every VM is in 192.168.0.0/24 whatever its VNI, so VNI 100 and VNI 200 not reaching each
# other is L2 isolation, not a missing route. VM MACs are 02:00:00:00:0<VNI/100>:<NN>.

# shellcheck disable=SC2034  # the tables are read by lib.sh and the tests
HOSTS=(h1 h2 h3)
declare -gA HOST_KIND=([h1]=evpnd [h2]=evpnd [h3]=frr)
declare -gA HOST_VTEP=([h1]=10.0.0.1 [h2]=10.0.0.2 [h3]=10.0.0.3)
declare -gA HOST_VNIS=([h1]="100 200" [h2]="100 200" [h3]="100")
declare -gA HOST_LINK=([h1]=1 [h2]=2 [h3]=3)  # uplink 10.1.N.1/31, ToR side 10.1.N.0/31
VNIS=(100 200)
VMS=(vm1 vm2 vm3 vm4 vm5)
VM_VNI=([vm1]=100 [vm2]=100 [vm3]=100 [vm4]=200 [vm5]=200)
VM_MAC=([vm1]=02:00:00:00:01:01 [vm2]=02:00:00:00:01:02 [vm3]=02:00:00:00:01:03
  [vm4]=02:00:00:00:02:04 [vm5]=02:00:00:00:02:05)
VM_IP=([vm1]=192.168.0.1/24 [vm2]=192.168.0.2/24 [vm3]=192.168.0.3/24 [vm4]=192.168.0.4/24
  [vm5]=192.168.0.5/24)
declare -gA VM_HOME=([vm1]=h1 [vm2]=h2 [vm3]=h3 [vm4]=h1 [vm5]=h2)

# lab_build: namespaces, underlay links, VTEP loopbacks, L2VNIs, VMs, daemon configs; starts
# FRR on the ToR and h3, evpnd on h1 and h2; VMs announce themselves (gratuitous ARP).
lab_build() {
  local h n vni vm
  lab_node tor
  ip netns exec "$TAG-tor" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$TAG-tor" addr add 10.0.0.100/32 dev lo
  for h in "${HOSTS[@]}"; do
    n=${HOST_LINK[$h]}
    lab_node "$h"
    link_ns "$TAG-tor" "10.1.$n.0/31" "$TAG-$h" "10.1.$n.1/31"
    ip -n "$TAG-$h" addr add "${HOST_VTEP[$h]}/32" dev lo
    for vni in ${HOST_VNIS[$h]}; do lab_l2vni "$h" "$vni" "${HOST_VTEP[$h]}"; done
  done
  for vm in "${VMS[@]}"; do
    lab_vm_create "$vm"
    lab_vm_plug "$vm" "${VM_HOME[$vm]}"
  done

  local node
  for node in tor h3; do
    mkdir -p "$WORK/$node"
    echo "hostname $node" >"$WORK/$node/zebra.conf"
    cp "$LAB_TOPO_DIR/$node/bgpd.conf" "$WORK/$node/bgpd.conf"
    start_frr "$TAG-$node" "$WORK/$node"
  done
  for h in h1 h2; do
    sed "s|@WORK@|$WORK|g" "$LAB_TOPO_DIR/$h/evpnd.yaml" >"$WORK/$h.yaml"
    start_evpnd "$TAG-$h" "$h"
  done
  for vm in "${VMS[@]}"; do lab_vm_garp "$vm"; done
}
