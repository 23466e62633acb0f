import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
  type VariableDefinitionNode,
  valueFromASTUntyped,
} from "graphql";

/** Arguments that say how many items a list field returns. */
const PAGE_ARGUMENTS = ["first", "last"] as const;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  variableDefinitions: readonly VariableDefinitionNode[];
  listSize: number;
  /** Fragments being expanded (cycles are invalid, but the walk must not loop). */
  expanding: Set<string>;
}

/**
 * The cost of an operation, counting what it may make the subgraphs produce:
 * each field costs 1; a field with `first` or `last` (a literal, a variable,
 * or the argument's default) multiplies the cost of its selection by that
 * number, the list it pages (`nodes`, `edges`) then counting once; any other
 * list field multiplies its selection by `listSize`. Introspection and
 * `__typename` are free.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  listSize: number,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk: Walk = {
    schema,
    fragments,
    variables,
    variableDefinitions: operation.variableDefinitions ?? [],
    listSize,
    expanding: new Set(),
  };
  return selectionCost(walk, operation.selectionSet, root, false);
}

function selectionCost(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLNamedType, paged: boolean): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      cost += fieldCost(walk, selection, parent, paged);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      cost += selectionCost(walk, selection.selectionSet, type ?? parent, paged);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || walk.expanding.has(name)) continue;
      walk.expanding.add(name);
      const type = walk.schema.getType(fragment.typeCondition.name.value) ?? parent;
      cost += selectionCost(walk, fragment.selectionSet, type, paged);
      walk.expanding.delete(name);
    }
  }
  return cost;
}

function fieldCost(walk: Walk, node: FieldNode, parent: GraphQLNamedType, paged: boolean): number {
  const name = node.name.value;
  if (name.startsWith("__")) return 0;
  const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  if (!field || !node.selectionSet) return 1;
  const type = getNamedType(field.type);
  if (!isCompositeType(type)) return 1;
  const page = pageSize(walk, node, field);
  const multiplier = page ?? (isListType(getNullableType(field.type)) && !paged ? walk.listSize : 1);
  return 1 + multiplier * selectionCost(walk, node.selectionSet, type, page !== undefined);
}

/** The value of the field's `first`/`last` argument, or its default; undefined when it has neither. */
function pageSize(walk: Walk, node: FieldNode, field: GraphQLField<unknown, unknown>): number | undefined {
  for (const argumentName of PAGE_ARGUMENTS) {
    const definition = field.args.find((arg) => arg.name === argumentName);
    if (!definition) continue;
    const given = node.arguments?.find((arg) => arg.name.value === argumentName)?.value;
    // An absent variable leaves the argument's default, as in execution.
    const value = (given ? argumentValue(walk, given) : undefined) ?? definition.defaultValue;
    if (typeof value === "number" && Number.isFinite(value)) return Math.max(0, Math.floor(value));
  }
  return undefined;
}

function argumentValue(walk: Walk, node: ValueNode): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind !== Kind.VARIABLE) return undefined;
  const name = node.name.value;
  if (walk.variables[name] !== undefined && walk.variables[name] !== null) return Number(walk.variables[name]);
  const definition = walk.variableDefinitions.find((d) => d.variable.name.value === name);
  return definition?.defaultValue ? valueFromASTUntyped(definition.defaultValue) : undefined;
}
