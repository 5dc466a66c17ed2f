#!/usr/bin/env bash
# OpenPGP throughput: ours (SecureDrop.Net.Crypto) against GnuPG on the same 1 GiB file, same run, same machine.
# Prints MiB/s for each (wall clock, process start to exit, page cache warm), their ratio, and our peak working
# set above the process's baseline. Everything lives in a private directory under /tmp, deleted on exit.
#   benchmarks/openpgp-throughput.sh [SIZE_MIB (1024)] [ROUNDS (2)]
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib="${1:-1024}"
rounds="${2:-2}"
limit=300   # seconds per command: the whole run stays bounded even on a slow or busy machine

work="$(mktemp -d /tmp/sdnet-bench.XXXXXX)"
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
cleanup() { gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release benchmarks/OpenPgpThroughput -v q -nologo >/dev/null
bench=(dotnet benchmarks/OpenPgpThroughput/bin/Release/net10.0/OpenPgpThroughput.dll)

head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/plain.bin"
fingerprint="$("${bench[@]}" keygen "$work")"
gpg --batch --quiet --import "$work/secret.asc" 2>/dev/null

# Runs a command under a time limit and prints its wall-clock seconds.
seconds() {
  local start end
  start=$(date +%s.%N)
  timeout "$limit" "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
rate() { echo "scale=0; $size_mib / $1" | bc -l; }

best() { printf '%s\n' "$@" | sort -g | head -n 1; }
gpg_enc=(); ours_enc=(); gpg_dec=(); ours_dec=(); ours_notes=()
for ((round = 1; round <= rounds; round++)); do
  gpg_enc+=("$(seconds gpg --batch --yes --trust-model always -z 0 -r "$fingerprint" -o "$work/gpg.gpg" -e "$work/plain.bin")")
  ours_enc+=("$(seconds "${bench[@]}" encrypt "$work/public.asc" "$work/plain.bin" "$work/ours.gpg")")
  ours_notes+=("$(cat "$work/last.log")")
  # Both decrypt the message gpg made: input as a stock tool produces it.
  gpg_dec+=("$(seconds gpg --batch --yes -o "$work/gpg.out" -d "$work/gpg.gpg")")
  ours_dec+=("$(seconds "${bench[@]}" decrypt "$work/secret.asc" "$work/gpg.gpg" "$work/ours.out")")
  ours_notes+=("$(cat "$work/last.log")")
  cmp -s "$work/plain.bin" "$work/ours.out" || { echo "our decryption differs from the input" >&2; exit 1; }
  cmp -s "$work/plain.bin" "$work/gpg.out" || { echo "gpg's decryption differs from the input" >&2; exit 1; }
  timeout "$limit" gpg --batch --yes -o "$work/check.out" -d "$work/ours.gpg" 2>/dev/null
  cmp -s "$work/plain.bin" "$work/check.out" || { echo "gpg cannot decrypt our message" >&2; exit 1; }
  rm -f "$work/gpg.out" "$work/ours.out" "$work/check.out"
done

ge=$(best "${gpg_enc[@]}"); oe=$(best "${ours_enc[@]}"); gd=$(best "${gpg_dec[@]}"); od=$(best "${ours_dec[@]}")
echo "input: ${size_mib} MiB random, ${rounds} rounds, best of each; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
printf 'encrypt: gpg %s MiB/s, ours %s MiB/s, ratio %.2f\n' "$(rate "$ge")" "$(rate "$oe")" "$(echo "$ge / $oe" | bc -l)"
printf 'decrypt: gpg %s MiB/s, ours %s MiB/s, ratio %.2f\n' "$(rate "$gd")" "$(rate "$od")" "$(echo "$gd / $od" | bc -l)"
printf '%s\n' "${ours_notes[@]}"
