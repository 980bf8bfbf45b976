import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { jobRecorderFor } from '../plugins/metrics.ts';
import { startJob } from './jobs.ts';

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('a background job', () => {
  it('runs first after firstRunMs and then on its interval, never twice at once, and records each run on /metrics', async () => {
    const registry = new Registry();
    const errors: unknown[] = [];
    let started = 0;
    let running = 0;
    let overlapped = false;
    let release: () => void = () => undefined;
    const stop = startJob({
      name: 'test-job',
      firstRunMs: 5,
      intervalMs: 10,
      recorder: jobRecorderFor(registry),
      onError: (err) => errors.push(err),
      async run() {
        started++;
        running++;
        if (running > 1) overlapped = true;
        // The first run outlasts several intervals; the second fails.
        if (started === 1) await new Promise<void>((r) => (release = r));
        running--;
        if (started === 2) throw new Error('tax system down');
      },
    });
    try {
      await until(() => started === 1);
      await new Promise((r) => setTimeout(r, 60)); // six intervals pass while the first run is still going
      expect(started).toBe(1);
      release();
      await until(() => started >= 3);
    } finally {
      stop();
    }
    expect(overlapped).toBe(false);
    expect(errors.map((e) => (e as Error).message)).toEqual(['tax system down']);
    const text = await registry.metrics();
    expect(text).toMatch(/ventanilla_job_runs_total\{job="test-job",outcome="failed"\} 1\n/);
    expect(text).toMatch(/ventanilla_job_runs_total\{job="test-job",outcome="ok"\} [1-9]/);
    const last = Number(/ventanilla_job_last_success_timestamp_seconds\{job="test-job"\} ([\d.e+]+)/.exec(text)?.[1]);
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(5);
  });

  it('stops: no run after stop()', async () => {
    let runs = 0;
    const stop = startJob({ name: 'stopped', firstRunMs: 20, intervalMs: 20, onError: () => undefined, run: async () => void runs++ });
    stop();
    await new Promise((r) => setTimeout(r, 80));
    expect(runs).toBe(0);
  });
});
