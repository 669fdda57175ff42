/** The app's /metrics page (Prometheus text format). */
export async function metricsText(app: { url: string }): Promise<string> {
  const response = await fetch(`${app.url}/metrics`);
  return response.text();
}

/** Values of one Prometheus sample family, keyed by its label string (e.g. `kind="read"`). */
export function promSamples(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    out[match[3] ?? ''] = Number(match[4]);
  }
  return out;
}

/** The sum of every sample of a family. */
export function promSum(text: string, name: string): number {
  return Object.values(promSamples(text, name)).reduce((a, b) => a + b, 0);
}
