import { describe, it, expect } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { allKeys, translate, LANGS } from '../../src/i18n/index.ts';
import { testConfig, openTestDatabase } from '../helpers/app.ts';

/**
 * Messages in words, never codes (issue 25): no message a person reads shows a
 * date pattern ("TTTT-BB-HH") or a list of stored values ("dukungan_keluarga").
 */
describe('messages are words', () => {
  it('no message shows a date pattern or a stored value with an underscore', async () => {
    // Every area registers its messages as the app is built.
    const db = await openTestDatabase();
    const app = await buildApp(testConfig(), { db, logger: false });
    try {
      const keys = allKeys();
      const bad: string[] = [];
      for (const lang of LANGS) {
        for (const key of keys[lang]) {
          if (!/(invalid|bad_|_format|error\.)/.test(key)) continue;
          const text = translate(lang, key);
          if (/TTTT|BB-HH|YYYY-MM|\b[a-z]+_[a-z_]+\b/.test(text)) bad.push(`${lang} ${key}: ${text}`);
        }
      }
      expect(bad).toEqual([]);
    } finally {
      await app.close();
      await db.$engine.close();
    }
  });
});
