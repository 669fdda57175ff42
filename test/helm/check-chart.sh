#!/usr/bin/env bash
# Static checks of the Helm chart helm/kiada-autoscaler (no cluster needed):
#   - `helm lint --strict` with the default and the external-database values;
#   - `helm template` renders the default, external-database and cluster-wide values, and
#     the rendered objects carry what the contracts need;
#   - values.schema.json and the chart's template rules reject bad values: one case per
#     rule, each expecting `helm template` to fail with a message naming the value.
# Prints one line per check, then "N passed, M failed"; exits 1 when a check failed.
#
# Usage: test/helm/check-chart.sh
# Env:   HELM          helm binary (default: helm on PATH, else the one test/cluster/build.sh
#                      builds into its cache)
#        KUBE_VERSION  Kubernetes version for lint/template (default 1.36.0)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHART=$ROOT/helm/kiada-autoscaler
VALUES=$ROOT/test/helm/values
KUBE_VERSION=${KUBE_VERSION:-1.36.0}
RELEASE=kiada-autoscaler
NAMESPACE=kiada

find_helm() {
  if [[ -n ${HELM:-} ]]; then printf '%s\n' "$HELM"; return; fi
  if command -v helm >/dev/null 2>&1; then command -v helm; return; fi
  # shellcheck source=../cluster/lib.sh
  if source "$ROOT/test/cluster/lib.sh" 2>/dev/null && [[ -x $CLUSTER_BIN_DIR/helm ]]; then
    printf '%s\n' "$CLUSTER_BIN_DIR/helm"; return
  fi
  return 1
}
HELM=$(find_helm) || {
  echo "error: helm not found: put it on PATH, set HELM=..., or run test/cluster/build.sh helm" >&2
  exit 2
}
command -v node >/dev/null 2>&1 || { echo "error: node not found" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok     %s\n' "$1"; }
fail() {
  failed=$((failed + 1)); printf 'FAILED %s\n' "$1"
  [[ -n ${2:-} ]] && printf '%s\n' "$2" | head -n 15 | sed 's/^/         /'
}

render() { # [helm template args...]: manifests on stdout, errors on stderr
  "$HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" --kube-version "$KUBE_VERSION" "$@"
}

# --- queries on rendered manifests (js-yaml from the project's node_modules) ---------------
cat >"$tmp/query.cjs" <<'EOF'
// node query.cjs <manifests.yaml> <expression>: exit 0 when the expression is true.
const fs = require('node:fs');
const { createRequire } = require('node:module');
const yaml = createRequire(`${process.env.ROOT}/package.json`)('js-yaml');
const docs = yaml.loadAll(fs.readFileSync(process.argv[2], 'utf8')).filter(Boolean);
const find = (kind, name) => docs.find((d) => d.kind === kind && d.metadata.name === name);
const kinds = (kind) => docs.filter((d) => d.kind === kind);
const container = (obj, name) =>
  obj.spec.template.spec.containers.find((c) => c.name === name);
const env = (obj, containerName, name) => {
  const entry = (container(obj, containerName).env ?? []).find((e) => e.name === name);
  return entry && (entry.value ?? entry.valueFrom);
};
const hook = (obj) => obj.metadata.annotations?.['helm.sh/hook'];
const b64 = (s) => Buffer.from(s, 'base64').toString();
let result;
try {
  result = eval(process.argv[3]);
} catch (error) {
  result = `${error.name}: ${error.message}`;
}
if (result !== true) {
  console.log(`expected true, got ${JSON.stringify(result)}`);
  process.exit(1);
}
EOF

expect() { # <name> <manifests> <js expression>
  local out
  if out=$(ROOT=$ROOT node "$tmp/query.cjs" "$2" "$3" 2>&1); then pass "$1"; else fail "$1" "$out"; fi
}

# --- documentation ---------------------------------------------------------------------------
doc_check() {
  local out
  if out=$(node "$ROOT/test/helm/values-doc.cjs" "$CHART/values.yaml" --check 2>&1); then
    pass "values.yaml: every value has a # -- description"
  else
    fail "values.yaml: every value has a # -- description" "$out"
  fi
  node "$ROOT/test/helm/values-doc.cjs" "$CHART/values.yaml" >"$tmp/table.md" 2>&1
  sed -n '/<!-- values-table:start -->/,/<!-- values-table:end -->/{//!p}' "$CHART/README.md" >"$tmp/readme-table.md"
  if out=$(diff "$tmp/table.md" "$tmp/readme-table.md" 2>&1); then
    pass "README.md: values table matches values.yaml"
  else
    fail "README.md: values table matches values.yaml" \
      "regenerate it between the values-table markers with: node test/helm/values-doc.cjs helm/kiada-autoscaler/values.yaml"$'\n'"$out"
  fi
}
doc_check

# --- lint ------------------------------------------------------------------------------------
lint() { # <name> [args...]
  local out name=$1; shift
  if out=$("$HELM" lint --strict "$CHART" --namespace "$NAMESPACE" --kube-version "$KUBE_VERSION" "$@" 2>&1); then
    pass "$name"
  else
    fail "$name" "$out"
  fi
}
lint "helm lint --strict (default values)"
lint "helm lint --strict (external database)" -f "$VALUES/external-database.yaml"

# --- renders ---------------------------------------------------------------------------------
render_ok() { # <name> <out file> [args...]
  local name=$1 file=$2 out; shift 2
  if out=$(render "$@" 2>&1 >"$file"); then pass "$name"; else fail "$name" "$out"; : >"$file"; fi
}

d=$tmp/default.yaml
render_ok "render: default values" "$d"
expect "default: api Deployment with replicas, probes and a hardened container" "$d" '
  const a = find("Deployment", "kiada-autoscaler-api"), c = container(a, "api");
  a.spec.replicas === 2 && c.livenessProbe.httpGet.path === "/healthz"
  && c.readinessProbe.httpGet.path === "/readyz" && c.securityContext.readOnlyRootFilesystem === true
  && c.securityContext.allowPrivilegeEscalation === false
  && c.securityContext.capabilities.drop.includes("ALL")
  && a.spec.template.spec.securityContext.runAsNonRoot === true
  && a.spec.template.spec.securityContext.seccompProfile.type === "RuntimeDefault"
  && c.resources.requests.cpu !== undefined && c.resources.limits.memory !== undefined'
expect "default: api runs APP_ROLE=api with DATABASE_MIGRATE=false and the session secret" "$d" '
  const a = find("Deployment", "kiada-autoscaler-api");
  env(a, "api", "APP_ROLE") === "api" && env(a, "api", "DATABASE_MIGRATE") === "false"
  && env(a, "api", "HOST") === "0.0.0.0" && env(a, "api", "PORT") === "3000"
  && env(a, "api", "NODE_ENV") === "production"
  && env(a, "api", "SESSION_SECRET").secretKeyRef.name === "kiada-autoscaler"
  && env(a, "api", "DATABASE_URL") === "mysql://kiada:$(DATABASE_PASSWORD)@kiada-autoscaler-mysql:3306/kiada"
  && env(a, "api", "SCALING_RESOURCE_NAME") === "hanyang-kiada-autoscaler"
  && env(a, "api", "SCALING_NAMESPACE") === "kiada"'
expect "default: operator Deployment, 2 replicas, leader election on its own Lease" "$d" '
  const o = find("Deployment", "kiada-autoscaler-operator");
  o.spec.replicas === 2 && env(o, "operator", "APP_ROLE") === "operator"
  && env(o, "operator", "HOST") === "0.0.0.0"
  && env(o, "operator", "OPERATOR_LEADER_ELECTION") === "true"
  && env(o, "operator", "OPERATOR_NAMESPACE") === "kiada"
  && env(o, "operator", "OPERATOR_LEASE_NAME") === "kiada-autoscaler-operator"
  && env(o, "operator", "POD_NAME").fieldRef.fieldPath === "metadata.name"
  && Number(env(o, "operator", "OPERATOR_RETRY_PERIOD_SECONDS"))
     < Number(env(o, "operator", "OPERATOR_RENEW_DEADLINE_SECONDS"))
  && Number(env(o, "operator", "OPERATOR_RENEW_DEADLINE_SECONDS"))
     < Number(env(o, "operator", "OPERATOR_LEASE_DURATION_SECONDS"))'
expect "default: api RBAC is a Role limited to its one KiadaServiceCount (create unnamed), and Events" "$d" '
  const r = find("Role", "kiada-autoscaler-api"), rules = r.rules;
  kinds("ClusterRole").length === 0 && rules.length === 3
  && rules[0].resourceNames[0] === "hanyang-kiada-autoscaler"
  && rules[0].verbs.join() === "get,list,watch,patch"
  && rules[1].resources.join() === "events" && rules[1].verbs.join() === "create,patch"
  && rules[2].resourceNames === undefined && rules[2].verbs.join() === "create"
  && find("RoleBinding", "kiada-autoscaler-api").subjects[0].name === "kiada-autoscaler-api"'
expect "default: operator RBAC: watch CRs, write status, scale subresource, events, one Lease" "$d" '
  const rules = find("Role", "kiada-autoscaler-operator").rules;
  const has = (group, resource, verbs) => rules.some((r) => r.apiGroups.includes(group)
    && r.resources.includes(resource) && verbs.every((v) => r.verbs.includes(v)));
  has("hanyang.ac.kr", "kiadaservicecounts", ["list", "watch"])
  && has("hanyang.ac.kr", "kiadaservicecounts/status", ["patch"])
  && has("apps", "deployments", ["list", "watch"]) && has("apps", "deployments/scale", ["get", "patch"])
  && !rules.some((r) => r.resources.includes("deployments") && r.verbs.includes("patch"))
  && has("", "events", ["create"]) && has("events.k8s.io", "events", ["create"])
  && has("autoscaling", "horizontalpodautoscalers", ["list", "watch"])
  && !rules.some((r) => r.resources.includes("horizontalpodautoscalers") && r.verbs.includes("patch"))
  && find("Role", "kiada-autoscaler-operator-leader-election").rules[0].resourceNames[0]
     === "kiada-autoscaler-operator"'
expect "default: Kiada target without spec.replicas (the operator owns it) and its Service" "$d" '
  const k = find("Deployment", "kiada");
  !("replicas" in k.spec) && container(k, "kiada").image === "luksa/kiada:0.1"
  && find("Service", "kiada").spec.ports[0].targetPort === "http"'
expect "default: KiadaServiceCount instance with the seed owner and targetRef kiada" "$d" '
  const c = find("KiadaServiceCount", "hanyang-kiada-autoscaler");
  c.apiVersion === "hanyang.ac.kr/v1" && c.spec.owner === "hanyang-university-graduation-37-team"
  && c.spec.kiadaServiceCount === 1 && c.spec.targetRef.name === "kiada"
  && c.metadata.namespace === "kiada"'
expect "default: MySQL StatefulSet with a PVC, generated passwords, and a Service" "$d" '
  const s = find("StatefulSet", "kiada-autoscaler-mysql"), secret = find("Secret", "kiada-autoscaler-mysql");
  container(s, "mysql").image === "mysql:8.4"
  && s.spec.volumeClaimTemplates[0].spec.resources.requests.storage === "8Gi"
  && s.spec.persistentVolumeClaimRetentionPolicy.whenDeleted === "Delete"
  && b64(secret.data["mysql-password"]).length === 32
  && find("Service", "kiada-autoscaler-mysql").spec.ports[0].port === 3306'
expect "default: migration Job is a post-install/pre-upgrade hook (bundled MySQL)" "$d" '
  const j = find("Job", "kiada-autoscaler-migrate");
  hook(j) === "post-install,pre-upgrade" && env(j, "migrate", "APP_ROLE") === "migrate"
  && j.spec.template.spec.initContainers[0].name === "wait-for-mysql"
  && !env(j, "migrate", "SESSION_SECRET") && !find("Secret", "kiada-autoscaler-migrate")'
expect "default: helm test pod checks /readyz and /docs-json of the api Service" "$d" '
  const p = find("Pod", "kiada-autoscaler-test"), script = p.spec.containers[0].command.join(" ");
  hook(p) === "test" && script.includes("http://kiada-autoscaler-api:80/readyz")
  && script.includes("http://kiada-autoscaler-api:80/docs-json")'
expect "default: every object has app.kubernetes.io labels and the release namespace" "$d" '
  docs.every((o) => o.metadata.labels["app.kubernetes.io/instance"] === "kiada-autoscaler"
    && o.metadata.labels["app.kubernetes.io/managed-by"] === "Helm"
    && (o.kind.startsWith("Cluster") || o.metadata.namespace === "kiada"))'

e=$tmp/external.yaml
render_ok "render: external database by URL" "$e" -f "$VALUES/external-database.yaml"
expect "external URL: no MySQL; DATABASE_URL from the release Secret; migrations pre-install" "$e" '
  const a = find("Deployment", "kiada-autoscaler-api"), j = find("Job", "kiada-autoscaler-migrate");
  kinds("StatefulSet").length === 0
  && b64(find("Secret", "kiada-autoscaler").data["database-url"]).startsWith("mysql://kiada:")
  && env(a, "api", "DATABASE_URL").secretKeyRef.name === "kiada-autoscaler"
  && hook(j) === "pre-install,pre-upgrade" && j.spec.template.spec.initContainers === undefined
  && env(j, "migrate", "DATABASE_URL").secretKeyRef.name === "kiada-autoscaler-migrate"
  && b64(find("Secret", "kiada-autoscaler-migrate").data["database-url"]).startsWith("mysql://")'

x=$tmp/external-secret.yaml
render_ok "render: external database from an existing Secret" "$x" -f "$VALUES/external-database-secret.yaml"
expect "existing Secrets: referenced by key, no chart Secret" "$x" '
  const a = find("Deployment", "kiada-autoscaler-api");
  find("Secret", "kiada-autoscaler") === undefined
  && env(a, "api", "DATABASE_URL").secretKeyRef.name === "kiada-database"
  && env(a, "api", "DATABASE_URL").secretKeyRef.key === "url"
  && env(a, "api", "SESSION_SECRET").secretKeyRef.name === "kiada-session"'

w=$tmp/cluster-wide.yaml
render_ok "render: operator watching every namespace" "$w" -f "$VALUES/cluster-wide.yaml"
expect "cluster-wide: ClusterRole + binding, no Lease Role, OPERATOR_NAMESPACE empty, kiada.replicas kept" "$w" '
  const o = find("Deployment", "kiada-autoscaler-operator");
  find("ClusterRole", "kiada-autoscaler-operator") !== undefined
  && find("ClusterRoleBinding", "kiada-autoscaler-operator") !== undefined
  && find("Role", "kiada-autoscaler-operator-leader-election") === undefined
  && env(o, "operator", "OPERATOR_NAMESPACE") === ""
  && env(o, "operator", "OPERATOR_LEADER_ELECTION") === "false"
  && find("Deployment", "kiada").spec.replicas === 3
  && env(find("Deployment", "kiada-autoscaler-api"), "api", "TRUST_PROXY") === "1"
  && find("StatefulSet", "kiada-autoscaler-mysql").spec.volumeClaimTemplates === undefined'

# --- bad values: each must fail, naming the value ---------------------------------------------
reject() { # <name> <regex the error must match> <values YAML>
  local name=$1 pattern=$2 out
  printf '%s\n' "$3" >"$tmp/case.yaml"
  if out=$(render -f "$tmp/case.yaml" 2>&1 >/dev/null); then
    fail "$name" "rendered, but these values must be rejected:"$'\n'"$3"
  elif grep -Eq -- "$pattern" <<<"$out"; then
    pass "$name"
  else
    fail "$name" "failed without naming the value (expected /$pattern/):"$'\n'"$out"
  fi
}

# values.schema.json
reject "schema: unknown top-level value"               'replicaCount'                  'replicaCount: 3'
reject "schema: unknown nested value (typo)"           'replica'                       $'api:\n  replica: 3'
reject "schema: api.replicas >= 0"                     'api[./]replicas'               $'api:\n  replicas: -1'
reject "schema: operator.replicas >= 1"                'operator[./]replicas'          $'operator:\n  replicas: 0'
reject "schema: kiada.replicas integer or null, >= 0"  'kiada[./]replicas'             $'kiada:\n  replicas: -1'
reject "schema: kiada.replicas is not a string"        'kiada[./]replicas'             $'kiada:\n  replicas: "3"'
reject "schema: kiadaServiceCount.replicas >= 0"       'kiadaServiceCount[./]replicas' $'kiadaServiceCount:\n  replicas: -2'
reject "schema: image.tag is a string"                 'image[./]tag'                  $'image:\n  tag: 1.0'
reject "schema: mysql.image.tag is a string"           'mysql[./]image[./]tag'         $'mysql:\n  image:\n    tag: 8.4'
reject "schema: image.pullPolicy enum"                 'image[./]pullPolicy'           $'image:\n  pullPolicy: Sometimes'
reject "schema: listenAddress is an IP address"        'listenAddress'                 'listenAddress: localhost'
reject "schema: logLevel enum"                         'logLevel'                      'logLevel: verbose'
reject "schema: logFormat enum"                        'logFormat'                     'logFormat: xml'
reject "schema: api.service.type enum"                 'service[./]type'               $'api:\n  service:\n    type: Ingress'
reject "schema: api.service.port 1-65535"              'service[./]port'               $'api:\n  service:\n    port: 70000'
reject "schema: session.secret empty or >= 32 chars"   'session[./]secret'             $'session:\n  secret: too-short'
reject "schema: session.ttlSeconds 60-2592000"         'session[./]ttlSeconds'         $'session:\n  ttlSeconds: 30'
reject "schema: scaling.tiers threshold:replicas list" 'scaling[./]tiers'              $'scaling:\n  tiers: "1000=2;10000=3"'
reject "schema: scaling.stepUsers >= 1"                'scaling[./]stepUsers'          $'scaling:\n  stepUsers: 0'
reject "schema: scaling.maxReplicas <= 10000"          'scaling[./]maxReplicas'        $'scaling:\n  maxReplicas: 20000'
reject "schema: kiadaServiceCount.name DNS subdomain"  'kiadaServiceCount[./]name'     $'kiadaServiceCount:\n  name: Hanyang_Kiada'
reject "schema: kiada.name DNS label"                  'kiada[./]name'                 $'kiada:\n  name: 9kiada'
reject "schema: leaseDurationSeconds 3-600"            'leaseDurationSeconds'          $'operator:\n  leaderElection:\n    leaseDurationSeconds: 2'
reject "schema: externalDatabase.url is mysql://"      'externalDatabase[./]url'       $'mysql:\n  enabled: false\nexternalDatabase:\n  url: postgres://u:p@db:5432/kiada'
reject "schema: mysql.auth.password URL-safe"          'auth[./]password'              $'mysql:\n  auth:\n    password: "p@ss/word"'
reject "schema: mysql.persistence.size is a quantity"  'persistence[./]size'           $'mysql:\n  persistence:\n    size: lots'
reject "schema: mysql.persistence.accessModes enum"    'accessModes'                   $'mysql:\n  persistence:\n    accessModes: [ReadWriteSometimes]'
reject "schema: mysql.enabled is a boolean"            'mysql[./]enabled'              $'mysql:\n  enabled: "no"'

# template rules (cross-field)
reject "rule: an external database needs url or existingSecret" 'externalDatabase\.url or externalDatabase\.existingSecret' \
  $'mysql:\n  enabled: false'
reject "rule: externalDatabase.* only with mysql.enabled=false" 'mysql\.enabled=false' \
  $'externalDatabase:\n  url: mysql://u:p@db:3306/kiada'
reject "rule: only one of externalDatabase.url/existingSecret"  'only one of externalDatabase\.url' \
  $'mysql:\n  enabled: false\nexternalDatabase:\n  url: mysql://u:p@db:3306/kiada\n  existingSecret: db'
reject "rule: only one of session.secret/existingSecret"        'only one of session\.secret' \
  $'session:\n  secret: 0123456789abcdef0123456789abcdef\n  existingSecret: s'
reject "rule: scaling.minReplicas <= scaling.maxReplicas"       'scaling\.minReplicas \(5\).*scaling\.maxReplicas \(4\)' \
  $'scaling:\n  minReplicas: 5\n  maxReplicas: 4'
reject "rule: operator.replicas > 1 needs leader election"      'operator\.replicas is 2.*leaderElection' \
  $'operator:\n  leaderElection:\n    enabled: false'
reject "rule: migrations.enabled=false needs api.replicas 1"    'api\.replicas' \
  $'migrations:\n  enabled: false'

echo "$passed passed, $failed failed"
((failed == 0))
