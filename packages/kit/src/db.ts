import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import { type Migration, type MigrationResultSet, Migrator } from "kysely/migration";
import pg from "pg";
import { sqlSpan } from "./telemetry.js";

// PostgreSQL's int8 (count(*), sums) as JS numbers: our counts and money fit in 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type { Kysely, Transaction };
export { sql };

export interface DatabaseOptions {
  url: string;
  /** The service's own PostgreSQL schema: unqualified names resolve there. */
  schema: string;
  poolMax?: number;
  applicationName?: string;
  /** An idle connection failed (server restart, terminated backend): the pool drops it and goes on. */
  onConnectionError?: (error: Error) => void;
  /** Called after every statement (metrics, tests counting queries). */
  onQuery?: (sql: string, durationMs: number) => void;
}

export interface Database<DB> {
  db: Kysely<DB>;
  pool: pg.Pool;
  schema: string;
  close(): Promise<void>;
}

/** A Kysely handle whose connections all use the service's schema first on the search path. */
export function createDatabase<DB>(options: DatabaseOptions): Database<DB> {
  assertIdentifier(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName ?? options.schema,
    options: `-c search_path=${options.schema},public`,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // Without a listener, an idle client's error would crash the process.
  pool.on("error", (error) => options.onConnectionError?.(error));
  const onQuery = options.onQuery;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === "query") onQuery?.(event.query.sql, event.queryDurationMillis);
      // Inside a traced request or event: a span per statement (see telemetry.ts).
      sqlSpan(
        options.schema,
        event.query.sql,
        event.queryDurationMillis,
        event.level === "error" ? event.error : undefined,
      );
    },
  }).withSchema(options.schema);
  return {
    db,
    pool,
    schema: options.schema,
    close: () => db.destroy(),
  };
}

/**
 * Applies the service's migrations in order. The migration table lives in the
 * service's schema, so services migrate independently; two processes
 * migrating at once are serialised by Kysely's lock.
 */
export async function migrate(
  db: Kysely<unknown>,
  schema: string,
  migrations: Record<string, Migration>,
): Promise<MigrationResultSet> {
  assertIdentifier(schema);
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    migrationTableSchema: schema,
    provider: { getMigrations: async () => migrations },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? "?"} of schema ${schema} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return result;
}

/** Whether every migration given is applied (readiness). */
export async function migrationsApplied(
  db: Kysely<unknown>,
  schema: string,
  migrations: Record<string, Migration>,
): Promise<boolean> {
  const migrator = new Migrator({
    db,
    migrationTableSchema: schema,
    provider: { getMigrations: async () => migrations },
  });
  const list = await migrator.getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe schema name: ${name}`);
}
