import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3190);
// Its own data folder per port, so two runs (two people, or a helper) never share an embedded database.
const DATA_DIR = process.env.E2E_DATA_DIR ?? (PORT === 3190 ? 'var/e2e' : `var/e2e-${PORT}`);

// Debian's Chromium (apt-get install chromium); Playwright never downloads a browser here.
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // The fake media device gives the kiosk camera journey a real video track (a test pattern) in headless Chromium.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    },
    screenshot: 'only-on-failure',
  },
  webServer: {
    // A fresh embedded database each run, so journeys start from the demo data.
    command: `rm -rf ${DATA_DIR} && node bin/ventanilla.js serve`,
    env: { PORT: String(PORT), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${PORT}`, DATA_DIR, LOG_LEVEL: 'warn', DATABASE_URL: process.env.E2E_DATABASE_URL ?? '' },
    url: `http://127.0.0.1:${PORT}/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
  },
});
