#!/usr/bin/env bash
# Publish the worker (Pipeline.Worker.dll) and the command line (pipeline.dll) into one folder, the way
# the container images run them. The Dockerfile's build stage runs this; so does the integration test
# PublishTests, so CI exercises the very commands the images are built with.
#
# Usage: scripts/publish.sh OUT_DIR [--gpu]
#   --gpu   link the CUDA build of ONNX Runtime (-p:UseGpu=true, Microsoft.ML.OnnxRuntime.Gpu)
#
# Framework-dependent for linux-x64: the image brings the .NET runtime; the RID flattens the native
# libraries (ONNX Runtime, OpenCvSharp) next to the assemblies and leaves out other platforms' ones.
# Both programs share Common and its packages, so one folder holds them once (and the bundled model).
# ReadyToRun: the assemblies carry native code, so a job's first batches do not wait for the JIT (README
# "Performance"); crossgen comes from the SDK's own Microsoft.NETCore.App.Crossgen2 package.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${1:?usage: scripts/publish.sh OUT_DIR [--gpu]}
gpu=false
case "${2:-}" in
    "") ;;
    --gpu) gpu=true ;;
    *) echo "publish.sh: unknown option '$2' (only --gpu)" >&2; exit 2 ;;
esac

for project in src/Worker/Pipeline.Worker.csproj src/Scheduler/Pipeline.Scheduler.csproj; do
    dotnet publish "$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseGpu="$gpu" -o "$out" -nologo -v quiet
done
echo "published worker and pipeline (UseGpu=$gpu) to $out"
