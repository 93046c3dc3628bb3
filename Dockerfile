# The operator image: a Native AOT binary (no JIT, no .NET runtime in the image), built with the .NET SDK's AOT image
# (clang and the native libraries the ILCompiler links), run on the chiseled runtime-deps base (no shell, no package
# manager, only glibc, OpenSSL and the CA certificates) as a numeric non-root user, so runAsNonRoot admission can verify
# it without a passwd lookup. linux-x64 (amd64) only, as CI publishes it.
#   docker build -t waddle-observability-operator \
#     --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
# The publish step is the one scripts/test.sh (CI) runs; tests/.../Packaging/DockerfileTests checks that they agree.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
WORKDIR /src
# Restore first, from the project files only, so source edits do not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj src/WaddleObservabilityOperator/
RUN dotnet restore src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj --runtime linux-x64 -p:PublishAot=true
COPY src/ src/
RUN dotnet publish src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj \
      --configuration Release --no-restore --output /app --runtime linux-x64 -p:PublishAot=true \
 && rm -f /app/*.dbg /app/*.xml /app/*.json

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="waddle-observability-operator" \
      org.opencontainers.image.description="Kubernetes operator for WaddleBot's observability: env injection, ServiceMonitors, Jaeger sampling, managed Jaeger and Prometheus" \
      org.opencontainers.image.source="https://github.com/waddlebot/waddle-observability-operator" \
      org.opencontainers.image.vendor="WaddleBot" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
WORKDIR /app
COPY --from=build /app ./
# 1654 is the "app" user of the .NET chiseled images.
USER 1654:1654
# /metrics and /healthz, /readyz (the chart's metrics.port and health.port).
EXPOSE 8080 8081
ENTRYPOINT ["/app/WaddleObservabilityOperator", "run"]
