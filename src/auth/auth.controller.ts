import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { UserResponseDto } from '../users/dto/user-response.dto.js';
import { SESSION_COOKIE_NAME } from './auth.constants.js';
import { AuthService } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { CredentialsDto } from './dto/credentials.dto.js';
import { LoginResponseDto } from './dto/login-response.dto.js';
import { AuthenticatedGuard } from './guards/authenticated.guard.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { clearSessionCookie } from './http-session/clear-session-cookie.js';
import { loginSessionOf } from './http-session/login-session.js';
import { AuthThrottleGuard } from './throttling/auth-throttle.guard.js';
import { MySessionsService } from './my-sessions/my-sessions.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly userSessions: MySessionsService,
  ) {}

  @Post('signup')
  @UseGuards(AuthThrottleGuard)
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: UserResponseDto, description: 'The account was created.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid input (missing, malformed or unknown fields).',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The username is taken.' })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Too many attempts from this client or for this username.',
  })
  async signup(@Body() body: CredentialsDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.auth.signup(body.username, body.password));
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottleGuard, LocalAuthGuard)
  @ApiOperation({ summary: 'Log in: starts a session (cookie kiada.sid) with a new session id' })
  @ApiOkResponse({
    type: LoginResponseDto,
    description: 'Logged in; the response sets the session cookie.',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input.' })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Wrong username or password (one message for both).',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description:
      'Too many attempts from this client or for this username, or this username is locked ' +
      'out from this address after repeated failed logins (Retry-After says for how long).',
  })
  async login(
    @Body() _body: CredentialsDto,
    @Req() request: FastifyRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<LoginResponseDto> {
    await this.auth.login(loginSessionOf(request), user);
    await this.userSessions.describe(request.session!.id, request.headers['user-agent']);
    return Object.assign(new LoginResponseDto(), { id: user.id, username: user.username });
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(AuthenticatedGuard)
  @ApiCookieAuth(SESSION_COOKIE_NAME)
  @ApiOperation({ summary: 'Log out: destroys the session' })
  @ApiNoContentResponse({ description: 'The session is destroyed and the cookie cleared.' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Not logged in.' })
  async logout(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    await this.auth.logout(loginSessionOf(request), user);
    clearSessionCookie(request, response);
  }

  @Get('me')
  @UseGuards(AuthenticatedGuard)
  @ApiCookieAuth(SESSION_COOKIE_NAME)
  @ApiOperation({ summary: 'The logged-in user' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Not logged in.' })
  me(@CurrentUser() user: AuthenticatedUser): UserResponseDto {
    return UserResponseDto.from(user);
  }
}
