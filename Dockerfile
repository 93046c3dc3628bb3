# The operator image: built with the .NET SDK, run on a chiseled ASP.NET runtime (no shell, no package
# manager) as a numeric non-root user, so runAsNonRoot admission can verify it without a passwd lookup.
#   docker build -t waddle-observability-operator .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so source edits do not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj src/WaddleObservabilityOperator/
RUN dotnet restore src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj
COPY src/ src/
RUN dotnet publish src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj \
      --configuration Release --no-restore --output /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /app ./
# 1654 is the "app" user of the .NET chiseled images.
USER 1654:1654
ENTRYPOINT ["dotnet", "WaddleObservabilityOperator.dll", "run"]
