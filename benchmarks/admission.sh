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
set -euo pipefail
cd "$(dirname "$0")/.."
tool="benchmarks/SecureDrop.Net.Benchmarks.FrontEnd"
tree="."
cleanup() { :; }
if [ "${1:-}" = "--before" ]; then
  rev="$2"; shift 2
  tree="$(mktemp -d /tmp/sdnet-before-XXXXXX)"
  git worktree add --detach "$tree" "$rev" >/dev/null
  cleanup() { git worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"; }
  trap cleanup EXIT
  cp "$tool"/CircuitBenchmark.cs "$tool"/CircuitClient.cs "$tool"/BenchInstance.cs "$tool"/Program.cs "$tree/$tool/"
  set -- "$@" --circuits none
  echo "front end of $(git -C "$tree" log -1 --format='%h %s' | cut -c1-100)"
fi
out="$tree/$tool/bin/publish"
dotnet publish "$tree/$tool" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out" -v quiet -nologo >/dev/null
dotnet "$out/SecureDrop.Net.Benchmarks.FrontEnd.dll" "$@"
