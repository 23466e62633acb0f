import { type Kysely, sql } from "kysely";

/**
 * Cursors carry created_at as a JavaScript Date (milliseconds); PostgreSQL
 * keeps microseconds. Stored at millisecond precision, a cursor compares
 * exactly, so no message falls between two pages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notification alter column created_at type timestamptz(3)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notification alter column created_at type timestamptz`.execute(db);
}
