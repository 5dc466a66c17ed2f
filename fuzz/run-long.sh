#!/usr/bin/env bash
# The long fuzz run: each target under AFL++ (Debian's afl++) with SharpFuzz instrumentation of our assemblies and
# BouncyCastle, for a bounded time per target. Findings go to fuzz/findings/TARGET (git-ignored); reproduce one with
#   dotnet fuzz/SecureDrop.Net.Fuzz/bin/Release/net10.0/sdnet-fuzz.dll replay TARGET FILE
# and, once fixed, copy it into fuzz/regressions/TARGET/ so CI replays it forever.
# Usage: fuzz/run-long.sh [seconds per target, default 3600] [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3600}"; shift || true
targets=("$@"); [ ${#targets[@]} -eq 0 ] && targets=(codename public-key secret-key message multipart)

command -v afl-fuzz >/dev/null || apt-get install -y afl++ >/dev/null
[ -x .tools/sharpfuzz/sharpfuzz ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path .tools/sharpfuzz >/dev/null

out="$(mktemp -d "${TMPDIR:-/tmp}/sdnet-fuzz-long.XXXXXX")"
trap 'rm -rf "$out"' EXIT
dotnet publish fuzz/SecureDrop.Net.Fuzz -c Release -o "$out/bin" -v quiet -nologo >/dev/null
# Coverage comes from these assemblies: the parsers under test and the library they sit on.
for assembly in SecureDrop.Net.Crypto.dll SecureDrop.Net.Submission.dll BouncyCastle.Cryptography.dll; do
  .tools/sharpfuzz/sharpfuzz "$out/bin/$assembly" >/dev/null
done

export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export SDNET_FUZZ_DATA="$out/bin/fuzz-data"
for target in "${targets[@]}"; do
  mkdir -p "fuzz/findings/$target"
  echo "== $target: afl-fuzz for ${seconds} s"
  timeout $((seconds + 120)) afl-fuzz -V "$seconds" -t 30000 -m none -i "fuzz/corpus/$target" -o "fuzz/findings/$target" \
    -- dotnet "$out/bin/sdnet-fuzz.dll" afl "$target" > "fuzz/findings/$target/afl.log" 2>&1 || true
  stats="fuzz/findings/$target/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    grep -E '^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg) ' "$stats" | sed "s/^/  /"
  else
    echo "  afl-fuzz did not start; see fuzz/findings/$target/afl.log"; tail -5 "fuzz/findings/$target/afl.log"
  fi
done
