# syntax=docker/dockerfile:1
# One image for every service; the SERVICE variable picks which one a container runs.
#   docker build -t retailer .
#   docker run -e SERVICE=catalog -e PORT=8082 -e DATABASE_URL=postgres://... -e INTERNAL_SECRET=... retailer
# SERVICE: users, catalog, cart, orders, payments, notifications or router (the default).
# The base image follows .nvmrc: bump both together. See docs/operations.md.

# deps: the npm dependencies of every workspace, from the lock file only, so this
# layer is reused until a package.json or package-lock.json changes.
FROM node:24.21.0-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/kit/package.json packages/kit/
COPY packages/testing/package.json packages/testing/
COPY router/package.json router/
COPY subgraphs/users/package.json subgraphs/users/
COPY subgraphs/catalog/package.json subgraphs/catalog/
COPY subgraphs/cart/package.json subgraphs/cart/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/payments/package.json subgraphs/payments/
COPY subgraphs/notifications/package.json subgraphs/notifications/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

# build: compile every workspace (kit first: the others import it), drop the dev
# dependencies, and gather what the runtime needs into /out: package.json files,
# compiled dist/ (without declarations), node_modules and the router's supergraph.
# No TypeScript sources, tests or packages/testing reach /out.
FROM deps AS build
COPY tsconfig.base.json ./
COPY packages packages
COPY router router
COPY subgraphs subgraphs
RUN npm run build --workspace packages/kit \
 && npm run build --if-present --workspace router --workspace subgraphs \
 && npm prune --omit=dev --no-audit --no-fund
RUN set -eu; \
    mkdir -p /out; \
    cp package.json /out/; \
    cp -a node_modules /out/; \
    rm -rf /out/node_modules/@retailer/testing /out/node_modules/.cache; \
    for ws in packages/kit router subgraphs/*; do \
      mkdir -p "/out/$ws"; \
      cp "$ws/package.json" "/out/$ws/"; \
      cp -a "$ws/dist" "/out/$ws/"; \
      if [ -d "$ws/node_modules" ]; then cp -a "$ws/node_modules" "/out/$ws/"; fi; \
    done; \
    cp router/supergraph.graphql /out/router/; \
    find /out/packages /out/router /out/subgraphs -name node_modules -prune -o -type f \
      \( -name '*.d.ts' -o -name '*.map' -o -name '*.tsbuildinfo' \) -exec rm -f {} +

# runtime: Node and the compiled services only. Files stay owned by root, so the
# unprivileged `node` user (uid 1000) can read but not change the application.
FROM node:24.21.0-slim AS runtime
LABEL org.opencontainers.image.title="retailer" \
      org.opencontainers.image.description="retailer: six GraphQL subgraphs and the router; SERVICE picks one" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=true \
    HOST=0.0.0.0 \
    SERVICE=router
WORKDIR /app
COPY --from=build /out/ ./
USER node
EXPOSE 4000 8081 8082 8083 8084 8085 8086
# Liveness of whichever service runs: GET /health on PORT (or the service's default port).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const p={router:4000,users:8081,catalog:8082,cart:8083,orders:8084,payments:8085,notifications:8086}[process.env.SERVICE];fetch('http://127.0.0.1:'+(process.env.PORT||p)+'/health',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec: node becomes PID 1 and receives SIGTERM itself (graceful shutdown).
CMD ["sh", "-c", "case \"$SERVICE\" in router) exec node router/dist/main.js ;; users|catalog|cart|orders|payments|notifications) exec node \"subgraphs/$SERVICE/dist/main.js\" ;; *) echo \"SERVICE must be one of users, catalog, cart, orders, payments, notifications, router (got '$SERVICE')\" >&2; exit 64 ;; esac"]
