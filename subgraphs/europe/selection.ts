/**
 * Forwards what a client selected on Europe-wide cases to the inner per-repository requests, so a repository is
 * asked for studies and series only when the client wants them. Selections are rewritten so that the inner
 * answer has the shape the europe subgraph's own resolvers read: aliases dropped (results keyed by field name),
 * named fragments inlined, @skip/@include evaluated with the request's variables.
 */
import {
  getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, print,
  type FieldNode, type GraphQLResolveInfo, type InlineFragmentNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';

type Fragments = GraphQLResolveInfo['fragments'];
type Variables = GraphQLResolveInfo['variableValues'];

function included(node: SelectionNode, variables: Variables): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
  return include?.if !== false;
}

/** The fields of a selection set, through fragments (the selection set of an object type). */
export function collectFields(selectionSet: SelectionSetNode | undefined, fragments: Fragments, variables: Variables): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (!included(selection, variables)) continue;
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  if (selectionSet) visit(selectionSet);
  return fields;
}

/** A selection set rewritten for an inner request: no aliases, no directives, no named fragments. */
export function forwardSelectionSet(selectionSet: SelectionSetNode, fragments: Fragments, variables: Variables): SelectionSetNode {
  const selections: SelectionNode[] = [];
  for (const selection of selectionSet.selections) {
    if (!included(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) {
      selections.push(forwardField(selection, fragments, variables));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      selections.push(inline(selection.typeCondition, forwardSelectionSet(selection.selectionSet, fragments, variables)));
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment) selections.push(inline(fragment.typeCondition, forwardSelectionSet(fragment.selectionSet, fragments, variables)));
    }
  }
  return { kind: Kind.SELECTION_SET, selections };
}

export function forwardField(field: FieldNode, fragments: Fragments, variables: Variables): FieldNode {
  return {
    kind: Kind.FIELD,
    name: field.name,
    // Fields under Case take no arguments; anything else is not forwarded.
    arguments: [],
    directives: [],
    selectionSet: field.selectionSet ? forwardSelectionSet(field.selectionSet, fragments, variables) : undefined,
  };
}

function inline(typeCondition: InlineFragmentNode['typeCondition'], selectionSet: SelectionSetNode): InlineFragmentNode {
  return { kind: Kind.INLINE_FRAGMENT, typeCondition, directives: [], selectionSet };
}

export interface CaseSelection {
  /** Case fields other than `studies`, forwarded (printed, space separated). */
  caseFields: string;
  /** The `studies` selections, forwarded; empty when the client selects no studies. */
  studies: string;
}

/**
 * What the client selects on the cases of a connection field (`nodes { ... }` and `edges { node { ... } }`),
 * split into the case's own fields (cheap: from the repository's index) and its studies (costly: native calls).
 */
export function caseSelectionOf(info: GraphQLResolveInfo): CaseSelection {
  const { fragments, variableValues } = info;
  const caseFields: FieldNode[] = [];
  for (const fieldNode of info.fieldNodes) {
    for (const field of collectFields(fieldNode.selectionSet, fragments, variableValues)) {
      if (field.name.value === 'nodes') caseFields.push(...collectFields(field.selectionSet, fragments, variableValues));
      if (field.name.value === 'edges') {
        for (const edgeField of collectFields(field.selectionSet, fragments, variableValues)) {
          if (edgeField.name.value === 'node') caseFields.push(...collectFields(edgeField.selectionSet, fragments, variableValues));
        }
      }
    }
  }
  const forwarded = caseFields.map((field) => forwardField(field, fragments, variableValues));
  const printed = (fields: FieldNode[]) => [...new Set(fields.map((f) => print(f)))].join(' ');
  return {
    caseFields: printed(forwarded.filter((f) => f.name.value !== 'studies')),
    studies: printed(forwarded.filter((f) => f.name.value === 'studies')),
  };
}

/** Whether a field's selection selects `name` at any depth (e.g. "facets" anywhere under a cohort). */
export function selectsAnywhere(info: GraphQLResolveInfo, name: string): boolean {
  const { fragments, variableValues } = info;
  const visit = (set: SelectionSetNode | undefined): boolean =>
    collectFields(set, fragments, variableValues).some((field) => field.name.value === name || visit(field.selectionSet));
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
