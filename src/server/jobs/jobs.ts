/**
 * Background jobs inside the server process (reminders, deliveries to councils' systems, retention, digests). Every
 * job claims its work in the database, so several instances may run the same job at once without doing anything
 * twice; what this adds is the timing, no overlap within one process, and a record of each run for /metrics.
 */

/** Where job runs are recorded (the Prometheus metrics in production; anything in tests). */
export interface JobRecorder {
  /** One run of `job` ended: `ok` or `failed`, after `seconds`. */
  ran(job: string, outcome: 'ok' | 'failed', seconds: number): void;
}

export interface JobOptions {
  /** A stable name for logs and metrics (`procedures`, `retention`, `observatory-daily`). */
  name: string;
  run: () => Promise<unknown>;
  /** The first run, this long after the start, in ms: lets the server finish starting. */
  firstRunMs: number;
  /** Then every this long, in ms. */
  intervalMs: number;
  onError: (err: unknown) => void;
  recorder?: JobRecorder | undefined;
}

/** Runs one job on a timer, never two runs of it at once in this process; returns the function that stops it. */
export function startJob(opts: JobOptions): () => void {
  let isRunning = false;
  const tick = async () => {
    if (isRunning) return;
    isRunning = true;
    const started = performance.now();
    try {
      await opts.run();
      opts.recorder?.ran(opts.name, 'ok', (performance.now() - started) / 1000);
    } catch (err) {
      opts.recorder?.ran(opts.name, 'failed', (performance.now() - started) / 1000);
      opts.onError(err);
    } finally {
      isRunning = false;
    }
  };
  const first = setTimeout(() => void tick(), opts.firstRunMs);
  const every = setInterval(() => void tick(), opts.intervalMs);
  // Timers alone must not keep a process alive (the CLI, tests).
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
