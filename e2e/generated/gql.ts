/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    accessToken\n    refreshToken\n    expiresAt\n    user {\n      id\n      email\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nmutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    accessToken\n    user {\n      id\n      email\n      role\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    name\n    role\n  }\n}": typeof types.SignInDocument,
    "query Products($first: Int, $after: String) {\n  products(first: $first, after: $after) {\n    totalCount\n    nodes {\n      id\n      name\n      variants {\n        sku\n        inStock\n        price {\n          amount\n          currencyCode\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ProductsDocument,
};
const documents: Documents = {
    "mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    accessToken\n    refreshToken\n    expiresAt\n    user {\n      id\n      email\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nmutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    accessToken\n    user {\n      id\n      email\n      role\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    name\n    role\n  }\n}": types.SignInDocument,
    "query Products($first: Int, $after: String) {\n  products(first: $first, after: $after) {\n    totalCount\n    nodes {\n      id\n      name\n      variants {\n        sku\n        inStock\n        price {\n          amount\n          currencyCode\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ProductsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    accessToken\n    refreshToken\n    expiresAt\n    user {\n      id\n      email\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nmutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    accessToken\n    user {\n      id\n      email\n      role\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    name\n    role\n  }\n}"): typeof import('./graphql.js').SignInDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Products($first: Int, $after: String) {\n  products(first: $first, after: $after) {\n    totalCount\n    nodes {\n      id\n      name\n      variants {\n        sku\n        inStock\n        price {\n          amount\n          currencyCode\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): typeof import('./graphql.js').ProductsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
