#!/usr/bin/env bash
# Smoke test of the local control plane: starts a throw-away cluster in its own state dir
# (default /tmp/kiada-cluster-smoke), checks Deployments -> ReplicaSets -> Pods (Running and
# Ready via kwok), scaling, RBAC (auth can-i), CRDs, service account tokens, and a
# kube-apiserver restart with etcd data intact and watches re-established; then stops it.
# Usage: smoke.sh [--keep]      (--keep: leave the cluster running)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export KIADA_CLUSTER_DIR=${KIADA_SMOKE_CLUSTER_DIR:-/tmp/kiada-cluster-smoke}
keep=0; [[ ${1:-} == --keep ]] && keep=1

pass=0 fail=0
check() { # <description> <command...>
  local d=$1; shift
  if "$@" >/tmp/kiada-smoke.$$.out 2>&1; then
    pass=$((pass + 1)); echo "ok   - $d"
  else
    fail=$((fail + 1)); echo "FAIL - $d"; sed 's/^/       /' /tmp/kiada-smoke.$$.out | tail -15
  fi
}
finish() {
  rm -f /tmp/kiada-smoke.$$.out
  if ((keep == 0)); then "$here/stop.sh" >/dev/null 2>&1 || true; fi
  echo "smoke: $pass passed, $fail failed"
}
trap finish EXIT

s=$SECONDS
"$here/start.sh" >/dev/null
echo "start: $((SECONDS - s))s"
eval "$("$here/start.sh" --env)"

ready_pods() { # <n>: exactly n pods of app=kiada, all Running and Ready
  local deadline=$((SECONDS + 60)) out
  while ((SECONDS < deadline)); do
    out=$(kubectl get pods -l app=kiada -o jsonpath='{range .items[*]}{.status.phase}/{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}')
    if [[ $(grep -c . <<<"$out") == "$1" && $(grep -c '^Running/True$' <<<"$out") == "$1" ]]; then return 0; fi
    sleep 0.5
  done
  kubectl get pods -o wide; return 1
}
check "version is ${KUBE_VERSION:-v1.36.x}" bash -c "kubectl version -o json | grep -q '\"gitVersion\": \"v1.36'"
check "2 nodes Ready" bash -c "[[ \$(kubectl get nodes --no-headers | awk '\$2==\"Ready\"' | wc -l) == 2 ]]"
check "create deployment (3 replicas)" kubectl create deployment kiada --image=nginx --replicas=3
check "3 pods Running and Ready" ready_pods 3
check "scale to 5" kubectl scale deployment kiada --replicas=5
check "5 pods Running and Ready" ready_pods 5
check "scale to 2" kubectl scale deployment kiada --replicas=2
check "2 pods left" ready_pods 2
check "auth can-i (admin yes)" bash -c "[[ \$(kubectl auth can-i create deployments) == yes ]]"
check "auth can-i (default SA no)" bash -c "[[ \$(kubectl auth can-i list pods --as=system:serviceaccount:default:default) == no ]]"
check "create service account + token" bash -c "kubectl create serviceaccount smoke && kubectl create token smoke --duration=10m | grep -q '^eyJ'"
check "token authenticates" bash -c "
  source \$KIADA_CLUSTER_DIR/ports.env
  t=\$(kubectl create token smoke)
  curl -sf --cacert \$KIADA_CLUSTER_DIR/pki/ca.crt -H \"Authorization: Bearer \$t\" \
    https://127.0.0.1:\$APISERVER_PORT/apis/authentication.k8s.io/v1/selfsubjectreviews -X POST \
    -H 'Content-Type: application/json' -d '{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}' \
    | grep -q system:serviceaccount:default:smoke"
check "apply CRD + custom resource" bash -c "
  kubectl apply -f - <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: smokes.kiada.example.com}
spec:
  group: kiada.example.com
  names: {kind: Smoke, plural: smokes, singular: smoke}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
EOF
  kubectl wait --for=condition=Established crd/smokes.kiada.example.com --timeout=30s
  printf 'apiVersion: kiada.example.com/v1\nkind: Smoke\nmetadata: {name: s1}\nspec: {x: 1}\n' | kubectl apply -f -"
check "helm template" bash -c "d=\$(mktemp -d) && helm create \$d/c >/dev/null && helm template x \$d/c | grep -q 'kind: Deployment'; rc=\$?; rm -rf \$d; exit \$rc"

# restart kube-apiserver while a watch is open; data must survive, the watch must come back
rv=$(kubectl get --raw /api/v1/namespaces/default/configmaps | grep -o '"resourceVersion":"[0-9]*"' | head -1 | grep -o '[0-9]\+')
kubectl get pods -l app=kiada --watch-only -o name >/tmp/kiada-smoke-watch.$$ 2>&1 </dev/null &
watch_pid=$!
sleep 1
s=$SECONDS
check "restart-apiserver" "$here/restart-apiserver.sh"
echo "restart-apiserver: $((SECONDS - s))s"
kill "$watch_pid" 2>/dev/null || true; wait "$watch_pid" 2>/dev/null || true
rm -f /tmp/kiada-smoke-watch.$$
check "data intact (deployment, SA, CR)" bash -c "kubectl get deployment kiada && kubectl get sa smoke && kubectl get smokes s1"
check "watch re-established after restart" bash -c "
  (timeout 20 kubectl get pods -l app=kiada --watch-only -o name >/tmp/kiada-smoke-w2.$$ 2>&1 &)
  sleep 2; kubectl scale deployment kiada --replicas=3 >/dev/null
  for i in \$(seq 1 30); do [[ -s /tmp/kiada-smoke-w2.$$ ]] && break; sleep 0.5; done
  cat /tmp/kiada-smoke-w2.$$; test -s /tmp/kiada-smoke-w2.$$; rc=\$?; rm -f /tmp/kiada-smoke-w2.$$; exit \$rc"
check "watch from a pre-restart resourceVersion: events or 410 Expired" bash -c "
  out=\$(kubectl get --raw '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=$rv&timeoutSeconds=2')
  echo \"\$out\" | head -3
  grep -qE '\"type\":\"(ADDED|MODIFIED)\"|\"code\":410' <<<\"\$out\""
check "3 pods Running and Ready after restart" ready_pods 3
check "hard restart (SIGKILL) of kube-apiserver" "$here/restart-apiserver.sh" --hard
check "scale after hard restart" bash -c "kubectl scale deployment kiada --replicas=4"
check "4 pods Running and Ready" ready_pods 4
((fail == 0))
