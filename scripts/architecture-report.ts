/**
 * The house plan in figures (issue 13): the largest server files, imports that reach past another module's index.ts,
 * import cycles between modules, server files over 600 lines and SQL outside repositories. Plain regexes over the
 * sources, so it reads any checkout (an old commit too) without dependency-cruiser or its config:
 *
 *   npx tsx scripts/architecture-report.ts [root]      the report (root: a checkout, default the current directory)
 *   npx tsx scripts/architecture-report.ts --check     only failures; exit 1 on a module cycle or a non-test reach-in
 *                                                     (npm run lint runs this)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const isCheck = args.includes('--check');
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? '.');

const MAX_LINES = 600;
const SOURCE = /\.(ts|tsx)$/;
const TEST = /\.(test|test-support|test-helpers)\.tsx?$|(^|\/)src\/server\/testing\//;

/** Every .ts/.tsx file under `dir`, as a path relative to the root with forward slashes. */
function walk(dir: string): string[] {
  const abs = path.join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of entries) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const rel = `${dir}/${name}`;
    const st = statSync(path.join(root, rel));
    if (st.isDirectory()) out.push(...walk(rel));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const files = ['src', 'bench', 'scripts'].flatMap(walk);
const text = new Map(files.map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
const lineCount = (f: string) => (text.get(f) ?? '').split('\n').length - ((text.get(f) ?? '').endsWith('\n') ? 1 : 0);
const isTest = (f: string) => TEST.test(f);
const isServer = (f: string) => f.startsWith('src/server/');

interface Import {
  from: string;
  to: string;
  isTypeOnly: boolean;
}

/** Static imports and re-exports (type-only when `import type`, `export type` or every named specifier is `type X`), and import(). */
function importsOf(file: string): Import[] {
  const src = text.get(file) ?? '';
  const out: Import[] = [];
  const add = (spec: string, isTypeOnly: boolean) => {
    if (!spec.startsWith('.')) return;
    out.push({ from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)), isTypeOnly });
  };
  const decl = /^[ \t]*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (let m = decl.exec(src); m; m = decl.exec(src)) {
    const clause = m[3] ?? '';
    const named = /^\{([\s\S]*)\}$/.exec(clause.trim());
    const specifiers = named?.[1]?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    const isAllTypes = specifiers.length > 0 && specifiers.every((s) => s.startsWith('type '));
    add(m[4] ?? '', m[2] !== undefined || isAllTypes);
  }
  const bare = /^[ \t]*import\s+['"]([^'"]+)['"]/gm;
  for (let m = bare.exec(src); m; m = bare.exec(src)) add(m[1] ?? '', false);
  // import('x') at run time; `typeof import('x')` and `import('x').T` in types.
  const dynamic = /(typeof\s+)?\bimport\(\s*['"]([^'"]+)['"]\s*\)(\.[A-Za-z_])?/g;
  for (let m = dynamic.exec(src); m; m = dynamic.exec(src)) add(m[2] ?? '', m[1] !== undefined || m[3] !== undefined);
  return out;
}

const imports = files.flatMap(importsOf);

/** `modules/<m>` for a module's files, else the area: `server/<dir>`, `server/<file>`, `cli`, `web`, `shared`, `bench`, `scripts`. */
function areaOf(f: string): string {
  const mod = /^src\/server\/modules\/([^/]+)\//.exec(f);
  if (mod) return `modules/${mod[1]}`;
  if (f.startsWith('src/server/modules/')) return `server/modules/${path.posix.basename(f)}`;
  const server = /^src\/server\/([^/]+)/.exec(f);
  if (server) return `server/${server[1]}`;
  return f.split('/')[f.startsWith('src/') ? 1 : 0] ?? f;
}
const moduleOf = (f: string) => /^src\/server\/modules\/([^/]+)\//.exec(f)?.[1];
/** A module's public surface: its index.ts (a nested index.ts, such as payments/gateway/index.ts, too). */
const isPublicSurface = (f: string) => /^src\/server\/modules\/[^/]+\/(?:[^/]+\/)?index\.tsx?$/.test(f);

// ---------------------------------------------------------------- reach-ins
const reachIns = imports.filter((i) => {
  const target = moduleOf(i.to);
  return target !== undefined && moduleOf(i.from) !== target && !isPublicSurface(i.to) && !i.from.startsWith('bench/') && !i.from.startsWith('scripts/');
});
const toolReachIns = imports.filter((i) => moduleOf(i.to) !== undefined && !isPublicSurface(i.to) && (i.from.startsWith('bench/') || i.from.startsWith('scripts/')));

