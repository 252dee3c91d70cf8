#!/usr/bin/env bash
# Writes keepalived.conf for one Hotline node of an HA pair (Vagrantfile, or by hand):
#   keepalived-conf.sh <interface> <virtual-ip/prefix> <this-node-ip> <peer-ip> [hotline-url]
# Both nodes are BACKUP with the same priority; the track script (ha-check.sh)
# adds weight only on the node Hotline made active, so the virtual IP sits where the lease is.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 <interface> <virtual-ip/prefix> <this-node-ip> <peer-ip> [hotline-url]" >&2; exit 64; }
IFACE=$1 VIP=$2 SELF=$3 PEER=$4 URL=${5:-http://127.0.0.1:8080}
HERE="$(cd "$(dirname "$0")" && pwd)"
for v in "$SELF" "$PEER"; do [[ $v =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || { echo "not an IPv4 address: $v" >&2; exit 64; }; done
[[ $VIP =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$ ]] || { echo "virtual IP needs a prefix, e.g. 192.168.56.10/24: $VIP" >&2; exit 64; }
[[ $IFACE =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || { echo "not an interface name: $IFACE" >&2; exit 64; }
cat <<CONF
global_defs {
  enable_script_security
  script_user root
}

vrrp_script hotline_active {
  script "$HERE/ha-check.sh $URL"
  interval 1
  timeout 3
  rise 1
  fall 2
  weight 50
}

vrrp_instance hotline {
  state BACKUP
  interface $IFACE
  virtual_router_id 61
  priority 100
  advert_int 1
  unicast_src_ip $SELF
  unicast_peer {
    $PEER
  }
  virtual_ipaddress {
    $VIP dev $IFACE
  }
  track_script {
    hotline_active
  }
}
CONF
