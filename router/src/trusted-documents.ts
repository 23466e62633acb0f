import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ConfigError } from "@retailer/kit";
import type express from "express";
import { GraphQLError } from "graphql";

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** What a client sends: a document, its hash, or both. */
export interface OperationRequest {
  query?: unknown;
  extensions?: unknown;
  /** The GraphQL-over-HTTP persisted documents form: "sha256:<hex>". */
  documentId?: unknown;
}

export type Resolution = { query: string } | { error: GraphQLError };

/**
 * The trusted-documents allow-list (TRUSTED_DOCUMENTS=path/to/manifest.json):
 * when set, the router runs only these operations, named by the sha256 of
 * their text. Reads GraphQL Code Generator's `persisted-documents.json`
 * (`{ "sha256:<hex>": "<document>" }`, the prefix optional) and Apollo's persisted query manifest
 * (`{ "format": "apollo-persisted-query-manifest", "operations": [{ "id", "body" }] }`).
 */
export class TrustedDocuments {
  private constructor(private readonly documents: ReadonlyMap<string, string>) {}

  get size(): number {
    return this.documents.size;
  }

  static async load(file: string): Promise<TrustedDocuments> {
    let manifest: unknown;
    try {
      manifest = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new ConfigError([`TRUSTED_DOCUMENTS: cannot read ${file} (${(error as Error).message})`]);
    }
    return TrustedDocuments.from(manifest);
  }

  static from(manifest: unknown): TrustedDocuments {
    const documents = new Map<string, string>();
    const problems: string[] = [];
    if (isObject(manifest) && manifest.format === "apollo-persisted-query-manifest") {
      for (const operation of Array.isArray(manifest.operations) ? manifest.operations : []) {
        if (!isObject(operation) || typeof operation.body !== "string") {
          problems.push("TRUSTED_DOCUMENTS: an operation without a body");
          continue;
        }
        documents.set(sha256(operation.body), operation.body);
        if (typeof operation.id === "string") documents.set(operation.id, operation.body);
      }
    } else if (isObject(manifest)) {
      for (const [key, document] of Object.entries(manifest)) {
        // GraphQL Code Generator writes "sha256:<hex>" keys.
        const hash = key.replace(/^sha256:/, "");
        if (typeof document !== "string" || sha256(document) !== hash) {
          problems.push(`TRUSTED_DOCUMENTS: the document under ${key} does not have that sha256`);
        } else documents.set(hash, document);
      }
    } else problems.push("TRUSTED_DOCUMENTS: the manifest must be a JSON object");
    if (problems.length > 0) throw new ConfigError(problems);
    return new TrustedDocuments(documents);
  }

  /** The document to run for a request, or why it is refused. */
  resolve(request: OperationRequest): Resolution {
    const hash = requestedHash(request);
    if (typeof request.query === "string" && request.query !== "") {
      if (this.documents.has(sha256(request.query))) return { query: request.query };
      return {
        error: refusal(
          "PERSISTED_QUERY_NOT_IN_LIST",
          "This router runs only trusted documents, and this operation is not one of them.",
        ),
      };
    }
    const query = hash ? this.documents.get(hash) : undefined;
    if (query) return { query };
    return {
      error: refusal(
        "PERSISTED_QUERY_NOT_FOUND",
        hash ? `No trusted document has the id ${hash}.` : "Send a trusted document's sha256 hash.",
      ),
    };
  }

  /** HTTP: swaps a hash for its document (POST body or GET query string), or answers 400. */
  middleware(): express.RequestHandler {
    return (req, res, next) => {
      if (req.method === "GET") {
        const url = new URL(req.url, "http://router");
        const params = url.searchParams;
        if (!params.has("query") && !params.has("extensions") && !params.has("documentId")) return next();
        const resolution = this.resolve({
          query: params.get("query") ?? undefined,
          extensions: parseJson(params.get("extensions")),
          documentId: params.get("documentId") ?? undefined,
        });
        if ("error" in resolution) return refuse(res, resolution.error);
        params.set("query", resolution.query);
        params.delete("documentId");
        params.set("extensions", JSON.stringify(withoutPersistedQuery(parseJson(params.get("extensions")))));
        req.url = `${url.pathname}?${params.toString()}`;
        return next();
      }
      const body = req.body as unknown;
      // Batches are refused by Apollo itself (400); anything else but an object is not an operation.
      if (!isObject(body)) return next();
      const resolution = this.resolve(body);
      if ("error" in resolution) return refuse(res, resolution.error);
      body.query = resolution.query;
      delete body.documentId;
      if (isObject(body.extensions)) body.extensions = withoutPersistedQuery(body.extensions);
      return next();
    };
  }
}

function requestedHash(request: OperationRequest): string | undefined {
  if (typeof request.documentId === "string") return request.documentId.replace(/^sha256:/, "");
  const persisted = isObject(request.extensions) ? request.extensions.persistedQuery : undefined;
  return isObject(persisted) && typeof persisted.sha256Hash === "string" ? persisted.sha256Hash : undefined;
}

const refusal = (code: string, message: string) => new GraphQLError(message, { extensions: { code } });

function refuse(res: express.Response, error: GraphQLError): void {
  res.status(400).json({ errors: [{ message: error.message, extensions: error.extensions }] });
}

function withoutPersistedQuery(extensions: unknown): Record<string, unknown> {
  if (!isObject(extensions)) return {};
  const { persistedQuery: _, ...rest } = extensions;
  return rest;
}

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
