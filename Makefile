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

# Containers (need Docker 23+ with BuildKit and Compose v2). One image serves every
# service; see docs/operations.md.
.PHONY: docker-up-dev docker-logs docker-config
COMPOSE_DEV := docker compose -f docker-compose.yml -f docker-compose.dev.yml

docker-build: ## Build the retailer image (every service, SERVICE picks one)
	docker build -t retailer:latest .

docker-up: ## Start PostgreSQL, the services, Prometheus, Grafana and Loki in Docker
	docker compose up -d
	@echo "router http://localhost:4000/graphql | Grafana http://localhost:3000 (admin/admin) | Prometheus http://localhost:9090"

docker-up-dev: ## docker-up with every subgraph also published on the host (8081-8086)
	$(COMPOSE_DEV) up -d

docker-logs: ## Follow the containers' logs
	docker compose logs -f --tail=100

docker-config: ## Check the compose files with Docker's own parser
	$(COMPOSE_DEV) config --quiet

docker-down: ## Stop the containers (volumes are kept; `docker compose down -v` deletes them)
	docker compose down
