import { createProcessedEventTable } from "@retailer/kit";
import { type Kysely, sql } from "kysely";

/**
 * Search (PostgreSQL text search plus trigram similarity for typos), the
 * cheapest price of each product for filtering and sorting, reservations per
 * order, and the append-only stock movement log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm with schema public`.execute(db);
  await sql`alter table product
    add column search tsvector generated always as (
      setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')
    ) stored,
    add column min_price integer,
    add column max_price integer`.execute(db);
  await sql`create index product_search_idx on product using gin (search)`.execute(db);
  await sql`create index product_name_trgm_idx on product using gin (name public.gin_trgm_ops)`.execute(db);
  await sql`create index product_min_price_idx on product (min_price, id)`.execute(db);
  await sql`create index product_name_idx on product (name, id)`.execute(db);
  await sql`update product p set min_price = v.min, max_price = v.max
    from (select product_id, min(price) as min, max(price) as max from variant group by product_id) v
    where v.product_id = p.id`.execute(db);

  await db.schema
    .createTable("reservation")
    .addColumn("order_id", "uuid", (c) => c.notNull())
    .addColumn("variant_id", "uuid", (c) => c.notNull().references("variant.id"))
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('RESERVED', 'RELEASED', 'COMMITTED', 'RESTOCKED')`),
    )
    .addColumn("unit_price", "integer", (c) => c.notNull())
    .addColumn("currency", "char(3)", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("reservation_pk", ["order_id", "variant_id"])
    .execute();

  await db.schema
    .createTable("stock_movement")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("variant_id", "uuid", (c) => c.notNull().references("variant.id"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('ADJUST', 'RESERVE', 'RELEASE', 'COMMIT', 'RESTOCK')`),
    )
    .addColumn("on_hand_delta", "integer", (c) => c.notNull())
    .addColumn("reserved_delta", "integer", (c) => c.notNull())
    .addColumn("order_id", "uuid")
    .addColumn("reason", "text")
    .addColumn("actor", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("stock_movement_variant_idx")
    .on("stock_movement")
    .columns(["variant_id", "id"])
    .execute();
  // The log is append-only: no update or delete, ever.
  await sql`create function stock_movement_append_only() returns trigger language plpgsql as $$
    begin raise exception 'stock_movement is append-only'; end $$`.execute(db);
  await sql`create trigger stock_movement_no_change before update or delete on stock_movement
    for each statement execute function stock_movement_append_only()`.execute(db);

  await createProcessedEventTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("processed_event").execute();
  await db.schema.dropTable("stock_movement").execute();
  await sql`drop function stock_movement_append_only()`.execute(db);
  await db.schema.dropTable("reservation").execute();
  await sql`alter table product drop column search, drop column min_price, drop column max_price`.execute(db);
}
