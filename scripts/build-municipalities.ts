/**
 * Builds data/municipalities/municipios.json from the IGN/CNIG gazetteer CSV
 * (Nomenclátor Geográfico de Municipios y Entidades de Población; `;`-separated, decimal commas, UTF-8).
 *
 *   npx tsx scripts/build-municipalities.ts [path/to/municipios.csv]
 *
 * The output is compact (one array per municipality) because it ships in the repository and is
 * loaded into global_municipalities at seed time without needing the source file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SOURCE = path.resolve(ROOT, '../shared/data/municipalities-es/municipios.csv');
const OUTPUT = path.join(ROOT, 'data/municipalities/municipios.json');

export interface BuiltMunicipality {
  ine5: string;
  name: string;
  provinceCode: string;
  province: string;
  population: number;
  lat: number;
  lon: number;
}

/** "-0,48149" -> -0.48149; throws on anything else so bad rows are noticed, not silently zeroed. */
function decimalComma(value: string, field: string, line: number): number {
  const n = Number(value.trim().replace(',', '.'));
  if (!Number.isFinite(n)) throw new Error(`line ${line}: ${field} is not a number: "${value}"`);
  return n;
}

/** Parses the gazetteer CSV text; the 11-digit INE code becomes the usual 5-digit one (its first five). */
export function parseGazetteer(text: string): BuiltMunicipality[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(';');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`column ${name} missing`);
    return i;
  };
  const c = {
    ine: col('COD_INE'),
    provCode: col('COD_PROV'),
    prov: col('PROVINCIA'),
    name: col('NOMBRE_ACTUAL'),
    pop: col('POBLACION_MUNI'),
    lon: col('LONGITUD_ETRS89'),
    lat: col('LATITUD_ETRS89'),
  };
  const out: BuiltMunicipality[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = (lines[i] ?? '').split(';');
    const ine = (f[c.ine] ?? '').trim();
    if (!/^\d{11}$/.test(ine)) throw new Error(`line ${i + 1}: bad COD_INE "${ine}"`);
    out.push({
      ine5: ine.slice(0, 5),
      name: (f[c.name] ?? '').trim(),
      provinceCode: (f[c.provCode] ?? '').trim().padStart(2, '0'),
      province: (f[c.prov] ?? '').trim(),
      population: Math.round(decimalComma(f[c.pop] ?? '', 'POBLACION_MUNI', i + 1)),
      // 5 decimals of a degree is about 1 m: more would only bloat the file.
      lat: Number(decimalComma(f[c.lat] ?? '', 'LATITUD_ETRS89', i + 1).toFixed(5)),
      lon: Number(decimalComma(f[c.lon] ?? '', 'LONGITUD_ETRS89', i + 1).toFixed(5)),
    });
  }
  return out;
}

function main(): void {
  const source = process.argv[2] ?? DEFAULT_SOURCE;
  const rows = parseGazetteer(readFileSync(source, 'utf8'));
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.ine5)) throw new Error(`duplicate INE code ${r.ine5}`);
    seen.add(r.ine5);
  }
  const doc = {
    source: 'IGN/CNIG, Nomenclátor Geográfico de Municipios y Entidades de Población 2024',
    licence: 'CC BY 4.0',
    attribution: 'IGN/CNIG, CC BY 4.0',
    columns: ['ine5', 'name', 'provinceCode', 'province', 'population', 'lat', 'lon'],
    rows: rows.map((r) => [r.ine5, r.name, r.provinceCode, r.province, r.population, r.lat, r.lon]),
  };
  writeFileSync(OUTPUT, JSON.stringify(doc).replace(/\],\[/g, '],\n['));
  process.stdout.write(`${rows.length} municipalities -> ${path.relative(ROOT, OUTPUT)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
