import { migrateDatabase, startApp, type AppProcess } from '../support/app-process.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { TEST_SESSION_SECRET } from '../support/nest-app.js';

/**
 * The dashboard over plain HTTP, as the built app serves it (dist/, no cluster): the page
 * and its files, the strict CSP, the stream's and history's contracts, and the switch.
 */
describe('dashboard over HTTP', () => {
  let databaseUrl: string;
  let api: AppProcess | undefined;
  let disabled: AppProcess | undefined;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('dashboard_http');
    await migrateDatabase(databaseUrl);
    const env = { DATABASE_URL: databaseUrl, SESSION_SECRET: TEST_SESSION_SECRET };
    [api, disabled] = await Promise.all([
      startApp('api', env),
      startApp('api', { ...env, DASHBOARD_ENABLED: 'false' }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), disabled?.stop()]);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('redirects /dashboard to the page, served with a CSP that allows no inline script', async () => {
    const redirect = await fetch(`${api!.url}/dashboard`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/dashboard/');

    const page = await fetch(`${api!.url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="main.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script element
  });

  it('serves the bundle (uPlot inside, no CDN)', async () => {
    const script = await fetch(`${api!.url}/dashboard/main.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const code = await script.text();
    expect(code).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    const css = await fetch(`${api!.url}/dashboard/main.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toContain('.u-legend'); // uPlot's stylesheet is bundled
  });

  it('streams the current point at once as a server-sent event', async () => {
    const controller = new AbortController();
    const response = await fetch(`${api!.url}/scaling/stream`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before its first event: ${JSON.stringify(text)}`);
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const fields = Object.fromEntries(
      text
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
    );
    expect(fields.event).toBe('point');
    expect(fields.retry).toBe('1000');
    expect(JSON.parse(fields.data)).toMatchObject({
      activeUsers: 0,
      desiredReplicas: 2,
      rule: 'tier',
      ruleIndex: 0,
      trace: 'tier 1 -> 2; -> 2',
      policySource: 'environment',
      openSchedules: [],
      conditions: [],
    });
  });

  it('answers history for the last 15 minutes or the seconds asked, and 400 in the one error shape for a bad range', async () => {
    const history = (await (await fetch(`${api!.url}/scaling/history`)).json()) as {
      from: string;
      to: string;
      points: Array<{ activeUsers: number }>;
    };
    expect(Date.parse(history.to) - Date.parse(history.from)).toBe(15 * 60_000);
    expect(history.points.at(-1)?.activeUsers).toBe(0);

    const lastMinute = (await (await fetch(`${api!.url}/scaling/history?seconds=60`)).json()) as {
      from: string;
      to: string;
    };
    expect(Date.parse(lastMinute.to) - Date.parse(lastMinute.from)).toBe(60_000);

    for (const seconds of ['0', '21601', 'yesterday']) {
      const bad = await fetch(`${api!.url}/scaling/history?seconds=${seconds}`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
  });

  it('declares the stream and history in OpenAPI', async () => {
    const document = (await (await fetch(`${api!.url}/docs-json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: object }> } }>;
    };
    expect(Object.keys(document.paths['/scaling/stream'].get!.responses['200'].content!)).toEqual([
      'text/event-stream',
    ]);
    expect(document.paths['/scaling/history'].get!.responses).toHaveProperty('400');
  });

  it('serves no page with DASHBOARD_ENABLED=false (404), and the data endpoints still', async () => {
    const page = await fetch(`${disabled!.url}/dashboard/`);
    expect(page.status).toBe(404);
    expect(await page.json()).toMatchObject({ statusCode: 404 });
    expect((await fetch(`${disabled!.url}/scaling/history`)).status).toBe(200);
  });
});
