#!/bin/sh
# Installs Debian's chromium for the browser test of the HTML reports
# (reports/browser_test.go drives /usr/bin/chromium with chromedp). For a
# fresh Debian bookworm machine, run as root; safe to run again. The test
# fails in CI (CI=true) when the browser is missing, so call this first.
set -eu

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; then
	echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-chromium.sh: must run as root (apt-get)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# apt may be busy (another install, unattended upgrades): wait for its lock.
apt_get() {
	timeout 600 apt-get -o DPkg::Lock::Timeout=300 "$@"
}
apt_get update -q
apt_get install -y -q chromium fonts-dejavu-core

/usr/bin/chromium --headless --no-sandbox --disable-gpu --version
