import type { FacilityKind, Service, Cluster, UnitAdmits, UnitFeature } from '../db/schema/index.ts';

/**
 * DKI Jakarta sample facilities for the demo database. Names are modelled on
 * the kinds of places used in 2020 (sports halls as TPS, Kemensos sentra and
 * Dinsos panti, community LKS) but the data is invented and marked as demo.
 */
export interface DemoUnit {
  name: string;
  capacity: number;
  admits: UnitAdmits;
  features?: UnitFeature[];
  bedLabelPattern?: string;
}
/** What a demo facility is and where, whether written here or made by the national set. */
export interface DemoFacilityFacts {
  code: string;
  kind: FacilityKind;
  name: string;
  wilayah: string;
  address: string;
  lat: number;
  lng: number;
  operator: string;
  contactName: string;
  contactPhone: string;
  services: Service[];
  clusters: Cluster[];
}

export interface DemoFacility extends DemoFacilityFacts {
  status: 'STANDBY' | 'OPEN' | 'CLOSED';
  protected?: boolean;
  units: DemoUnit[];
}

/** The zones of a demo TPS, `scale` times the places (the browser tests lay their TPS out the same way). */
export const tpsUnits = (scale: number): DemoUnit[] => [
  { name: 'Zona A Laki-laki', capacity: 40 * scale, admits: 'male' },
  { name: 'Zona B Perempuan', capacity: 30 * scale, admits: 'female' },
  { name: 'Zona C Keluarga', capacity: 24 * scale, admits: 'family' },
  { name: 'Zona D Lansia & Disabilitas', capacity: 8 * scale, admits: 'any', features: ['accessible', 'elderly'] },
];

const lksUnits = (slots: number): DemoUnit[] => [
  { name: 'Penempatan keluarga', capacity: Math.ceil(slots * 0.6), admits: 'family' },
  { name: 'Penempatan perorangan', capacity: Math.floor(slots * 0.4), admits: 'any' },
];

const DINSOS = 'Dinas Sosial Provinsi DKI Jakarta';

/** A community welfare institution from its code, name, kab/kota, coordinates and slots. */
function lks([code, name, wilayah, lat, lng, slots]: readonly [string, string, string, number, number, number]): DemoFacility {
  return {
    code,
    kind: 'LKS',
    name,
    wilayah,
    address: `${name}, Jakarta`,
    lat,
    lng,
    operator: name.replace(/^LKS /, ''),
    contactName: 'Koordinator LKS',
    contactPhone: '0813-3000-' + code.slice(-2).padStart(4, '0'),
    status: 'OPEN',
    services: [],
    clusters: ['tuna_sosial'],
    units: lksUnits(slots),
  };
}
const KEMENSOS = 'Kementerian Sosial RI';

