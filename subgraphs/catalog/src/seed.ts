import type { Kysely } from "kysely";
import { insertCategory } from "./db/category.repository.js";
import type { CatalogDatabase, CategoryRow } from "./db/database.js";
import { insertProduct } from "./db/product.repository.js";
import { insertVariants } from "./db/variant.repository.js";

/** A small, believable demo catalog: a category tree, products with options, prices and stock. */
const CATEGORIES = [
  {
    slug: "apparel",
    name: "Apparel",
    children: [
      { slug: "tops", name: "Tops" },
      { slug: "outerwear", name: "Outerwear" },
    ],
  },
  {
    slug: "home",
    name: "Home",
    children: [
      { slug: "kitchen", name: "Kitchen" },
      { slug: "decor", name: "Decor" },
    ],
  },
  { slug: "accessories", name: "Accessories", children: [{ slug: "bags", name: "Bags" }] },
];

interface SeedProduct {
  name: string;
  category: string;
  description: string;
  price: number;
  options?: { name: string; values: string[] };
}

const PRODUCTS: SeedProduct[] = [
  ["Classic Tee", "tops", "A soft cotton tee for every day.", 1900, "Size", ["S", "M", "L", "XL"]],
  ["Organic Hoodie", "tops", "Brushed organic cotton hoodie with a roomy hood.", 5900, "Size", ["S", "M", "L"]],
  ["Linen Shirt", "tops", "Breathable linen shirt, relaxed fit.", 4900, "Size", ["S", "M", "L"]],
  ["Striped Long Sleeve", "tops", "Breton stripes, heavyweight jersey.", 3500, "Size", ["S", "M", "L"]],
  ["Merino Sweater", "tops", "Fine merino wool, warm and light.", 8900, "Colour", ["Navy", "Oat", "Forest"]],
  ["Graphic Tee", "tops", "Screen-printed tee with a mountain print.", 2500, "Size", ["S", "M", "L"]],
  ["Rain Jacket", "outerwear", "Waterproof shell with taped seams.", 12900, "Size", ["S", "M", "L", "XL"]],
  ["Down Parka", "outerwear", "Recycled down, rated to minus twenty.", 24900, "Size", ["M", "L"]],
  ["Denim Jacket", "outerwear", "Rigid selvedge denim that ages well.", 9900, "Size", ["S", "M", "L"]],
  ["Fleece Vest", "outerwear", "Recycled fleece for layering.", 4500, "Colour", ["Grey", "Black"]],
  ["Chef's Knife", "kitchen", "Twenty centimetre carbon steel chef's knife.", 7900],
  ["Cast Iron Skillet", "kitchen", "Pre-seasoned skillet that lasts a lifetime.", 4200, "Size", ["20 cm", "26 cm"]],
  ["Pour-Over Coffee Set", "kitchen", "Ceramic dripper, glass carafe and filters.", 3900],
  ["Stoneware Mug", "kitchen", "Hand-glazed stoneware mug, 350 ml.", 1600, "Colour", ["White", "Speckled", "Blue"]],
  ["Linen Tea Towels", "kitchen", "Set of two stonewashed linen towels.", 2200],
  ["Wooden Cutting Board", "kitchen", "End-grain walnut cutting board.", 6500],
  ["Enamel Dutch Oven", "kitchen", "Enamelled cast iron for slow cooking.", 11900, "Colour", ["Red", "Cream"]],
  ["Ceramic Vase", "decor", "Matte ceramic vase with a narrow neck.", 3400, "Size", ["Small", "Large"]],
  ["Wool Throw", "decor", "Woven wool throw with fringed edges.", 9500, "Colour", ["Grey", "Mustard"]],
  ["Scented Candle", "decor", "Soy wax candle, cedar and fig.", 2800],
  ["Framed Print", "decor", "Giclee print of a coastal landscape.", 5500, "Size", ["A4", "A3"]],
  ["Linen Cushion", "decor", "Washed linen cushion cover with insert.", 3900, "Colour", ["Sand", "Sage", "Rust"]],
  ["Table Lamp", "decor", "Brass table lamp with a linen shade.", 14900],
  ["Canvas Tote", "bags", "Heavy canvas tote with an inner pocket.", 2400, "Colour", ["Natural", "Black"]],
  ["Leather Backpack", "bags", "Full-grain leather backpack, laptop sleeve.", 18900],
  ["Weekender Bag", "bags", "Waxed canvas weekender with leather trim.", 15900],
  ["Crossbody Bag", "bags", "Compact crossbody for the essentials.", 6900, "Colour", ["Tan", "Black"]],
  ["Wool Beanie", "accessories", "Ribbed merino beanie.", 2900, "Colour", ["Black", "Oat", "Red"]],
  ["Leather Belt", "accessories", "Vegetable-tanned leather belt.", 4900, "Size", ["S", "M", "L"]],
  ["Sunglasses", "accessories", "Acetate frames, polarised lenses.", 9900],
  ["Silk Scarf", "accessories", "Printed silk twill scarf.", 7500],
  ["Leather Wallet", "accessories", "Slim bifold wallet.", 5900, "Colour", ["Brown", "Black"]],
  ["Watch Strap", "accessories", "Quick-release leather watch strap.", 3500, "Size", ["18 mm", "20 mm"]],
  ["Travel Umbrella", "accessories", "Wind-resistant compact umbrella.", 3200],
].map(([name, category, description, price, option, values]) => ({
  name: name as string,
  category: category as string,
  description: description as string,
  price: price as number,
  ...(option ? { options: { name: option as string, values: values as string[] } } : {}),
}));

