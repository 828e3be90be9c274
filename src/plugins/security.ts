import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

/**
 * Security headers. The content security policy allows only our own scripts
 * and styles: htmx 4 runs under it because no page uses the features that
 * need eval (hx-on, trigger filters, js: values), and htmx's injected
 * indicator style is turned off in the htmx-config meta tag (see
 * docs/notes/htmx4.md).
 */
export default fp(
  async (app) => {
    await app.register(helmet, {
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
    });
  },
  { name: 'security' },
);
