import { join } from 'node:path';

/**
 * `--ci` runs keep their own state dir, namespace and a free port, so they can run (in the
 * test command) while a demo someone started keeps running.
 */
const CI = process.argv.includes('--ci');

/**
 * Where the demo keeps what it started, and the names it uses. Environment:
 * KIADA_DEMO_DIR (state file, logs, SQLite file; default /tmp/kiada-demo, with --ci
 * /tmp/kiada-demo-ci), KIADA_CLUSTER_DIR (a local control plane the demo starts; default
 * /tmp/kiada-demo-cluster, never the e2e suite's /tmp/kiada-cluster), KIADA_DEMO_NAMESPACE
 * (default kiada-demo, with --ci kiada-demo-ci), KIADA_DEMO_PORT (the api's port; default
 * 3000 when free, else a free one; with --ci a free one).
 */
export const DEMO_DIR =
  process.env.KIADA_DEMO_DIR || (CI ? '/tmp/kiada-demo-ci' : '/tmp/kiada-demo');
export const STATE_FILE = join(DEMO_DIR, 'state.json');
export const LOG_DIR = join(DEMO_DIR, 'logs');
export const SQLITE_FILE = join(DEMO_DIR, 'kiada-demo.sqlite');
export const CLUSTER_DIR = process.env.KIADA_CLUSTER_DIR || '/tmp/kiada-demo-cluster';
export const NAMESPACE = process.env.KIADA_DEMO_NAMESPACE || (CI ? 'kiada-demo-ci' : 'kiada-demo');
/** The api's port; undefined: any free port. */
export const API_PORT: number | undefined = process.env.KIADA_DEMO_PORT
  ? Number(process.env.KIADA_DEMO_PORT)
  : CI
    ? undefined
    : 3000;
/** The KiadaServiceCount the api writes (the seed's name) and the Deployment it scales. */
export const RESOURCE_NAME = 'hanyang-kiada-autoscaler';
export const TARGET_NAME = 'kiada';
/** spec.owner of the demo's KiadaServiceCount. */
export const OWNER = 'kiada-autoscaler-demo';
/** The label on the demo's namespace (`kubectl get namespace -l kiada-autoscaler/demo`). */
export const NAMESPACE_LABEL = 'kiada-autoscaler/demo';