const slugify = (text: string): string =>
  text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Stock that looks real and is the same on every run: some variants sold out. */
const stockFor = (i: number, j: number): number => ((i * 7 + j * 13) % 11 === 0 ? 0 : 5 + ((i * 31 + j * 17) % 60));

/** Seeds the demo catalog when the catalog is empty; returns how many products it wrote. */
export async function seedCatalog(db: Kysely<CatalogDatabase>, currency = "USD"): Promise<number> {
  const existing = await db.selectFrom("product").select("id").limit(1).executeTakeFirst();
  if (existing) return 0;
  return db.transaction().execute(async (trx) => {
    const bySlug = new Map<string, CategoryRow>();
    for (const [position, root] of CATEGORIES.entries()) {
      const parent = await insertCategory(trx, { slug: root.slug, name: root.name, parent_id: null, position });
      bySlug.set(root.slug, parent);
      for (const [childPosition, child] of root.children.entries()) {
        bySlug.set(
          child.slug,
          await insertCategory(trx, {
            slug: child.slug,
            name: child.name,
            parent_id: parent.id,
            position: childPosition,
          }),
        );
      }
    }
    for (const [i, p] of PRODUCTS.entries()) {
      const slug = slugify(p.name);
      const product = await insertProduct(trx, {
        slug,
        name: p.name,
        description: p.description,
        status: "ACTIVE",
        category_id: bySlug.get(p.category)?.id ?? null,
        images: JSON.stringify([{ url: `https://picsum.photos/seed/${slug}/800/800`, alt: p.name }]),
        // Listed newest first in the order written here.
        created_at: new Date(Date.now() - (PRODUCTS.length - i) * 60_000),
      });
      const choices = p.options ? p.options.values : [null];
      await insertVariants(
        trx,
        choices.map((value, j) => ({
          product_id: product.id,
          sku: `${slug.toUpperCase().slice(0, 12)}-${value ? slugify(value).toUpperCase() : "STD"}`,
          name: value ?? "Standard",
          // Larger sizes cost a little more, as shops do.
          price: p.price + (p.options?.name === "Size" ? j * 200 : 0),
          currency,
          options: JSON.stringify(value && p.options ? [{ name: p.options.name, value }] : []),
          on_hand: stockFor(i, j),
          position: j,
        })),
      );
    }
    return PRODUCTS.length;
  });
}
