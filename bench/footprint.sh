#!/usr/bin/env bash
# Footprint of the operator on the bundled samples (issue 19): the JIT build and the Native AOT build side by side, in
# one run, against the API emulator. For each build and each of RUNS starts: process start to /readyz 200, time to
# every sample WaddleService Ready, then RSS after IDLE seconds converged (VmRSS) and the peak (VmHWM); plus the size of
# what each build ships. Prints a table and writes JSON.
#   dotnet build -c Release WaddleObservabilityOperator.sln
#   dotnet publish src/WaddleObservabilityOperator -c Release -r linux-x64 -p:PublishAot=true -o artifacts/publish
#   bash bench/footprint.sh [--runs 3] [--idle 30] [--builds "jit aot"] [--json docs/performance/aot/footprint.json]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=3 idle=30 json="" builds="jit aot"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --idle) idle="$2"; shift 2 ;;
        --json) json="$2"; shift 2 ;;
        --builds) builds="$2"; shift 2 ;;
        *) echo "footprint: unknown argument $1" >&2; exit 2 ;;
    esac
done
emulator_dll="$repo/tests/KubeApiEmulator/bin/Release/net10.0/KubeApiEmulator.dll"
jit_dir="$repo/src/WaddleObservabilityOperator/bin/Release/net10.0"
aot_bin="$repo/artifacts/publish/WaddleObservabilityOperator"
for f in "$emulator_dll" "$jit_dir/WaddleObservabilityOperator.dll" "$aot_bin"; do
    [[ -e "$f" ]] || { echo "footprint: $f is missing (see the usage above)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/waddle-footprint.XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 1
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export KUBECONFIG="$work/kubeconfig" HOME="$work" KUBECACHEDIR="$work/kube-cache"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
status_kb() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }

dotnet "$emulator_dll" --kubeconfig "$KUBECONFIG" --simulate-workloads >"$work/emulator.out" 2>"$work/emulator.log" &
pids+=($!)
for _ in $(seq 300); do grep -q '^ready ' "$work/emulator.out" 2>/dev/null && break; sleep 0.2; done
kubectl create -f "$repo/tests/fixtures/prometheus-operator/monitoring.coreos.com_servicemonitors.yaml" >/dev/null
kubectl create -f "$repo/config/crds" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
kubectl apply -f "$repo/config/samples/waddlebot" >/dev/null
services=$(kubectl get waddleservices -n waddlebot -o name | wc -l)

results=()
measure() { # build command...
    local build="$1"; shift
    for run in $(seq "$runs"); do
        local health metrics start ready converged pid
        health=$(free_port); metrics=$(free_port)
        start=$(now_ms)
        POD_NAME="footprint-$build-$run" "$@" run --kubeconfig "$KUBECONFIG" --leader-elect=false --log-level warn \
            --health-probe-bind-address "127.0.0.1:$health" --metrics-bind-address "127.0.0.1:$metrics" \
            >"$work/$build-$run.log" 2>&1 &
        pid=$!
        pids+=("$pid")
        until curl -fs --max-time 1 "http://127.0.0.1:$health/readyz" >/dev/null 2>&1; do
            kill -0 "$pid" 2>/dev/null || { cat "$work/$build-$run.log" >&2; exit 1; }
            sleep 0.01
        done
        ready=$(now_ms)
        kubectl wait --for=condition=Ready waddleservices --all -n waddlebot --timeout=120s >/dev/null
        converged=$(now_ms)
        sleep "$idle"
        local rss hwm
        rss=$(status_kb "$pid" VmRSS); hwm=$(status_kb "$pid" VmHWM)
        kill -TERM "$pid"; wait "$pid" || true
        printf '  %-3s run %d: start to /readyz %5d ms, to all %d Ready %5d ms, idle RSS %6.1f MB, peak RSS %6.1f MB\n' \
            "$build" "$run" $((ready - start)) "$services" $((converged - start)) "$(echo "$rss/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)"
        results+=("{\"build\":\"$build\",\"run\":$run,\"startToReadyMs\":$((ready - start)),\"startToAllReadyMs\":$((converged - start)),\"idleRssKb\":$rss,\"peakRssKb\":$hwm}")
    done
}

echo "footprint: $services WaddleServices (config/samples/waddlebot), $runs starts per build, RSS read after ${idle}s idle"
[[ " $builds " == *" jit "* ]] && measure jit dotnet "$jit_dir/WaddleObservabilityOperator.dll"
[[ " $builds " == *" aot "* ]] && measure aot "$aot_bin"
jit_bytes=$(find "$jit_dir" -maxdepth 1 -type f ! -name '*.pdb' ! -name '*.xml' -printf '%s\n' | awk '{s+=$1} END {print s}')
aot_bytes=$(stat -c %s "$aot_bin")
echo "  shipped: JIT build output $((jit_bytes / 1024 / 1024)) MB (plus the ASP.NET runtime of its base image); AOT binary $((aot_bytes / 1024 / 1024)) MB (self-contained)"
if [[ -n "$json" ]]; then
    mkdir -p "$(dirname "$json")"
    printf '{"date":"%s","services":%d,"idleSeconds":%d,"load":"%s","jitOutputBytes":%d,"aotBinaryBytes":%d,"runs":[%s]}\n' \
        "$(date -u +%FT%TZ)" "$services" "$idle" "$(cut -d' ' -f1-3 /proc/loadavg)" "$jit_bytes" "$aot_bytes" "$(IFS=,; echo "${results[*]}")" >"$json"
    echo "  wrote $json"
fi
