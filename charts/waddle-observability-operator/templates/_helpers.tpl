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
- --max-concurrency={{ .Values.maxConcurrency }}
- --qps={{ .Values.apiClient.qps }}
- --burst={{ .Values.apiClient.burst }}
- --resync-period={{ .Values.resyncPeriod }}
- --max-retry-delay={{ .Values.maxRetryDelay }}
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
