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
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
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
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The kiada-autoscaler image: repository@digest when image.digest is set (the tag is then
ignored), else repository:tag.
*/}}
{{- define "kiada-autoscaler.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Annotations of one of the chart's own pods: podAnnotations, then the component's own
(which win on the same key), as YAML ("" when there are none).
Usage: include "kiada-autoscaler.podAnnotations" (list . .Values.api.podAnnotations)
*/}}
{{- define "kiada-autoscaler.podAnnotations" -}}
{{- $annotations := merge (deepCopy (index . 1 | default dict)) (deepCopy ((index . 0).Values.podAnnotations | default dict)) }}
{{- with $annotations }}
{{- toYaml . }}
{{- end }}
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
Secrets. What no value gives (the session secret, the bundled MySQL's passwords) lives in
the generated Secret, which the secrets hook Job (secrets-job.yaml) creates once and never
changes: nothing random is rendered, so `helm template` gives the same output every time.
*/}}
{{- define "kiada-autoscaler.generatedSecretName" -}}
{{- include "kiada-autoscaler.componentName" (list . "generated") }}
{{- end }}

{{- define "kiada-autoscaler.sessionSecretGenerated" -}}
{{- if not (or .Values.session.secret .Values.session.existingSecret) }}true{{ end }}
{{- end }}

{{- define "kiada-autoscaler.mysql.passwordsGenerated" -}}
{{- if and .Values.mysql.enabled (not .Values.mysql.auth.existingSecret) (not .Values.mysql.auth.password) }}true{{ end }}
{{- end }}

{{/*
The keys of the generated Secret, comma-separated ("" when every secret is given).
*/}}
{{- define "kiada-autoscaler.generatedSecretKeys" -}}
{{- $keys := list }}
{{- if include "kiada-autoscaler.sessionSecretGenerated" . }}
{{- $keys = append $keys "session-secret" }}
{{- end }}
{{- if include "kiada-autoscaler.mysql.passwordsGenerated" . }}
{{- $keys = concat $keys (list "mysql-password" "mysql-root-password") }}
{{- end }}
{{- join "," $keys }}
{{- end }}

{{- define "kiada-autoscaler.sessionSecretName" -}}
{{- if .Values.session.existingSecret }}
{{- .Values.session.existingSecret }}
{{- else if .Values.session.secret }}
{{- include "kiada-autoscaler.fullname" . }}
{{- else }}
{{- include "kiada-autoscaler.generatedSecretName" . }}
{{- end }}
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
{{- if .Values.mysql.auth.existingSecret }}
{{- .Values.mysql.auth.existingSecret }}
{{- else if include "kiada-autoscaler.mysql.passwordsGenerated" . }}
{{- include "kiada-autoscaler.generatedSecretName" . }}
{{- else }}
{{- include "kiada-autoscaler.mysql.fullname" . }}
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
TLS to the database (databaseTls) for the api and the migration Job: the environment, and
the CA's volume and mount (read-only) when a CA is given.
*/}}
{{- define "kiada-autoscaler.databaseTls.caFile" -}}
{{- if or .Values.databaseTls.ca.secretName .Values.databaseTls.ca.configMapName }}
{{- printf "/etc/kiada-autoscaler/database-ca/%s" .Values.databaseTls.ca.key }}
{{- end }}
{{- end }}

{{- define "kiada-autoscaler.databaseTls.env" -}}
- name: DATABASE_SSL_MODE
  value: {{ .Values.databaseTls.mode | quote }}
{{- with include "kiada-autoscaler.databaseTls.caFile" . }}
- name: DATABASE_SSL_CA
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{- define "kiada-autoscaler.databaseTls.volumeMount" -}}
{{- if include "kiada-autoscaler.databaseTls.caFile" . }}
- name: database-ca
  mountPath: /etc/kiada-autoscaler/database-ca
  readOnly: true
{{- end }}
{{- end }}

{{- define "kiada-autoscaler.databaseTls.volume" -}}
{{- $ca := .Values.databaseTls.ca }}
{{- if $ca.secretName }}
- name: database-ca
  secret:
    secretName: {{ $ca.secretName }}
    items:
      - key: {{ $ca.key }}
        path: {{ $ca.key }}
{{- else if $ca.configMapName }}
- name: database-ca
  configMap:
    name: {{ $ca.configMapName }}
    items:
      - key: {{ $ca.key }}
        path: {{ $ca.key }}
{{- end }}
{{- end }}

{{/*
Cross-field rules that values.schema.json cannot say with a readable message.
Included by every template that depends on them, so `helm template` fails early.
*/}}
{{- define "kiada-autoscaler.validate" -}}
{{- if hasKey .Values "kiadaServiceCount" }}
{{- fail "kiadaServiceCount: the resource's values are serviceCount.* since chart 0.2.0 (create, name, owner, replicas, policy): rename the key in your values; helm upgrade --reuse-values from 0.1.0 carries the old key, so pass your values again instead" }}
{{- end }}
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
{{- if ne (empty .Values.mysql.auth.password) (empty .Values.mysql.auth.rootPassword) }}
{{- fail "mysql.auth: set both password and rootPassword, or neither (the chart then generates both once, in the generated Secret)" }}
{{- end }}
{{- range $key, $_ := .Values.commonLabels }}
{{- if or (hasPrefix "app.kubernetes.io/" $key) (hasPrefix "helm.sh/" $key) }}
{{- fail (printf "commonLabels: %s is a label the chart sets itself (app.kubernetes.io/*, helm.sh/*): pick another key" $key) }}
{{- end }}
{{- end }}
{{- $ca := .Values.databaseTls.ca }}
{{- if and $ca.secretName $ca.configMapName }}
{{- fail "databaseTls.ca: set only one of secretName and configMapName" }}
{{- end }}
{{- if and (or $ca.secretName $ca.configMapName) (has .Values.databaseTls.mode (list "disable" "require")) }}
{{- fail (printf "databaseTls.ca is set, but databaseTls.mode=%s does not verify the server with it: set databaseTls.mode=verify-full (or verify-ca)" .Values.databaseTls.mode) }}
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
