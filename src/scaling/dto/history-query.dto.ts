import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The longest range of GET /scaling/history: what an api process keeps (6 hours). */
export const MAX_HISTORY_SECONDS = 6 * 3_600;
/** The chart's default range. */
export const DEFAULT_HISTORY_SECONDS = 15 * 60;

export class HistoryQueryDto {
  /**
   * The range: the last this many seconds, up to now (1 to 21600; default 900). A range
   * that ends now cannot be given backwards, so every value the schema allows is served.
   */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_HISTORY_SECONDS,
    default: DEFAULT_HISTORY_SECONDS,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_HISTORY_SECONDS)
  seconds?: number;
}
