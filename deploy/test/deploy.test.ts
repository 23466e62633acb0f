/**
 * Static validation of the deployment files (no Docker engine, no cluster):
 * the compose files against the compose specification, the Kustomize overlays
 * rendered and checked, the Dockerfile linted, Prometheus and Grafana wiring.
 * Each check is also shown to fail on a deliberately broken input.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  checkComposeStack,
  checkDockerfile,
  checkGrafana,
  checkKubernetes,
  checkPrometheusScrapes,
  type Dashboard,
  interpolateCompose,
  type K8sObject,
  kubectlAvailable,
  loadKustomizationWithoutKubectl,
  looksLikeSecret,
  parseComposeYaml,
  parseYamlDocuments,
  RETAILER_SERVICES,
  renderWithKubectl,
  validateCompose,
} from "./validate.js";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const clone = <T>(value: T): T => structuredClone(value);

describe("docker compose", () => {
  const base = parseComposeYaml(read("docker-compose.yml"));
  const dev = parseComposeYaml(read("docker-compose.dev.yml"));

  it("docker-compose.yml follows the compose specification", () => {
    expect(validateCompose(base)).toEqual([]);
  });

  it("docker-compose.dev.yml follows the compose specification", () => {
    expect(validateCompose(dev)).toEqual([]);
  });

  it("runs the stack as documented: one image, subgraphs behind the router, PostgreSQL health first", () => {
    expect(checkComposeStack(base, dev)).toEqual([]);
  });

  it("fails on an unknown top-level key", () => {
    const broken = { ...(base as object), servics: {} };
    expect(validateCompose(broken)).toContain("/: must NOT have additional properties (servics)");
  });

  it("fails on malformed service fields", () => {
    const broken = {
      services: {
        web: {
          image: "x",
          ports: ["not-a-port"],
          depends_on: { db: { condition: "when_ready" } },
          healthcheck: { interval: "often" },
          restart_policy: "always",
        },
      },
    };
    const problems = validateCompose(broken);
    expect(problems).toContain("/services/web: must NOT have additional properties (restart_policy)");
    expect(problems.some((p) => p.startsWith("/services/web/ports/0"))).toBe(true);
    expect(problems.some((p) => p.startsWith("/services/web/depends_on"))).toBe(true);
    expect(problems.some((p) => p.startsWith("/services/web/healthcheck/interval"))).toBe(true);
  });

  it("interpolates variables as Compose does before validating", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's own ${VAR} syntax
    const text = "${A:-x}-${B-y}-$${C}-$D";
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's own ${VAR} syntax
    expect(interpolateCompose(text, { B: "", D: "d" })).toBe("x--${C}-d");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's own ${VAR} syntax
    expect(() => interpolateCompose("${A:?set A}")).toThrow(/A/);
  });

  it("fails when a subgraph is published, skips PostgreSQL health, or the dev override misses a port", () => {
    const broken = clone(base) as { services: Record<string, Record<string, unknown>> };
    const catalog = broken.services.catalog ?? {};
    catalog.ports = ["8082:8082"];
    catalog.depends_on = ["postgres"];
    delete broken.services.router?.ports;
    const brokenDev = clone(dev) as { services: Record<string, unknown> };
    delete brokenDev.services.orders;
    expect(checkComposeStack(broken, brokenDev)).toEqual([
      "catalog: must wait for postgres: service_healthy",
      "catalog: a subgraph must not be published to the host",
      "router: must publish 4000",
      "dev override: orders must publish 8084",
    ]);
  });
});

describe("Prometheus and Grafana", () => {
  const compose = parseComposeYaml(read("docker-compose.yml"));
  const prometheus = parse(read("deploy/prometheus/prometheus.yml"));
  const datasources = parse(read("deploy/grafana/provisioning/datasources/datasources.yml"));
  const dashboardDir = path.join(root, "deploy/grafana/dashboards");
  const dashboards: Dashboard[] = readdirSync(dashboardDir)
    .filter((f) => f.endsWith(".json"))
    .map((file) => ({ file, json: JSON.parse(readFileSync(path.join(dashboardDir, file), "utf8")) }));

  it("Prometheus scrapes every service of the compose file on its port", () => {
    expect(checkPrometheusScrapes(prometheus, compose)).toEqual([]);
    const rules = parse(read("deploy/prometheus/alerts.yml")) as { groups: { rules: { expr: string }[] }[] };
    expect(rules.groups.flatMap((g) => g.rules).every((r) => r.expr.trim().length > 0)).toBe(true);
  });

  it("fails when a service is not scraped", () => {
    const broken = clone(prometheus) as { scrape_configs: { job_name: string }[] };
    broken.scrape_configs = broken.scrape_configs.filter((j) => j.job_name !== "payments");
    expect(checkPrometheusScrapes(broken, compose)).toEqual(["prometheus does not scrape payments:8085"]);
  });

  it("dashboards query only provisioned datasources", () => {
    expect(dashboards.map((d) => d.file).sort()).toEqual([
      "retailer-business.json",
      "retailer-logs.json",
      "retailer-overview.json",
      "retailer-runtime.json",
    ]);
    expect(checkGrafana(datasources, dashboards)).toEqual([]);
  });

  it("the logs dashboard follows one request id across services", () => {
    const logs = dashboards.find((d) => d.file === "retailer-logs.json")?.json as {
      templating: { list: { name: string; type: string }[] };
      panels: { type: string; targets?: { expr: string }[] }[];
    };
    expect(logs.templating.list).toContainEqual(expect.objectContaining({ name: "request_id", type: "textbox" }));
    const exprs = logs.panels.filter((p) => p.type === "logs").flatMap((p) => p.targets?.map((t) => t.expr) ?? []);
    expect(exprs).toContain('{service=~".+"} | json | requestId="$request_id"');
  });

  it("fails on an unknown datasource or a duplicate uid", () => {
    const first = dashboards[0] as Dashboard;
    const broken = clone(first.json) as { panels: { datasource?: { uid: string } }[] };
    const panel = broken.panels.find((p) => p.datasource);
    if (panel) panel.datasource = { uid: "influx" };
    const problems = checkGrafana(datasources, [first, { file: "copy.json", json: broken }]);
    expect(problems.some((p) => p.includes("is used twice"))).toBe(true);
    expect(problems.some((p) => p.includes("datasource influx, which is not provisioned"))).toBe(true);
  });
});

describe("Dockerfile", () => {
  it("pins its base images, runs as a non-root user, has a HEALTHCHECK and bakes in no secret", () => {
    expect(checkDockerfile(read("Dockerfile"))).toEqual([]);
  });

  it("fails on FROM node:latest without a USER or HEALTHCHECK", () => {
    expect(checkDockerfile("FROM node:latest\nCMD node main.js\n")).toEqual([
      'FROM node:latest: "latest" is not a version tag; pin the base image',
      "the final stage has no USER: it would run as root",
      "the final stage has no HEALTHCHECK",
    ]);
  });

  it("fails on an untagged base, root in the final stage, and literal secrets", () => {
    const dockerfile = [
      "ARG BASE=node:24.21.0-slim",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile ARG reference
      "FROM ${BASE} AS build",
      "USER node",
      "FROM debian",
      "ENV NODE_ENV=production STRIPE_SECRET_KEY=sk_live_123",
      "ARG NPM_TOKEN=abc",
      "ARG GITHUB_TOKEN",
      "ENV API_KEY=$API_KEY",
      "USER root",
      "HEALTHCHECK NONE",
    ].join("\n");
    expect(checkDockerfile(dockerfile)).toEqual([
      "FROM debian: pin the base image to a version tag (or a digest)",
      "USER root: the final stage must not run as root",
      "HEALTHCHECK NONE: the final stage needs a HEALTHCHECK",
      "ENV STRIPE_SECRET_KEY: a secret must not be baked into the image",
      "ARG NPM_TOKEN: a secret must not have a default in the Dockerfile",
    ]);
  });

  it("follows a final stage built FROM an earlier stage, and accepts digests", () => {
    const dockerfile = [
      "FROM node:24.21.0-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS base",
      "USER node",
      'HEALTHCHECK CMD ["true"]',
      "FROM base",
      'CMD ["node", "main.js"]',
    ].join("\n");
    expect(checkDockerfile(dockerfile)).toEqual([]);
  });

  it("recognizes secret-looking names", () => {
    expect(["AUTH_SECRET", "DB_PASSWORD", "npm_token", "API_KEY", "STRIPE_SECRET_KEY"].every(looksLikeSecret)).toBe(
      true,
    );
    expect(["NODE_ENV", "KEYBOARD_LAYOUT", "APOLLO_TELEMETRY_DISABLED", "MONKEY"].some(looksLikeSecret)).toBe(false);
  });
});

describe("Kubernetes", () => {
  const baseDir = path.join(root, "deploy/k8s/base");
  const productionDir = path.join(root, "deploy/k8s/overlays/production");
  const kubectl = kubectlAvailable();
  const kinds = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
  const names = (objects: K8sObject[], kind: string) =>
    kinds(objects, kind)
      .map((o) => String(o.metadata?.name))
      .sort();
  const allServices = Object.keys(RETAILER_SERVICES).sort();
  interface PodTemplate {
    metadata: { labels: Record<string, string> };
    spec: { containers: Record<string, unknown>[] };
  }
  const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
    if (!found) throw new Error(`${kind} ${name} is missing`);
    return found;
  };
  const templateOf = (d: K8sObject) => (d.spec as { template: PodTemplate }).template;
  const firstContainer = (d: K8sObject): Record<string, unknown> => {
    const container = templateOf(d).spec.containers[0];
    if (!container) throw new Error(`${String(d.metadata?.name)} has no container`);
    return container;
  };

  // With kubectl: both renders. Without: the base parsed by the yaml package (never a silent skip).
  const renders: { name: string; load: () => K8sObject[]; externalSecrets: string[] }[] = kubectl
    ? [
        { name: "base (kubectl kustomize)", load: () => renderWithKubectl(baseDir), externalSecrets: [] },
        {
          name: "overlays/production (kubectl kustomize)",
          load: () => renderWithKubectl(productionDir),
          externalSecrets: ["retailer-secrets"],
        },
      ]
    : [
        {
          name: "base (yaml, kubectl not found)",
          load: () => loadKustomizationWithoutKubectl(baseDir),
          externalSecrets: [],
        },
      ];

  for (const render of renders) {
    describe(render.name, () => {
      const objects = render.load();

      it("passes the structural checks", () => {
        expect(checkKubernetes(objects, { externalSecrets: render.externalSecrets })).toEqual([]);
      });

      it("has a Deployment, Service, HPA and PDB per service, network policies and the router's Ingress", () => {
        for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"])
          expect(names(objects, kind)).toEqual(allServices);
        expect(names(objects, "NetworkPolicy")).toEqual([
          "default-deny-ingress",
          "router-from-anywhere",
          "subgraphs-from-retailer",
        ]);
        expect(names(objects, "Ingress")).toEqual(["router"]);
        for (const pdb of kinds(objects, "PodDisruptionBudget")) expect(pdb.spec).toMatchObject({ minAvailable: 1 });
      });

      it("probes /ready for readiness and /health for liveness on each service's port", () => {
        for (const d of kinds(objects, "Deployment")) {
          const name = String(d.metadata?.name) as keyof typeof RETAILER_SERVICES;
          expect(firstContainer(d)).toMatchObject({
            ports: [{ name: "http", containerPort: RETAILER_SERVICES[name] }],
            readinessProbe: { httpGet: { path: "/ready", port: "http" } },
            livenessProbe: { httpGet: { path: "/health", port: "http" } },
          });
        }
      });

      it("lets only retailer pods reach the subgraphs", () => {
        const policy = find(objects, "NetworkPolicy", "subgraphs-from-retailer");
        expect(policy.spec).toMatchObject({
          podSelector: { matchLabels: { "app.kubernetes.io/component": "subgraph" } },
          policyTypes: ["Ingress"],
        });
        const rules = (policy.spec as { ingress: { from: Record<string, unknown>[] }[] }).ingress;
        expect(rules[0]?.from).toEqual([{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": "retailer" } } }]);
        for (const d of kinds(objects, "Deployment")) {
          expect(templateOf(d).metadata.labels["app.kubernetes.io/part-of"]).toBe("retailer");
        }
      });
    });
  }

  if (kubectl) {
    it("the production overlay runs the released image, scales wider and ships no Secret template", () => {
      const objects = renderWithKubectl(productionDir);
      expect(kinds(objects, "Secret")).toEqual([]);
      for (const d of kinds(objects, "Deployment"))
        expect(firstContainer(d).image).toMatch(/^ghcr\.io\/[a-z0-9-]+\/retailer:v\d+\.\d+\.\d+$/);
      expect(find(objects, "HorizontalPodAutoscaler", "router").spec).toMatchObject({ minReplicas: 3 });
    });
  }

  it("the yaml fallback (used without kubectl) loads the base and passes the same checks", () => {
    const objects = loadKustomizationWithoutKubectl(baseDir);
    expect(checkKubernetes(objects)).toEqual([]);
    expect(names(objects, "Deployment")).toEqual(allServices);
  });

  it("the yaml fallback refuses what it cannot render instead of skipping it", () => {
    expect(() => loadKustomizationWithoutKubectl(productionDir)).toThrow(/does not support patches/);
  });

  const brokenDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: example/web:latest
          ports: [{ name: http, containerPort: 8080 }]
          envFrom: [{ configMapRef: { name: web-config } }]
          env:
            - name: DATABASE_URL
              valueFrom: { secretKeyRef: { name: web-secrets, key: DATABASE_URL } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: website }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: webapp }
  minReplicas: 1
  maxReplicas: 3
  metrics: [{ type: Resource, resource: { name: memory, target: { type: Utilization, averageUtilization: 80 } } }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: web } }
`;

  it("fails on a Deployment without probes, resources or a non-root securityContext, and on dangling references", () => {
    expect(checkKubernetes(parseYamlDocuments(brokenDeployment))).toEqual([
      "Deployment web: enableServiceLinks must be false (service links set <NAME>_PORT, read as a listen port)",
      "Deployment web container web: no readinessProbe",
      "Deployment web container web: no livenessProbe",
      "Deployment web container web: no CPU request (the HPA scales on it)",
      "Deployment web container web: no memory request",
      "Deployment web container web: no memory limit",
      "Deployment web container web: securityContext.runAsNonRoot must be true",
      "Deployment web container web: securityContext.runAsUser must be a non-zero uid (the image's user is named, not numeric)",
      "Deployment web container web: securityContext.allowPrivilegeEscalation must be false",
      "Deployment web container web: image example/web:latest is not pinned to a tag or digest",
      "Deployment web container web: envFrom ConfigMap web-config does not exist",
      "Deployment web container web: env DATABASE_URL reads Secret web-secrets, which does not exist",
      "HorizontalPodAutoscaler web: targets Deployment webapp, which does not exist",
      "HorizontalPodAutoscaler web: does not scale on CPU",
      "PodDisruptionBudget web: minAvailable 1 with 1 replica(s) of web blocks every node drain",
      "Service web: selects no Deployment",
    ]);
  });

  it("fails when the real manifests lose their probes or their targets", () => {
    const objects = kubectl ? renderWithKubectl(baseDir) : loadKustomizationWithoutKubectl(baseDir);
    const broken = clone(objects);
    const container = firstContainer(find(broken, "Deployment", "catalog"));
    delete container.readinessProbe;
    delete container.securityContext;
    const pdb = find(broken, "PodDisruptionBudget", "orders");
    (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels = {
      "app.kubernetes.io/name": "order",
    };
    const problems = checkKubernetes(broken);
    expect(problems).toContain("Deployment catalog container catalog: no readinessProbe");
    expect(problems).toContain(
      "Deployment catalog container catalog: securityContext.allowPrivilegeEscalation must be false",
    );
    expect(problems).toContain("PodDisruptionBudget orders: selects no Deployment");
  });
});
