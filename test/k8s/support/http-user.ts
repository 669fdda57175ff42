/** A user driven over real HTTP, keeping the session cookie like a browser. */
export class HttpUser {
  private cookie = '';

  constructor(
    private readonly baseUrl: string,
    readonly username: string,
    private readonly password = 'correct horse battery staple',
  ) {}

  async signUp(): Promise<void> {
    await this.post('/auth/signup', { username: this.username, password: this.password }, 201);
  }

  async logIn(): Promise<void> {
    const response = await this.post('/auth/login', { username: this.username, password: this.password }, 200);
    const setCookie = response.headers.get('set-cookie');
    if (!setCookie) throw new Error('login returned no session cookie');
    this.cookie = setCookie.split(';')[0];
  }

  async logOut(): Promise<void> {
    await this.post('/auth/logout', undefined, 204);
  }

  private async post(path: string, body: unknown, expected: number): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status !== expected) {
      throw new Error(`POST ${path} as ${this.username}: ${response.status} ${await response.text()}`);
    }
    return response;
  }
}
