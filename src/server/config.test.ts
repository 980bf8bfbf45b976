import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('names the variable and the problem when a value is bad', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-cfg-'));
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DATA_DIR: dir });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as ConfigError).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('DATABASE_URL: must start with postgres://');
    }
  });

  it('generates a session secret once and keeps it in DATA_DIR', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-cfg-'));
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(a.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(b.SESSION_SECRET).toBe(a.SESSION_SECRET);
    expect(readFileSync(path.join(dir, 'secrets/session-secret'), 'utf8')).toBe(a.SESSION_SECRET);
  });

  it('defaults to port 3000 and derives the public URL from it', () => {
    const c = loadConfig({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'vt-cfg-')), SESSION_SECRET: 'x'.repeat(40) });
    expect(c.PORT).toBe(3000);
    expect(c.PUBLIC_URL).toBe('http://localhost:3000');
  });
});