// ---------------------------------------------------------------- cycles (Tarjan's strongly connected components)
function cycles(edges: Import[], nodeOf: (f: string) => string | undefined): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = nodeOf(e.from);
    const b = nodeOf(e.to);
    if (!a || !b || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)?.add(b);
  }
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        onStack.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}
const srcImports = imports.filter((i) => i.from.startsWith('src/') && text.has(i.to));
const nonTest = srcImports.filter((i) => !isTest(i.from));
const moduleCycles = cycles(nonTest, (f) => (moduleOf(f) ? `modules/${moduleOf(f)}` : undefined));
const areaCycles = cycles(nonTest, (f) => (f.startsWith('src/') ? areaOf(f) : undefined));
const moduleCyclesWithTests = cycles(srcImports, (f) => (moduleOf(f) ? `modules/${moduleOf(f)}` : undefined));

// ---------------------------------------------------------------- SQL outside its places
const SQL = /\b(SELECT\b[\s\S]*?\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[a-z_][a-z0-9_]*\s+SET\b|DELETE\s+FROM\b)/;
const STRING = /`(?:[^`\\]|\\[\s\S])*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g;
const isSqlHome = (f: string) => /\.repository\.ts$/.test(f) || f.startsWith('src/server/db/');
function sqlLines(f: string): number[] {
  const src = text.get(f) ?? '';
  const lines: number[] = [];
  for (let m = STRING.exec(src); m; m = STRING.exec(src)) {
    if (SQL.test(m[0])) lines.push(src.slice(0, m.index).split('\n').length);
  }
  return lines;
}
const serverSource = files.filter((f) => isServer(f) && !isTest(f));
const sqlOutside = serverSource.filter((f) => !isSqlHome(f)).map((f) => ({ f, lines: sqlLines(f) })).filter((x) => x.lines.length > 0);

// ---------------------------------------------------------------- report
const bySize = serverSource.map((f) => ({ f, n: lineCount(f) })).sort((a, b) => b.n - a.n || a.f.localeCompare(b.f));
const overMax = bySize.filter((x) => x.n > MAX_LINES);
const count = (list: Import[], test: boolean, typeOnly: boolean) => list.filter((i) => isTest(i.from) === test && i.isTypeOnly === typeOnly).length;
const show = (i: Import) => `    ${i.from} -> ${i.to}${i.isTypeOnly ? ' (type)' : ''}`;
const nonTestReachIns = reachIns.filter((i) => !isTest(i.from));

if (isCheck) {
  const problems: string[] = [];
  for (const c of moduleCycles) problems.push(`import cycle between modules: ${c.join(' <-> ')}`);
  for (const i of nonTestReachIns) problems.push(`reach-in past index.ts: ${i.from} -> ${i.to}`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  process.exit(0);
}

console.log(`Architecture report for ${root}\n`);
console.log(`Largest non-test server files (lines):`);
for (const { f, n } of bySize.slice(0, 10)) console.log(`  ${String(n).padStart(5)}  ${f}`);
console.log(`\nCross-module imports past index.ts (src/; importer in another module or outside the modules):`);
console.log(`  non-test: ${count(reachIns, false, false)} runtime + ${count(reachIns, false, true)} type-only = ${nonTestReachIns.length}`);
console.log(`  test:     ${count(reachIns, true, false)} runtime + ${count(reachIns, true, true)} type-only = ${reachIns.length - nonTestReachIns.length}`);
const viaTesting = reachIns.filter((i) => i.from.startsWith('src/server/testing/')).length;
console.log(`            of which in src/server/testing/ (the fixtures tests share): ${viaTesting}; in test files themselves: ${reachIns.length - nonTestReachIns.length - viaTesting}`);
console.log(`  (bench/ and scripts/, not counted above: ${toolReachIns.length})`);
for (const i of nonTestReachIns) console.log(show(i));
console.log(`\nImport cycles between modules (strongly connected components, non-test imports): ${moduleCycles.length}`);
for (const c of moduleCycles) console.log(`  ${c.join(' <-> ')}`);
console.log(`  counting test files too: ${moduleCyclesWithTests.length}${moduleCyclesWithTests.length ? ' (' + moduleCyclesWithTests.map((c) => c.join(' <-> ')).join('; ') + ')' : ''}`);
console.log(`  between areas (modules, kernel, plugins, db, web, cli...): ${areaCycles.length}`);
for (const c of areaCycles) console.log(`    ${c.join(' <-> ')}`);
console.log(`\nNon-test server files over ${MAX_LINES} lines: ${overMax.length}`);
for (const { f, n } of overMax) console.log(`  ${String(n).padStart(5)}  ${f}`);
console.log(`\nSQL text outside *.repository.ts, src/server/db/ and migrations (non-test server files): ${sqlOutside.length} files, ${sqlOutside.reduce((s, x) => s + x.lines.length, 0)} statements`);
for (const { f, lines } of sqlOutside) console.log(`  ${f}:${lines.join(',')}`);
