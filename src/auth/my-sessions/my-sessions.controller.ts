import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '../../common/error-response.dto.js';
import { SESSION_COOKIE_NAME } from '../auth.constants.js';
import { AuthService } from '../auth.service.js';
import type { AuthenticatedUser } from '../authenticated-user.js';
import { CurrentUser } from '../decorators/current-user.decorator.js';
import { AuthenticatedGuard } from '../guards/authenticated.guard.js';
import { clearSessionCookie } from '../http-session/clear-session-cookie.js';
import { loginSessionOf } from '../http-session/login-session.js';
import { SESSION_PUBLIC_ID_PATTERN } from './session-public-id.js';
import { UserSessionDto, UserSessionListDto } from './my-session.dto.js';
import { MySessionsService } from './my-sessions.service.js';

const NOT_LOGGED_IN = { type: ErrorResponseDto, description: 'Not logged in.' };
const DATABASE_DOWN = {
  type: ErrorResponseDto,
  description: 'The database is unreachable (with Retry-After): try again later.',
};

/** A user's own sessions (OWASP session management): list them, end one, end all. */
@ApiTags('auth')
@ApiCookieAuth(SESSION_COOKIE_NAME)
@UseGuards(AuthenticatedGuard)
@Controller('auth')
export class MySessionsController {
  constructor(
    private readonly userSessions: MySessionsService,
    private readonly auth: AuthService,
  ) {}

  @Get('sessions')
  @ApiOperation({ summary: "The logged-in user's live sessions" })
  @ApiOkResponse({ type: UserSessionListDto })
  @ApiUnauthorizedResponse(NOT_LOGGED_IN)
  @ApiServiceUnavailableResponse(DATABASE_DOWN)
  async list(
    @Req() request: FastifyRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<UserSessionListDto> {
    const sessions = await this.userSessions.list(user.id);
    return Object.assign(new UserSessionListDto(), {
      items: sessions.map((session) =>
        UserSessionDto.from(session, session.sid === request.session?.id),
      ),
    });
  }

  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End one of your sessions (ending the current one logs you out)',
  })
  @ApiParam({
    name: 'id',
    description: 'The id GET /auth/sessions lists.',
    schema: { type: 'string', pattern: SESSION_PUBLIC_ID_PATTERN },
  })
  @ApiNoContentResponse({ description: 'The session is ended.' })
  @ApiUnauthorizedResponse(NOT_LOGGED_IN)
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No live session of yours has this id (unknown, ended, or not yours).',
  })
  @ApiServiceUnavailableResponse(DATABASE_DOWN)
  async end(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    const sid = await this.userSessions.resolve(user.id, id);
    if (sid === request.session?.id) {
      await this.auth.logout(loginSessionOf(request), user);
      clearSessionCookie(request, response);
      return;
    }
    await this.userSessions.end(user.id, sid);
  }

  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Log out everywhere: ends every session of yours, this one too' })
  @ApiNoContentResponse({ description: 'Every session is ended and the cookie cleared.' })
  @ApiUnauthorizedResponse(NOT_LOGGED_IN)
  @ApiServiceUnavailableResponse(DATABASE_DOWN)
  async logoutAll(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    await this.userSessions.endAll(user.id);
    // The row is gone; destroying the request's session too keeps the session hooks from
    // touching it at the end of this request and sending its cookie again.
    await loginSessionOf(request).destroy();
    clearSessionCookie(request, response);
  }
}
