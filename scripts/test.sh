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
# The publish the Dockerfile's build stage runs, so the image's build step is exercised here.
dotnet publish src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj --configuration "$configuration" --output artifacts/publish -p:UseAppHost=false
# A user's path against the API emulator with the binaries built above: helm install, samples Ready, a policy change,
# a service deleted, helm uninstall.
CONFIGURATION="$configuration" bash scripts/e2e.sh
