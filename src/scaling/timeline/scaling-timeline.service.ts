import {
  BeforeApplicationShutdown,
  Injectable,
  MessageEvent,
  OnApplicationBootstrap,
} from '@nestjs/common';
import {
  EMPTY,
  Observable,
  Subject,
  Subscription,
  concat,
  defer,
  filter,
  map,
  merge,
  of,
  takeUntil,
} from 'rxjs';
import { Clock } from '../../common/clock.js';
import type { Decision } from '../decision.js';
import { DecisionRecorder } from '../decisions/decision-recorder.service.js';
import { decisionRow } from '../decisions/decision-record.js';
import { DecisionDto } from '../dto/decision.dto.js';
import { MAX_HISTORY_SECONDS } from '../dto/history-query.dto.js';
import { ScalingSnapshotDto } from '../dto/timeline.dto.js';
import { ScalingResourceView } from '../scaling-resource.view.js';
import { ScalingService } from '../scaling.service.js';
import { LatestThrottle } from './latest-throttle.js';
import { TimelineHistory } from './timeline-history.js';
import {
  ScalingSnapshot,
  TimelinePoint,
  sameSnapshot,
  scalingSnapshot,
  timelinePoint,
} from './timeline-point.js';

/** Points go to the stream at most this often while something changes. */
export const STREAM_INTERVAL_MS = 250;
/** How long this process keeps points for the chart's history (its longest range). */
export const HISTORY_RETENTION_MS = MAX_HISTORY_SECONDS * 1000;
/** A client that lost the stream tries again after this long (the SSE `retry` field). */
export const STREAM_RETRY_MS = 1_000;
/**
 * A quiet stream sends a `ping` this often: proxies close idle connections (nginx after
 * 60 s), and a write is how a server learns that a client vanished.
 */
export const STREAM_KEEPALIVE_MS = 20_000;

/**
 * The dashboard's data in this api process: every change of the active users, the decision
 * or the resource's status becomes a snapshot; snapshots go to the live stream (at most one
 * per STREAM_INTERVAL_MS, the latest, shared by every client) and into the in-memory
 * history; decisions go to the stream at once, on every api replica. Aggregates only, no
 * usernames.
 */
@Injectable()
export class ScalingTimeline implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly history = new TimelineHistory(HISTORY_RETENTION_MS);
  private readonly snapshots = new Subject<ScalingSnapshot>();
  private readonly decisions = new Subject<DecisionDto>();
  private readonly closed = new Subject<void>();
  private readonly throttle: LatestThrottle<ScalingSnapshot>;
  private readonly subscriptions: Subscription[] = [];
  private last: ScalingSnapshot | undefined;
  private lastDecision: Decision | null = null;
  private shuttingDown = false;

  constructor(
    private readonly scaling: ScalingService,
    private readonly view: ScalingResourceView,
    private readonly recorder: DecisionRecorder,
    private readonly clock: Clock,
  ) {
    this.throttle = new LatestThrottle(clock, STREAM_INTERVAL_MS, (snapshot) =>
      this.snapshots.next(snapshot),
    );
  }

  onApplicationBootstrap(): void {
    this.subscriptions.push(
      this.scaling.changes$.subscribe(() => this.update()),
      this.view.changes$.subscribe(() => this.update()),
      // What the operator reported (pauses, fallbacks): every replica records those. This
      // api's own decisions come from ScalingService (update): only one replica's write
      // lands and is recorded, but every replica makes the same decision.
      this.recorder.recorded$
        .pipe(filter((row) => row.dedupeKey !== null))
        .subscribe((row) => this.decisions.next(DecisionDto.from(row))),
    );
    this.update();
  }

  /** Ends every open stream, so the HTTP server can close (a stream never ends by itself). */
  beforeApplicationShutdown(): void {
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
    this.throttle.cancel();
    this.shuttingDown = true;
    this.closed.next();
    this.closed.complete();
  }

  /** What holds now. */
  current(): ScalingSnapshot {
    return this.last ?? this.snapshotNow();
  }

  /** The chart's points in [from, to] (epoch ms), at most `maxPoints`. */
  points(from: number, to: number, maxPoints: number): TimelinePoint[] {
    return this.history.between(from, to, maxPoints);
  }

  /**
   * The live stream for one client: the current snapshot at once, then `point` events
   * (throttled) and `decision` events (at once), until the client leaves or the app stops.
   * A stream opened while the app stops ends at once (a browser reconnecting over a kept-alive
   * connection must not hold the shutdown).
   */
  events(): Observable<MessageEvent> {
    if (this.shuttingDown) return EMPTY;
    const points = concat(
      defer(() => of(this.current())),
      this.snapshots,
    ).pipe(map((snapshot) => pointEvent(snapshot)));
    const decisions = this.decisions.pipe(
      map((decision): MessageEvent => ({ type: 'decision', data: decision })),
    );
    const pings = every(this.clock, STREAM_KEEPALIVE_MS).pipe(
      map((): MessageEvent => ({ type: 'ping', data: '' })),
    );
    return merge(points, decisions, pings).pipe(takeUntil(this.closed));
  }

  private update(): void {
    const { lastDecision } = this.scaling.state;
    if (lastDecision && lastDecision !== this.lastDecision) {
      this.lastDecision = lastDecision;
      const { namespace, name } = this.scaling.state.resource;
      this.decisions.next(DecisionDto.from(decisionRow(lastDecision, { namespace, name })));
    }
    const next = this.snapshotNow();
    if (this.last && sameSnapshot(this.last, next)) return;
    this.last = next;
    this.history.add(timelinePoint(next));
    this.throttle.push(next);
  }

  private snapshotNow(): ScalingSnapshot {
    return scalingSnapshot(this.clock.now(), this.scaling.state, this.view.current());
  }
}

/** Emits every `periodMs` by the injected clock (rxjs's interval would need real time). */
function every(clock: Clock, periodMs: number): Observable<void> {
  return new Observable<void>((subscriber) => {
    const timer = clock.setInterval(() => subscriber.next(), periodMs);
    return () => timer.cancel();
  });
}

function pointEvent(snapshot: ScalingSnapshot): MessageEvent {
  return { type: 'point', data: ScalingSnapshotDto.fromSnapshot(snapshot), retry: STREAM_RETRY_MS };
}
