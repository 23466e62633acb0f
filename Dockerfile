# One multi-stage file for every service: build once, run any service by SERVICE.
#   docker build -t retailer .
#   docker run -e SERVICE=catalog -e DATABASE_URL=... retailer
# SERVICE is one of users, catalog, cart, orders, payments, notifications, router.

FROM node:24-slim AS deps
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
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.base.json ./
COPY packages packages
COPY router router
COPY subgraphs subgraphs
RUN npm run build --workspace @retailer/kit \
 && npm run build --workspaces --if-present \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=true \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/packages/kit/package.json /app/packages/kit/package.json
COPY --from=build --chown=node:node /app/packages/kit/dist packages/kit/dist
COPY --from=build --chown=node:node /app/router/package.json router/package.json
COPY --from=build --chown=node:node /app/router/dist router/dist
COPY --from=build --chown=node:node /app/router/supergraph.graphql router/supergraph.graphql
COPY --from=build --chown=node:node /app/subgraphs subgraphs
USER node
ENV SERVICE=router
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "const p={router:4000,users:8081,catalog:8082,cart:8083,orders:8084,payments:8085,notifications:8086}[process.env.SERVICE];fetch('http://127.0.0.1:'+(process.env.PORT||p)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "if [ \"$SERVICE\" = router ]; then exec node router/dist/main.js; else exec node subgraphs/$SERVICE/dist/main.js; fi"]
