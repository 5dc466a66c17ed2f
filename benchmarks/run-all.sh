#!/usr/bin/env bash
# The proof run (issue 8): tests, fuzzing, soak and benchmarks in one command, on loopback only, every part bounded.
# Appends a dated "Proof run" section to benchmarks/RESULTS.md and rewrites the figures section of
# docs/SECURITY-REPORT.md, each figure with the machine (cores, CPU, memory, load average) it was measured on.
#
#   benchmarks/run-all.sh           the long form: ./test.sh (whole suite), one hour of AFL++ per fuzz target, a
#                                   10-minute soak, the OpenPGP (1 GiB x 3), pipeline, upload (1 GiB) and load benchmarks
#                                   (the load twice: post-quantum and classic newsroom key), SEIPD v2 against gpg
#                                   (1 GiB x 3) (several hours; run it on a quiet machine)
#   benchmarks/run-all.sh --quick   each part briefly, to show it works (about 15 minutes); not for comparison
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--quick" ]; then
  mode="quick form (each part shortened to show it works; not for comparison)"
  fuzz_seconds=20; soak_seconds=60; openpgp=(64 1); pipeline=(200 10); upload_mib=64; load_seconds=20; full_suite=""
else
  mode="long form"
  fuzz_seconds=3600; soak_seconds=600; openpgp=(1024 3); pipeline=(1000 30); upload_mib=1024; load_seconds=60; full_suite=1
fi

logs="$(mktemp -d "${TMPDIR:-/tmp}/sdnet-proof.XXXXXX")"
trap 'rm -rf "$logs"' EXIT
machine() {
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%d GiB RAM", $2/1024/1024}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
}

# Runs one part: its output (child-process chatter dropped) goes to $logs/NAME.txt, with the machine before and after.
part() {
  local name="$1"; shift
  echo "== $name"
  { echo "machine before: $(machine)"; echo; } > "$logs/$name.txt"
  "$@" 2>&1 | grep -v '^  \[child\]' >> "$logs/$name.txt"
  local status=${PIPESTATUS[0]}
  { echo; echo "machine after:  $(machine); exit status $status"; } >> "$logs/$name.txt"
  tail -n 4 "$logs/$name.txt" | sed 's/^/   /'
}

proof_tests() {
  local results="$logs/trx"
  dotnet test tests/SecureDrop.Net.Proof.Tests -c Release --logger trx --results-directory "$results" -v quiet -nologo >/dev/null 2>&1
  local status=$?
  local counters; counters=$(grep -ho '<Counters [^>]*>' "$results"/*.trx | head -n 1)
  echo "Proof.Tests (bad-input corpus, short fuzz run, invariant checks): $(echo "$counters" | grep -o 'total="[0-9]*"'), $(echo "$counters" | grep -o 'passed="[0-9]*"'), $(echo "$counters" | grep -o 'failed="[0-9]*"')"
  return $status
}

started="$(machine)"
export SDNET_TEST_POSTGRES="${SDNET_TEST_POSTGRES:-$(ops/dev/postgres.sh start)}"
# Published ReadyToRun, as ops/guides/install.md ships the services (benchmarks/frontend.sh publishes, then runs).
frontend=(benchmarks/frontend.sh)

part report-names python3 benchmarks/check-report-names.py
if [ -n "$full_suite" ]; then part tests ./test.sh; else part tests proof_tests; fi
part fuzz fuzz/run-long.sh "$fuzz_seconds"
part soak "${frontend[@]}" soak "$soak_seconds"
part openpgp benchmarks/openpgp-throughput.sh "${openpgp[@]}"
part pipeline benchmarks/pipeline.sh "${pipeline[@]}"
part upload "${frontend[@]}" upload "$upload_mib"
part load "${frontend[@]}" load "$load_seconds"
# Issue 17's same-run comparisons: the load above runs against the default post-quantum key, this one against a classic
# Cv25519 key (text submissions per second within 5%); SEIPD v2 to a v6 key against gpg's SEIPD v1 (>= 1.5x both ways).
part load-classic env SDNET_BENCH_KEY=classic "${frontend[@]}" load "$load_seconds"
part seipdv2 benchmarks/seipdv2-throughput.sh "${openpgp[@]}"

{
  echo
  echo "## Proof run: $(date -u '+%Y-%m-%d %H:%M UTC'), $mode"
  echo
  echo "**Command:** \`benchmarks/run-all.sh ${1:-}\`. **Machine at the start:** $started."
  echo "Each part below names the machine and its load before and after it ran; figures taken while other work shared"
  echo "the cores are noisy."
  for name in report-names tests fuzz soak openpgp pipeline upload load load-classic seipdv2; do
    echo; echo "### $name"; echo; echo '```'; cat "$logs/$name.txt"; echo '```'
  done
} >> benchmarks/RESULTS.md

python3 - "$logs" "$mode" <<'PY'
import pathlib, re, sys
logs, mode = pathlib.Path(sys.argv[1]), sys.argv[2]
def text(name):
    return (logs / f"{name}.txt").read_text(encoding="utf-8").strip()
figures = [
    f"From `benchmarks/run-all.sh` ({mode}); the full output is the latest \"Proof run\" section of benchmarks/RESULTS.md.",
    "", "**Tests**", "", "```", text("report-names"), "", text("tests"), "```",
    "", "**Fuzzing** (AFL++ with SharpFuzz, per target: executions, corpus, coverage, crashes, hangs)", "", "```", text("fuzz"), "```",
    "", "**Soak** (text submissions, file uploads and console reads together; RSS of each process over time)", "", text("soak"),
]
report = pathlib.Path("docs/SECURITY-REPORT.md")
body = report.read_text(encoding="utf-8")
body = re.sub(r"<!-- figures:start -->.*<!-- figures:end -->",
              lambda _: "<!-- figures:start -->\n" + "\n".join(figures) + "\n<!-- figures:end -->", body, flags=re.S)
report.write_text(body, encoding="utf-8")
PY
echo "Wrote benchmarks/RESULTS.md (appended) and the figures of docs/SECURITY-REPORT.md."
