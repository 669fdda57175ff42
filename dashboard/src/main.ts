import './styles.css';
import {
  fetchDecisions,
  fetchHistory,
  fetchStatus,
  type Policy,
  type WireDecision,
  type WireSnapshot,
  type WireWindow,
} from './api.js';
import { TimelineChart } from './chart.js';
import { renderDecisionLog } from './decision-log.js';
import { formatCount, formatTime, ReasonLabels } from './format.js';
import { renderConnection, renderHeader } from './header.js';
import { TimelineData, toChartPoint } from './timeline-data.js';

const data = new TimelineData();
const labels = new ReasonLabels();
const chart = new TimelineChart(
  document.getElementById('chart')!,
  document.getElementById('marker-tooltip')!,
  labels,
);
/** The schedules' windows: from history, and the open ones from the live points. */
let historyWindows: WireWindow[] = [];
const rangeSelect = document.getElementById('range') as HTMLSelectElement;
let policy: Policy | undefined;
let rangeMs = Number(rangeSelect.value) * 1000;

function redraw(): void {
  const now = Date.now();
  chart.render(data.pointsUntil(now), data.decisions, now - rangeMs, now);
  const last = data.lastPoint;
  const figure = document.getElementById('chart')!;
  const caption = document.getElementById('chart-caption')!;
  if (!last) {
    caption.textContent = 'No points yet: they come as users sign up, log in and log out.';
    return;
  }
  figure.dataset.lastAt = new Date(last.t).toISOString();
  figure.dataset.lastUsers = String(last.users);
  figure.dataset.lastDesired = String(last.desired);
  figure.dataset.lastReady = String(last.ready);
  caption.textContent = `Last change at ${formatTime(last.t)}: ${formatCount(last.users)} active users, ${formatCount(last.desired)} desired, ${formatCount(last.ready)} ready replicas.`;
}

let historyRequests = 0;

/**
 * Loads the chosen range from history (also what fills a gap after a reconnect). Only the
 * latest request counts: an older one (a range changed, then a reconnect) answering late
 * must not replace newer data.
 */
async function loadHistory(): Promise<void> {
  const request = ++historyRequests;
  const history = await fetchHistory(rangeMs / 1000);
  if (request !== historyRequests) return;
  data.replacePoints(history.points.map(toChartPoint));
  data.addDecisions(history.decisions);
  historyWindows = history.windows;
  chart.setWindows(historyWindows);
  renderDecisionLog(data.decisions, labels);
  redraw();
}

function onSnapshot(snapshot: WireSnapshot): void {
  renderHeader(snapshot, policy);
  const open: WireWindow[] = snapshot.openSchedules.map((window) => ({
    name: window.name,
    minReplicas: window.minReplicas,
    from: window.opened ?? new Date(0).toISOString(),
    to: window.until,
  }));
  chart.setWindows([
    ...historyWindows.filter(
      (known) => !open.some((window) => window.name === known.name && window.to === known.to),
    ),
    ...open,
  ]);
  data.addPoints([toChartPoint(snapshot)]);
  redraw();
}

let statusRequest: Promise<void> | undefined;

/** The policy in force (the tier bands, the source) and the reasons' labels, read again. */
function refreshStatus(): void {
  statusRequest ??= fetchStatus()
    .then((status) => {
      policy = status.policy;
      labels.set(status.reasons);
      chart.setPolicy(policy);
    })
    .catch(() => undefined)
    .finally(() => (statusRequest = undefined));
}

function onDecision(decision: WireDecision): void {
  // A decision may follow a change of the policy (spec.policy applied): read it again.
  refreshStatus();
  data.addDecisions([decision]);
  renderDecisionLog(data.decisions, labels);
  redraw();
}

/**
 * The live stream. EventSource reconnects by itself after a dropped connection (the api
 * asks for 1 s); when the api answered with an error instead, it gives up, so the page
 * opens a new one. After any break the gap is filled from history.
 */
function connect(): void {
  const source = new EventSource('../scaling/stream');
  let broken = false;
  source.addEventListener('open', () => {
    renderConnection('live');
    if (broken) {
      broken = false;
      void loadHistory().catch(() => undefined);
    }
  });
  source.addEventListener('point', (event) => onSnapshot(JSON.parse(event.data) as WireSnapshot));
  source.addEventListener('decision', (event) =>
    onDecision(JSON.parse(event.data) as WireDecision),
  );
  source.addEventListener('error', () => {
    broken = true;
    renderConnection('reconnecting');
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(connect, 1_000);
    }
  });
}

async function start(): Promise<void> {
  const status = await fetchStatus();
  policy = status.policy;
  labels.set(status.reasons);
  chart.setPolicy(policy);
  document.getElementById('resource')!.textContent =
    `KiadaServiceCount ${status.resource.namespace}/${status.resource.name}`;
  const [decisions] = await Promise.all([fetchDecisions(50), loadHistory()]);
  data.addDecisions(decisions);
  renderDecisionLog(data.decisions, labels);
  connect();
  // The window slides with the clock; no request is made for it.
  setInterval(redraw, 1_000);
}

rangeSelect.addEventListener('change', () => {
  rangeMs = Number(rangeSelect.value) * 1000;
  void loadHistory().catch(() => undefined);
});

start().catch(() => {
  renderConnection('reconnecting');
  // The api is not answering yet (it is starting, or restarting): try the whole start again.
  setTimeout(() => location.reload(), 2_000);
});
