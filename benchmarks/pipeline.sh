#!/usr/bin/env bash
# Pipeline benchmark (issue 5) on SQLite and PostgreSQL: a burst of text submissions through the real front end
# and worker processes on loopback, then a steady 20/s with the answer time; after each the ingest window is closed
# now and the time until all are in the vault reported. Bounded in count
# and time. Usage: benchmarks/pipeline.sh [burst count] [steady seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
export SDNET_TEST_POSTGRES="${SDNET_TEST_POSTGRES:-$(ops/dev/postgres.sh start)}"
dotnet build benchmarks/SecureDrop.Net.Benchmarks.Pipeline -c Release -v quiet -nologo >/dev/null
for store in sqlite postgresql; do
  timeout 600 dotnet benchmarks/SecureDrop.Net.Benchmarks.Pipeline/bin/Release/net10.0/SecureDrop.Net.Benchmarks.Pipeline.dll "$store" "${1:-1000}" "${2:-30}"
done
