{{/*
Expand the name of the chart.
*/}}
{{- define "kiada-autoscaler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "kiada-autoscaler.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of one component's objects: <fullname>-<component>, within 63 characters.
Usage: include "kiada-autoscaler.componentName" (list . "api")
*/}}
{{- define "kiada-autoscaler.componentName" -}}
{{- $ctx := index . 0 }}
{{- $component := index . 1 }}
{{- printf "%s-%s" (include "kiada-autoscaler.fullname" $ctx | trunc (int (sub 62 (len $component))) | trimSuffix "-") $component }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "kiada-autoscaler.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "kiada-autoscaler.labels" -}}
helm.sh/chart: {{ include "kiada-autoscaler.chart" . }}
{{ include "kiada-autoscaler.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kiada-autoscaler
{{- end }}

{{/*
Selector labels
*/}}
{{- define "kiada-autoscaler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kiada-autoscaler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels and selector labels of one component (api, operator, migrate, mysql, test).
Usage: include "kiada-autoscaler.componentLabels" (list . "api")
*/}}
{{- define "kiada-autoscaler.componentLabels" -}}
{{ include "kiada-autoscaler.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "kiada-autoscaler.componentSelectorLabels" -}}
{{ include "kiada-autoscaler.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
The Kiada target's labels: its own app.kubernetes.io/name, so that it reads as the
scaled application rather than a part of the autoscaler.
*/}}
{{- define "kiada-autoscaler.kiadaSelectorLabels" -}}
app.kubernetes.io/name: {{ .Values.kiada.name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: target
{{- end }}

{{- define "kiada-autoscaler.kiadaLabels" -}}
helm.sh/chart: {{ include "kiada-autoscaler.chart" . }}
{{ include "kiada-autoscaler.kiadaSelectorLabels" . }}
app.kubernetes.io/version: {{ .Values.kiada.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kiada-autoscaler
{{- end }}

{{/*
The kiada-autoscaler image.
*/}}
{{- define "kiada-autoscaler.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
ServiceAccount names
*/}}
{{- define "kiada-autoscaler.api.serviceAccountName" -}}
{{- if .Values.api.serviceAccount.create }}
{{- default (include "kiada-autoscaler.componentName" (list . "api")) .Values.api.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.api.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "kiada-autoscaler.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "kiada-autoscaler.componentName" (list . "operator")) .Values.operator.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the operator's leader-election Lease.
*/}}
{{- define "kiada-autoscaler.operator.leaseName" -}}
{{- default (include "kiada-autoscaler.componentName" (list . "operator")) .Values.operator.leaderElection.leaseName }}
{{- end }}

{{/*
Secrets
*/}}
{{- define "kiada-autoscaler.sessionSecretName" -}}
{{- default (include "kiada-autoscaler.fullname" .) .Values.session.existingSecret }}
{{- end }}

{{- define "kiada-autoscaler.sessionSecretKey" -}}
{{- if .Values.session.existingSecret }}
{{- .Values.session.existingSecretKey }}
{{- else -}}
session-secret
{{- end }}
{{- end }}

{{- define "kiada-autoscaler.mysql.fullname" -}}
{{- include "kiada-autoscaler.componentName" (list . "mysql") }}
{{- end }}

{{- define "kiada-autoscaler.mysql.secretName" -}}
{{- default (include "kiada-autoscaler.mysql.fullname" .) .Values.mysql.auth.existingSecret }}
{{- end }}

{{/*
A value of a Secret that already exists in the cluster, or "" (install, `helm template`,
--dry-run). Keeps generated passwords stable across upgrades.
Usage: include "kiada-autoscaler.existingSecretValue" (dict "ctx" . "name" "x" "key" "y")
*/}}
{{- define "kiada-autoscaler.existingSecretValue" -}}
{{- $secret := lookup "v1" "Secret" .ctx.Release.Namespace .name }}
{{- if $secret }}
{{- $data := $secret.data | default dict }}
{{- if hasKey $data .key }}
{{- index $data .key | b64dec }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Environment variables shared by the api, the operator and the migration Job.
*/}}
{{- define "kiada-autoscaler.commonEnv" -}}
- name: NODE_ENV
  value: production
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: LOG_FORMAT
  value: {{ .Values.logFormat | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end }}

{{/*
DATABASE_URL for the api and the migration Job.
Usage: include "kiada-autoscaler.databaseEnv" (dict "ctx" . "externalUrlSecret" "<name>")
externalUrlSecret: the Secret holding `database-url` when externalDatabase.url is set.
*/}}
{{- define "kiada-autoscaler.databaseEnv" -}}
{{- $ := .ctx }}
{{- if $.Values.mysql.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "kiada-autoscaler.mysql.secretName" $ }}
      key: mysql-password
- name: DATABASE_URL
  value: {{ printf "mysql://%s:$(DATABASE_PASSWORD)@%s:%d/%s" $.Values.mysql.auth.username (include "kiada-autoscaler.mysql.fullname" $) (int $.Values.mysql.service.port) $.Values.mysql.auth.database | quote }}
{{- else if $.Values.externalDatabase.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.externalDatabase.existingSecret }}
      key: {{ $.Values.externalDatabase.existingSecretKey }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .externalUrlSecret }}
      key: database-url
{{- end }}
{{- end }}

{{/*
Cross-field rules that values.schema.json cannot say with a readable message.
Included by every template that depends on them, so `helm template` fails early.
*/}}
{{- define "kiada-autoscaler.validate" -}}
{{- if and (not .Values.mysql.enabled) (not .Values.externalDatabase.url) (not .Values.externalDatabase.existingSecret) }}
{{- fail "externalDatabase: set externalDatabase.url or externalDatabase.existingSecret when mysql.enabled is false" }}
{{- end }}
{{- if and .Values.mysql.enabled (or .Values.externalDatabase.url .Values.externalDatabase.existingSecret) }}
{{- fail "externalDatabase: externalDatabase.url and externalDatabase.existingSecret are used only when mysql.enabled is false; set mysql.enabled=false to use an external database" }}
{{- end }}
{{- if and .Values.externalDatabase.url .Values.externalDatabase.existingSecret }}
{{- fail "externalDatabase: set only one of externalDatabase.url and externalDatabase.existingSecret" }}
{{- end }}
{{- if and .Values.session.secret .Values.session.existingSecret }}
{{- fail "session: set only one of session.secret and session.existingSecret" }}
{{- end }}
{{- if gt (int .Values.scaling.minReplicas) (int .Values.scaling.maxReplicas) }}
{{- fail (printf "scaling.minReplicas (%d) must not be greater than scaling.maxReplicas (%d)" (int .Values.scaling.minReplicas) (int .Values.scaling.maxReplicas)) }}
{{- end }}
{{- if and (gt (int .Values.operator.replicas) 1) (not .Values.operator.leaderElection.enabled) }}
{{- fail (printf "operator.replicas is %d but operator.leaderElection.enabled is false: more than one operator replica needs leader election" (int .Values.operator.replicas)) }}
{{- end }}
{{- if and (not .Values.migrations.enabled) (gt (int .Values.api.replicas) 1) }}
{{- fail (printf "migrations.enabled is false, so every api pod migrates at start-up: set api.replicas to 1 (it is %d) or enable migrations" (int .Values.api.replicas)) }}
{{- end }}
{{- if and .Values.api.ingress.enabled (not .Values.api.ingress.hosts) }}
{{- fail "api.ingress.enabled is true but api.ingress.hosts is empty: add at least one host (host \"\" matches every host) with its paths" }}
{{- end }}
{{- if and .Values.api.httpRoute.enabled (not .Values.api.httpRoute.parentRefs) }}
{{- fail "api.httpRoute.enabled is true but api.httpRoute.parentRefs is empty: name the Gateway to attach to, e.g. --set 'api.httpRoute.parentRefs[0].name=my-gateway'" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.operator.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs operator.service.enabled: the operator's ServiceMonitor scrapes its Service" }}
{{- end }}
{{- end }}

{{/*
TRUST_PROXY of the api: api.trustProxy, or when it is null 1 behind the chart's own Ingress
or HTTPRoute (the ingress controller or gateway is one proxy), else 0 (trust none).
*/}}
{{- define "kiada-autoscaler.api.trustProxy" -}}
{{- if kindIs "invalid" .Values.api.trustProxy }}
{{- ternary 1 0 (or .Values.api.ingress.enabled .Values.api.httpRoute.enabled) }}
{{- else }}
{{- int .Values.api.trustProxy }}
{{- end }}
{{- end }}

{{/*
topologySpreadConstraints of one component as a YAML list ("" when there are none); a
constraint without labelSelector selects the component's own pods.
Usage: include "kiada-autoscaler.topologySpreadConstraints" (list . "api" .Values.api.topologySpreadConstraints)
*/}}
{{- define "kiada-autoscaler.topologySpreadConstraints" -}}
{{- $ctx := index . 0 }}
{{- $selector := include "kiada-autoscaler.componentSelectorLabels" (list $ctx (index . 1)) | fromYaml }}
{{- $constraints := list }}
{{- range index . 2 }}
{{- $constraint := deepCopy . }}
{{- if not (hasKey $constraint "labelSelector") }}
{{- $_ := set $constraint "labelSelector" (dict "matchLabels" $selector) }}
{{- end }}
{{- $constraints = append $constraints $constraint }}
{{- end }}
{{- if $constraints }}
{{- toYaml $constraints }}
{{- end }}
{{- end }}

{{/*
NetworkPolicy egress rules shared by the app pods (api, operator, migration Job).
*/}}
{{- define "kiada-autoscaler.networkPolicy.dnsEgress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .Values.networkPolicy.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{- define "kiada-autoscaler.networkPolicy.databaseEgress" -}}
{{- if .Values.mysql.enabled }}
- ports:
    - port: 3306
      protocol: TCP
  to:
    - podSelector:
        matchLabels:
          {{- include "kiada-autoscaler.componentSelectorLabels" (list . "database") | nindent 10 }}
{{- else }}
- ports:
    - port: {{ .Values.networkPolicy.externalDatabase.port }}
      protocol: TCP
  {{- with .Values.networkPolicy.externalDatabase.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Egress to the Kubernetes API server. `networkPolicy.kubernetesApi.to` when set; else, with
`fromCluster`, the addresses and ports of the `kubernetes` Service's EndpointSlice read at
install/upgrade (Helm's lookup: one /32 or /128 ipBlock per address); else, and where nothing
can be read (`helm template`, a client-side dry run), any destination on `kubernetesApi.ports`.
*/}}
{{- define "kiada-autoscaler.networkPolicy.kubernetesApiEgress" -}}
{{- $api := .Values.networkPolicy.kubernetesApi }}
{{- $addresses := list }}
{{- $ports := list }}
{{- if and (not $api.to) $api.fromCluster }}
{{- $slice := lookup "discovery.k8s.io/v1" "EndpointSlice" "default" "kubernetes" }}
{{- range ($slice.endpoints | default list) }}
{{- range .addresses }}
{{- $addresses = append $addresses (printf "%s/%s" . (ternary "128" "32" (contains ":" .))) }}
{{- end }}
{{- end }}
{{- range ($slice.ports | default list) }}
{{- $ports = append $ports (int .port) }}
{{- end }}
{{- end }}
{{- if not (and $addresses $ports) }}
{{- $addresses = list }}
{{- $ports = $api.ports }}
{{- end }}
- ports:
    {{- range ($ports | uniq) }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- if $api.to }}
  to:
    {{- toYaml $api.to | nindent 4 }}
  {{- else if $addresses }}
  to:
    {{- range ($addresses | uniq) }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  {{- end }}
{{- end }}

{{/*
The job label Prometheus gives a component's metrics when a ServiceMonitor of this chart
scrapes it: the name of the component's Service.
*/}}
{{- define "kiada-autoscaler.metricsJob" -}}
{{- include "kiada-autoscaler.componentName" . }}
{{- end }}
