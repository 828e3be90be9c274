import fp from 'fastify-plugin';
import Fastify from 'fastify';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Security headers. The content security policy allows only our own scripts
 * and styles: htmx 4 runs under it because no page uses the features that
 * need eval (hx-on, trigger filters, js: values), and htmx's injected
 * indicator style is turned off in the htmx-config meta tag (see
 * docs/notes/htmx4.md).
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
  },
  // Served over plain HTTP on a shelter LAN as well as behind TLS; HSTS is the proxy's call.
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers helmet sets for HELMET_OPTIONS, asked of helmet once at start.
 * @fastify/helmet builds a new helmet middleware for every request, which
 * parses the CSP directives again each time (issue 27: `parseDirectives` and
 * `dashify` in every profile); the headers depend only on the options, which
 * change only with a deploy, so they are derived here once and every answer
 * gets the same frozen list. Helmet stays the one that decides what they are.
 */
export async function securityHeaders(options: FastifyHelmetOptions = HELMET_OPTIONS): Promise<Readonly<Record<string, string>>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get('/', async () => '');
  const res = await probe.inject('/');
  await probe.close();
  const ours = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);
  return Object.freeze(Object.fromEntries(Object.entries(res.headers).filter(([k, v]) => !ours.has(k) && typeof v === 'string') as [string, string][]));
}

export default fp(
  async (app) => {
    const headers = await securityHeaders();
    const names = Object.keys(headers);
    app.addHook('onRequest', (_request, reply, done) => {
      for (const name of names) reply.raw.setHeader(name, headers[name]!);
      done();
    });
  },
  { name: 'security' },
);
