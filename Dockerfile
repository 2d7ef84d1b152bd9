# syntax=docker/dockerfile:1
# One image holds both programs: the worker (default command) and the `pipeline` command line
# (the CronJob runs `dotnet /app/pipeline.dll enqueue …`).
#
#   CPU:  docker build --target cpu -t pipeline:cpu .
#   GPU:  docker build --target gpu --build-arg GPU=true -t pipeline:gpu .    (add --build-arg TENSORRT=true for TensorRT)
#   Check a GPU node: docker run --gpus all pipeline:gpu dotnet /app/Pipeline.Worker.dll --check-gpu
#
# The build stage runs scripts/publish.sh, which CI runs too (tests: PublishTests).
# .NET 10 images are Ubuntu 24.04 (Noble); the GPU image uses a CUDA image of the same release.

ARG GPU=false
# Must match the shared libraries Microsoft.ML.OnnxRuntime.Gpu.Linux links: 1.31.0's CUDA provider needs
# libcudart/libcublas/libcublasLt .so.13 (CUDA 13, so an R580+ driver on the node) and cuDNN 9. The integration test
# GpuWorkerTests reads the provider's ELF DT_NEEDED entries and fails when this tag's CUDA major drifts from them.
ARG CUDA_IMAGE=nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04
# TensorRT (PIPELINE_Inference__ExecutionProvider=TensorRt) is not in the CUDA image: --build-arg TENSORRT=true adds
# libnvinfer10 and libnvonnxparsers10 (the TensorRT 10 the package's TensorRT provider links) from NVIDIA's apt
# repository, which the CUDA image already lists. Off by default: it adds about 2 GB.
ARG TENSORRT=false

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG GPU
WORKDIR /src
COPY . .
RUN if [ "$GPU" = "true" ]; then scripts/publish.sh /app --gpu; else scripts/publish.sh /app; fi

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS cpu
# OpenCvSharp's native library links GTK 3 (which brings pango, cairo, gdk-pixbuf, harfbuzz, freetype, X11), libdrm and libatomic.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgtk-3-0t64 libdrm2 libatomic1 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
WORKDIR /app
# Probes and scrapes come from outside the container: listen on all interfaces (loopback is the local default).
# A fixed 16 MiB gen0 budget: the default follows the CPU's cache (80 MiB on a 260 MiB L3), and memory would climb for
# the first half-minute of every job (ManagedHeap in src/Common; the runtime reads it from the environment only).
ENV PIPELINE_Metrics__Host=* \
    DOTNET_GCgen0size=0x1000000
EXPOSE 9464
# Numeric, so Kubernetes can verify runAsNonRoot: 1654 is the .NET images' "app" user.
USER 1654
CMD ["dotnet", "/app/Pipeline.Worker.dll"]

FROM ${CUDA_IMAGE} AS gpu
ARG TENSORRT
# The .NET + ASP.NET Core runtime of the CPU image (same version, same Ubuntu release) rather than a distribution package.
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0 /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3t64 libstdc++6 tzdata zlib1g \
        libgtk-3-0t64 libdrm2 libatomic1 \
    && if [ "$TENSORRT" = "true" ]; then apt-get install -y --no-install-recommends libnvinfer10 libnvonnxparsers10; fi \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1654 app \
    && useradd --uid 1654 --gid 1654 --no-create-home --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /app /app
# A GPU image built without --build-arg GPU=true would silently run on the CPU build of ONNX Runtime.
RUN test -f /app/libonnxruntime_providers_cuda.so \
    || { echo "the gpu target needs --build-arg GPU=true" >&2; exit 1; }
WORKDIR /app
ENV PIPELINE_Metrics__Host=* \
    PIPELINE_Inference__ExecutionProvider=Cuda \
    DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_GCgen0size=0x1000000
EXPOSE 9464
USER 1654
CMD ["dotnet", "/app/Pipeline.Worker.dll"]
