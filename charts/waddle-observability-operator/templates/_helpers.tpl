{{/* The chart name, shortened to the 63 characters a label value allows. */}}
{{- define "waddle.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object names: the release name when it already holds the chart name (helm install waddle-observability-operator ...). */}}
{{- define "waddle.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "waddle.selectorLabels" -}}
app.kubernetes.io/name: {{ include "waddle.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "waddle.labels" -}}
{{ include "waddle.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.annotations of every object (at metadata's indentation), when commonAnnotations is set. */}}
{{- define "waddle.annotations" -}}
{{- with .Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "waddle.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "waddle.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "waddle.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
The operator's permissions on namespaced resources: the rules of config/rbac/role.yaml, which
tests/WaddleObservabilityOperator.Tests/Packaging proves are exactly what the code uses. Granted by a ClusterRole when
every namespace is watched, by a Role in each watched namespace otherwise. A test fails when these and config/rbac
differ: change both together.
*/}}
{{- define "waddle.namespacedRules" -}}
- apiGroups: ["observability.waddlebot.io"]
  resources: ["waddleservices"]
  verbs: ["list", "watch", "update"]
- apiGroups: ["observability.waddlebot.io"]
  resources: ["observabilitypolicies"]
  verbs: ["list", "watch"]
- apiGroups: ["observability.waddlebot.io"]
  resources: ["waddleservices/status", "observabilitypolicies/status"]
  verbs: ["update"]
# Users' workloads are only updated (env injection); create and delete are for the backends the operator manages
# (Jaeger Deployment, Prometheus StatefulSet), which go when a policy switches them off.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["apps"]
  resources: ["daemonsets"]
  verbs: ["list", "watch"]
# The children the operator owns: created, put back when edited, deleted when no longer rendered.
- apiGroups: [""]
  resources: ["configmaps", "services", "serviceaccounts"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["list", "watch", "create", "update", "delete"]
# RBAC escalation rule: the operator may only create the managed Prometheus's discovery Role if it holds every
# permission in it itself. The operator never calls these; the API server checks them on the Role's create.
- apiGroups: [""]
  resources: ["endpoints", "pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get"]
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["get", "list", "watch"]
# The managed backends' NetworkPolicies, when a policy sets spec.backends.networkPolicy.
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["monitoring.coreos.com"]
  resources: ["servicemonitors"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}

{{/*
Rules of config/rbac/role.yaml on cluster-scoped resources: a Role cannot grant them, so they stay in a ClusterRole in
both watch modes.
*/}}
{{- define "waddle.clusterScopedRules" -}}
# --metrics-secure: who may read /metrics is checked with a TokenReview and a SubjectAccessReview.
- apiGroups: ["authentication.k8s.io"]
  resources: ["tokenreviews"]
  verbs: ["create"]
- apiGroups: ["authorization.k8s.io"]
  resources: ["subjectaccessreviews"]
  verbs: ["create"]
# Only the ServiceMonitor CRD (watched with a metadata.name field selector, which RBAC authorizes by name), so
# installing or removing prometheus-operator takes effect at once rather than at the next periodic discovery.
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["servicemonitors.monitoring.coreos.com"]
  verbs: ["list", "watch"]
{{- end -}}

{{/* Leader election: the operator's Lease in the release namespace (config/rbac/leader_election_role.yaml). */}}
{{- define "waddle.leaderElectionRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update"]
{{- end -}}

{{/* The operator's command line, from the values (see `run --help`). */}}
{{- define "waddle.args" -}}
- run
{{- with .Values.watchNamespaces }}
- --namespaces={{ join "," . }}
{{- end }}
- --leader-elect={{ .Values.leaderElection.enabled }}
{{- if .Values.leaderElection.enabled }}
- --leader-election-namespace={{ .Release.Namespace }}
- --leader-election-id={{ .Values.leaderElection.id }}
{{- end }}
- --concurrency={{ .Values.concurrency }}
- --qps={{ .Values.apiClient.qps }}
- --burst={{ .Values.apiClient.burst }}
- --resync-period={{ .Values.resyncPeriod }}
- --metrics-bind-address=:{{ .Values.metrics.port }}
{{- if .Values.metrics.secure }}
- --metrics-secure
{{- if .Values.metrics.certSecret }}
- --metrics-cert-dir={{ include "waddle.metricsCertDir" . }}
{{- end }}
{{- end }}
- --health-probe-bind-address=:{{ .Values.health.port }}
- --log-format={{ .Values.logging.format }}
- --log-level={{ .Values.logging.level }}
{{- end -}}


{{/* Where the metrics certificate Secret is mounted (metrics.secure with metrics.certSecret). */}}
{{- define "waddle.metricsCertDir" -}}
/etc/waddle/metrics-certs
{{- end -}}
