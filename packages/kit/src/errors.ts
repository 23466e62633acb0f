import { GraphQLError } from "graphql";

/** Error codes of GraphQL errors (extensions.code) used across the graph. */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

/** `httpStatus` for errors raised before execution (a bad token): the whole request is refused. */
export const unauthenticated = (message = "Sign in to do this.", httpStatus?: number) =>
  new GraphQLError(message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
  });

export const forbidden = (message = "You are not allowed to do this.") =>
  new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });

export const notFound = (what: string) =>
  new GraphQLError(`${what} not found.`, { extensions: { code: ErrorCode.NOT_FOUND } });

export const badInput = (message: string, field?: string[]) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });

/** An expected failure of a mutation, returned in its payload's `userErrors`. */
export interface UserErrorShape {
  code: string;
  field: string[] | null;
  message: string;
}

export const userError = (code: string, message: string, field?: readonly (string | number)[]): UserErrorShape => ({
  code,
  message,
  field: field ? field.map(String) : null,
});

/**
 * Thrown inside a domain function to abort its transaction and answer the
 * mutation with userErrors instead (nothing is written).
 */
export class UserErrors extends Error {
  readonly errors: UserErrorShape[];
  constructor(errors: UserErrorShape | UserErrorShape[]) {
    const list = Array.isArray(errors) ? errors : [errors];
    super(list.map((e) => `${e.code}: ${e.message}`).join("; "));
    this.name = "UserErrors";
    this.errors = list;
  }
}

/**
 * Runs a mutation body and turns a thrown UserErrors into a payload with
 * `userErrors` and a null object field, so resolvers stay one line.
 */
export async function payload<K extends string, T>(
  key: K,
  run: () => Promise<T>,
): Promise<{ [P in K]: T | null } & { userErrors: UserErrorShape[] }> {
  try {
    const value = await run();
    return { [key]: value, userErrors: [] } as { [P in K]: T | null } & { userErrors: UserErrorShape[] };
  } catch (error) {
    if (error instanceof UserErrors) {
      return { [key]: null, userErrors: error.errors } as { [P in K]: T | null } & { userErrors: UserErrorShape[] };
    }
    throw error;
  }
}
