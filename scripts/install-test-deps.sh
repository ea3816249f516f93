#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine; each package below says which
# tests need it. Idempotent and quiet when everything is already there.
set -euo pipefail

need=()
# Headless Chromium (browser tests); slapd and the LDAP tools (tessera-auth's LDAP back end);
# iproute2, util-linux and nftables (media tests in private network namespaces, with UDP dropped).
command -v chromium >/dev/null || need+=(chromium)
command -v slapd >/dev/null || [ -x /usr/sbin/slapd ] || need+=(slapd)
command -v ldapadd >/dev/null || need+=(ldap-utils)
command -v ip >/dev/null || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || need+=(nftables)
# The external TURN server test runs coturn itself, inside a private network namespace.
command -v turnserver >/dev/null || need+=(coturn)
# ffprobe and ffmpeg judge the recordings the server writes (recording tests); ffmpeg also turns
# the blur test's camera picture into the y4m video Chromium plays as a fake camera.
command -v ffprobe >/dev/null || need+=(ffmpeg)
# The documentation reference checker (scripts/check-doc-references.sh).
command -v python3 >/dev/null || need+=(python3)
# npm installs the browser tests' npm packages below (axe-core).
command -v npm >/dev/null || need+=(nodejs npm)
# The cluster tests start their own redis-server on a loopback port (never the Debian service).
command -v redis-server >/dev/null || need+=(redis-server)
# The release check (scripts/check-release.sh) asks the unpacked servers over HTTP.
command -v curl >/dev/null || need+=(curl)
# OpenLDAP client library, loaded at run time by System.DirectoryServices.Protocols (tessera-auth's LDAP back end).
ls /usr/lib/x86_64-linux-gnu/libldap-2.5.so.0 /usr/lib/x86_64-linux-gnu/libldap.so.2 >/dev/null 2>&1 || ls /usr/lib/x86_64-linux-gnu/libldap-2.*.so.* >/dev/null 2>&1 || need+=(libldap-2.5-0)
[ -e /usr/lib/x86_64-linux-gnu/libpam.so.0 ] || [ -e /lib/x86_64-linux-gnu/libpam.so.0 ] || need+=(libpam0g)
[ -e /usr/lib/x86_64-linux-gnu/security/pam_unix.so ] || [ -e /lib/x86_64-linux-gnu/security/pam_unix.so ] || need+=(libpam-modules)
# ICU: tessera-auth compares usernames after Unicode NFKC, which .NET does through libicu.
ls /usr/lib/x86_64-linux-gnu/libicuuc.so.* >/dev/null 2>&1 || need+=(libicu72)
# A real Prometheus text-format parser for the /metrics tests.
[ -e /usr/lib/python3/dist-packages/prometheus_client/parser.py ] || need+=(python3-prometheus-client)
# NIST CAVP signature vectors (ECDSA, RSA PKCS#1 v1.5 and PSS) for the JWT signature tests.
[ -e /usr/lib/python3/dist-packages/cryptography_vectors/asymmetric/ECDSA/FIPS_186-3/SigVer.rsp ] || need+=(python3-cryptography-vectors)
# Node.js itself runs the OpenID provider of the single sign-on tests (oidc-provider wants Node 20 or later).
command -v node >/dev/null || [[ " ${need[*]} " == *" nodejs "* ]] || need+=(nodejs)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-test-deps: missing ${need[*]} and not root; install them or run as root" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${need[*]}"
  # Keep package scripts from starting system daemons (slapd and coturn would listen on all interfaces).
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  # A slapd, turnserver or redis-server already running may be someone's real service: remember them, so only a
  # daemon that a package script started during this install (despite policy-rc.d) is stopped below.
  # (one pgrep per name: pgrep matches at most 15 characters of a name, so an alternation pattern
  # longer than that matches nothing at all)
  daemons() { for name in slapd turnserver redis-server; do pgrep -x "$name" || true; done; }
  before=" $(daemons | tr '\n' ' ') "
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  for pid in $(daemons); do
    case "$before" in *" $pid "*) ;; *) kill "$pid" 2>/dev/null || true ;; esac
  done
fi

# The OpenID provider for the single sign-on tests (testing/oidc-provider), exactly as its lock
# file pins it; reinstalled only when the lock file changed.
provider_dir="$(dirname "$0")/../testing/oidc-provider"
if ! cmp -s "$provider_dir/package-lock.json" "$provider_dir/node_modules/.installed-lock" 2>/dev/null; then
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || echo "install-test-deps: Node $(node --version) is older than oidc-provider supports (20); the single sign-on tests may fail" >&2
  (cd "$provider_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$provider_dir/package-lock.json" "$provider_dir/node_modules/.installed-lock"
fi

# Test-only npm packages, exactly as locked; reinstalled only when the lock file changed.
npm_dir="$(dirname "$0")/../tests/Tessera.Server.Browser.Tests/npm"
if ! cmp -s "$npm_dir/package-lock.json" "$npm_dir/node_modules/.installed-lock" 2>/dev/null; then
  echo "install-test-deps: npm ci in tests/Tessera.Server.Browser.Tests/npm"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$npm_dir/package-lock.json" "$npm_dir/node_modules/.installed-lock"
fi

# The background-blur test's fake camera: a still picture of a person as a short y4m video.
media_dir="$(dirname "$0")/../tests/Tessera.Server.Browser.Tests/media"
if [ ! -s "$media_dir/person.y4m" ] || [ "$media_dir/person.jpg" -nt "$media_dir/person.y4m" ]; then
  ffmpeg -loglevel error -y -loop 1 -i "$media_dir/person.jpg" -frames:v 5 -r 10 -pix_fmt yuv420p "$media_dir/person.y4m"
fi
