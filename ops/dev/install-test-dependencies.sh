#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK: stock OpenPGP tools for interoperability tests
# (GnuPG, Sequoia's sqop and sq, GopenPGP's gosop), PostgreSQL 15 for the storage tests (ops/dev/postgres.sh
# runs a throwaway cluster), aiosmtpd, the SMTP server the notification tests send to, Debian's chromium for the
# browser tests (driven by Playwright, which never downloads a browser), and from npm axe-core for the
# accessibility check and OpenPGP.js 6.3.2 for the OpenPGP interoperability tests, into the git-ignored .tools/;
# systemd-analyze and tor check the production files in ops/; tor (a private test network) and haproxy run the
# end-to-end tests over Tor.
# Debian packages and npm only; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
command -v sqop >/dev/null 2>&1 || missing+=(sqop)
# sq generates Sequoia's RSA and Curve25519 keys for the import matrix (sqop only makes Curve25519 ones).
command -v sq >/dev/null 2>&1 || missing+=(sq)
command -v gosop >/dev/null 2>&1 || missing+=(gosop)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Korean pages render as empty boxes in headless chromium without a CJK font; the screenshots are for people to read.
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# mat2 makes the console's metadata-scrubbed copies; the download tests run it.
command -v mat2 >/dev/null 2>&1 || missing+=(mat2)
# The ops/ checks: systemd-analyze scores the units offline (systemd need not be PID 1), tor validates the torrc.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ -x /usr/sbin/tor ] || command -v tor >/dev/null 2>&1 || missing+=(tor)
# Several front ends behind one onion: the end-to-end test runs ops/haproxy/frontends.cfg between tor and them.
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)

if [ ${#missing[@]} -ne 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi

  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The accessibility tests inject axe-core into headless chromium; version 4, from the npm registry.
if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
  npm install --prefix .tools --no-audit --no-fund --silent axe-core@4 >/dev/null
fi

# OpenPGP.js 6.3.2 (Proton, Mailvelope, FlowCrypt): the interoperability tests generate RFC 9580 keys with it (v6,
# Ed448/X448, NIST and brainpool curves, Argon2 + AEAD protection) and exchange SEIPD v1 and v2 messages with it.
# It makes brainpool keys through the optional package eckey-utils (node's crypto cannot export them).
if ! grep -qs '"version": "6.3.2"' .tools/node_modules/openpgp/package.json || [ ! -d .tools/node_modules/eckey-utils ]; then
  npm install --prefix .tools --no-audit --no-fund --silent openpgp@6.3.2 eckey-utils@0.7.14 >/dev/null
fi

# Playwright drives the chromium installed above; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
