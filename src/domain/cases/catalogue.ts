import type { AtensiMenu } from '../../db/schema/index.ts';

/**
 * The ATENSI service catalogue (Progres 5.0 NP), per menu: what a plan item
 * and a service given pick from. Codes are stable (stored, exported, served
 * by the API); labels live in the dictionaries (`cases.svc.<code>`, id and
 * en). Each menu has its `<menu>_lainnya` ("other"), whose detail is the note:
 * free text is only ever a note. Add codes at the end of a menu; never rename one.
 */
export const SERVICE_CATALOGUE = {
  bantuan: ['sandang', 'pangan', 'alat_bantu', 'dokumen_kependudukan', 'transportasi_pulang', 'bantuan_lainnya'],
  terapi: ['terapi_fisik', 'terapi_mental', 'terapi_spiritual', 'terapi_psikososial', 'terapi_vokasional', 'terapi_lainnya'],
  perawatan: ['perawatan_harian', 'perawatan_kesehatan', 'pengasuhan', 'perawatan_lainnya'],
  dukungan_keluarga: ['penelusuran_keluarga', 'konseling_keluarga', 'reunifikasi', 'penguatan_ekonomi_keluarga', 'dukungan_keluarga_lainnya'],
} as const satisfies Record<AtensiMenu, readonly string[]>;

export type ServiceCode = (typeof SERVICE_CATALOGUE)[AtensiMenu][number];
export const SERVICE_CODES: readonly ServiceCode[] = Object.values(SERVICE_CATALOGUE).flat();

/** The menu a service code belongs to, or null for a code the catalogue does not hold. */
export function menuOfService(code: string): AtensiMenu | null {
  for (const [menu, codes] of Object.entries(SERVICE_CATALOGUE)) if ((codes as readonly string[]).includes(code)) return menu as AtensiMenu;
  return null;
}

/** "Other": the note must say what was given or planned. */
export const isOtherService = (code: string): boolean => code.endsWith('_lainnya');
