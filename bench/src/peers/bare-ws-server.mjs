/**
 * S4's reference: the least a live-tracking server can do, with the same
 * database and the same kind of change. Clients open a plain `ws` socket and
 * send {"subscribe": "<order id>"} (answered {"ok": true}). The server LISTENs
 * on CHANNEL; for each notification (an order id) that has subscribers it
 * reads the order row once and sends the same JSON to each of them. No
 * GraphQL, no authentication, no router hop: a floor to compare with.
 * Plain JavaScript (no tsx loader), a process of its own.
 */
import pg from "pg";
import { WebSocketServer } from "ws";

const url = process.env.DATABASE_URL ?? "";
const channel = process.env.CHANNEL ?? "bench_bare_updates";
const port = Number(process.env.PORT ?? 0);
const watchers = new Map();

const pool = new pg.Pool({ connectionString: url, max: 10 });
const listener = new pg.Client({ connectionString: url });
await listener.connect();
await listener.query(`listen ${channel}`);
listener.on("notification", async ({ payload }) => {
  const set = payload ? watchers.get(payload) : undefined;
  if (!set || set.size === 0) return;
  const { rows } = await pool.query(
    `select id, status, tracking_number as "trackingNumber", updated_at as "updatedAt" from orders."order" where id = $1`,
    [payload],
  );
  if (!rows[0]) return;
  const message = JSON.stringify({ data: { orderUpdated: rows[0] } });
  for (const socket of set) socket.send(message);
});

const server = new WebSocketServer({ host: "127.0.0.1", port });
server.on("connection", (socket) => {
  let watching;
  socket.on("message", (raw) => {
    const { subscribe } = JSON.parse(String(raw));
    if (typeof subscribe !== "string") return;
    watching = subscribe;
    const set = watchers.get(subscribe) ?? new Set();
    set.add(socket);
    watchers.set(subscribe, set);
    socket.send('{"ok":true}');
  });
  socket.on("close", () => watching && watchers.get(watching)?.delete(socket));
});
server.on("listening", () => console.log(`bare ws on ${server.address().port}`));
const stop = () => {
  server.close();
  Promise.allSettled([listener.end(), pool.end()]).finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
