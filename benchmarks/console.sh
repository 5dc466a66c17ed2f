#!/usr/bin/env bash
# Console benchmark (issue 6): 10,000 sources and 100,000 submissions seeded straight into the store, then the
# sources list and sources' pages from the real console on loopback, server time per request. Bounded in count
# and time. Usage: benchmarks/console.sh [sqlite|postgresql] [sources] [submissions per source] [requests per case]
#        benchmarks/console.sh downloads [journalists] [MiB]   (issue 20: peak memory of decrypted downloads)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-sqlite}" = postgresql ]; then export SDNET_TEST_POSTGRES="${SDNET_TEST_POSTGRES:-$(ops/dev/postgres.sh start)}"; fi
dotnet build benchmarks/SecureDrop.Net.Benchmarks.Console -c Release -v quiet -nologo >/dev/null
if [ "${1:-}" = downloads ]; then
  # Issue 20: peak RSS while N journalists download one M MiB item at once (1 MiB and 40 MiB as same-run references).
  # Disk: the items' ciphertext (M + 41 MiB) in the instance's temporary directory, removed at the end.
  exec timeout 1800 dotnet benchmarks/SecureDrop.Net.Benchmarks.Console/bin/Release/net10.0/SecureDrop.Net.Benchmarks.Console.dll \
    downloads "${2:-8}" "${3:-1024}" "${RESULTS_FILE:-}"
fi
timeout 900 dotnet benchmarks/SecureDrop.Net.Benchmarks.Console/bin/Release/net10.0/SecureDrop.Net.Benchmarks.Console.dll \
  "${1:-sqlite}" "${2:-10000}" "${3:-10}" "${4:-200}" "${RESULTS_FILE:-}"
