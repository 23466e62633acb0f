import type { ApolloServerPlugin } from "@apollo/server";

export interface SandboxOptions {
  /** An operation shown when Sandbox opens. */
  document?: string;
}

/** JSON for an inline script: nothing in it can close the tag. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

/**
 * Apollo Sandbox, embedded at /graphql for a browser's GET, with its
 * subscription endpoint set to this router's graphql-ws endpoint
 * (ws(s)://<host>/graphql): Apollo Server's own landing page has no option
 * for it, so subscriptions would not run from Sandbox.
 */
export function sandboxLandingPage(options: SandboxOptions = {}): ApolloServerPlugin {
  const config = {
    target: "#sandbox",
    initialState: {
      ...(options.document ? { document: options.document } : {}),
      pollForSchemaUpdates: false,
      includeCookies: false,
    },
    endpointIsEditable: false,
    hideCookieToggle: true,
    runTelemetry: false,
  };
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>retailer · Apollo Sandbox</title>
  <style>html, body { height: 100%; margin: 0; } #sandbox { position: absolute; inset: 0; }</style>
</head>
<body>
  <div id="sandbox"><p style="font-family: sans-serif; padding: 1em">Loading Apollo Sandbox (it needs internet access to its CDN)…</p></div>
  <script src="https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js"></script>
  <script>
    var endpoint = window.location.origin + window.location.pathname;
    var subscriptions = endpoint.replace(/^http/, "ws");
    new window.EmbeddedSandbox(Object.assign(${scriptJson(config)}, {
      initialEndpoint: endpoint,
      initialSubscriptionEndpoint: subscriptions,
    }));
  </script>
</body>
</html>
`;
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
