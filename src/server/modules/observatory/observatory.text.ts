import type { Language } from '../../../shared/languages.ts';
import type { PopulationBand, Text } from './observatory.schemas.ts';

const FALLBACK: Record<Language, Language[]> = {
  es: ['es', 'ca', 'en'],
  // A Valencian reader understands Spanish before English.
  ca: ['ca', 'es', 'en'],
  en: ['en', 'es', 'ca'],
};

/** The text in `lang`, else the nearest language that exists; `language` says which one was used. */
export function pickText(text: Text | null | undefined, lang: Language): { text: string; language: Language | null } {
  for (const l of FALLBACK[lang]) {
    const v = text?.[l];
    if (v) return { text: v, language: l };
  }
  return { text: '', language: null };
}

/** Same cut points as SQL global_population_band() (inhabitants). */
export function populationBand(population: number | null | undefined): PopulationBand | null {
  if (population === null || population === undefined) return null;
  if (population < 1_000) return 'under-1k';
  if (population < 5_000) return '1k-5k';
  if (population < 20_000) return '5k-20k';
  if (population < 50_000) return '20k-50k';
  if (population < 100_000) return '50k-100k';
  if (population < 500_000) return '100k-500k';
  return 'over-500k';
}

/** Great-circle distance in km (haversine, mean Earth radius 6371.0088 km); the TS twin of global_distance_km. */
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/** "Smart Centres: formación" -> "smart-centres-formacion". */
export function slugify(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 70) || 'project';
}
