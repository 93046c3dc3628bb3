#!/usr/bin/env bash
# What a user does, start to finish, against the Kubernetes API emulator (no cluster here):
#   start the emulator -> helm install the chart -> run the operator as the chart's Deployment would (same args,
#   leader election on the chart's Lease; the emulator has no kubelet to run the pods) -> kubectl apply the WaddleBot
#   samples -> kubectl wait for every WaddleService to be Ready -> kubectl get waddle -> change the policy's default
#   ratio and see the sampling ConfigMap follow (no rollout: every sample service has its own ratio) -> delete a service and see its ServiceMonitor and
#   injected env go while its Deployment stays -> delete the policy and see its cluster-scoped RBAC go with it -> helm
#   uninstall.
# Exits non-zero on the first failure; every wait is bounded; the processes it starts are stopped on exit.
#   bash scripts/e2e.sh                 # uses the built binaries (scripts/test.sh builds them), builds them if missing
#   CONFIGURATION=Debug HELM=helm3 bash scripts/e2e.sh
#   OPERATOR=artifacts/publish/WaddleObservabilityOperator bash scripts/e2e.sh   # the Native AOT binary (scripts/test.sh)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${CONFIGURATION:-Release}"
helm="$repo/.tools/bin/${HELM:-helm4}"
release=waddle-observability-operator
release_ns=waddle-system
app_ns=waddlebot
wait_timeout=120s
started=$SECONDS

emulator_dll="$repo/tests/KubeApiEmulator/bin/$configuration/net10.0/KubeApiEmulator.dll"
operator_dll="$repo/src/WaddleObservabilityOperator/bin/$configuration/net10.0/WaddleObservabilityOperator.dll"
# The operator's command: the JIT build through dotnet, or a native executable (the AOT build the image ships).
if [[ -n "${OPERATOR:-}" ]]; then
    [[ -x "$OPERATOR" ]] || { echo "e2e: OPERATOR=$OPERATOR is not an executable" >&2; exit 1; }
    operator_cmd=("$(cd "$(dirname "$OPERATOR")" && pwd)/$(basename "$OPERATOR")")
else
    operator_cmd=(dotnet "$operator_dll")
fi

