/**
 * S2 peer (c): a stock @apollo/gateway 2.14.4 behind a stock @apollo/server 5
 * (startStandaloneServer), default settings, serving SUPERGRAPH_FILE.
 * The one addition: the retailer subgraphs answer only signed requests
 * (x-retailer-signature, an HMAC with INTERNAL_SECRET over method, path and
 * body), so each data source keeps its stock fetcher (make-fetch-happen,
 * as RemoteGraphQLDataSource builds it) and this wrapper adds the header
 * computed over the exact body the stock code serialised. Planning,
 * execution, serialisation and the HTTP stack are the gateway's own.
 * Plain JavaScript (no tsx loader), so its memory is the gateway's alone.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const secret = process.env.INTERNAL_SECRET ?? "";
const sign = (path, body) => {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}\nPOST\n${path}\n`).update(body).digest("hex");
  return `t=${t},v1=${v1}`;
};

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH_FILE ?? "", "utf8"),
  buildService({ url }) {
    const source = new RemoteGraphQLDataSource({ url });
    const stockFetcher = source.fetcher;
    const path = new URL(url ?? "").pathname;
    source.fetcher = (target, init) =>
      stockFetcher(target, {
        ...init,
        headers: { ...init.headers, "x-retailer-signature": sign(path, String(init.body ?? "")) },
      });
    return source;
  },
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 4100) },
});
console.log(`stock gateway ready at ${url}`);
const stop = () => server.stop().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
