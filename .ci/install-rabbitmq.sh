#!/usr/bin/env bash
# Installs what the tests of drivers/rabbitmq and compose/rabbitmq need on a
# fresh Debian bookworm machine, as root: Debian's rabbitmq-server (3.10.x,
# with Erlang 25 and epmd). The tests start their own nodes (own ports, own
# epmd, own directories); the package's system service is not used, so it
# is kept from starting (policy-rc.d during the install), disabled, and
# stopped by its pid if it runs anyway.
#
# Run it (bash .ci/install-rabbitmq.sh) or source it; either way it only
# defines and calls install_rabbitmq, and never exits the caller.

install_rabbitmq() (
  set -euo pipefail
  if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && [ -x /usr/lib/rabbitmq/bin/rabbitmqctl ] && command -v epmd >/dev/null; then
    echo "rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?') already installed"
  else
    local policy_made=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      policy_made=1
    fi
    trap '[ -n "$policy_made" ] && rm -f /usr/sbin/policy-rc.d' EXIT
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
    echo "installed rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server)"
  fi
  update-rc.d rabbitmq-server disable >/dev/null 2>&1 || true
  # A system node started anyway (not by us) is stopped by the pid in its
  # pid file, never by name.
  local pidfile=/var/run/rabbitmq/pid pid
  if [ -r "$pidfile" ]; then
    pid="$(tr -dc '0-9' < "$pidfile")"
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q beam; then
      echo "stopping the system rabbitmq-server node (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 60); do [ -d "/proc/$pid" ] || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  test -x /usr/lib/rabbitmq/bin/rabbitmq-server
  command -v epmd >/dev/null
)

install_rabbitmq
