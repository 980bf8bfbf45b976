import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp, ROOT_DIR, WEB_DIST_DIR } from './app.ts';
import { boot } from './boot.ts';
import type { Config } from './config.ts';

/** Builds the web app when it has not been built yet, so `npm start` works on a fresh clone. */
async function ensureWebBuilt(log: (msg: string) => void): Promise<void> {
  if (existsSync(path.join(WEB_DIST_DIR, 'index.html')) && existsSync(path.join(WEB_DIST_DIR, 'widget.js'))) return;
  log('Building the web app (first start)…');
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log('Vite is not installed (production install?): run `npm run build` before starting.');
    return;
  }
  await vite.build({ configFile: path.join(ROOT_DIR, 'vite.config.ts'), logLevel: 'warn' });
  // The embeddable widget is its own bundle (dist/web/widget.js); after the app, whose build empties dist/web.
  await vite.build({ configFile: path.join(ROOT_DIR, 'vite.widget.config.ts'), logLevel: 'warn' });
}

/** Starts the server and shuts it down gracefully on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<void> {
  await ensureWebBuilt((m) => process.stdout.write(`${m}\n`));
  const booted = await boot(config);
  const app = await buildApp({ config, db: booted.db, tenants: booted.tenants });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Give in-flight requests up to 10 s; then leave anyway.
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error while closing');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.PORT, host: config.HOST });
  const names = booted.tenants.map((t) => `${t.profile.id} (${config.PUBLIC_URL}/t/${t.profile.id}/)`).join(', ');
  app.log.info({ database: booted.db.kind, migrations: booted.migrationsApplied.length }, `Ventanilla serving ${names}`);
}
