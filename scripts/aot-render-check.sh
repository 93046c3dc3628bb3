#!/usr/bin/env bash
# The Native AOT binary renders exactly what the JIT build renders: every bundled sample set, as YAML and as JSON, and
# a manifest with errors gives the same messages and exit code. Fails on the first difference, with a diff.
#   bash scripts/aot-render-check.sh artifacts/publish/WaddleObservabilityOperator
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
aot="${1:?usage: aot-render-check.sh PATH-TO-AOT-BINARY}"
configuration="${CONFIGURATION:-Release}"
jit_dll="$repo/src/WaddleObservabilityOperator/bin/$configuration/net10.0/WaddleObservabilityOperator.dll"
[[ -x "$aot" ]] || { echo "aot-render-check: $aot is not an executable" >&2; exit 1; }
[[ -f "$jit_dll" ]] || { echo "aot-render-check: the JIT build is missing at $jit_dll" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/waddle-aot-render.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$repo"
same() {
    local name="$1"; shift
    local jit_rc=0 aot_rc=0
    dotnet "$jit_dll" "$@" >"$work/jit.out" 2>"$work/jit.err" || jit_rc=$?
    "$aot" "$@" >"$work/aot.out" 2>"$work/aot.err" || aot_rc=$?
    if [[ $jit_rc -ne $aot_rc ]] || ! cmp -s "$work/jit.out" "$work/aot.out" || ! cmp -s "$work/jit.err" "$work/aot.err"; then
        echo "aot-render-check: $name differs (exit codes JIT $jit_rc, AOT $aot_rc)" >&2
        diff "$work/jit.out" "$work/aot.out" | head -40 >&2 || true
        diff "$work/jit.err" "$work/aot.err" | head -20 >&2 || true
        exit 1
    fi
    echo "  $name: identical ($(wc -c <"$work/aot.out") bytes, exit $aot_rc)"
}

production=(config/samples/waddlebot/00-namespace.yaml config/samples/waddlebot/[1-5]0-*.yaml config/samples/waddlebot-production)
same "render config/samples/waddlebot" render config/samples/waddlebot
same "render config/samples/waddlebot -o json" render config/samples/waddlebot -o json
same "render the production samples" render "${production[@]}"
same "render config/samples/reference-service" render config/samples/waddlebot/00-namespace.yaml config/samples/reference-service
cat >"$work/bad.yaml" <<'YAML'
apiVersion: observability.waddlebot.io/v1alpha1
kind: WaddleService
metadata: {name: bad, namespace: waddlebot}
spec: {layer: bogus, tracing: {samplingRatio: "abc"}}
YAML
same "render a manifest with errors" render "$work/bad.yaml"
