#!/usr/bin/env bash
# The front-end benchmarks (upload, load, soak) as ops/guides/install.md ships the services: published ReadyToRun.
# Publishes benchmarks/SecureDrop.Net.Benchmarks.FrontEnd to benchmarks/SecureDrop.Net.Benchmarks.FrontEnd/bin/publish
# (the front end, worker and console run as its child processes), then runs it with the arguments given:
#
#   benchmarks/frontend.sh upload 1024     a 1 GiB upload against the crypto core (first after start-up, steady state)
#   benchmarks/frontend.sh load 60         bounded load of text submissions (at most 60 s)
#   benchmarks/frontend.sh soak 600        text, uploads and console reads together, memory judged
#
# The instance's newsroom key is post-quantum (the default); SDNET_BENCH_KEY=classic makes it Cv25519, so a same-run
# A/B of what the ML-KEM encapsulation costs per text submission is:
#   SDNET_BENCH_KEY=classic benchmarks/frontend.sh load 60; benchmarks/frontend.sh load 60
set -euo pipefail
cd "$(dirname "$0")/.."
out="benchmarks/SecureDrop.Net.Benchmarks.FrontEnd/bin/publish"
dotnet publish benchmarks/SecureDrop.Net.Benchmarks.FrontEnd -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -o "$out" -v quiet -nologo >/dev/null
exec dotnet "$out/SecureDrop.Net.Benchmarks.FrontEnd.dll" "$@"