export const DEMO_FACILITIES: DemoFacility[] = [
  // One TPS (sports hall) in each of the five city areas, and a second one on standby.
  { code: 'TPS-JP-01', kind: 'TPS', name: 'GOR Cempaka Putih', wilayah: '31.71', address: 'Jl. Cempaka Putih Tengah, Jakarta Pusat', lat: -6.1806, lng: 106.8705, operator: DINSOS, contactName: 'Sri Wahyuni', contactPhone: '0812-1000-0101', status: 'OPEN', services: ['medical'], clusters: ['tuna_sosial'], units: tpsUnits(1) },
  { code: 'TPS-JU-01', kind: 'TPS', name: 'GOR Koja', wilayah: '31.72', address: 'Jl. Mindi, Koja, Jakarta Utara', lat: -6.1185, lng: 106.9102, operator: DINSOS, contactName: 'Agus Salim', contactPhone: '0812-1000-0201', status: 'OPEN', services: [], clusters: ['tuna_sosial'], units: tpsUnits(1) },
  { code: 'TPS-JB-01', kind: 'TPS', name: 'GOR Cengkareng', wilayah: '31.73', address: 'Jl. Kamal Raya, Cengkareng, Jakarta Barat', lat: -6.1486, lng: 106.7351, operator: DINSOS, contactName: 'Dewi Lestari', contactPhone: '0812-1000-0301', status: 'OPEN', services: ['medical'], clusters: ['tuna_sosial'], units: tpsUnits(1) },
  { code: 'TPS-JS-01', kind: 'TPS', name: 'GOR Pasar Minggu', wilayah: '31.74', address: 'Jl. Raya Ragunan, Pasar Minggu, Jakarta Selatan', lat: -6.2855, lng: 106.8247, operator: DINSOS, contactName: 'Hendra Gunawan', contactPhone: '0812-1000-0401', status: 'OPEN', services: [], clusters: ['tuna_sosial'], units: tpsUnits(1) },
  { code: 'TPS-JT-01', kind: 'TPS', name: 'GOR Ciracas', wilayah: '31.75', address: 'Jl. Raya Bogor, Ciracas, Jakarta Timur', lat: -6.3238, lng: 106.8748, operator: DINSOS, contactName: 'Rina Marlina', contactPhone: '0812-1000-0501', status: 'OPEN', services: ['medical'], clusters: ['tuna_sosial'], units: tpsUnits(1) },
  { code: 'TPS-JP-02', kind: 'TPS', name: 'GOR Tanah Abang', wilayah: '31.71', address: 'Jl. K.H. Mas Mansyur, Tanah Abang, Jakarta Pusat', lat: -6.2030, lng: 106.8127, operator: DINSOS, contactName: 'Bambang Sutrisno', contactPhone: '0812-1000-0102', status: 'STANDBY', services: [], clusters: ['tuna_sosial'], units: tpsUnits(1) },

  // Seven residential centres with different services and clusters.
  { code: 'BLS-JS-01', kind: 'BALAI', name: 'Balai Rehabilitasi Sosial Ibu dan Anak "Kasih Bunda"', wilayah: '31.74', address: 'Jl. Margaguna, Jakarta Selatan', lat: -6.2517, lng: 106.7953, operator: KEMENSOS, contactName: 'dr. Maria Ulfa', contactPhone: '0812-2000-0101', status: 'OPEN', services: ['maternity', 'early_childhood', 'medical', 'child_protection'], clusters: ['anak'],
    units: [
      { name: 'Wisma Melati (ibu & anak)', capacity: 12, admits: 'family', features: ['maternity', 'crib'], bedLabelPattern: 'M-{n}' },
      { name: 'Wisma Mawar (ibu hamil)', capacity: 8, admits: 'female', features: ['maternity'], bedLabelPattern: 'R-{n}' },
      { name: 'Wisma Anggrek (anak)', capacity: 10, admits: 'children', features: ['crib'], bedLabelPattern: 'A-{n}' },
    ] },
  { code: 'BLS-JT-01', kind: 'BALAI', name: 'Sentra Handayani', wilayah: '31.75', address: 'Jl. PPA, Bambu Apus, Jakarta Timur', lat: -6.3106, lng: 106.9012, operator: KEMENSOS, contactName: 'Yusuf Hidayat', contactPhone: '0812-2000-0201', status: 'OPEN', services: ['child_protection', 'early_childhood', 'medical'], clusters: ['anak'],
    units: [
      { name: 'Asrama Anak Putra', capacity: 20, admits: 'children', bedLabelPattern: 'P-{n}' },
      { name: 'Asrama Anak Putri', capacity: 20, admits: 'children', bedLabelPattern: 'W-{n}' },
    ] },
  { code: 'PNT-JT-01', kind: 'PANTI', name: 'Panti Sosial Tresna Werdha Budi Mulia 1', wilayah: '31.75', address: 'Jl. Bina Marga, Cipayung, Jakarta Timur', lat: -6.3185, lng: 106.8957, operator: DINSOS, contactName: 'Sutini', contactPhone: '0812-2000-0301', status: 'OPEN', services: ['elderly', 'medical', 'wheelchair_access', 'disability_physical'], clusters: ['lansia'],
    units: [
      { name: 'Wisma Lansia Putra', capacity: 16, admits: 'male', features: ['elderly', 'accessible'], bedLabelPattern: 'LP-{n}' },
      { name: 'Wisma Lansia Putri', capacity: 16, admits: 'female', features: ['elderly', 'accessible'], bedLabelPattern: 'LW-{n}' },
    ] },
  { code: 'PNT-JB-01', kind: 'PANTI', name: 'Panti Sosial Bina Daksa Budi Bhakti', wilayah: '31.73', address: 'Jl. Daan Mogot, Jakarta Barat', lat: -6.1573, lng: 106.7419, operator: DINSOS, contactName: 'Fransiska Dewi', contactPhone: '0812-2000-0401', status: 'OPEN', services: ['disability_physical', 'wheelchair_access', 'medical'], clusters: ['disabilitas'],
    units: [
      { name: 'Kamar Aksesibel 1', capacity: 10, admits: 'any', features: ['accessible'], bedLabelPattern: 'K1-{n}' },
      { name: 'Kamar Keluarga Aksesibel', capacity: 8, admits: 'family', features: ['accessible'], bedLabelPattern: 'KK-{n}' },
    ] },
  { code: 'LOK-JU-01', kind: 'LOKA', name: 'Loka Rehabilitasi Sosial Korban NAPZA "Insan Pulih"', wilayah: '31.72', address: 'Jl. Plumpang Semper, Jakarta Utara', lat: -6.1271, lng: 106.9056, operator: KEMENSOS, contactName: 'Ahmad Fauzi', contactPhone: '0812-2000-0501', status: 'OPEN', services: ['addiction', 'medical'], clusters: ['napza'],
    units: [{ name: 'Ruang Rehabilitasi', capacity: 14, admits: 'male', bedLabelPattern: 'N-{n}' }] },
  { code: 'BLS-JT-02', kind: 'BALAI', name: 'Balai Perlindungan Perempuan "Mulya Jaya"', wilayah: '31.75', address: '(dirahasiakan)', lat: -6.29, lng: 106.88, operator: KEMENSOS, contactName: 'Pengelola', contactPhone: '0812-2000-0601', status: 'OPEN', services: ['women_protection', 'medical', 'child_protection'], clusters: ['tuna_sosial'], protected: true,
    units: [{ name: 'Wisma Aman', capacity: 12, admits: 'female', features: ['crib'], bedLabelPattern: 'S-{n}' }] },
  // Trafficking victims of any sex need protection: a protected home with a men's and a women's wing.
  { code: 'RPTC-JT-01', kind: 'BALAI', name: 'Rumah Perlindungan dan Trauma Center (RPTC)', wilayah: '31.75', address: '(dirahasiakan)', lat: -6.30, lng: 106.87, operator: KEMENSOS, contactName: 'Pengelola', contactPhone: '0812-2000-0602', status: 'OPEN', services: ['trafficking_protection', 'women_protection', 'medical'], clusters: ['tuna_sosial'], protected: true,
    units: [
      { name: 'Wisma Putra', capacity: 8, admits: 'male', bedLabelPattern: 'TP-{n}' },
      { name: 'Wisma Putri', capacity: 8, admits: 'female', bedLabelPattern: 'TW-{n}' },
    ] },

  // Ten community welfare institutions (LKS) for family- and community-based care.
  ...(
    [
      ['LKS-JP-01', 'LKS Yayasan Bina Insan Mandiri', '31.71', -6.1751, 106.8650, 30],
      ['LKS-JP-02', 'LKS Rumah Singgah Kasih Sesama', '31.71', -6.1900, 106.8430, 20],
      ['LKS-JU-01', 'LKS Yayasan Pesisir Peduli', '31.72', -6.1210, 106.8800, 25],
      ['LKS-JU-02', 'LKS Panti Asuhan Cahaya Harapan', '31.72', -6.1380, 106.8950, 15],
      ['LKS-JB-01', 'LKS Yayasan Sahabat Jalanan', '31.73', -6.1680, 106.7600, 30],
      ['LKS-JB-02', 'LKS Griya Karya Mandiri', '31.73', -6.1520, 106.7900, 20],
      ['LKS-JS-01', 'LKS Yayasan Kampung Berdaya', '31.74', -6.2600, 106.8100, 25],
      ['LKS-JS-02', 'LKS Rumah Pemulihan Keluarga', '31.74', -6.2400, 106.8300, 15],
      ['LKS-JT-01', 'LKS Yayasan Tunas Bangsa', '31.75', -6.2300, 106.9000, 30],
      ['LKS-JT-02', 'LKS Komunitas Peduli Ciracas', '31.75', -6.3200, 106.8700, 20],
    ] as const
  ).map(lks),
];

