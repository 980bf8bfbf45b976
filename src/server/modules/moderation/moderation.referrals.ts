/**
 * Where to send what the city hall does not handle: the body's name and its official website.
 * Names are proper nouns shown in every language; the surrounding sentence comes from the catalogue.
 */
import type { Language } from '../../../shared/languages.ts';

/** The other administrations the assistant refers people to. */
export const REFERRALS = [
  'national_police',
  'immigration',
  'tax_agency',
  'social_security',
  'employment',
  'traffic',
  'health_service',
  'civil_registry',
] as const;
export type Referral = (typeof REFERRALS)[number];

export function isReferral(value: string): value is Referral {
  return (REFERRALS as readonly string[]).includes(value);
}

/** A body with its name per language and its official website. */
export interface Destination {
  name: Record<Language, string>;
  url: string;
}

const SAME = (name: string): Record<Language, string> => ({ es: name, ca: name, en: name });

const NATIONAL: Record<Exclude<Referral, 'health_service'>, Destination> = {
  national_police: {
    name: { es: 'la Policía Nacional (DNI y pasaporte)', ca: 'la Policia Nacional (DNI i passaport)', en: 'the National Police (DNI and passport)' },
    url: 'https://www.citapreviadnie.es',
  },
  immigration: {
    name: { es: 'la Oficina de Extranjería', ca: "l'Oficina d'Estrangeria", en: 'the Immigration Office (Extranjería)' },
    url: 'https://sede.administracionespublicas.gob.es',
  },
  tax_agency: {
    name: { es: 'la Agencia Tributaria', ca: "l'Agència Tributària", en: 'the Tax Agency (Agencia Tributaria)' },
    url: 'https://sede.agenciatributaria.gob.es',
  },
  social_security: {
    name: { es: 'la Seguridad Social', ca: 'la Seguretat Social', en: 'Social Security (Seguridad Social)' },
    url: 'https://sede.seg-social.gob.es',
  },
  employment: {
    name: { es: 'el SEPE (Servicio Público de Empleo)', ca: "el SEPE (Servici Públic d'Ocupació)", en: 'SEPE, the public employment service' },
    url: 'https://www.sepe.es',
  },
  traffic: {
    name: { es: 'la DGT (Dirección General de Tráfico)', ca: 'la DGT (Direcció General de Trànsit)', en: 'the DGT, the traffic authority' },
    url: 'https://sede.dgt.gob.es',
  },
  civil_registry: {
    name: { es: 'el Registro Civil', ca: 'el Registre Civil', en: 'the Civil Registry (Registro Civil)' },
    url: 'https://sede.mjusticia.gob.es',
  },
};

// Health cards and GP appointments belong to each autonomous community; INE province codes (first two
// digits of the municipality code) tell which one.
const HEALTH_SERVICES: readonly { provinces: readonly string[]; destination: Destination }[] = [
  {
    provinces: ['03', '12', '46'],
    destination: { name: { es: 'la Conselleria de Sanidad (GVA)', ca: 'la Conselleria de Sanitat (GVA)', en: 'the Valencian health service (GVA)' }, url: 'https://www.san.gva.es' },
  },
  {
    provinces: ['05', '09', '24', '34', '37', '40', '42', '47', '49'],
    destination: { name: SAME('Sacyl (Salud Castilla y León)'), url: 'https://www.saludcastillayleon.es' },
  },
  {
    provinces: ['08', '17', '25', '43'],
    destination: { name: SAME('CatSalut'), url: 'https://catsalut.gencat.cat' },
  },
  {
    provinces: ['28'],
    destination: { name: { es: 'el Servicio Madrileño de Salud', ca: 'el Servici Madrileny de Salut', en: 'the Madrid health service' }, url: 'https://www.comunidad.madrid/servicios/salud' },
  },
];

const HEALTH_FALLBACK: Destination = {
  name: {
    es: 'el servicio de salud de su comunidad autónoma',
    ca: 'el servici de salut de la seua comunitat autònoma',
    en: "your region's health service",
  },
  url: 'https://www.sanidad.gob.es',
};

/** The body for a referral; the health service depends on the council's INE code ("03014" -> Valencian). */
export function destinationFor(referral: Referral, ineCode?: string): Destination {
  if (referral !== 'health_service') return NATIONAL[referral];
  const province = ineCode?.slice(0, 2);
  return HEALTH_SERVICES.find((h) => province !== undefined && h.provinces.includes(province))?.destination ?? HEALTH_FALLBACK;
}

/** Free legal guidance: the bar associations' guidance services. */
export const LEGAL_DESTINATION: Destination = {
  name: {
    es: 'el Servicio de Orientación Jurídica del Colegio de la Abogacía',
    ca: "el Servici d'Orientació Jurídica del Col·legi de l'Advocacia",
    en: "the bar association's free legal guidance service",
  },
  url: 'https://www.abogacia.es',
};
