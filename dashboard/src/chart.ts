import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Policy, WireDecision, WireWindow } from './api.js';
import { formatCount, formatTime, traceText, type ReasonLabels } from './format.js';

/** One point of the chart (t: epoch ms). */
export interface ChartPoint {
  t: number;
  users: number | null;
  desired: number | null;
  ready: number | null;
}

const HEIGHT = 340;

function cssColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || 'gray';
}

/**
 * Active users as a line on the left axis, the tier boundaries as shaded bands behind it,
 * the schedules' windows as shaded columns, desired and ready replicas as step lines on the
 * right axis, and a marker for each decision (a dashed line, and a focusable element whose
 * hover shows the reason's label, the message and the rules' trace).
 */
export class TimelineChart {
  private plot: uPlot | undefined;
  private policy: Policy | undefined;
  private decisions: WireDecision[] = [];
  private windows: WireWindow[] = [];
  private markers: HTMLElement[] = [];
  private lastArgs: [ChartPoint[], WireDecision[], number, number] | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly tooltip: HTMLElement,
    private readonly labels: ReasonLabels,
  ) {
    window.addEventListener('resize', () => this.plot?.setSize(this.size()));
    // Light and dark follow the system setting, also when it changes while the page is open.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.rebuild());
  }

  setPolicy(policy: Policy): void {
    this.policy = policy;
  }

  /** The schedules' windows to shade (open ones end at their `to`, drawn up to now). */
  setWindows(windows: WireWindow[]): void {
    this.windows = windows;
  }

  /** Draws `points` and `decisions` over [from, to] (epoch ms). */
  render(points: ChartPoint[], decisions: WireDecision[], from: number, to: number): void {
    this.lastArgs = [points, decisions, from, to];
    this.decisions = decisions;
    const data: uPlot.AlignedData = [
      points.map((p) => p.t / 1000),
      points.map((p) => p.users),
      points.map((p) => p.desired),
      points.map((p) => p.ready),
    ];
    if (!this.plot) this.plot = new uPlot(this.options(), data, this.container);
    else this.plot.setData(data, false);
    this.plot.setScale('x', { min: from / 1000, max: to / 1000 });
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.markers = [];
    if (this.lastArgs) this.render(...this.lastArgs);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(320, this.container.clientWidth), height: HEIGHT };
  }

  private options(): uPlot.Options {
    const text = cssColor('--text');
    const grid = cssColor('--grid');
    const axis = (scale: string, side: 1 | 2 | 3, label?: string): uPlot.Axis => ({
      scale,
      side,
      label,
      stroke: text,
      grid: { stroke: grid, width: 1, show: scale !== 'replicas' },
      ticks: { stroke: grid },
    });
    const stepped = uPlot.paths.stepped!({ align: 1 });
    return {
      ...this.size(),
      scales: {
        x: { time: true },
        users: { range: (_u, _min, max) => [0, this.usersMax(max)] },
        replicas: {
          range: (_u, _min, max) => [0, Math.max(max, this.policy?.minReplicas ?? 1) + 1],
        },
      },
      axes: [
        axis('x', 2),
        axis('users', 3, 'active users'),
        { ...axis('replicas', 1, 'replicas'), incrs: [1, 2, 5, 10, 20, 50, 100] },
      ],
      series: [
        {},
        // Every series is a step: a value holds until the next change.
        {
          label: 'Active users',
          scale: 'users',
          stroke: cssColor('--users'),
          width: 2,
          paths: stepped,
        },
        {
          label: 'Desired replicas',
          scale: 'replicas',
          stroke: cssColor('--desired'),
          width: 2,
          paths: stepped,
        },
        {
          label: 'Ready replicas',
          scale: 'replicas',
          stroke: cssColor('--ready'),
          width: 2,
          dash: [6, 4],
          paths: stepped,
        },
      ],
      hooks: {
        drawAxes: [(u) => this.drawBands(u), (u) => this.drawWindows(u)],
        draw: [(u) => this.drawMarkers(u)],
      },
    };
  }

  /** The users axis reaches the next tier boundary above the data, so a crossing shows. */
  private usersMax(dataMax: number | null): number {
    const max = Math.max(dataMax ?? 0, 1);
    const next = this.policy?.tiers.find((tier) => tier.belowUsers > max)?.belowUsers;
    return Math.ceil(Math.max(max * 1.15, next ? next * 1.1 : 0, 5));
  }

  /** Shaded bands for the tiers (alternating), each labelled with its replicas. */
  private drawBands(u: uPlot): void {
    if (!this.policy) return;
    const { ctx } = u;
    const { left, width, top, height } = u.bbox;
    const bands = [cssColor('--band-a'), cssColor('--band-b')];
    let low = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    this.policy.tiers.forEach((tier, i) => {
      const y0 = u.valToPos(low, 'users', true);
      const y1 = u.valToPos(tier.belowUsers, 'users', true);
      ctx.fillStyle = bands[i % 2];
      ctx.fillRect(left, y1, width, y0 - y1);
      ctx.fillStyle = cssColor('--band-label');
      ctx.fillText(
        `< ${formatCount(tier.belowUsers)} users: ${tier.replicas}`,
        left + 6 * devicePixelRatio,
        Math.max(y1, top) + 14 * devicePixelRatio,
      );
      low = tier.belowUsers;
    });
    ctx.restore();
  }

  /** A shaded column per schedule window in view, labelled with its name and minimum. */
  private drawWindows(u: uPlot): void {
    const { ctx } = u;
    const { left, width, top, height } = u.bbox;
    const [xMin, xMax] = [u.scales.x.min ?? 0, u.scales.x.max ?? 0];
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    for (const window of this.windows) {
      const from = Math.max(Date.parse(window.from) / 1000, xMin);
      const to = Math.min(Date.parse(window.to) / 1000, xMax);
      if (to <= from) continue;
      const x0 = u.valToPos(from, 'x', true);
      const x1 = u.valToPos(to, 'x', true);
      ctx.fillStyle = cssColor('--window');
      ctx.fillRect(x0, top, x1 - x0, height);
      ctx.fillStyle = cssColor('--window-label');
      // At the bottom: the tier bands are labelled at the top.
      ctx.fillText(
        `${window.name} ≥ ${window.minReplicas}`,
        x0 + 4 * devicePixelRatio,
        top + height - 6 * devicePixelRatio,
      );
    }
    ctx.restore();
  }

  /** A dashed line per decision on the canvas, and a hoverable marker over it. */
  private drawMarkers(u: uPlot): void {
    const { ctx } = u;
    const { top, height } = u.bbox;
    const [xMin, xMax] = [u.scales.x.min ?? 0, u.scales.x.max ?? 0];
    const visible = this.decisions.filter((d) => {
      const t = Date.parse(d.at) / 1000;
      return t >= xMin && t <= xMax;
    });
    ctx.save();
    ctx.strokeStyle = cssColor('--marker');
    ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.lineWidth = devicePixelRatio;
    for (const decision of visible) {
      const x = Math.round(u.valToPos(Date.parse(decision.at) / 1000, 'x', true));
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    ctx.restore();
    this.placeMarkerElements(u, visible);
  }

  private placeMarkerElements(u: uPlot, decisions: WireDecision[]): void {
    while (this.markers.length > decisions.length) this.markers.pop()!.remove();
    while (this.markers.length < decisions.length) {
      const marker = document.createElement('button');
      marker.type = 'button';
      marker.className = 'decision-marker';
      marker.addEventListener('mouseenter', () => this.showTooltip(marker));
      marker.addEventListener('focus', () => this.showTooltip(marker));
      marker.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
      marker.addEventListener('blur', () => (this.tooltip.hidden = true));
      u.over.append(marker);
      this.markers.push(marker);
    }
    decisions.forEach((decision, i) => {
      const marker = this.markers[i];
      marker.style.left = `${u.valToPos(Date.parse(decision.at) / 1000, 'x')}px`;
      marker.dataset.reason = decision.reason;
      marker.dataset.at = decision.at;
      const trace = traceText(decision);
      marker.dataset.text =
        `${this.labels.label(decision.reason)} at ${formatTime(decision.at)}: ${decision.message}` +
        (trace ? `\n${trace}` : '');
      marker.setAttribute('aria-label', marker.dataset.text);
    });
  }

  private showTooltip(marker: HTMLElement): void {
    this.tooltip.textContent = marker.dataset.text ?? '';
    const box = marker.getBoundingClientRect();
    const parent = this.container.getBoundingClientRect();
    this.tooltip.style.left = `${Math.max(0, box.left - parent.left - 120)}px`;
    this.tooltip.style.top = `${box.bottom - parent.top + 4}px`;
    this.tooltip.hidden = false;
  }
}
