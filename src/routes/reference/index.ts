import type { FastifyPluginAsync } from 'fastify';
import { searchWilayah } from '../../domain/reference/wilayah.ts';

/**
 * The wilayah picker's list (views/partials/wilayah/picker.eta): kab/kota whose name has the words
 * typed ("semarang", "jakarta sel") or whose code starts with them ("33.7"), as <option>s for the
 * field's datalist. htmx sends the field under its own name (persons.0.origin_wilayah_code,
 * destination_wilayah_code…), so the one value given is the text. Reference data every signed-in
 * form may use; it says nothing of people or places.
 */
const referenceRoutes: FastifyPluginAsync = async (app) => {
  app.get('/wilayah/options', { config: { access: 'authenticated' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const q = typeof query.q === 'string' ? query.q : Object.values(query).find((v): v is string => typeof v === 'string') ?? '';
    return reply.view('partials/wilayah/options', { options: q.trim() ? await searchWilayah(app.db, q) : [] });
  });
};
export default referenceRoutes;
