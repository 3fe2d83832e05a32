#!/usr/bin/env bash
# Installs what the network-fault tests need (compose/netns, the
# rabbitmq-local netns option, the crash/heal test): iproute2 (ip netns,
# veth, bridge) and Debian's iptables (nf_tables backend). The tests run as
# root and create their own namespaces; they never touch the host's rules.
set -euo pipefail
missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v iptables >/dev/null || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "installed ${missing[*]}"
else
  echo "ip and iptables already installed"
fi
iptables --version
