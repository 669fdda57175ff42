import { randomBytes } from 'node:crypto';
import type { AuthenticatedUser } from '../authenticated-user.js';
import type { SessionCookieData, SessionData } from './session-data.js';

type Callback = (error?: unknown) => void;

/** What a RequestSession needs of the hooks that made it (session-hooks.ts): the store. */
export interface SessionHost {
  /** Writes the session (new or changed) under `sid`, its cookie's expiry moved to now + TTL. */
  save(sid: string, session: RequestSession): Promise<void>;
  /** Deletes the session `sid`. */
  destroy(sid: string): Promise<void>;
}

/** Where a request keeps its session (the Fastify request). */
export interface SessionHolder {
  session?: RequestSession;
}

/**
 * One request's session, as passport 0.7 uses it (`regenerate`, `save`, and `passport.user`
 * set on it) and as express-session's sessions were: the object's own fields are the data
 * (JSON.stringify gives the row's `data`); its id and state live in private fields, which
 * JSON leaves out.
 */
export class RequestSession implements SessionData {
  cookie: SessionCookieData;
  passport?: { user?: unknown };

  #id: string | undefined;
  /** A row exists for it (read at the start of this request, or saved since). */
  #stored: boolean;
  /** Saved during this request: the row is current, no touch needed at its end. */
  #saved = false;
  /** Changed without a save (a user that no longer exists dropped): saved at the end. */
  #modified = false;
  /** The signed cookie value the request came with, for this session (checked already). */
  readonly #cookieValue: string | undefined;
  readonly #host: SessionHost;
  readonly #request: SessionHolder;

  constructor(
    host: SessionHost,
    request: SessionHolder,
    data: SessionData | undefined,
    id?: string,
    cookieValue?: string,
  ) {
    this.#host = host;
    this.#request = request;
    this.#id = id;
    this.#cookieValue = cookieValue;
    this.#stored = data !== undefined;
    this.cookie = data?.cookie ?? { originalMaxAge: null };
    if (data?.passport !== undefined) this.passport = data.passport;
  }

  /** The session id, made on first use for a new session (express-session's format). */
  get id(): string {
    return (this.#id ??= randomBytes(24).toString('base64url'));
  }

  /** The cookie value the client sent for this session, if it sent one (verified). */
  get cookieValue(): string | undefined {
    return this.#cookieValue;
  }

  get isStored(): boolean {
    return this.#stored;
  }

  get isSaved(): boolean {
    return this.#saved;
  }

  get isModified(): boolean {
    return this.#modified;
  }

  /** The user the session holds, as SessionSerializer wrote it (unchecked). */
  get serializedUser(): unknown {
    return this.passport?.user;
  }

  /** Forgets the user (it no longer deserializes); the row is rewritten at the end. */
  dropUser(): void {
    if (this.passport) delete this.passport.user;
    this.#modified = true;
  }

  /** passport's log-in: the old session is deleted and a new one, new id, takes its place. */
  regenerate(callback: Callback): void {
    const replaced = this.#stored ? this.#host.destroy(this.id) : Promise.resolve();
    this.#stored = false;
    replaced.then(
      () => {
        const next = new RequestSession(this.#host, this.#request, undefined);
        next.cookie.secure = this.cookie.secure;
        this.#request.session = next;
        callback();
      },
      (error: unknown) => callback(error),
    );
  }

  save(callback: Callback = () => undefined): void {
    this.#host.save(this.id, this).then(
      () => {
        this.#stored = true;
        this.#saved = true;
        this.#modified = false;
        callback();
      },
      (error: unknown) => callback(error),
    );
  }

  destroy(callback: Callback = () => undefined): void {
    this.#request.session = undefined;
    const destroyed = this.#stored ? this.#host.destroy(this.id) : Promise.resolve();
    this.#stored = false;
    destroyed.then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The session (session-hooks.ts), on the routes that have one; none after a log-out. */
    session?: RequestSession;
    /** The logged-in user (the session's, or passport's at log-in). */
    user?: AuthenticatedUser;
  }
}
