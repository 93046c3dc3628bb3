#!/usr/bin/env bash
# Everything CI checks, from a fresh clone: test tools, restore, one build, every test, the end-to-end user path.
#   bash scripts/test.sh                   # Release
#   CONFIGURATION=Debug bash scripts/test.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
configuration="${CONFIGURATION:-Release}"
solution=WaddleObservabilityOperator.sln

# helm 3, helm 4 and promtool into .tools/bin, for the tests that run them (idempotent).
bash scripts/install-tools.sh

dotnet restore "$solution"
# Formatting and code style as .editorconfig says (whitespace, imports, file-scoped namespaces).
dotnet format "$solution" --verify-no-changes --no-restore
dotnet build "$solution" --no-restore --configuration "$configuration"
dotnet test "$solution" --no-build --configuration "$configuration" --logger "console;verbosity=minimal"
# Scale regression check (issue 6, docs/performance.md): 500 services against the operator as its own process; fails
# when the request counts regress (writes per service, sampling ConfigMap writes, any write or GET in steady state or
# after a restart). Times are printed, never checked.
dotnet run --no-build --configuration "$configuration" --project bench/WaddleObservabilityOperator.Bench -- \
    scale --services 500 --changes 0 --raw-seconds 1 --resync-period 3s --no-rate-limit --check
# The publish the Dockerfile's build stage runs (the Native AOT binary the image ships), so the image's build step is
# exercised here; the AOT analyzers' warnings are errors.
dotnet publish src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj --configuration "$configuration" --output artifacts/publish --runtime linux-x64 -p:PublishAot=true
# The AOT binary renders the samples byte for byte as the JIT build (the one the tests ran) does.
bash scripts/aot-render-check.sh artifacts/publish/WaddleObservabilityOperator
# A user's path against the API emulator, with the AOT binary as the chart's Deployment: helm install, samples Ready,
# a policy change, a service deleted, helm uninstall.
CONFIGURATION="$configuration" OPERATOR=artifacts/publish/WaddleObservabilityOperator bash scripts/e2e.sh
