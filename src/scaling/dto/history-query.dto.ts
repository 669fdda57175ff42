import { IsISO8601, IsOptional } from 'class-validator';

export class HistoryQueryDto {
  /** Start of the range (RFC 3339); default: 15 minutes before `to`. */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** End of the range (RFC 3339); default: now. */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
