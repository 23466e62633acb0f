# The two commands a new developer needs: `make start` and `make test`.
# Each brings Node 24 (from the npm registry, into .tools/) and the npm
# dependencies first when they are missing, so a fresh machine needs nothing else.
.PHONY: start test check generate seed migrate build docker-build docker-up docker-down

RUN := scripts/run

start: ## Start the whole platform (embedded PostgreSQL when DATABASE_URL is unset)
	@$(RUN) npm start

test: ## Run every test (embedded PostgreSQL when DATABASE_URL is unset)
	@$(RUN) npm test

check: ## Typecheck, lint, and fail on stale generated schema files
	@$(RUN) npm run check

generate: ## Regenerate subgraph schemas, the supergraph and the API schema
	@$(RUN) npm run generate

seed: ## Demo data into DATABASE_URL
	@$(RUN) npm run seed

migrate: ## Apply every service's migrations to DATABASE_URL
	@$(RUN) npm run migrate

build: ## Compile every package to dist/
	@$(RUN) npm run build

docker-build: ## Build the images (needs a Docker engine)
	docker compose build

docker-up: ## Start PostgreSQL, the services, Prometheus and Grafana in Docker
	docker compose up -d

docker-down:
	docker compose down
