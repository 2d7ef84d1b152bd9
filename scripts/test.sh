#!/usr/bin/env bash
# Start the local services (scripts/services.sh up), export their connection
# settings, and run the whole test suite. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/services.sh up
eval "$(scripts/services.sh env)"

if ! command -v dotnet >/dev/null; then
    echo "test.sh: ERROR: 'dotnet' not found on PATH; the .NET 10 SDK (see global.json) must be installed" >&2
    exit 1
fi

# Python references (torchvision exports, Pillow tensors): apt packages installed once, files cached in .local/references.
PIPELINE_TEST_REFERENCES="$(scripts/references.sh build)"
export PIPELINE_TEST_REFERENCES

exec dotnet test Pipeline.sln -c Release "$@"
