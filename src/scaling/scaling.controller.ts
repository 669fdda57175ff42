import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { DecisionRepository } from './decisions/decision.repository.js';
import { decisionRow } from './decisions/decision-record.js';
import { DecisionDto, DecisionPageDto } from './dto/decision.dto.js';
import { DEFAULT_DECISIONS_LIMIT, DecisionsQueryDto } from './dto/decisions-query.dto.js';
import { ScalingStatusDto } from './dto/scaling-status.dto.js';
import { ScalingService } from './scaling.service.js';

/** Read-only, aggregate numbers only (no usernames): public, no login needed. */
@ApiTags('scaling')
@Controller('scaling')
export class ScalingController {
  constructor(
    private readonly scaling: ScalingService,
    private readonly decisions: DecisionRepository,
  ) {}

  /** What this API replica counts, decides and last wrote. */
  @Get('status')
  @ApiOperation({
    summary:
      'Active users, desired replicas, the last decision, the policy, and the state of the KiadaServiceCount writer',
  })
  @ApiOkResponse({ type: ScalingStatusDto })
  status(): ScalingStatusDto {
    const { lastDecision, ...state } = this.scaling.state;
    const { namespace, name } = state.resource;
    return {
      ...state,
      lastDecision: lastDecision
        ? DecisionDto.from(decisionRow(lastDecision, { namespace, name }))
        : null,
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
}