export const DEMO_PASSWORD = 'singgah-demo';

/** Demo accounts (INTERFACES.md): one per role, plus a few more to show scope. */
export const DEMO_ACCOUNTS = [
  { username: 'admin', role: 'admin', display_name: 'Admin Demo' },
  { username: 'command', role: 'command', display_name: 'Pusat Komando Dinsos DKI' },
  { username: 'display', role: 'display', display_name: 'Layar Dinding Pusat Komando' },
  { username: 'satpol', role: 'satpol', wilayah: '31.71', display_name: 'Satpol PP Jakarta Pusat', staff_number: '19800101 200501 1 001' },
  { username: 'intake', role: 'intake', facility: 'TPS-JP-01', display_name: 'Petugas GOR Cempaka Putih', staff_number: '19900202 201501 2 002' },
  { username: 'manager', role: 'manager', facility: 'BLS-JS-01', display_name: 'Pengelola Balai Kasih Bunda' },
  { username: 'intake.ju', role: 'intake', facility: 'TPS-JU-01', display_name: 'Petugas GOR Koja' },
  { username: 'manager.tps', role: 'manager', facility: 'TPS-JP-01', display_name: 'Koordinator GOR Cempaka Putih' },
  { username: 'manager.lansia', role: 'manager', facility: 'PNT-JT-01', display_name: 'Pengelola Panti Budi Mulia 1' },
  { username: 'satpol.jt', role: 'satpol', wilayah: '31.75', display_name: 'Satpol PP Jakarta Timur' },
  { username: 'pendamping', role: 'pendamping', wilayah: '31.71', cluster: 'tuna_sosial', display_name: 'Pendamping Tuna Sosial & KPO Jakarta Pusat' },
  { username: 'pendamping.lansia', role: 'pendamping', facility: 'PNT-JT-01', cluster: 'lansia', display_name: 'Pendamping LU Panti Budi Mulia 1' },
  // A pendamping for every cluster somewhere (issue 24): Sakti Peksos for children, disability, NAPZA.
  { username: 'pendamping.anak', role: 'pendamping', facility: 'BLS-JT-01', cluster: 'anak', display_name: 'Sakti Peksos Sentra Handayani' },
  { username: 'pendamping.disabilitas', role: 'pendamping', facility: 'PNT-JB-01', cluster: 'disabilitas', display_name: 'Pendamping Disabilitas Panti Bina Daksa Budi Bhakti' },
  { username: 'pendamping.napza', role: 'pendamping', facility: 'LOK-JU-01', cluster: 'napza', display_name: 'Konselor Adiksi Loka Insan Pulih' },
] as const;

