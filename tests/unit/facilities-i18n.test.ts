import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allKeys } from '../../src/i18n/index.ts';
import * as S from '../../src/db/schema/index.ts';
import { NEEDS } from '../../src/domain/facilities/inputs.ts';

/** Every facilities message the code and views name exists in both languages (a missing one shows its key to a person). */
describe('facilities messages', () => {
  const { id, en } = allKeys();
  const files = [
    ...readdirSync('src/domain/facilities').map((f) => join('src/domain/facilities', f)),
    ...readdirSync('src/routes/facilities').map((f) => join('src/routes/facilities', f)),
    ...readdirSync('views/pages/facilities').map((f) => join('views/pages/facilities', f)),
    ...readdirSync('views/partials/facilities').map((f) => join('views/partials/facilities', f)),
  ];
  const literal = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'(facilities\.[a-z_]+(?:\.[A-Za-z_]+)?)'/g)) {
      if (!m[1]!.endsWith('.')) literal.add(m[1]!);
    }
  }
  const dynamic = [
    ...S.FACILITY_KINDS.flatMap((k) => [`facilities.kind.${k}`, `facilities.kind_short.${k}`]),
    ...S.FACILITY_STATUSES.flatMap((s) => [`facilities.status.${s}`, `facilities.action.${s}`]),
    ...S.SERVICES.map((s) => `facilities.service.${s}`),
    ...S.CLUSTERS.map((c) => `facilities.cluster.${c}`),
    ...S.UNIT_ADMITS.map((a) => `facilities.admits.${a}`),
    ...S.UNIT_FEATURES.map((f) => `facilities.feature.${f}`),
    ...S.UNIT_STATUSES.map((s) => `facilities.unit_status.${s}`),
    ...NEEDS.map((n) => `facilities.need.${n}`),
    ...['capacity', 'blocked', 'status', 'created'].map((f) => `facilities.history_field.${f}`),
  ];

  it('finds the keys it checks', () => {
    expect(literal.size).toBeGreaterThan(40);
  });

  it.each([...literal, ...dynamic])('%s exists in Bahasa Indonesia and English', (key) => {
    expect(id).toContain(key);
    expect(en).toContain(key);
  });
});
