import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("cart")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("customer_id", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("OPEN").check(sql`status in ('OPEN', 'MERGED', 'CONVERTED')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A customer has at most one open cart.
  await sql`create unique index cart_one_open_per_customer on cart (customer_id) where status = 'OPEN' and customer_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable("cart_line")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("cart_id", "uuid", (c) => c.notNull().references("cart.id").onDelete("cascade"))
    .addColumn("variant_id", "uuid", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity between 1 and 99`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("cart_line_one_per_variant", ["cart_id", "variant_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("cart_line").execute();
  await db.schema.dropTable("cart").execute();
}
