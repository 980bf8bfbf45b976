/**
 * A padrón reachable only through its web forms: a headless Chromium (playwright-core) signs in, fills the search
 * form and reads the result table, as a clerk would. One browser per process, one fresh context (cookies) per
 * lookup, lookups queued so a legacy application never sees more sessions than `maxConcurrent`.
 * The selectors below match the legacy app in fixtures/; a council adapts `RpaPadronScript` to its own screens.
 */
// Types only: the package itself is an optional dependency, loaded on the first lookup (launchChromium).
import type { Browser, Page } from 'playwright-core';
import { AppError } from '../../errors.ts';
import type { Household, Inhabitant, PadronConnector } from './connectors.types.ts';

/** Flags for a server without a display, GPU or outbound network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Starts Chromium through playwright-core, imported here rather than at the top: it is an optional dependency that
 * only councils on an RPA padrón need, so a server installed without it still starts and serves everyone else.
 */
async function launchChromium(opts: RpaConnectorOptions): Promise<Browser> {
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch (err) {
    throw new Error(`the RPA padrón connector needs the optional package playwright-core (npm install playwright-core): ${(err as Error).message}`, { cause: err });
  }
  return playwright.chromium.launch({ executablePath: opts.executablePath ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

export interface RpaConnectorOptions {
  baseUrl: string;
  user: string;
  password: string;
  /** Chromium binary; Debian's by default. */
  executablePath?: string;
  /** Per page navigation, milliseconds. */
  timeoutMs?: number;
  maxConcurrent?: number;
}

/** "12/03/1948" -> "1948-03-12"; empty -> undefined. */
export function isoFromDmy(dmy: string): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dmy.trim());
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}

async function signIn(page: Page, opts: RpaConnectorOptions): Promise<void> {
  await page.goto(`${opts.baseUrl}/login`);
  await page.fill('input[name="usuario"]', opts.user);
  await page.fill('input[name="clave"]', opts.password);
  await Promise.all([page.waitForURL(/\/menu$/), page.click('input[type="submit"]')]);
}

/** The value cell next to a label cell in the legacy result table. */
async function cell(page: Page, label: string): Promise<string> {
  return (await page.locator(`#resultado tr:has(td:text-is("${label}")) td:nth-child(2)`).innerText()).trim();
}

export interface RpaPadronConnector extends PadronConnector {
  /** Closes the browser (at shutdown). */
  close(): Promise<void>;
}

export function createRpaPadronConnector(opts: RpaConnectorOptions): RpaPadronConnector {
  let browser: Promise<Browser> | undefined;
  let running = 0;
  const waiting: (() => void)[] = [];
  const max = opts.maxConcurrent ?? 2;

  const getBrowser = () =>
    (browser ??= launchChromium(opts).catch((err: unknown) => {
      browser = undefined;
      throw err;
    }));

  async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    const context = await (await getBrowser()).newContext({ javaScriptEnabled: true });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(opts.timeoutMs ?? 10_000);
      await signIn(page, opts);
      return await fn(page);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('padron.connector_unavailable', { log: `padrón RPA: ${(err as Error).message}`, cause: err });
    } finally {
      await context.close().catch(() => undefined);
      running--;
      waiting.shift()?.();
    }
  }

  return {
    kind: 'rpa',
    async findInhabitant(_tenantId, dni) {
      return withPage(async (page): Promise<Inhabitant | undefined> => {
        await page.goto(`${opts.baseUrl}/consulta`);
        await page.fill('input[name="txtDNI"]', dni);
        await Promise.all([page.waitForLoadState('load'), page.click('input[name="btnBuscar"]')]);
        await page.waitForSelector('#resultado, #sin-resultados');
        if ((await page.locator('#sin-resultados').count()) > 0) return undefined;
        const registeredSince = isoFromDmy(await cell(page, 'F. ALTA'));
        if (!registeredSince) throw new AppError('padron.connector_unavailable', { log: 'padrón RPA: no registration date on the result page' });
        return {
          dni: await cell(page, 'DNI/NIE'),
          givenName: await cell(page, 'NOMBRE'),
          surname: await cell(page, 'APELLIDOS'),
          birthDate: isoFromDmy(await cell(page, 'F. NACIMIENTO')),
          householdId: await cell(page, 'HOJA PADRONAL'),
          registeredSince,
        };
      });
    },
    async findHousehold(_tenantId, householdId) {
      return withPage(async (page): Promise<Household | undefined> => {
        await page.goto(`${opts.baseUrl}/hoja`);
        await page.fill('input[name="txtHoja"]', householdId);
        await Promise.all([page.waitForLoadState('load'), page.click('input[type="submit"]')]);
        await page.waitForSelector('#hoja, #sin-resultados');
        if ((await page.locator('#sin-resultados').count()) > 0) return undefined;
        const address = (await page.locator('#domicilio').innerText()).trim();
        const rows = await page.locator('#habitantes tr.habitante').evaluateAll((trs) =>
          trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
        );
        const members: Inhabitant[] = rows.map(([dni = '', givenName = '', surname = '', birth = '', since = '']) => ({
          dni,
          givenName,
          surname,
          birthDate: isoFromDmy(birth),
          householdId,
          registeredSince: isoFromDmy(since) ?? '',
        }));
        return { id: householdId, address, members };
      });
    },
    async close() {
      const b = browser;
      browser = undefined;
      if (b) await (await b).close().catch(() => undefined);
    },
  };
}
