import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ScalingStatusDto } from './dto/scaling-status.dto.js';
import { ScalingService } from './scaling.service.js';

@ApiTags('scaling')
@Controller('scaling')
export class ScalingController {
  constructor(private readonly scaling: ScalingService) {}

  /** What this API replica counts, decides and last wrote. Public: no login needed. */
  @Get('status')
  @ApiOperation({
    summary:
      'Active users, desired replicas, the policy, and the state of the KiadaServiceCount writer',
  })
  @ApiOkResponse({ type: ScalingStatusDto })
  status(): ScalingStatusDto {
    return this.scaling.state;
  }
}
