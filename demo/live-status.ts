import { scalingStatus, type ScalingStatus } from './api-client.js';
import type { ClusterView } from './cluster-view.js';
import type { WaveProgress } from './wave.js';
import { showStatus } from './say.js';

const BAR_WIDTH = 20;

function bar({ done, total }: WaveProgress): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}

/**
 * The live status line while the wave runs (on a terminal): progress bar, active users (the
 * api's count), desired replicas (the KiadaServiceCount), ready/spec replicas of the
 * Deployment, the last decision. Polls GET /scaling/status; returns a stop function.
 */
export function startLiveStatus(
  apiUrl: string,
  view: ClusterView,
  progress: WaveProgress,
): () => void {
  let status: ScalingStatus | undefined;
  let polling = false;
  const render = () => {
    const last = status?.lastDecision;
    showStatus(
      `${bar(progress)} ${progress.phase} | users ${status?.activeUsers ?? '?'} | desired ${view.desired ?? '?'} | ` +
        `ready ${view.readyReplicas}/${view.specReplicas ?? '?'} | last: ${last ? `${last.reason}: ${last.message}` : '-'}`,
    );
  };
  const timer = setInterval(() => {
    render();
    if (polling) return;
    polling = true;
    scalingStatus(apiUrl)
      .then((s) => (status = s))
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, 250);
  return () => clearInterval(timer);
}