step() { printf '\n==> [e2e %3ss] %s\n' "$((SECONDS - started))" "$*"; }
fail() { printf '\ne2e: FAILED: %s\n' "$*" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/waddle-e2e.XXXXXX")"
pids=()
cleanup() {
    local code=$?
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        # Bounded: a process that ignores SIGTERM for 15 s is killed.
        for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [[ $code -ne 0 ]]; then
        for log in "$work"/*.log; do
            [[ -f "$log" ]] || continue
            printf '\n--- last lines of %s\n' "$(basename "$log")" >&2
            tail -n 30 "$log" >&2
        done
    fi
    rm -rf "$work"
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The tools run in the work directory only: kubeconfig, HOME, caches.
export KUBECONFIG="$work/kubeconfig" HOME="$work" KUBECACHEDIR="$work/kube-cache"
export HELM_CACHE_HOME="$work/helm-cache" HELM_CONFIG_HOME="$work/helm-config" HELM_DATA_HOME="$work/helm-data"
kubectl() { command kubectl --request-timeout=30s "$@"; }

# until DESCRIPTION SECONDS COMMAND...: runs COMMAND every 200 ms until it succeeds, or fails the run.
until_true() {
    local what="$1" seconds="$2"
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [[ $SECONDS -lt $deadline ]] || fail "$what: not true after ${seconds}s"
        sleep 0.2
    done
}

command -v kubectl >/dev/null || fail "kubectl is not on PATH"
command -v jq >/dev/null || fail "jq is not on PATH"
[[ -x "$helm" ]] || fail "$helm is missing: run bash scripts/install-tools.sh"
if [[ ! -f "$emulator_dll" || ! -f "$operator_dll" ]]; then
    step "build the emulator and the operator ($configuration)"
    dotnet build "$repo/tests/KubeApiEmulator/KubeApiEmulator.csproj" --configuration "$configuration" --nologo -v q
    dotnet build "$repo/src/WaddleObservabilityOperator/WaddleObservabilityOperator.csproj" --configuration "$configuration" --nologo -v q
fi
# prometheus-operator's ServiceMonitor CRD, as a cluster running prometheus-operator has it: the repository's stand-in.
servicemonitor_crd="$repo/tests/fixtures/prometheus-operator/monitoring.coreos.com_servicemonitors.yaml"
[[ -f "$servicemonitor_crd" ]] || fail "$servicemonitor_crd is missing"

step "start the Kubernetes API emulator"
dotnet "$emulator_dll" --kubeconfig "$KUBECONFIG" --simulate-workloads >"$work/emulator.out" 2>"$work/emulator.log" &
pids+=($!)
until_true "the emulator prints ready" 60 grep -q '^ready ' "$work/emulator.out"
echo "$(cat "$work/emulator.out")"
kubectl version 2>/dev/null | sed 's/^/  /'
kubectl create -f "$servicemonitor_crd" >/dev/null
kubectl wait --for=condition=Established crd/servicemonitors.monitoring.coreos.com --timeout="$wait_timeout" >/dev/null

step "helm install $release (chart charts/$release, $("$helm" version --short))"
"$helm" install "$release" "$repo/charts/$release" --namespace "$release_ns" --create-namespace --timeout 2m | tee "$work/install.txt"
grep -q '^STATUS: deployed' "$work/install.txt" || fail "helm install did not deploy"
kubectl get deployment,serviceaccount,service,poddisruptionbudget,role,rolebinding -n "$release_ns" -l "app.kubernetes.io/instance=$release"
kubectl get clusterrole,clusterrolebinding -l "app.kubernetes.io/instance=$release"
kubectl get crd waddleservices.observability.waddlebot.io observabilitypolicies.observability.waddlebot.io

step "run the operator as the chart's Deployment configures it"
deployment_json="$(kubectl get deployment "$release" -n "$release_ns" -o json)"
replicas="$(jq -r '.spec.replicas' <<<"$deployment_json")"
mapfile -t args < <(jq -r '.spec.template.spec.containers[0].args[]' <<<"$deployment_json")
lease="$(printf '%s\n' "${args[@]}" | sed -n 's/^--leader-election-id=//p')"
echo "  replicas: $replicas; args: ${args[*]}"
[[ "${args[0]}" == run && -n "$lease" ]] || fail "the chart's Deployment does not run the operator with leader election"
health_urls=()
metrics_urls=()
for i in $(seq "$replicas"); do
    # The chart's args, then where to reach the emulator and loopback listeners on ports the kernel picks (later flags
    # win): no port is chosen here, so none can be taken by another process before the operator binds it.
    POD_NAME="$release-e2e-$i" "${operator_cmd[@]}" "${args[@]}" --kubeconfig "$KUBECONFIG" \
        --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 \
        >"$work/operator-$i.log" 2>&1 &
    pids+=($!)
done
# Each replica logs the addresses it bound: {"msg":"Serving metrics on ... and probes on ...","MetricsUrl":...,"HealthUrl":...}.
bound_url() { jq -rR --arg field "$2" 'fromjson? | select(.MetricsUrl? and .HealthUrl?) | .[$field] | sub("/$"; "")' "$1" 2>/dev/null | head -n 1; }
for i in $(seq "$replicas"); do
    until_true "operator $i logs the addresses it serves" 60 grep -q '"MetricsUrl"' "$work/operator-$i.log"
    health_urls+=("$(bound_url "$work/operator-$i.log" HealthUrl)")
    metrics_urls+=("$(bound_url "$work/operator-$i.log" MetricsUrl)")
    [[ "${health_urls[-1]}" == http://127.0.0.1:* && "${metrics_urls[-1]}" == http://127.0.0.1:* ]] || fail "operator $i did not log where it serves"
done
for url in "${health_urls[@]}"; do
    until_true "$url/readyz answers 200" 60 curl -fsS --max-time 2 "$url/readyz"
    curl -fsS --max-time 2 "$url/healthz" >/dev/null || fail "$url/healthz"
done
lease_holder() { kubectl get lease "$lease" -n "$release_ns" -o jsonpath='{.spec.holderIdentity}'; }
until_true "a replica holds the Lease $release_ns/$lease" 60 bash -c "[[ \$(command kubectl get lease $lease -n $release_ns -o jsonpath='{.spec.holderIdentity}') == $release-e2e-* ]]"
echo "  every replica is ready; the leader is $(lease_holder)"

step "kubectl create secret: the Secrets the samples reference (Grafana's admin, the PostgreSQL and Redis exporters')"
kubectl apply -f "$repo/config/samples/waddlebot/00-namespace.yaml" >/dev/null
kubectl -n "$app_ns" create secret generic grafana-admin --from-literal=admin-user=admin --from-literal=admin-password="e2e-$RANDOM-$RANDOM" >/dev/null
kubectl -n "$app_ns" create secret generic waddlebot-postgres --from-literal=username=waddlebot_monitor --from-literal=password="e2e-$RANDOM" >/dev/null
kubectl -n "$app_ns" create secret generic waddlebot-redis --from-literal=password="e2e-$RANDOM" >/dev/null

step "kubectl apply -f config/samples/waddlebot"
kubectl apply -f "$repo/config/samples/waddlebot" | awk '{print "  " $0}' | tail -n 5
echo "  ($(find "$repo/config/samples/waddlebot" -name '*.yaml' | wc -l) files)"

step "kubectl wait --for=condition=Ready wsvc --all -n $app_ns"
kubectl wait --for=condition=Ready wsvc --all -n "$app_ns" --timeout="$wait_timeout" | tail -n 3
kubectl wait --for=condition=Ready obspol --all -n "$app_ns" --timeout="$wait_timeout"

step "kubectl get waddle -n $app_ns"
kubectl get waddle -n "$app_ns" | tee "$work/waddle.txt"
[[ "$(grep -c . "$work/waddle.txt")" -ge 22 ]] || fail "kubectl get waddle lists fewer objects than the samples declare"
services="$(kubectl get wsvc -n "$app_ns" -o name | wc -l)"
# One ServiceMonitor per WaddleService, and the policy's own: WaddleBot's PostgreSQL and Redis exporters and the kubelets.
monitors="$(kubectl get servicemonitors -n "$app_ns" -l observability.waddlebot.io/service -o name | wc -l)"
policy_monitors="$(kubectl get servicemonitors -n "$app_ns" -l '!observability.waddlebot.io/service' -o name | wc -l)"
[[ "$services" -eq 19 && "$monitors" -eq 19 && "$policy_monitors" -eq 3 ]] \
    || fail "expected 19 WaddleServices, 19 ServiceMonitors of theirs and 3 of the policy, found $services, $monitors and $policy_monitors"
kubectl get clusterrolebinding "waddle-observability.$app_ns.waddlebot-prometheus" >/dev/null \
    || fail "the kubelet scrape's ClusterRoleBinding for the managed Prometheus is missing"
kubectl get deployment router -n "$app_ns" -o json | jq -e '[.spec.template.spec.containers[0].env[].name] | index("OTEL_SERVICE_NAME")' >/dev/null \
    || fail "the router Deployment has no injected OTEL_SERVICE_NAME"

step "the operator's own /metrics (the leader's, and a standby's)"
leader="$(lease_holder)"
leader_metrics="${metrics_urls[$((${leader##*-} - 1))]}/metrics"
# The whole body first: grep -q stops reading early, and curl would fail writing the rest.
metric_is() {
    local body
    body="$(curl -fsS --max-time 2 "$1")" || return 1
    grep -qx -- "$2" <<<"$body"
}
until_true "$leader reports 19 ready WaddleServices" 60 metric_is "$leader_metrics" 'waddle_services{ready="true"} 19'
metric_is "$leader_metrics" "leader_election_master_status{name=\"$lease\"} 1" || fail "$leader does not report itself as the leader"
curl -fsS --max-time 2 "$leader_metrics" | grep -E '^(leader_election_master_status|waddle_services|waddle_injected_workloads|controller_runtime_reconcile_total)[{ ]' | sed 's/^/  /'
for i in $(seq "$replicas"); do
    [[ "$release-e2e-$i" == "$leader" ]] && continue
    metric_is "${metrics_urls[$((i - 1))]}/metrics" "leader_election_master_status{name=\"$lease\"} 0" || fail "standby $release-e2e-$i does not report 0 for leader_election_master_status"
    echo "  standby $release-e2e-$i: leader_election_master_status 0"
done

step "change the policy: default sampling ratio 0.1 -> 0.25"
generations() { kubectl get deployments -n "$app_ns" -l app.kubernetes.io/part-of=waddlebot -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.generation} {end}'; }
default_ratio() { kubectl get configmap waddlebot-sampling -n "$app_ns" -o jsonpath='{.data.strategies\.json}' | jq -r '.default_strategy.param'; }
before="$(generations)"
[[ "$(default_ratio)" == 0.1 ]] || fail "the sampling ConfigMap's default ratio is $(default_ratio), not 0.1"
kubectl patch obspol waddlebot -n "$app_ns" --type merge -p '{"spec":{"tracing":{"sampling":{"defaultRatio":0.25}}}}'
until_true "the sampling ConfigMap has default ratio 0.25" 60 bash -c "[[ \$(command kubectl get configmap waddlebot-sampling -n $app_ns -o jsonpath='{.data.strategies\.json}' | jq -r .default_strategy.param) == 0.25 ]]"
echo "  waddlebot-sampling default_strategy.param: $(default_ratio)"
kubectl wait --for=condition=Ready obspol/waddlebot -n "$app_ns" --timeout="$wait_timeout" >/dev/null
# Every sample service sets its own ratio, so the default is in no service's TRACING_SAMPLE_RATE: nothing rolls out.
# (A service inheriting it would roll, since WaddleBot's library reads the ratio from its environment; one declaring
# spec.tracing.sdkRemote would not.)
[[ "$(generations)" == "$before" ]] || fail "a Deployment rolled out for a default ratio no sample service uses: $before -> $(generations)"
echo "  no Deployment rolled out (every sample service has its own ratio)"

step "delete the WaddleService youtube-music"
kubectl delete wsvc youtube-music -n "$app_ns" --timeout=60s
until_true "the ServiceMonitor youtube-music is gone" 60 bash -c "[[ -z \$(command kubectl get servicemonitor youtube-music -n $app_ns --ignore-not-found -o name) ]]"
kubectl get deployment youtube-music -n "$app_ns" >/dev/null || fail "the Deployment youtube-music was deleted with its WaddleService"
until_true "the env injected into youtube-music is removed" 60 bash -c \
    "command kubectl get deployment youtube-music -n $app_ns -o json | jq -e '[.spec.template.spec.containers[].env[]?.name | select(startswith(\"OTEL_\") or . == \"TRACING_SAMPLE_RATE\")] | length == 0'"
until_true "youtube-music leaves the sampling strategies" 60 bash -c \
    "command kubectl get configmap waddlebot-sampling -n $app_ns -o jsonpath='{.data.strategies\.json}' | jq -e '[.service_strategies[]?.service] | index(\"youtube-music\") | not'"
echo "  ServiceMonitor gone, injected env gone, Deployment kept: $(kubectl get deployment youtube-music -n "$app_ns" -o jsonpath='{.metadata.name} env={.spec.template.spec.containers[0].env[*].name}')"
kubectl wait --for=condition=Ready wsvc --all -n "$app_ns" --timeout="$wait_timeout" >/dev/null

step "delete the ObservabilityPolicy: its cluster-scoped ClusterRole and binding go before its finalizer"
kubectl delete obspol waddlebot -n "$app_ns" --timeout=60s
[[ -z "$(kubectl get clusterrole,clusterrolebinding -l observability.waddlebot.io/policy-namespace="$app_ns" -o name)" ]] \
    || fail "the kubelet scrape's ClusterRole or ClusterRoleBinding outlived its policy"

step "helm uninstall $release (its pods get SIGTERM: the operator processes stop too)"
"$helm" uninstall "$release" --namespace "$release_ns" --timeout 2m
for pid in "${pids[@]:1}"; do
    kill -TERM "$pid"
done
for i in $(seq "$replicas"); do
    code=0
    wait "${pids[$i]}" || code=$?
    [[ $code -eq 0 ]] || fail "operator replica $i exited with $code after SIGTERM"
done
pids=("${pids[0]}")
[[ -z "$(lease_holder)" ]] || fail "the Lease is still held by $(lease_holder) after a graceful stop"
echo "  every replica exited 0 and the leader released the Lease"
[[ -z "$(kubectl get deployment,serviceaccount,service -n "$release_ns" -l "app.kubernetes.io/instance=$release" -o name)" ]] || fail "helm uninstall left objects behind"
[[ -z "$(kubectl get clusterrole,clusterrolebinding -l "app.kubernetes.io/instance=$release" -o name)" ]] || fail "helm uninstall left cluster roles behind"
echo "  the release's objects are gone; the CRDs and your WaddleServices stay: $(kubectl get wsvc -n "$app_ns" -o name | wc -l) WaddleServices"

printf '\ne2e: passed in %ss\n' "$((SECONDS - started))"
