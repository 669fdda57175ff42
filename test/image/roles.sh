#!/usr/bin/env bash
# Runs the built image ($APP_IMAGE, build.sh) with podman the way the Helm chart's pod specs
# run it, and checks that every role works inside it:
#   migrate   exits 0 against MariaDB (the chart's hook Job)
#   secrets   creates the generated Secret with its ServiceAccount (the chart's other hook Job);
#             the api reads its SESSION_SECRET from there, as in the chart
#   operator  reconciles the chart's KiadaServiceCount into the chart's `kiada` Deployment
#   api       serves /docs and /dashboard, signs users up and logs them in, and writes the replica count:
#             users logging in and out across a tier boundary scale `kiada` up and down.
# The podman options come from the chart itself: its templates are rendered with helm and
# turned into options by podman-args.mjs (user, read-only root filesystem, dropped
# capabilities, no privilege escalation, /tmp emptyDir as a tmpfs, the environment).
# Deviations, all through chart values: listenAddress=127.0.0.1 (host network: listen on
# loopback only), free ports, a small tier policy (scaling.tiers=2:1,1000:2,
# scaling.minReplicas=1, scaling.stabilizationSeconds=0) and an external database.
# The operator and the api reach the API server as in a pod: the ServiceAccount token, CA
# and namespace mounted at /var/run/secrets/kubernetes.io/serviceaccount and
# KUBERNETES_SERVICE_HOST/PORT, with the chart's RBAC in a namespace of their own.
#
# Usage: test/image/roles.sh
# Needs: KUBECONFIG naming a live cluster (admin), kubectl and helm on PATH, and
#        TEST_DATABASE_URL (a MariaDB server; a scratch database is created and dropped).
# Env: see lib.sh; KIADA_IMAGE_KEEP=1 keeps the namespace, database and containers.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in kubectl helm curl node; do
  command -v "$tool" >/dev/null || image_die "$tool is not on PATH (kubectl and helm: eval \"\$(test/cluster/build.sh --env)\")"
done
if [[ -z ${KUBECONFIG:-} ]] || ! kubectl get --raw /readyz >/dev/null 2>&1; then
  image_die "KUBECONFIG does not name a live cluster: start one (test/cluster/start.sh, then eval \"\$(test/cluster/start.sh --env)\")"
fi
[[ -n ${TEST_DATABASE_URL:-} ]] || image_die "TEST_DATABASE_URL is not set: start MariaDB with test/support/mariadb.sh and export the URL it prints"
init_container_storage
image_podman image exists "$APP_IMAGE" || image_die "$APP_IMAGE is not built: run test/image/build.sh"

CHART=$IMAGE_REPO_DIR/helm/kiada-autoscaler
RELEASE=image-check
NAMESPACE=kiada-image-check-$(date +%s)
SUFFIX=$RANDOM
WORK=$(mktemp -d /tmp/kiada-image-check.XXXXXX)
CONTAINERS=()
CLUSTER_OBJECTS=() # cluster-scoped objects of the check, deleted with its namespace
DATABASE_URL=""
export DATABASE_URL SESSION_SECRET
SESSION_SECRET=""

