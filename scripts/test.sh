#!/usr/bin/env bash
# Everything CI checks, from a fresh clone: test tools, restore, formatting, one build, every test.
#   bash scripts/test.sh                   # Release
#   CONFIGURATION=Debug bash scripts/test.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
configuration="${CONFIGURATION:-Release}"
solution=WaddleObservabilityOperator.sln

# helm 3, helm 4 and promtool into .tools/bin, for the tests that run them (idempotent).
if [[ -f scripts/install-tools.sh ]]; then
  bash scripts/install-tools.sh
fi

dotnet restore "$solution"
dotnet format "$solution" --verify-no-changes --no-restore
dotnet build "$solution" --no-restore --configuration "$configuration"
dotnet test "$solution" --no-build --configuration "$configuration" --logger "console;verbosity=normal"
