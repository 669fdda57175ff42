import { cookieOf } from './session-cookie.js';

/** The password of HTTP users unless one is given. */
export const DEFAULT_PASSWORD = 'correct horse battery staple';

/** A user driven over real HTTP, keeping the session cookie like a browser. */
export class HttpUser {
  private cookie = '';

  constructor(
    private readonly baseUrl: string,
    readonly username: string,
    private readonly password = DEFAULT_PASSWORD,
  ) {}

  /** `kiada.sid=...` of the last login ('' before one). */
  get sessionCookie(): string {
    return this.cookie;
  }

  async signUp(): Promise<void> {
    await this.post('/auth/signup', { username: this.username, password: this.password }, 201);
  }

  async logIn(): Promise<void> {
    const credentials = { username: this.username, password: this.password };
    const response = await this.post('/auth/login', credentials, 200);
    const setCookie = response.headers.get('set-cookie');
    if (!setCookie) throw new Error('login returned no session cookie');
    this.cookie = cookieOf(setCookie);
  }

  /** Logs out; the app clears the cookie, so the user no longer sends one (like a browser). */
  async logOut(): Promise<void> {
    await this.post('/auth/logout', undefined, 204);
    this.cookie = '';
  }

  /** POSTs JSON with the session cookie; reads the whole body; fails unless `expected`. */
  private async post(path: string, body: unknown, expected: number): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) {
      throw new Error(`POST ${path} as ${this.username}: ${response.status} ${text}`);
    }
    return response;
  }
}