/**
 * The PWTC picture (DOMAIN.md): about forty facilities in the five city areas —
 * three sports halls as TPS in each, eight residential centres, seventeen LKS.
 */
const MORE_TPS: [string, string, string, number, number][] = [
  ['TPS-JP-03', 'GOR Kemayoran', '31.71', -6.1634, 106.8459],
  ['TPS-JU-02', 'GOR Tanjung Priok', '31.72', -6.1097, 106.8806],
  ['TPS-JU-03', 'GOR Cilincing', '31.72', -6.1066, 106.9431],
  ['TPS-JB-02', 'GOR Kebon Jeruk', '31.73', -6.1937, 106.7695],
  ['TPS-JB-03', 'GOR Tambora', '31.73', -6.1466, 106.8029],
  ['TPS-JS-02', 'GOR Bulungan', '31.74', -6.2413, 106.7979],
  ['TPS-JS-03', 'GOR Tebet', '31.74', -6.2264, 106.8550],
  ['TPS-JT-02', 'GOR Jatinegara', '31.75', -6.2150, 106.8700],
  ['TPS-JT-03', 'GOR Cakung', '31.75', -6.1850, 106.9350],
];
const MORE_LKS: [string, string, string, number, number, number][] = [
  ['LKS-JP-03', 'LKS Yayasan Rumah Harapan Senen', '31.71', -6.1760, 106.8420, 30],
  ['LKS-JU-03', 'LKS Yayasan Nelayan Sejahtera', '31.72', -6.1050, 106.9200, 25],
  ['LKS-JB-03', 'LKS Yayasan Anak Kali Angke', '31.73', -6.1400, 106.7800, 25],
  ['LKS-JS-03', 'LKS Griya Lansia Kebayoran', '31.74', -6.2450, 106.7850, 20],
  ['LKS-JT-03', 'LKS Yayasan Cahaya Cipinang', '31.75', -6.2250, 106.8850, 30],
  ['LKS-JT-04', 'LKS Rumah Singgah Pulogadung', '31.75', -6.1900, 106.9000, 25],
  ['LKS-JS-04', 'LKS Yayasan Pemberdayaan Manggarai', '31.74', -6.2100, 106.8500, 25],
];

