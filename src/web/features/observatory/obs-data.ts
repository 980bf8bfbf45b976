/**
 * Enumerations and place lists the observatory pages need. The enums mirror the server's schemas
 * (src/server/modules/observatory/observatory.schemas.ts); they are repeated here as plain arrays so the
 * browser bundle does not pull in zod. Province names are official (bilingual where the law says so);
 * region names are translated in the catalogue (regions.<code>).
 */
export const AREAS = ['first-line-care', 'services-procedures', 'social-services', 'participation-open-government', 'planning-management', 'comprehensive-transformation'] as const;
export type Area = (typeof AREAS)[number];
export const PROJECT_TYPES = ['services', 'processes', 'organisation'] as const;
export const PHASES = ['prototype', 'pilot', 'implemented'] as const;
export const POPULATION_BANDS = ['under-1k', '1k-5k', '5k-20k', '20k-50k', '50k-100k', '100k-500k', 'over-500k'] as const;
export const SORTS = ['relevance', 'distance', 'recent', 'title', 'population', 'savings'] as const;
export const FLAG_REASONS = ['spam', 'abuse', 'off-topic', 'personal-data', 'other'] as const;
export const REQUEST_KINDS = ['contact', 'visit', 'collaboration'] as const;

export const PROVINCES: readonly (readonly [string, string])[] = [
  ['01', 'Araba/Álava'], ['02', 'Albacete'], ['03', 'Alacant/Alicante'], ['04', 'Almería'], ['05', 'Ávila'], ['06', 'Badajoz'],
  ['07', 'Illes Balears'], ['08', 'Barcelona'], ['09', 'Burgos'], ['10', 'Cáceres'], ['11', 'Cádiz'], ['12', 'Castelló/Castellón'],
  ['13', 'Ciudad Real'], ['14', 'Córdoba'], ['15', 'A Coruña'], ['16', 'Cuenca'], ['17', 'Girona'], ['18', 'Granada'],
  ['19', 'Guadalajara'], ['20', 'Gipuzkoa'], ['21', 'Huelva'], ['22', 'Huesca'], ['23', 'Jaén'], ['24', 'León'], ['25', 'Lleida'],
  ['26', 'La Rioja'], ['27', 'Lugo'], ['28', 'Madrid'], ['29', 'Málaga'], ['30', 'Murcia'], ['31', 'Navarra'], ['32', 'Ourense'],
  ['33', 'Asturias'], ['34', 'Palencia'], ['35', 'Las Palmas'], ['36', 'Pontevedra'], ['37', 'Salamanca'],
  ['38', 'Santa Cruz de Tenerife'], ['39', 'Cantabria'], ['40', 'Segovia'], ['41', 'Sevilla'], ['42', 'Soria'], ['43', 'Tarragona'],
  ['44', 'Teruel'], ['45', 'Toledo'], ['46', 'València/Valencia'], ['47', 'Valladolid'], ['48', 'Bizkaia'], ['49', 'Zamora'],
  ['50', 'Zaragoza'], ['51', 'Ceuta'], ['52', 'Melilla'],
];
/** INE codes of the autonomous communities and cities (names in the catalogue). */
export const REGIONS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19'] as const;
