/**
 * One database interface for the embedded PGlite default and a PostgreSQL server.
 * Repositories are the only callers; they write plain SQL with $1..$n parameters,
 * which both engines understand identically.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R extends object = Row> {
  rows: R[];
  /** Rows inserted/updated/deleted, when the engine reports it. */
  rowCount: number;
}

export interface Queryable {
  query<R extends object = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Notification = { channel: string; payload: string };

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back when it throws.
   * Inside `fn` use only `tx` (PGlite has a single connection, so `db.query` would wait forever).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

/** Postgres type OIDs whose default JS parsing differs between pg and PGlite; we pin them. */
export const TYPE_OIDS = { int8: 20, numeric: 1700, date: 1082 } as const;

/** int8 as number: our bigints are counts and cents, far below 2^53. */
export function parseInt8(value: string): number {
  return Number(value);
}

/** True for a PostgreSQL unique violation (PGlite and pg both report SQLSTATE 23505 in `code`). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
