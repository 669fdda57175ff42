// `npm run demo [-- [--ci] [--down]]`: the whole loop on one machine, through the real parts.
// Real sign-ups, logins and logouts over HTTP -> the api counts active users and decides ->
// KiadaServiceCount on a real Kubernetes API server -> the operator scales Deployment kiada.
//   (no option)  start everything, run the wave with pauses, print the table, leave it running
//   --ci         the same with no pauses and a 3 s window, then remove everything; exit 1 when
//                a crossing did not happen (run by test/run-all.sh)
//   --down       stop and remove what a demo started (the state file lists it); with --ci,
//                what a --ci run left behind (it removes everything itself unless killed)
// Environment: KUBECONFIG, DATABASE_URL, KIADA_CLUSTER_DIR, KIADA_DEMO_DIR, KIADA_DEMO_NAMESPACE,
// KIADA_DEMO_PORT (demo/settings.ts). docs/demo.md shows what it prints.
import { killAllApps } from '../test/support/app-process.js';
import { DemoError } from './demo-error.js';
import { endStatus, print, say } from './say.js';
import { STATE_FILE } from './settings.js';
import { readState, type DemoState } from './state.js';
import { teardown } from './teardown.js';
import { explore, up } from './up.js';

const USAGE = 'usage: npm run demo [-- [--ci] [--down]]';

async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    say(`nothing to stop: no demo state in ${STATE_FILE}`);
    return 0;
  }
  await teardown(state);
  say('the demo is stopped and removed');
  return 0;
}

async function run(ci: boolean): Promise<number> {
  let state: DemoState | undefined;
  const interrupted = () => {
    endStatus();
    if (ci) {
      say('interrupted: stopping what the demo started');
      killAllApps();
      const cleanup = state ? teardown(state) : Promise.resolve();
      void cleanup.finally(() => process.exit(130));
    } else {
      say('interrupted: what the demo started keeps running; npm run demo -- --down removes it');
      process.exit(130);
    }
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const result = await up(ci, (s) => (state = s));
    state = result.state;
    if (ci) {
      say('--ci: removing what the demo started');
      await teardown(result.state, { keepLogs: result.failures.length > 0 });
    } else {
      print(explore(result.state));
    }
    if (result.failures.length > 0) {
      say(`FAILED: ${result.failures.length} crossing(s) did not happen as the policy says:`);
      result.failures.forEach((f) => print(`  ${f}`));
      return 1;
    }
    say(`all ${result.results.length} crossings happened, and the policy change applied live`);
    return 0;
  } catch (error) {
    endStatus();
    say(
      `FAILED: ${error instanceof DemoError ? error.message : ((error as Error).stack ?? String(error))}`,
    );
    if (state && ci) {
      say('--ci: removing what the demo started');
      await teardown(state, { keepLogs: true }).catch((e: unknown) =>
        say(`clean-up failed: ${String(e)}`),
      );
    } else if (state) {
      say('what the demo started keeps running (logs in it): npm run demo -- --down removes it');
    }
    return 1;
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !['--ci', '--down', '--help', '-h'].includes(a));
  if (args.includes('--help') || args.includes('-h')) {
    print(USAGE);
    return 0;
  }
  if (unknown.length > 0) {
    print(`unknown option(s) ${args.join(' ')}: ${USAGE}`);
    return 2;
  }
  return args.includes('--down') ? down() : run(args.includes('--ci'));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    endStatus();
    say(
      `FAILED: ${error instanceof DemoError ? error.message : ((error as Error).stack ?? String(error))}`,
    );
    process.exit(1);
  },
);
