/**
 * S2 peer (d): Hive Gateway with its defaults (`hive-gateway supergraph <file>
 * --host 127.0.0.1 --port N --fork 1`), plus one plugin: the retailer
 * subgraphs answer only signed requests, so each upstream fetch gets
 * x-retailer-signature (an HMAC with INTERNAL_SECRET over method, path and
 * the exact body Hive serialised), added in the gateway's own onFetch hook.
 * No Hive, Apollo or OpenTelemetry option is set: no outbound connections.
 */
import { createHmac } from "node:crypto";
import { defineConfig } from "@graphql-hive/gateway";

const secret = process.env.INTERNAL_SECRET ?? "";

export const gatewayConfig = defineConfig({
  plugins: () => [
    {
      onFetch({ url, options, setOptions }) {
        const t = Math.floor(Date.now() / 1000);
        const target = new URL(url);
        const body = typeof options.body === "string" ? options.body : "";
        const v1 = createHmac("sha256", secret)
          .update(`${t}\n${(options.method ?? "POST").toUpperCase()}\n${target.pathname}${target.search}\n`)
          .update(body)
          .digest("hex");
        setOptions({ ...options, headers: { ...options.headers, "x-retailer-signature": `t=${t},v1=${v1}` } });
      },
    },
  ],
});
