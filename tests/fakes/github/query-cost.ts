/**
 * What a GraphQL query costs in GitHub's rate limit, by GitHub's documented formula, so the
 * fake charges what github.com would: add up the requests needed to fulfil every connection,
 * assuming each reaches its `first`/`last`; a connection nested under others is fetched once
 * per item of its parents (the product of their `first`/`last`). `nodes(ids: [...])` with N ids
 * is not a connection but a parent of N items. Divide by 100, round, minimum 1.
 * (docs.github.com, "Rate limits and node limits for the GraphQL API"; its example,
 * repositories(first:100) > issues(first:50) > labels(first:60), is 5,101 requests, 51 points.)
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';

export interface QueryCost {
  /** Requests needed to fulfil every connection. */
  requests: number;
  /** Points charged: requests / 100, rounded, at least 1. */
  cost: number;
  /** The most nodes the query can return (what GitHub's node limit counts). */
  nodeCount: number;
}

type Composite = ReturnType<GraphQLSchema['getQueryType']>;

function argument(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const node = field.arguments?.find((a) => a.name.value === name)?.value as ValueNode | undefined;
  return node === undefined ? undefined : valueFromASTUntyped(node, variables);
}

export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
): QueryCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === 'FragmentDefinition') fragments.set(d.name.value, d);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  );
  if (!operation) return { requests: 0, cost: 1, nodeCount: 0 };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  let requests = 0;
  let nodeCount = 0;

  const fieldsOf = (type: Composite | undefined | null): Record<string, GraphQLField<unknown, unknown>> =>
    type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : {};

  const walk = (set: SelectionSetNode, type: Composite | undefined | null, multiplier: number): void => {
    for (const selection of set.selections) {
      if (selection.kind === 'InlineFragment') {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        walk(selection.selectionSet, on as Composite, multiplier);
        continue;
      }
      if (selection.kind === 'FragmentSpread') {
        const fragment = fragments.get(selection.name.value);
        if (fragment)
          walk(
            fragment.selectionSet,
            schema.getType(fragment.typeCondition.name.value) as Composite,
            multiplier,
          );
        continue;
      }
      const field = fieldsOf(type)[selection.name.value];
      if (!field || !selection.selectionSet) continue;
      const named = getNamedType(field.type);
      const pageSize = Number(
        argument(selection, 'first', variables) ?? argument(selection, 'last', variables),
      );
      let inner = multiplier;
      if (named.name.endsWith('Connection') && Number.isFinite(pageSize) && pageSize > 0) {
        // One request per parent item to fetch this connection; its items are the next level's parents.
        requests += multiplier;
        inner = multiplier * pageSize;
        nodeCount += inner;
      } else if (
        selection.name.value === 'nodes' &&
        multiplier === 1 &&
        Array.isArray(argument(selection, 'ids', variables))
      ) {
        inner = (argument(selection, 'ids', variables) as unknown[]).length;
        nodeCount += inner;
      }
      walk(selection.selectionSet, named as Composite, inner);
    }
  };
  walk(operation.selectionSet, root, 1);
  return { requests, cost: Math.max(1, Math.round(requests / 100)), nodeCount };
}
