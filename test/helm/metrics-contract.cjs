// The chart's monitoring names only metrics the app exports.
//   node test/helm/metrics-contract.cjs <rendered manifests.yaml>
// The manifests must hold the PrometheusRule and the Grafana dashboard ConfigMap (render with
// test/helm/values/all-features.yaml). Exported names are read from the app's source: every
// `name: 'kiada_...'` in src/**/*.metrics.ts; a Histogram or Summary also exports
// <name>_bucket/_sum/_count. Checked: every kiada_* name in each alert's expression and in
// every string of the dashboard JSON (which must parse). Prints each unknown name with where
// it is used and exits 1; else prints what it checked.
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const ROOT = path.join(__dirname, '../..');
const yaml = createRequire(path.join(ROOT, 'package.json'))('js-yaml');
const METRIC = /\bkiada_[A-Za-z0-9_:]*/g;

/** Metric names the app registers, with the series names prom-client derives from them. */
function exportedMetrics() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.metrics.ts')) files.push(file);
    }
  };
  walk(path.join(ROOT, 'src'));
  const names = new Map(); // series name -> registered metric it belongs to
  const types = new Map(); // registered metric -> Counter, Gauge, Histogram or Summary
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/name:\s*['"`](kiada_[A-Za-z0-9_:]+)['"`]/g)) {
      const name = match[1];
      // the constructor this name is given to: the last `new X(` before it
      const before = source.slice(Math.max(0, match.index - 400), match.index);
      const type = [...before.matchAll(/new\s+(Counter|Gauge|Histogram|Summary)\s*\(/g)].pop()?.[1];
      names.set(name, name);
      types.set(name, type ?? 'an unknown type');
      if (type === 'Histogram' || type === 'Summary') {
        for (const suffix of type === 'Histogram' ? ['_bucket', '_sum', '_count'] : ['_sum', '_count']) {
          names.set(name + suffix, name);
        }
      }
    }
  }
  return { files, names, types };
}

/** Every string in a JSON value, with its path (panels[2].targets[0].expr). */
function* strings(value, where = '') {
  if (typeof value === 'string') yield [where, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${where}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, where ? `${where}.${k}` : k);
}

function main(manifestsFile) {
  const docs = yaml.loadAll(fs.readFileSync(manifestsFile, 'utf8')).filter(Boolean);
  const { files, names, types } = exportedMetrics();
  if (names.size === 0) throw new Error('no `name: \'kiada_...\'` found in src/**/*.metrics.ts');
  const uses = []; // [where, metric]
  const problems = [];

  const rules = docs.filter((d) => d.kind === 'PrometheusRule');
  const alerts = rules.flatMap((r) => r.spec.groups.flatMap((g) => g.rules.filter((rule) => rule.alert)));
  for (const rule of alerts) {
    for (const [metric] of rule.expr.matchAll(METRIC)) uses.push([`alert ${rule.alert} (expr)`, metric]);
  }

  const dashboards = docs
    .filter((d) => d.kind === 'ConfigMap')
    .flatMap((d) => Object.entries(d.data ?? {}).filter(([key]) => key.endsWith('.json')).map(([key, text]) => [d, key, text]));
  for (const [configMap, key, text] of dashboards) {
    let dashboard;
    try {
      dashboard = JSON.parse(text);
    } catch (error) {
      problems.push(`dashboard ${configMap.metadata.name}/${key} is not valid JSON: ${error.message}`);
      continue;
    }
    for (const [where, s] of strings(dashboard)) {
      for (const [metric] of s.matchAll(METRIC)) uses.push([`dashboard ${key} ${where}`, metric]);
    }
  }
  if (alerts.length === 0) problems.push('no PrometheusRule alert in the manifests (enable metrics.prometheusRule)');
  if (dashboards.length === 0) problems.push('no dashboard ConfigMap in the manifests (enable metrics.dashboard)');

  const unknown = new Map(); // problem -> places
  for (const [where, series] of uses) {
    if (names.has(series)) continue;
    const base = series.replace(/_(bucket|sum|count)$/, '');
    const problem =
      base !== series && types.has(base)
        ? `${series}: ${base} is registered as a ${types.get(base)}, which exports no ${series.slice(base.length)} series`
        : `${base} is not exported by the app (no name: '${base}' in src/**/*.metrics.ts)`;
    unknown.set(problem, [...(unknown.get(problem) ?? []), where]);
  }
  for (const [problem, places] of unknown) {
    const shown = places.slice(0, 3).join('; ') + (places.length > 3 ? `; and ${places.length - 3} more` : '');
    problems.push(`${problem}; used in ${shown}`);
  }

  const registered = [...new Set(names.values())];
  if (problems.length) {
    for (const p of problems) console.log(p);
    console.log(`(the app registers ${registered.length} metrics in ${files.length} files: ${registered.join(', ')})`);
    process.exit(1);
  }
  const used = new Set(uses.map(([, m]) => m));
  console.log(
    `${alerts.length} alerts and ${dashboards.length} dashboard(s) name ${used.size} series, all exported by the app ` +
      `(${registered.length} metrics registered in ${files.length} files)`,
  );
}

main(process.argv[2]);
