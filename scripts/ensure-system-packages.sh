#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (apt-get, as root):
#   chromium (editor and report tests), openssh-server (a real sshd as the linux platform),
#   python3-textfsm / python3-netmiko / python3-cryptography (reference implementations and
#   VelocityCollector fixtures). Prints what it did; never fails the run by itself: the tests
#   that need a missing package fail with a message that names it.
set -u
PKGS=(chromium openssh-server python3-textfsm python3-netmiko python3-cryptography)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "ensure-system-packages: missing ${missing[*]} and cannot apt-get here (need root and apt); tests that use them will fail" >&2
  exit 0
fi
echo "ensure-system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
timeout 300 apt-get update -q >/dev/null || echo "ensure-system-packages: apt-get update failed" >&2
timeout 900 apt-get install -y -q "${missing[@]}" >/dev/null \
  || echo "ensure-system-packages: apt-get install ${missing[*]} failed" >&2
exit 0
