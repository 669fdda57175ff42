// The values table of helm/kiada-autoscaler/README.md, built from values.yaml's `# --`
// comments (helm-docs style). A map documented with `# --` is one value whose default is
// the whole map; an undocumented map is only a parent of documented values.
//   node values-doc.cjs <values.yaml>           prints the Markdown table
//   node values-doc.cjs <values.yaml> --check   exits 1 naming every value without `# --`
// A description may start with a type in parentheses, e.g. `# -- (int) ...` for a null default.
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const yaml = createRequire(path.join(__dirname, '../../package.json'))('js-yaml');

function describeValues(text) {
  const lines = text.split('\n');
  const values = yaml.load(text);
  const rows = [];
  const undocumented = [];
  const stack = []; // enclosing keys: { indent, key, documented }
  let comment = null;
  lines.forEach((line, i) => {
    const start = line.match(/^\s*# -- ?(.*)$/);
    if (start) return void (comment = [start[1]]);
    const more = line.match(/^\s*#\s?(.*)$/);
    if (more) return void (comment && comment.push(more[1]));
    const entry = line.match(/^(\s*)([A-Za-z][A-Za-z0-9]*):(.*)$/);
    if (!entry) return void (comment = null);
    const [, spaces, name, rest] = entry;
    const indent = spaces.length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const keys = [...stack.map((s) => s.key), name];
    const insideDocumented = stack.some((s) => s.documented);
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
    const isMap = rest.trim() === '' && next.search(/\S/) > indent && !next.trim().startsWith('- ');
    const documented = comment !== null && !insideDocumented;
    if (documented) {
      const value = keys.reduce((o, k) => (o == null ? o : o[k]), values);
      let description = comment.join(' ').replace(/\s+/g, ' ').trim();
      let type = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
      type = { number: 'int', boolean: 'bool' }[type] ?? type;
      const typed = description.match(/^\(([\w/]+)\) (.*)$/);
      if (typed) [, type, description] = typed;
      rows.push({ key: keys.join('.'), type, value, description });
    } else if (!insideDocumented && !isMap) {
      undocumented.push(keys.join('.'));
    }
    stack.push({ indent, key: name, documented });
    comment = null;
  });
  return { rows, undocumented };
}

function markdownTable(rows) {
  const code = (v) => {
    const s = JSON.stringify(v);
    return `\`${s.length > 60 ? `${s.slice(0, 57)}...` : s}\``;
  };
  const cell = (s) => s.replace(/\|/g, '\\|');
  return [
    '| Key | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.key}\` | ${r.type} | ${cell(code(r.value))} | ${cell(r.description)} |`),
  ].join('\n');
}

module.exports = { describeValues, markdownTable };

if (require.main === module) {
  const { rows, undocumented } = describeValues(fs.readFileSync(process.argv[2], 'utf8'));
  if (process.argv[3] === '--check') {
    if (undocumented.length) {
      console.log(`values without a "# --" description: ${undocumented.join(', ')}`);
      process.exit(1);
    }
  } else {
    console.log(markdownTable(rows));
  }
}
