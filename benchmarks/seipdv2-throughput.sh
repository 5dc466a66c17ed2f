#!/usr/bin/env bash
# SEIPD v2 throughput (issue 17): ours encrypting and decrypting to a version 6 key (v6 PKESK + SEIPD v2, AES-256-OCB,
# 256 KiB chunks, chunks spread over the cores) against GnuPG 2.2's SEIPD v1 (the only format it has) to a Cv25519
# key, on the same file, in the same run, on the same machine. The target: ours >= 1.5x gpg's rate both ways.
# Prints MiB/s by wall clock and by CPU time (user + system), CPU seconds per GiB, the ratios, and our peak memory.
# Everything lives in a private directory under /tmp, deleted on exit; each command is bounded in time.
#   benchmarks/seipdv2-throughput.sh [SIZE_MIB (1024)] [ROUNDS (3)]
# Needs node and OpenPGP.js 6.3.2 in .tools/ (ops/dev/install-test-dependencies.sh): it makes the v6 key.
# SDNET_BENCH_REALTIME=1 runs each measured command under SCHED_FIFO, as openpgp-throughput.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib="${1:-1024}"
rounds="${2:-3}"
limit=300
realtime=()
if [[ "${SDNET_BENCH_REALTIME:-0}" == 1 ]]; then realtime=(chrt -f 10); fi
module="$PWD/.tools/node_modules/openpgp/dist/node/openpgp.mjs"
[[ -f "$module" ]] || { echo "OpenPGP.js is missing: run ops/dev/install-test-dependencies.sh" >&2; exit 1; }

work="$(mktemp -d /tmp/sdnet-bench.XXXXXX)"
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
cleanup() { gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

tool="benchmarks/OpenPgpThroughput/bin/publish"
dotnet publish benchmarks/OpenPgpThroughput -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$tool" -v q -nologo >/dev/null
bench=(dotnet "$tool/OpenPgpThroughput.dll")

started="$(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/plain.bin"

# gpg's key: a classic Cv25519 key (what gpg 2.2 encrypts SEIPD v1 to). Ours: a version 6 Ed25519/X25519 key.
fingerprint="$("${bench[@]}" keygen "$work")"
gpg --batch --quiet --import "$work/secret.asc" 2>/dev/null
cat > "$work/v6.mjs" <<'JS'
import fs from 'node:fs';
const openpgp = await import(process.argv[2]);
const { privateKey, publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Benchmark v6' }], format: 'armored', config: { v6Keys: true } });
fs.writeFileSync(process.argv[3] + '/v6-secret.asc', privateKey);
fs.writeFileSync(process.argv[3] + '/v6-public.asc', publicKey);
JS
node "$work/v6.mjs" "file://$module" "$work"

measure() {
  local into="$1"; shift
  timeout "$limit" "${realtime[@]}" /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/last.log" 2>&1 \
    || { cat "$work/last.log" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >> "$into"
}

gpg_enc() { measure "$work/gpg-enc" gpg --batch --yes --trust-model always -z 0 -r "$fingerprint" -o "$work/gpg.gpg" -e "$work/plain.bin"; }
gpg_dec() {
  measure "$work/gpg-dec" gpg --batch --yes -o "$work/gpg.out" -d "$work/gpg.gpg"
  cmp -s "$work/plain.bin" "$work/gpg.out" || { echo "gpg's decryption differs from the input" >&2; exit 1; }
  rm -f "$work/gpg.out"
}
ours_enc() {
  measure "$work/ours-enc" "${bench[@]}" encrypt "$work/v6-public.asc" "$work/plain.bin" "$work/ours.gpg"
  cat "$work/last.log" >> "$work/notes"
  # SEIPD v2 it must be: the packet after the v6 session key packet has version 2.
  python3 - "$work/ours.gpg" <<'PY' || { echo "ours did not write a v6 PKESK + SEIPD v2" >&2; exit 1; }
import sys
data = open(sys.argv[1], 'rb').read(1 << 16)
def header(at):
    first, l1 = data[at], data[at + 1]
    assert first & 0xC0 == 0xC0, 'new-format header expected'
    if l1 < 192: return first & 0x3F, at + 2, l1
    if l1 < 224: return first & 0x3F, at + 3, ((l1 - 192) << 8) + data[at + 2] + 192
    return first & 0x3F, at + 2, None
tag, body, length = header(0)
assert tag == 1 and data[body] == 6, 'v6 PKESK first'
tag, body, _ = header(body + length)
assert tag == 18 and data[body] == 2, 'SEIPD v2 next'
PY
}
ours_dec() {
  measure "$work/ours-dec" "${bench[@]}" decrypt "$work/v6-secret.asc" "$work/ours.gpg" "$work/ours.out"
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
  rm -f "$work/ours.gpg"
done

best() { sort -g -k"$2" "$1" | head -n 1 | awk -v c="$2" '{ print $c }'; }
rate() { echo "scale=0; $size_mib / $1" | bc -l; }
per_gib() { echo "scale=2; $1 * 1024 / $size_mib" | bc -l; }
report() {
  local op="$1" gw gc ow oc
  gw=$(best "$work/gpg-$op" 1); gc=$(best "$work/gpg-$op" 2); ow=$(best "$work/ours-$op" 1); oc=$(best "$work/ours-$op" 2)
  printf '%-4s wall: gpg v1 %4s MiB/s, ours v2 %4s MiB/s, ratio %.2f | CPU: gpg %5s s/GiB, ours %5s s/GiB | our max RSS %s MiB\n' \
    "$op" "$(rate "$gw")" "$(rate "$ow")" "$(echo "$gw / $ow" | bc -l)" "$(per_gib "$gc")" "$(per_gib "$oc")" \
    "$(( $(sort -g -k3 "$work/ours-$op" | tail -n 1 | awk '{ print $3 }') / 1024 ))"
}
echo "input: ${size_mib} MiB random, ${rounds} rounds, best of each${realtime[*]:+, measured under ${realtime[*]}}; $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-); started $started; ended $(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
report enc
report dec
sort "$work/notes" | uniq