export const PWTC_FACILITIES: DemoFacility[] = [
  ...DEMO_FACILITIES.map((f) => (f.status === 'STANDBY' ? { ...f, status: 'OPEN' as const } : f)),
  ...MORE_TPS.map(([code, name, wilayah, lat, lng]): DemoFacility => ({
    code,
    kind: 'TPS',
    name,
    wilayah,
    address: `${name}, Jakarta`,
    lat,
    lng,
    operator: DINSOS,
    contactName: 'Koordinator GOR',
    contactPhone: '0812-1000-0' + code.slice(-3),
    status: 'OPEN',
    services: [],
    clusters: ['tuna_sosial'],
    units: tpsUnits(1),
  })),
  { code: 'PNT-JB-02', kind: 'PANTI', name: 'Panti Sosial Bina Laras Harapan Sentosa', wilayah: '31.73', address: 'Jl. Daan Mogot KM 13, Jakarta Barat', lat: -6.1530, lng: 106.7300, operator: DINSOS, contactName: 'Pengelola Panti', contactPhone: '0812-2000-0701', status: 'OPEN', services: ['disability_mental', 'medical'], clusters: ['disabilitas'],
    units: [
      { name: 'Wisma Laras Putra', capacity: 24, admits: 'male', bedLabelPattern: 'HP-{n}' },
      { name: 'Wisma Laras Putri', capacity: 20, admits: 'female', bedLabelPattern: 'HW-{n}' },
    ] },
  { code: 'BLS-BKS-01', kind: 'BALAI', name: 'Sentra Terpadu Pangudi Luhur', wilayah: '32.75', address: 'Jl. H. Moeljadi Djojomartono, Bekasi', lat: -6.2349, lng: 106.9896, operator: KEMENSOS, contactName: 'Pengelola Sentra', contactPhone: '0812-2000-0801', status: 'OPEN', services: ['elderly', 'disability_physical', 'disability_sensory', 'disability_intellectual', 'disability_mental', 'wheelchair_access', 'maternity', 'early_childhood', 'medical'], clusters: ['lansia', 'disabilitas', 'anak'],
    units: [
      { name: 'Wisma Lansia', capacity: 24, admits: 'any', features: ['elderly', 'accessible'], bedLabelPattern: 'WL-{n}' },
      { name: 'Wisma Keluarga', capacity: 20, admits: 'family', features: ['maternity', 'crib', 'accessible'], bedLabelPattern: 'WK-{n}' },
    ] },
  ...MORE_LKS.map(lks),
];