cleanup() {
  local status=$?
  if ((status != 0)); then
    for container in "${CONTAINERS[@]}"; do
      echo "---- last log lines of container $container" >&2
      image_podman logs --tail 30 "$container" >&2 2>&1 || true
    done
  fi
  if [[ -n ${KIADA_IMAGE_KEEP:-} ]]; then
    image_log "kept (KIADA_IMAGE_KEEP=1): namespace $NAMESPACE, database $DATABASE_URL, containers ${CONTAINERS[*]}"
    return
  fi
  for container in "${CONTAINERS[@]}"; do image_podman rm --force --time 10 "$container" >/dev/null 2>&1 || true; done
  kubectl delete namespace "$NAMESPACE" --wait=false >/dev/null 2>&1 || true
  ((${#CLUSTER_OBJECTS[@]} == 0)) || kubectl delete "${CLUSTER_OBJECTS[@]}" --ignore-not-found >/dev/null 2>&1 || true
  if [[ -n $DATABASE_URL ]]; then node "$IMAGE_SRC_DIR/database.mjs" drop "$DATABASE_URL" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    port_free "$port" && { echo "$port"; return 0; }
  done
  image_die "no free TCP port found"
}
API_PORT=$(free_port)
OPERATOR_PORT=$(free_port)
while [[ $OPERATOR_PORT == "$API_PORT" ]]; do OPERATOR_PORT=$(free_port); done

HELM_VALUES=(
  --namespace "$NAMESPACE"
  --set mysql.enabled=false --set externalDatabase.existingSecret="$RELEASE-database"
  --set listenAddress=127.0.0.1
  --set api.containerPort="$API_PORT" --set operator.containerPort="$OPERATOR_PORT"
  --set-string "scaling.tiers=2:1\\,1000:2" --set scaling.minReplicas=1 --set scaling.stabilizationSeconds=0
)
render() { helm template "$RELEASE" "$CHART" "${HELM_VALUES[@]}" "${@/#/--show-only=templates/}"; }

# --- the cluster side: CRD, the chart's RBAC, KiadaServiceCount and kiada target -----------------
started=$SECONDS
image_log "cluster: namespace $NAMESPACE with the chart's CRD, ServiceAccounts, RBAC, KiadaServiceCount and kiada Deployment"
# (kubectl's note that a CRD created by `kubectl create` lacks its last-applied annotation is noise here)
kubectl apply -f "$CHART/crds/" 2> >(grep -v 'last-applied-configuration' >&2) >/dev/null
kubectl create namespace "$NAMESPACE" >/dev/null
kubectl wait --for condition=established --timeout=60s crd/kiadaservicecounts.hanyang.ac.kr >/dev/null
render api-serviceaccount.yaml api-rbac.yaml operator-serviceaccount.yaml operator-rbac.yaml kiadaservicecount.yaml kiada.yaml \
  | kubectl apply --namespace "$NAMESPACE" -f - >/dev/null

# What a pod gets: the ServiceAccount's token, the cluster CA and its namespace.
server=$(kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.server}')
[[ $server =~ ^https://([^/:]+|\[[^]]+\]):([0-9]+)/?$ ]] \
  || image_die "the API server address $server is not https://<host>:<port>; the containers reach it like a pod does"
KUBERNETES_SERVICE_HOST=${BASH_REMATCH[1]}
KUBERNETES_SERVICE_PORT=${BASH_REMATCH[2]}
service_account_dir() { # <ServiceAccount> -> directory to mount
  local dir=$WORK/$1 ca_data ca_file
  mkdir -p "$dir"
  kubectl create token "$1" --namespace "$NAMESPACE" --duration 1h >"$dir/token"
  printf '%s' "$NAMESPACE" >"$dir/namespace"
  ca_data=$(kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  ca_file=$(kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority}')
  if [[ -n $ca_data ]]; then printf '%s' "$ca_data" | base64 -d >"$dir/ca.crt"
  elif [[ -n $ca_file ]]; then cp "$ca_file" "$dir/ca.crt"
  else image_die "the kubeconfig has no CA for $server; the containers verify the API server like a pod does"; fi
  chown -R 1000:1000 "$dir"
  chmod 0500 "$dir"
  echo "$dir"
}

# --- running a role like the chart does ----------------------------------------------------
pod_args() { # <template> <container> <pod name> -> podman options of that container, one per line
  render "$1" | kubectl create --dry-run=client -o json -f - | TMPDIR=$WORK node "$IMAGE_SRC_DIR/podman-args.mjs" "$2" "$3"
}

run_role() { # <name> <template> <container> [extra podman options...]: start detached
  local name=$1 template=$2 container=$3 options
  shift 3
  options=$(pod_args "$template" "$container" "$name") || image_die "cannot turn $template into podman options (see above)"
  mapfile -t options <<<"$options"
  CONTAINERS+=("$name")
  image_podman run "${PODMAN_RUN[@]}" --detach --name "$name" "${options[@]}" "$@" "$APP_IMAGE" >/dev/null
  image_log "  $name: podman run ${options[*]} $* $APP_IMAGE"
}

wait_ready() { # <container> <port>
  local deadline=$((SECONDS + 90))
  until curl -fsS -o /dev/null "http://127.0.0.1:$2/readyz" 2>/dev/null; do
    [[ $(image_podman inspect --format '{{.State.Running}}' "$1") == true ]] || image_die "container $1 exited before it was ready"
    ((SECONDS < deadline)) || image_die "container $1 not ready on port $2 after 90s"
    sleep 1
  done
}

in_cluster=(--env "KUBERNETES_SERVICE_HOST=$KUBERNETES_SERVICE_HOST" --env "KUBERNETES_SERVICE_PORT=$KUBERNETES_SERVICE_PORT")

# --- migrate ---------------------------------------------------------------------------------
DATABASE_URL=$(node "$IMAGE_SRC_DIR/database.mjs" create "image_$SUFFIX")
image_log "migrate: APP_ROLE=migrate against a scratch database"
run_role "image-check-migrate-$SUFFIX" migrate-job.yaml migrate
status=$(image_podman wait "image-check-migrate-$SUFFIX")
[[ $status == 0 ]] || image_die "the migrate role exited $status (expected 0)"
image_log "  migrate exited 0: $(image_podman logs "image-check-migrate-$SUFFIX" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'applied [0-9]* migration[^"]*' | head -n 1)"

# --- secrets ---------------------------------------------------------------------------------
# The Job's ServiceAccount, Role and RoleBinding as rendered (not the Job: podman runs it).
render secrets-job.yaml | kubectl create --dry-run=client -o json -f - \
  | node -e 'const t = require("node:fs").readFileSync(0, "utf8").trim().split(/(?<=^})\n(?={)/m).map(JSON.parse);
      process.stdout.write(JSON.stringify({ apiVersion: "v1", kind: "List", items: t.filter((o) => o.kind !== "Job") }));' \
  | kubectl apply --namespace "$NAMESPACE" -f - >/dev/null
image_log "secrets: APP_ROLE=secrets creates the generated Secret with the Job's ServiceAccount"
mount=/var/run/secrets/kubernetes.io/serviceaccount
secrets_sa=$(service_account_dir "$RELEASE-kiada-autoscaler-secrets")
run_role "image-check-secrets-$SUFFIX" secrets-job.yaml secrets "${in_cluster[@]}" --volume "$secrets_sa:$mount:ro"
status=$(image_podman wait "image-check-secrets-$SUFFIX")
[[ $status == 0 ]] || image_die "the secrets role exited $status (expected 0)"
SESSION_SECRET=$(kubectl get secret "$RELEASE-kiada-autoscaler-generated" --namespace "$NAMESPACE" -o jsonpath='{.data.session-secret}' | base64 -d)
[[ $SESSION_SECRET =~ ^[A-Za-z0-9]{48}$ ]] || image_die "the generated Secret holds no 48-character session-secret"
image_log "  secrets exited 0: Secret $RELEASE-kiada-autoscaler-generated holds session-secret (48 characters)"

# --- crds ------------------------------------------------------------------------------------
# The helm upgrade hook's ServiceAccount, ClusterRole and binding as rendered; its ConfigMap
# (the CRD as JSON) is mounted by podman-args.mjs as the kubelet would.
render crd-upgrade-job.yaml | kubectl create --dry-run=client -o json -f - \
  | node -e 'const t = require("node:fs").readFileSync(0, "utf8").trim().split(/(?<=^})\n(?={)/m).map(JSON.parse);
      process.stdout.write(JSON.stringify({ apiVersion: "v1", kind: "List", items: t.filter((o) => !["Job", "ConfigMap"].includes(o.kind)) }));' \
  | kubectl apply --namespace "$NAMESPACE" -f - >/dev/null
CLUSTER_OBJECTS+=("clusterrole/$RELEASE-kiada-autoscaler-crds-$NAMESPACE" "clusterrolebinding/$RELEASE-kiada-autoscaler-crds-$NAMESPACE")
image_log "crds: APP_ROLE=crds writes the chart's CRD schema with the Job's ServiceAccount (get and patch of that CRD)"
crds_sa=$(service_account_dir "$RELEASE-kiada-autoscaler-crds")
run_role "image-check-crds-$SUFFIX" crd-upgrade-job.yaml crds "${in_cluster[@]}" --volume "$crds_sa:$mount:ro"
status=$(image_podman wait "image-check-crds-$SUFFIX")
[[ $status == 0 ]] || image_die "the crds role exited $status (expected 0)"
crds_log=$(image_podman logs "image-check-crds-$SUFFIX" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'kiadaservicecounts.hanyang.ac.kr: schema of [^"]*' | head -n 1)
[[ -n $crds_log ]] || image_die "the crds role printed no line about the CRD's schema"
image_log "  crds exited 0: $crds_log"

# --- operator and api ------------------------------------------------------------------------
image_log "operator and api: ServiceAccount tokens, API server $server"
operator_sa=$(service_account_dir "$RELEASE-kiada-autoscaler-operator")
api_sa=$(service_account_dir "$RELEASE-kiada-autoscaler-api")
run_role "image-check-operator-$SUFFIX" operator-deployment.yaml operator "${in_cluster[@]}" --volume "$operator_sa:$mount:ro"
run_role "image-check-api-$SUFFIX" api-deployment.yaml api "${in_cluster[@]}" --volume "$api_sa:$mount:ro"
wait_ready "image-check-operator-$SUFFIX" "$OPERATOR_PORT"
wait_ready "image-check-api-$SUFFIX" "$API_PORT"
image_log "  both ready (/readyz 200) in $((SECONDS - started))s"

api=http://127.0.0.1:$API_PORT
expect() { # <expected status> <description> <curl args...>: prints the body
  local want=$1 what=$2 code
  shift 2
  code=$(curl -sS -o "$WORK/body" -w '%{http_code}' "$@") || image_die "$what: request failed"
  [[ $code == "$want" ]] || image_die "$what: HTTP $code, expected $want: $(head -c 300 "$WORK/body")"
  cat "$WORK/body"
}
json=(-H 'Content-Type: application/json')
sign_up_and_log_in() { # <user>: leaves the session cookie in $WORK/<user>.cookies
  local body="{\"username\":\"$1\",\"password\":\"image-check-$SUFFIX\"}"
  expect 201 "POST /auth/signup as $1" "${json[@]}" -d "$body" "$api/auth/signup" >/dev/null
  expect 200 "POST /auth/login as $1" "${json[@]}" -d "$body" -c "$WORK/$1.cookies" "$api/auth/login" >/dev/null
  expect 200 "GET /auth/me as $1" -b "$WORK/$1.cookies" "$api/auth/me" | grep -q "\"username\":\"$1\"" \
    || image_die "GET /auth/me as $1 does not name $1"
}

replicas_follow() { # <replicas> <why>: the api's decision and the operator's scale both reach it
  local want=$1 deadline=$((SECONDS + 60)) desired actual
  while :; do
    desired=$(kubectl get kiadaservicecount hanyang-kiada-autoscaler --namespace "$NAMESPACE" -o jsonpath='{.spec.kiadaServiceCount}')
    actual=$(kubectl get deployment kiada --namespace "$NAMESPACE" -o jsonpath='{.spec.replicas}')
    [[ $desired == "$want" && $actual == "$want" ]] && break
    ((SECONDS < deadline)) || image_die "$2: expected $want replicas within 60s; KiadaServiceCount spec.kiadaServiceCount=$desired, Deployment kiada spec.replicas=$actual"
    sleep 0.5
  done
  image_log "  $2: KiadaServiceCount spec.kiadaServiceCount=$desired, Deployment kiada spec.replicas=$actual"
}

image_log "api: /docs, sign-up, log-in; tiers 2:1,1000:2 (1 active user -> 1 replica, 2 -> 2)"
expect 200 "GET /docs" "$api/docs" | grep -qi 'swagger' || image_die "GET /docs is not Swagger UI"
expect 200 "GET /docs-json" "$api/docs-json" | grep -q '/auth/login' || image_die "GET /docs-json lacks /auth/login"
image_log "  GET /docs 200 (Swagger UI), /docs-json 200"
expect 200 "GET /dashboard/" "$api/dashboard/" | grep -q 'src="main.js"' || image_die "GET /dashboard/ is not the dashboard page (was it bundled by npm run build?)"
expect 200 "GET /dashboard/main.js" "$api/dashboard/main.js" >/dev/null
image_log "  GET /dashboard/ 200, /dashboard/main.js 200 (the bundled dashboard)"
user1=alice$SUFFIX
user2=bob$SUFFIX
sign_up_and_log_in "$user1"
image_log "  $user1 signed up (201), logged in (200), /auth/me 200"
replicas_follow 1 "1 active user"
sign_up_and_log_in "$user2"
image_log "  $user2 signed up (201), logged in (200), /auth/me 200"
replicas_follow 2 "2 active users (tier crossed up)"
expect 204 "POST /auth/logout as $user2" -X POST -b "$WORK/$user2.cookies" "$api/auth/logout" >/dev/null
replicas_follow 1 "$user2 logged out (tier crossed down)"

scales=$(curl -fsS "http://127.0.0.1:$OPERATOR_PORT/metrics" | awk '/^kiada_operator_scales_total/ { sum += $NF } END { print sum + 0 }')
((scales >= 2)) || image_die "the operator's kiada_operator_scales_total is $scales, expected at least 2 (up and down)"
image_log "  operator: kiada_operator_scales_total $scales"
image_log "every role works in the image ($((SECONDS - started))s)"
