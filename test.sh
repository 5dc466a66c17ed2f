#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests use if it is missing (OpenPGP tools, PostgreSQL, aiosmtpd,
# chromium, axe-core), starts a throwaway PostgreSQL cluster on loopback, builds, runs every test project, and ends
# with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# RFC 9580 A.12.1-2 each derive a 2 GiB Argon2 key (about 7 s each here): the whole suite runs them.
export SDNET_LONG_VECTORS="${SDNET_LONG_VECTORS:-1}"

ops/dev/install-test-dependencies.sh || exit 1

# A throwaway PostgreSQL cluster on loopback, for the tests that run on both SQLite and PostgreSQL.
started_postgres=""
if [ -z "${SDNET_TEST_POSTGRES:-}" ]; then
  SDNET_TEST_POSTGRES="$(ops/dev/postgres.sh start)" || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
  export SDNET_TEST_POSTGRES
  started_postgres=1
fi

# The browser tests leave full-page PNGs of every source and console page here, for a person to look at (and for CI
# to keep); emptied first so that none is left from an earlier run.
rm -rf TestResults/screenshots

results="$(mktemp -d "${TMPDIR:-/tmp}/sdnet-test-results.XXXXXX")"
# A test that hangs is stopped after 10 minutes and counted as failed, naming itself, instead of blocking CI.
dotnet test SecureDrop.Net.sln --configuration Release --logger trx --results-directory "$results" \
  --blame-hang-timeout 10m --blame-hang-dump-type none "$@"
status=$?

passed=0; failed=0; skipped=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  # A skipped xUnit test is counted in total but not in executed (notExecuted stays 0 for it).
  skipped=$((skipped + $(value total) - $(value executed)))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before any result was written: count it, never report a silent pass.
  failed=1
fi

rm -rf "$results"
[ -n "$started_postgres" ] && ops/dev/postgres.sh stop
[ -d TestResults/screenshots ] && echo "Screenshots of every page: TestResults/screenshots/ ($(find TestResults/screenshots -name '*.png' | wc -l) PNGs)"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
