// The types of `#kubernetes-client` (package.json "imports"): the bundle made from
// @kubernetes/client-node by scripts/bundle-kubernetes-client.mjs has the package's API.
export * from '@kubernetes/client-node';
