#!/usr/bin/env bash
# Start the local services, build in Release, and run the benchmark (README "Performance").
# Arguments go to the benchmark: --smoke, --images N, --sample-images N, --rss-images N, --enqueue-uris N,
# --only inference,decode,e2e,samples,rss,enqueue,write, --set PIPELINE_Section__Key=VALUE, --report FILE.
# Run it on an otherwise quiet machine: every step measures CPU throughput.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/services.sh up
eval "$(scripts/services.sh env)"
dotnet build tests/Pipeline.Benchmarks -c Release -nologo -v quiet
# The jobs run the published programs, as the container images do (ReadyToRun).
scripts/publish.sh .local/bench/app > /dev/null
exec dotnet tests/Pipeline.Benchmarks/bin/Release/net10.0/Pipeline.Benchmarks.dll --app .local/bench/app "$@"
