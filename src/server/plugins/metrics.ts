import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxBacklogRow } from '../db/outbox.ts';
import { AppError } from '../errors.ts';
import type { JobRecorder } from '../jobs/index.ts';

/** Prometheus metrics: process defaults plus request durations by route pattern (never by raw URL). */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: { registry?: Registry; token?: string | undefined }) => {
    const registry = opts.registry ?? new Registry();
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    app.decorate('metrics', registry);
    app.addHook('onResponse', async (req, reply) => {
      duration.observe(
        { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    const expected = opts.token ? createHash('sha256').update(`Bearer ${opts.token}`).digest() : undefined;
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      // Compared as hashes in constant time: the token's length and prefix leak nothing.
      if (expected && !timingSafeEqual(createHash('sha256').update(req.headers.authorization ?? '').digest(), expected)) {
        throw new AppError('common.unauthorized', { log: 'metrics without the METRICS_TOKEN bearer' });
      }
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'ventanilla-metrics' },
);

/**
 * Background job runs on /metrics: runs by outcome, and when each job last succeeded (alert when that grows old:
 * reminders and deliveries to councils' systems have stopped).
 */
export function jobRecorderFor(registry: Registry): JobRecorder {
  const runs = new Counter({ name: 'ventanilla_job_runs_total', help: 'Background job runs by outcome', labelNames: ['job', 'outcome'], registers: [registry] });
  const lastSuccess = new Gauge({ name: 'ventanilla_job_last_success_timestamp_seconds', help: 'When each background job last ran without error (Unix time)', labelNames: ['job'], registers: [registry] });
  const lastDuration = new Gauge({ name: 'ventanilla_job_last_duration_seconds', help: 'How long the last run of each background job took', labelNames: ['job'], registers: [registry] });
  return {
    ran(job, outcome, seconds) {
      runs.inc({ job, outcome });
      lastDuration.set({ job }, seconds);
      if (outcome === 'ok') lastSuccess.set({ job }, Date.now() / 1000);
    },
  };
}

/**
 * Wraps a database read for gauges collected together: the gauges of one scrape share one read (reused for 100 ms),
 * and a failed read is not reused, so the next scrape asks the database again.
 */
export function oneReadPerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!cached || performance.now() - cached.at > 100) {
      const value = read();
      cached = { at: performance.now(), value };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}

/**
 * The outboxes' backlog on /metrics, read from the database at each scrape: rows still to deliver or refused per
 * outbox, council and status, and how long the oldest has waited (alert on failed > 0, or pending growing old).
 */
export function registerOutboxGauges(registry: Registry, sources: Record<string, () => Promise<OutboxBacklogRow[]>>): void {
  type Entry = { labels: { outbox: string; tenant: string; status: string }; row: OutboxBacklogRow };
  // prom-client collects all metrics of a scrape at once: both gauges share one read.
  const read = oneReadPerScrape(async (): Promise<Entry[]> => {
    const all: Entry[] = [];
    for (const [outbox, source] of Object.entries(sources)) for (const row of await source()) all.push({ labels: { outbox, tenant: row.tenant_id, status: row.status }, row });
    return all;
  });
  const labelNames = ['outbox', 'tenant', 'status'];
  new Gauge({
    name: 'ventanilla_outbox_rows',
    help: "Deliveries to councils' own systems not yet made (pending, sending) or refused for good (failed)",
    labelNames,
    registers: [registry],
    async collect() {
      const entries = await read();
      this.reset();
      for (const { labels, row } of entries) this.set(labels, row.rows);
    },
  });
  new Gauge({
    name: 'ventanilla_outbox_oldest_seconds',
    help: 'Age of the oldest row not yet delivered, per outbox, council and status, in seconds',
    labelNames,
    registers: [registry],
    async collect() {
      const entries = await read();
      this.reset();
      for (const { labels, row } of entries) this.set(labels, Math.round(row.oldest_seconds));
    },
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}
