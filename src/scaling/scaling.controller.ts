import { Controller, Get, MessageEvent, Query, Sse } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { Clock } from '../common/clock.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { DecisionRepository } from './decisions/decision.repository.js';
import { decisionRow } from './decisions/decision-record.js';
import { DecisionDto, DecisionPageDto } from './dto/decision.dto.js';
import { DEFAULT_DECISIONS_LIMIT, DecisionsQueryDto } from './dto/decisions-query.dto.js';
import { DEFAULT_HISTORY_SECONDS, HistoryQueryDto } from './dto/history-query.dto.js';
import {
  ScalingHistoryDto,
  ScalingSnapshotDto,
  ScheduleWindowDto,
  TimelinePointDto,
} from './dto/timeline.dto.js';
import { windowsBetween } from './schedules/schedule-windows.js';
import { OpenScheduleDto, ScalingStatusDto } from './dto/scaling-status.dto.js';
import { DECISION_REASONS } from './decision-reasons.js';
import { ScalingTimeline } from './timeline/scaling-timeline.service.js';
import { ScalingService } from './scaling.service.js';

const MAX_HISTORY_POINTS = 1_000;

/** A JSON event of /scaling/stream: its name and the schema of its data. */
const jsonEvent = (event: string, model: typeof ScalingSnapshotDto | typeof DecisionDto) => ({
  properties: {
    event: { enum: [event] },
    data: {
      type: 'string',
      contentMediaType: 'application/json',
      contentSchema: { $ref: getSchemaPath(model) },
    },
  },
});

/**
 * One event of GET /scaling/stream, the OpenAPI 3.2 way (`itemSchema` of text/event-stream:
 * the fields of a server-sent event, one alternative per event name). Keywords that OpenAPI
 * 3.0 also has (`enum`, not `const`), as the rest of the document is 3.0.
 */
const STREAM_EVENT = {
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', enum: ['point', 'decision', 'ping'] },
    data: { type: 'string' },
    id: { type: 'string' },
    retry: { type: 'integer', minimum: 0 },
  },
  oneOf: [
    jsonEvent('point', ScalingSnapshotDto),
    jsonEvent('decision', DecisionDto),
    { properties: { event: { enum: ['ping'] }, data: { enum: [''] } } },
  ],
};
const MAX_HISTORY_DECISIONS = 500;

/** Read-only, aggregate numbers only (no usernames): public, no login needed. */
@ApiTags('scaling')
@ApiExtraModels(ScalingSnapshotDto, DecisionDto)
@Controller('scaling')
export class ScalingController {
  constructor(
    private readonly scaling: ScalingService,
    private readonly decisions: DecisionRepository,
    private readonly timeline: ScalingTimeline,
    private readonly clock: Clock,
  ) {}

  /** What this API replica counts, decides and last wrote. */
  @Get('status')
  @ApiOperation({
    summary:
      'Active users, desired replicas, the last decision, the policy in force and its source, and the state of the KiadaServiceCount writer',
  })
  @ApiOkResponse({ type: ScalingStatusDto })
  status(): ScalingStatusDto {
    const { lastDecision, openSchedules, ...state } = this.scaling.state;
    const { namespace, name } = state.resource;
    return {
      ...state,
      lastDecision: lastDecision
        ? DecisionDto.from(decisionRow(lastDecision, { namespace, name }))
        : null,
      openSchedules: openSchedules.map(OpenScheduleDto.from),
      reasons: DECISION_REASONS.map(({ code, description, label }) => ({
        code,
        description,
        label,
      })),
    };
  }

  /** The decision record: why the replicas are what they are, newest first. */
  @Get('decisions')
  @ApiOperation({ summary: 'Scaling decisions, newest first (paged with `before`)' })
  @ApiOkResponse({ type: DecisionPageDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'limit or before is not a valid integer.',
  })
  async list(@Query() query: DecisionsQueryDto): Promise<DecisionPageDto> {
    const limit = query.limit ?? DEFAULT_DECISIONS_LIMIT;
    const rows = await this.decisions.list(limit, query.before);
    return {
      items: rows.map((row) => DecisionDto.from(row)),
      nextBefore: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }

  /** The chart's past: points from this api process's memory, decisions from the record. */
  @Get('history')
  @ApiOperation({
    summary: 'Active users and replicas over the last `seconds`, with the decisions made then',
  })
  @ApiOkResponse({ type: ScalingHistoryDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'seconds is not an integer from 1 to 21600.',
  })
  async history(@Query() query: HistoryQueryDto): Promise<ScalingHistoryDto> {
    const to = this.clock.now();
    const from = to - (query.seconds ?? DEFAULT_HISTORY_SECONDS) * 1000;
    const decisions = await this.decisions.between(from, to, MAX_HISTORY_DECISIONS);
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      points: this.timeline.points(from, to, MAX_HISTORY_POINTS).map(TimelinePointDto.from),
      decisions: decisions.map((row) => DecisionDto.from(row)),
      windows: this.scaling.state.policy.schedules
        .flatMap((schedule) => windowsBetween(schedule, from, to))
        .sort((a, b) => a.from - b.from)
        .map(ScheduleWindowDto.from),
    };
  }

  /** The dashboard's live data; EventSource reconnects by itself (retry: 1 s). */
  @Sse('stream')
  @ApiOperation({
    summary: 'Live scaling data as server-sent events',
    description:
      'Event `point`: a ScalingSnapshot, sent at once on connect, then at most every 250 ms while something changes. Event `decision`: a Decision with its trace (`steps`), sent as it is made. Event `ping`: empty, every 20 s while nothing else is sent (keeps proxies from closing the stream). Reconnect and fill the gap with GET /scaling/history.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'A text/event-stream of `point`, `decision` and `ping` events; each event is described by `itemSchema` (OpenAPI 3.2).',
    content: { 'text/event-stream': { itemSchema: STREAM_EVENT } } as never,
  })
  stream(): Observable<MessageEvent> {
    return this.timeline.events();
  }
}
