#!/usr/bin/env bash
# OpenPGP throughput: ours (SecureDrop.Net.Crypto) against GnuPG on the same file, in the same run, same machine.
# For each of encrypt and decrypt it prints MiB/s by wall clock (process start to exit, page cache warm) and by
# CPU time (user + system: steadier when other work shares the cores), the ratio ours/gpg, and our memory: the
# peak working set above the baseline taken after the key is loaded, and the process's maximum RSS.
# Everything lives in a private directory under /tmp, deleted on exit; each command is bounded in time.
#   benchmarks/openpgp-throughput.sh [SIZE_MIB (1024)] [ROUNDS (3)]
# On a machine shared with other work, SDNET_BENCH_REALTIME=1 (root, or CAP_SYS_NICE) runs each measured command,
# gpg and ours alike, under SCHED_FIFO (`chrt -f 10`): it then gets the cores it asks for as on an idle machine,
# while memory bandwidth and the page cache stay shared. Each command is bounded in time either way.
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib="${1:-1024}"
rounds="${2:-3}"
limit=300
realtime=()
if [[ "${SDNET_BENCH_REALTIME:-0}" == 1 ]]; then realtime=(chrt -f 10); fi

work="$(mktemp -d /tmp/sdnet-bench.XXXXXX)"
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
cleanup() { gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# Published ReadyToRun (precompiled, as `dotnet publish -p:PublishReadyToRun=true` ships code): start-up and the
# first calls into BouncyCastle are part of every wall-clock figure, and JIT-compiling them costs ~0.15 s per run.
# The hot loops are marked AggressiveOptimization and JIT-compiled at full optimisation either way.
tool="benchmarks/OpenPgpThroughput/bin/publish"
dotnet publish benchmarks/OpenPgpThroughput -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$tool" -v q -nologo >/dev/null
bench=(dotnet "$tool/OpenPgpThroughput.dll")

started="$(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/plain.bin"
fingerprint="$("${bench[@]}" keygen "$work")"
gpg --batch --quiet --import "$work/secret.asc" 2>/dev/null

# Runs a command under the time limit; appends "wall cpu maxrss_kib" to the file named by $1.
measure() {
  local into="$1"; shift
  timeout "$limit" "${realtime[@]}" /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/last.log" 2>&1 \
    || { cat "$work/last.log" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >> "$into"
}

# Each output is checked and deleted as soon as it is written, so the page cache does not grow by gigabytes per
# round (reclaiming it is billed to whichever process writes next). Odd rounds run gpg first, even rounds ours.
gpg_enc() { measure "$work/gpg-enc" gpg --batch --yes --trust-model always -z 0 -r "$fingerprint" -o "$work/gpg.gpg" -e "$work/plain.bin"; }
ours_enc() {
  measure "$work/ours-enc" "${bench[@]}" encrypt "$work/public.asc" "$work/plain.bin" "$work/ours.gpg"
  cat "$work/last.log" >> "$work/notes"
  timeout "$limit" gpg --batch --yes -o "$work/check.out" -d "$work/ours.gpg" 2>/dev/null
  cmp -s "$work/plain.bin" "$work/check.out" || { echo "gpg cannot decrypt our message" >&2; exit 1; }
  rm -f "$work/ours.gpg" "$work/check.out"
}
# Both decrypt the message gpg made: input as a stock tool produces it.
gpg_dec() {
  measure "$work/gpg-dec" gpg --batch --yes -o "$work/gpg.out" -d "$work/gpg.gpg"
  cmp -s "$work/plain.bin" "$work/gpg.out" || { echo "gpg's decryption differs from the input" >&2; exit 1; }
  rm -f "$work/gpg.out"
}
ours_dec() {
  measure "$work/ours-dec" "${bench[@]}" decrypt "$work/secret.asc" "$work/gpg.gpg" "$work/ours.out"
  cat "$work/last.log" >> "$work/notes"
  cmp -s "$work/plain.bin" "$work/ours.out" || { echo "our decryption differs from the input" >&2; exit 1; }
  rm -f "$work/ours.out"
}

for ((round = 1; round <= rounds; round++)); do
  if ((round % 2 == 1)); then
    gpg_enc; ours_enc; gpg_dec; ours_dec
  else
    ours_enc; gpg_enc; ours_dec; gpg_dec
  fi
done

# Best (smallest) of the rounds for a column of a measurement file.
best() { sort -g -k"$2" "$1" | head -n 1 | awk -v c="$2" '{ print $c }'; }
rate() { echo "scale=0; $size_mib / $1" | bc -l; }
report() {
  local op="$1" gw gc ow oc
  gw=$(best "$work/gpg-$op" 1); gc=$(best "$work/gpg-$op" 2); ow=$(best "$work/ours-$op" 1); oc=$(best "$work/ours-$op" 2)
  printf '%-8s wall: gpg %4s MiB/s, ours %4s MiB/s, ratio %.2f | CPU: gpg %4s MiB/s, ours %4s MiB/s, ratio %.2f | our max RSS %s MiB\n' \
    "$op" "$(rate "$gw")" "$(rate "$ow")" "$(echo "$gw / $ow" | bc -l)" "$(rate "$gc")" "$(rate "$oc")" "$(echo "$gc / $oc" | bc -l)" \
    "$(( $(sort -g -k3 "$work/ours-$op" | tail -n 1 | awk '{ print $3 }') / 1024 ))"
}
echo "input: ${size_mib} MiB random, ${rounds} rounds, best of each${realtime[*]:+, measured under ${realtime[*]}}; $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-); started $started; ended $(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
report enc
report dec
sort "$work/notes" | uniq
