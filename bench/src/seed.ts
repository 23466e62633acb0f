/**
 * The benchmark catalog: 60 categories (12 roots, 4 children each), 10,000
 * products and 30,000 variants, written with set-based SQL (generate_series)
 * in a few seconds. Fixed seed: every "random" choice is an md5 of the seed
 * and the row number, so every run (and every machine) gets the same rows,
 * names, prices, stock and order. Timestamps start at a fixed instant.
 */
import pg from "pg";

export const SEED = 42;
export const PRODUCTS = 10_000;
export const VARIANTS_PER_PRODUCT = 3;

const ADJECTIVES = [
  "Classic",
  "Organic",
  "Vintage",
  "Everyday",
  "Premium",
  "Rugged",
  "Soft",
  "Compact",
  "Modern",
  "Heritage",
];
const MATERIALS = ["Cotton", "Linen", "Wool", "Leather", "Canvas", "Ceramic", "Oak", "Steel", "Bamboo", "Denim"];
const NOUNS = ["Tee", "Hoodie", "Jacket", "Mug", "Bag", "Scarf", "Lamp", "Vase", "Belt", "Cap", "Skillet", "Throw"];
const sqlArray = (values: string[]) => `array[${values.map((v) => `'${v}'`).join(",")}]`;

export interface SeedResult {
  categories: number;
  products: number;
  activeProducts: number;
  variants: number;
  ms: number;
}

/** Writes the catalog into an empty, migrated `catalog` schema. */
export async function seedBenchCatalog(url: string, products = PRODUCTS): Promise<SeedResult> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("begin");
    // h(key): a deterministic, well-spread non-negative integer for a key (no session random()).
    await client.query(`create function pg_temp.h(k text) returns bigint language sql immutable as
      $$ select ('x' || lpad(substr(md5('${SEED}:' || k), 1, 8), 16, '0'))::bit(64)::bigint $$`);
    await client.query(`
      insert into catalog.category (slug, name, parent_id, position)
      select 'bench-root-' || r, 'Department ' || r, null, r from generate_series(1, 12) r`);
    await client.query(`
      insert into catalog.category (slug, name, parent_id, position)
      select 'bench-leaf-' || r || '-' || c, 'Aisle ' || r || '.' || c, p.id, c
      from generate_series(1, 12) r cross join generate_series(1, 4) c
      join catalog.category p on p.slug = 'bench-root-' || r`);
    await client.query(`
      with leaves as (
        select id, row_number() over (order by slug) - 1 as n from catalog.category where parent_id is not null
      )
      insert into catalog.product (slug, name, description, status, category_id, images, created_at, updated_at)
      select 'bench-' || g,
             (${sqlArray(ADJECTIVES)})[1 + pg_temp.h('adj' || g) % ${ADJECTIVES.length}] || ' ' ||
             (${sqlArray(MATERIALS)})[1 + pg_temp.h('mat' || g) % ${MATERIALS.length}] || ' ' ||
             (${sqlArray(NOUNS)})[1 + pg_temp.h('noun' || g) % ${NOUNS.length}] || ' ' || g,
             'Benchmark product number ' || g || ', made to be listed, searched and sold.',
             case when pg_temp.h('status' || g) % 25 = 0 then 'DRAFT' else 'ACTIVE' end,
             (select id from leaves where n = pg_temp.h('cat' || g) % 48),
             jsonb_build_array(jsonb_build_object('url', 'https://img.example/bench-' || g || '.jpg', 'alt', null)),
             timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute',
             timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
      from generate_series(1, ${products}) g`);
    await client.query(`
      insert into catalog.variant (product_id, sku, name, price, currency, options, on_hand, position, created_at, updated_at)
      select p.id, 'B' || substr(p.slug, 7) || '-' || v, s.size,
             (5 + pg_temp.h('price' || p.slug) % 200) * 100 + (v - 1) * 200, 'USD',
             jsonb_build_array(jsonb_build_object('name', 'Size', 'value', s.size)),
             case when pg_temp.h('stock' || p.slug || v) % 10 = 0 then 0 else 1 + pg_temp.h('qty' || p.slug || v) % 200 end,
             v - 1, p.created_at, p.created_at
      from catalog.product p
      cross join generate_series(1, ${VARIANTS_PER_PRODUCT}) v
      join (values (1, 'S'), (2, 'M'), (3, 'L')) s(i, size) on s.i = v
      where p.slug like 'bench-%'`);
    await client.query(`
      update catalog.product p set min_price = v.min, max_price = v.max
      from (select product_id, min(price) as min, max(price) as max from catalog.variant group by product_id) v
      where v.product_id = p.id`);
    await client.query("commit");
    await client.query("analyze catalog.category, catalog.product, catalog.variant");
    const [counts] = (
      await client.query<{ categories: number; products: number; active: number; variants: number }>(`
      select (select count(*)::int from catalog.category) as categories,
             (select count(*)::int from catalog.product) as products,
             (select count(*)::int from catalog.product where status = 'ACTIVE') as active,
             (select count(*)::int from catalog.variant) as variants`)
    ).rows;
    return {
      categories: counts?.categories ?? 0,
      products: counts?.products ?? 0,
      activeProducts: counts?.active ?? 0,
      variants: counts?.variants ?? 0,
      ms: performance.now() - started,
    };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
