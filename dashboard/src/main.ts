import './styles.css';
import {
  fetchDecisions,
  fetchHistory,
  fetchStatus,
  type Policy,
  type WireDecision,
  type WireSnapshot,
} from './api.js';
import { TimelineChart } from './chart.js';
import { renderDecisionLog } from './decision-log.js';
import { formatCount, formatTime } from './format.js';
import { renderConnection, renderHeader } from './header.js';
import { TimelineData, toChartPoint } from './timeline-data.js';

const data = new TimelineData();
const chart = new TimelineChart(
  document.getElementById('chart')!,
  document.getElementById('marker-tooltip')!,
);
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

/** Loads the chosen range from history (also what fills a gap after a reconnect). */
async function loadHistory(): Promise<void> {
  const history = await fetchHistory(rangeMs / 1000);
  data.replacePoints(history.points.map(toChartPoint));
  data.addDecisions(history.decisions);
  renderDecisionLog(data.decisions);
  redraw();
}

function onSnapshot(snapshot: WireSnapshot): void {
  renderHeader(snapshot, policy);
  data.addPoints([toChartPoint(snapshot)]);
  redraw();
}

function onDecision(decision: WireDecision): void {
  data.addDecisions([decision]);
  renderDecisionLog(data.decisions);
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
  chart.setPolicy(policy);
  document.getElementById('resource')!.textContent =
    `KiadaServiceCount ${status.resource.namespace}/${status.resource.name}`;
  const [decisions] = await Promise.all([fetchDecisions(50), loadHistory()]);
  data.addDecisions(decisions);
  renderDecisionLog(data.decisions);
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
