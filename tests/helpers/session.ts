import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A signed-in browser: keeps cookies and the CSRF token like a real one. */
export class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly app: FastifyInstance) {}

  private absorb(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="csrf-token" content="([^"]+)"/.exec(res.body) ?? /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader, ...headers } });
    this.absorb(res);
    return res;
  }

  /** A form post, with the CSRF token unless told otherwise. */
  async post(url: string, form: Record<string, string | string[]> = {}, opts: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    const params = new URLSearchParams();
    if (opts.csrf !== false) params.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) },
      payload: params.toString(),
    });
    this.absorb(res);
    return res;
  }

  /** JSON to the API with the browser session (CSRF header, as htmx would send). */
  async api(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method,
      url,
      headers: { cookie: this.cookieHeader, 'x-csrf-token': this.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    this.absorb(res);
    return res;
  }

  async login(username: string, password: string) {
    await this.get('/login');
    const res = await this.post('/login', { username, password });
    if (res.statusCode === 303 && this.cookies.has('sgh_session')) await this.get('/');
    return res;
  }
}

export async function signedIn(app: FastifyInstance, username: string, password: string): Promise<Browser> {
  const b = new Browser(app);
  const res = await b.login(username, password);
  if (res.statusCode !== 303) throw new Error(`login failed for ${username}: ${res.statusCode}`);
  return b;
}

/** Calls the API with a bearer token. */
export function bearer(app: FastifyInstance, token: string) {
  return (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
}

/** A `bearer` caller: the type every test that calls the API with a token declares its callers with. */
export type Call = ReturnType<typeof bearer>;

/**
 * A person registered and checked in through the API by an intake desk's
 * `bearer` caller, as the desk does: their id and their stay's id. A refusal
 * ends the test with the answer.
 */
export async function placedThroughApi(desk: Call, person: Record<string, unknown>): Promise<{ id: string; stayId: string }> {
  const res = await desk('POST', '/api/v1/residents', { persons: [person], confirm_new: true });
  if (res.statusCode !== 201) throw new Error(`intake failed: ${res.statusCode} ${res.body}`);
  const id = res.json().persons[0].id as string;
  const stay = await desk('POST', '/api/v1/stays', { person_id: id });
  if (stay.statusCode !== 201) throw new Error(`check-in failed: ${stay.statusCode} ${stay.body}`);
  return { id, stayId: stay.json().stays[0].id as string };
}
