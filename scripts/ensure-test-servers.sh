#!/usr/bin/env bash
# The tests use real servers from Debian's packages: Orthanc with its DICOMweb plugin (the DICOMweb adapter's
# contract suite), Chromium (GraphiQL in a real browser), redis-server (the answer cache shared by gateway
# replicas) and haproxy (the load balancer in front of them in the replicas test). Installs what is missing when
# run as root on Debian; otherwise says exactly what to install.
set -euo pipefail
packages=(orthanc orthanc-dicomweb chromium redis-server haproxy)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing test servers: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "the tests need Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
