import { ApiProperty } from '@nestjs/swagger';
import { SESSION_PUBLIC_ID_PATTERN } from './session-public-id.js';

const isoOrNull = (epochMs: number | null): string | null =>
  epochMs === null ? null : new Date(epochMs).toISOString();

/** One live session of the logged-in user. */
export class UserSessionDto {
  @ApiProperty({
    description:
      'Opaque id of the session (not its cookie value): DELETE /auth/sessions/{id} ends it.',
    pattern: SESSION_PUBLIC_ID_PATTERN,
    example: '3f0c4a539d6e2b8c1f3e5a770b0c4f4e',
  })
  id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When the session was created by a log-in (ISO 8601, UTC).',
    example: '2026-11-30T08:00:00.000Z',
  })
  createdAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'When a request last extended the session (ISO 8601, UTC; to within SESSION_TOUCH_AFTER_SECONDS).',
    example: '2026-11-30T09:12:00.000Z',
  })
  lastSeenAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The User-Agent header of the log-in (first 255 characters).',
    example: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  })
  userAgent: string | null;

  @ApiProperty({ description: 'Whether this is the session of the request itself.' })
  current: boolean;

  static from(
    session: {
      publicId: string;
      createdAt: number | null;
      lastSeenAt: number | null;
      userAgent: string | null;
    },
    current: boolean,
  ): UserSessionDto {
    return Object.assign(new UserSessionDto(), {
      id: session.publicId,
      createdAt: isoOrNull(session.createdAt),
      lastSeenAt: isoOrNull(session.lastSeenAt),
      userAgent: session.userAgent,
      current,
    });
  }
}

export class UserSessionListDto {
  @ApiProperty({ type: [UserSessionDto], description: 'Newest log-in first.' })
  items: UserSessionDto[];
}
