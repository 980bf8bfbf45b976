/**
 * Issue 6, weight: the JavaScript a citizen page downloads (entry, its preloads and one language's
 * catalogues) must stay under 200 KB gzipped; the embeddable widget under 60 KB. Reads dist/web (builds
 * it when missing) and prints the gzipped sizes with the ratio to each budget.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist/web');
const KB = 1024;
const CITIZEN_BUDGET = 200 * KB;
const WIDGET_BUDGET = 60 * KB;

async function ensureBuilt(): Promise<void> {
  if (existsSync(path.join(dist, 'index.html')) && existsSync(path.join(dist, 'widget.js'))) return;
  const vite = await import('vite');
  await vite.build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  await vite.build({ configFile: path.join(root, 'vite.widget.config.ts'), logLevel: 'warn' });
}

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
const fmt = (n: number) => `${(n / KB).toFixed(1)} KB`;

await ensureBuilt();
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
// What the page loads before it renders: the entry script and its modulepreloads.
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
const assets = readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js'));
// Catalogue chunks, by language: the entry's import map ("../../locales/<lang>/<ns>.json" → ./<chunk>.js).
const byLang: Record<string, string[]> = { es: [], ca: [], en: [] };
for (const f of initial) {
  const code = readFileSync(path.join(dist, f), 'utf8');
  for (const m of code.matchAll(/locales\/(es|ca|en)\/[a-z0-9-]+\.json["'`]\s*:[^,]{0,80}?import\(["'`]\.\/([^"'`]+\.js)/g)) {
    if (m[1] && m[2] && assets.includes(m[2])) byLang[m[1]]?.push(`assets/${m[2]}`);
  }
}
const initialBytes = initial.reduce((sum, f) => sum + gz(path.join(dist, f)), 0);
process.stdout.write(`web: initial JS (${initial.length} file(s)) ${fmt(initialBytes)} gzipped\n`);
let worst = 0;
for (const [lang, files] of Object.entries(byLang)) {
  const cat = files.reduce((sum, f) => sum + gz(path.join(dist, f)), 0);
  worst = Math.max(worst, initialBytes + cat);
  process.stdout.write(`web: catalogues ${lang} (${files.length} namespaces) ${fmt(cat)} → page total ${fmt(initialBytes + cat)}\n`);
}
process.stdout.write(`web: citizen page ${fmt(worst)} / budget ${fmt(CITIZEN_BUDGET)} = ${((worst / CITIZEN_BUDGET) * 100).toFixed(0)} %\n`);
const widget = gz(path.join(dist, 'widget.js'));
process.stdout.write(`web: widget.js ${fmt(widget)} / budget ${fmt(WIDGET_BUDGET)} = ${((widget / WIDGET_BUDGET) * 100).toFixed(0)} %\n`);
