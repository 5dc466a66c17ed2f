#!/usr/bin/env bash
# Admission under attack, with emulated Tor circuits (benchmarks/SecureDrop.Net.Benchmarks.FrontEnd/CircuitBenchmark.cs):
#
#   benchmarks/admission.sh uploads 1000 64 60     1,000 uploads at once, 64 KiB/s each for 60 s: the front end's memory
#   benchmarks/admission.sh trickle 1000 120       1,000 trickling connections from one circuit; honest success rate
#   benchmarks/admission.sh guess 80 60            80 concurrent wrong-codename sign-ins from one circuit; honest p50/p90
#
# Extra arguments go to the tool: --set Name=Value (Submission__Name for the front end), --circuits none (no PROXY lines).
# The front end runs with Submission__ProxyProtocol=tor unless --circuits none; "uploads" needs a session limit that
# lets its ten sessions carry every upload: add --set UploadsPerSession=100.
#
#   benchmarks/admission.sh --before REV SCENARIO ...
#
# runs the same tool against the front end of commit REV (e.g. 4f3ee85, before issue 19), in a temporary git worktree
# removed afterwards: the tool's files are copied over that commit's, and --circuits none is added, since that front
# end reads no circuit lines. Each run prints the load average before and after; note it with the figures.
#
#   benchmarks/admission.sh record [REV]
#
# runs the three scenarios above on this tree's front end and on REV's (default 4f3ee85), about 10 minutes with the
# builds, and appends everything they print, under a dated heading, to benchmarks/RESULTS.md. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
tool="benchmarks/SecureDrop.Net.Benchmarks.FrontEnd"
trees=()
cleanup() { for t in "${trees[@]}"; do git worktree remove --force "$t" >/dev/null 2>&1 || rm -rf "$t"; done; }
trap cleanup EXIT

# Builds the tool over the front end of REV (or of this tree without REV); sets dll to the path of its dll.
build() {
  local tree="."
  if [ -n "${1:-}" ]; then
    tree="$(mktemp -d /tmp/sdnet-before-XXXXXX)"
    trees+=("$tree")
    git worktree add --detach "$tree" "$1" >/dev/null
    cp "$tool"/CircuitBenchmark.cs "$tool"/CircuitClient.cs "$tool"/BenchInstance.cs "$tool"/Program.cs "$tree/$tool/"
    # Before the trust-zone split the instance initializer lived in Core (SecureDrop.Net.Core.Setup, already imported).
    [ -d "$tree/src/SecureDrop.Net.Custody" ] || sed -i '/^using SecureDrop\.Net\.Custody\./d' "$tree/$tool/BenchInstance.cs"
    # Before issue 17 keys had no algorithm to choose: that front end's newsroom key is the classic one it made.
    grep -rqs "PostQuantum" "$tree/src/SecureDrop.Net.Crypto" || sed -i -e '/var algorithm = /d' -e 's/, algorithm);/);/' "$tree/$tool/BenchInstance.cs"
  fi
  dotnet publish "$tree/$tool" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$tree/$tool/bin/publish" -v quiet -nologo >/dev/null
  dll="$tree/$tool/bin/publish/SecureDrop.Net.Benchmarks.FrontEnd.dll"
}

describe() { git -C "$(dirname "$1")/../../../.." log -1 --format='%h %s' | cut -c1-100; }

if [ "${1:-}" = "record" ]; then
  before="${2:-4f3ee85}"
  build; after_dll="$dll"
  build "$before"; before_dll="$dll"
  scenarios=("uploads 1000 64 60 --set UploadsPerSession=100" "trickle 1000 120" "guess 80 60")
  {
    echo
    echo "## Admission under attack (issue 19): $(date -u '+%Y-%m-%d %H:%M UTC'), benchmarks/admission.sh record $before"
    echo
    echo "Loopback, emulated Tor circuits (PROXY lines as tor's HiddenServiceExportCircuitID sends them); \"before\" is the"
    echo "front end of $(describe "$before_dll"), which reads no circuit lines (run with --circuits none). Each run prints the"
    echo "load average before and after it; $(nproc) cores."
    for side in after before; do
      dll="$after_dll"; extra=(); command="admission.sh"
      if [ "$side" = before ]; then dll="$before_dll"; extra=(--circuits none); command="admission.sh --before $before"; fi
      echo
      echo "### $side: front end of $(describe "$dll")"
      for scenario in "${scenarios[@]}"; do
        # shellcheck disable=SC2086 # each scenario is a list of arguments
        echo; echo "\`$command $scenario\`"; echo; echo '```'
        dotnet "$dll" $scenario "${extra[@]}" 2>&1
        echo '```'
      done
    done
  } | tee -a benchmarks/RESULTS.md
  echo "Appended to benchmarks/RESULTS.md." >&2
  exit 0
fi

if [ "${1:-}" = "--before" ]; then
  build "$2"
  shift 2
  set -- "$@" --circuits none
  echo "front end of $(describe "$dll")"
else
  build
fi
dotnet "$dll" "$@"
