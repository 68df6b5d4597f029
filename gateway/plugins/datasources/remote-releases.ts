/**
 * What the gateway believes of the release report a repository subgraph at its owner's site sends with an answer
 * (subgraphs/sdk/serve.ts, to the gateway's grant only): no more than that answer bears out. The gateway cannot see
 * the remote's resolvers, only what it forwards to the client, and its audit line is about that:
 * - The remote's own repository only: a report naming another is ignored (a site cannot write another's lines).
 * - Cases: the answer's case lists are what the gateway forwards, so at least as many cases as its longest list (a
 *   list holds distinct cases) and at most as many as its lists together. Within those bounds the report says
 *   which are the same case (its keys, so a case counts once across the calls of a request); a report of more is
 *   cut, one of fewer (or none: a subgraph not served by the SDK, or without the gateway's keys) is filled up with
 *   cases known to this call only.
 * - Collections: only names the gateway knows for that repository (its config entry, the caller's grant), so a
 *   remote cannot write other text into the gateway's log; any other counts as a case without a collection.
 * - Series: none when the answer carries no studies; bounded like the cases when it lists the studies' series;
 *   when it carries studies without their series, the report's figure for the cases kept, unchecked (nothing in
 *   the answer to check it against; the remote's own line has the same figure).
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { randomUUID } from 'node:crypto';
import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import type { RepositoryEntry } from '../../../subgraphs/sdk/entry';
import { parseReleaseReport, RELEASE_REPORT_EXTENSION, releaseReport, type ReleaseReport } from '../../../subgraphs/sdk/release-report';
import { isJsonObject } from '../../../subgraphs/sdk/parse';

/** One `cases` connection in an answer: how many cases, whether they carry studies, how many series they list. */
interface CaseList {
  cases: number;
  studies: boolean;
  /** Undefined when the studies' series are not in the answer. */
  series?: number;
}

export function checkedRemoteReport(
  entry: RepositoryEntry, context: RequestContext | undefined, response: GatewayGraphQLResponse, document: DocumentNode,
): ReleaseReport | undefined {
  const lists = response.data ? caseListsIn(document, response.data) : [];
  const most = sum(lists.map((l) => l.cases));
  if (most === 0) return undefined;
  const least = Math.max(...lists.map((l) => l.cases));
  const known = new Set([
    ...entry.collections.map((c) => c.id),
    ...(context?.recordGrants ?? []).filter((g) => g.repositoryId === entry.id).flatMap((g) => g.collections ?? []),
  ]);
  const reported = (parseReleaseReport(response.extensions?.[RELEASE_REPORT_EXTENSION])?.repositories ?? []).filter((r) => r.repositoryId === entry.id);

  const cases = new Map<string, string | null>();
  for (const [key, collection] of reported.flatMap((r) => r.cases)) {
    if (cases.size >= most && !cases.has(key)) continue;
    cases.set(key, collection !== null && known.has(collection) ? collection : cases.get(key) ?? null);
  }
  while (cases.size < least) cases.set(unreportedKey(), null);

  // Series come with studies: an answer without studies bounds them to none.
  const series = new Map<string, number>();
  for (const [key, count] of reported.flatMap((r) => r.series)) {
    if (cases.has(key)) series.set(key, Math.max(series.get(key) ?? 0, count));
  }
  const withStudies = lists.filter((l) => l.studies);
  const seriesMost = withStudies.every((l) => l.series !== undefined) ? sum(withStudies.map((l) => l.series ?? 0)) : Infinity;
  const seriesLeast = Math.max(0, ...lists.map((l) => l.series ?? 0));
  let left = seriesMost;
  for (const [key, count] of series) {
    series.set(key, Math.min(count, left));
    left -= series.get(key)!;
  }
  const total = sum([...series.values()]);
  if (total < seriesLeast) series.set(unreportedKey(), seriesLeast - total);
  return releaseReport([{ repositoryId: entry.id, cases: [...cases], series: [...series].filter(([, count]) => count > 0) }]);
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const unreportedKey = () => `unreported-${randomUUID()}`;

/** The `cases` connections of an answer, found by walking the fetch's selections (aliases, fragments) with its data. */
function caseListsIn(document: DocumentNode, data: Record<string, unknown>): CaseList[] {
  const fragments = new Map(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const fieldsOf = (selectionSet: SelectionSetNode): FieldNode[] => selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet);
    const fragment = fragments.get(selection.name.value);
    return fragment ? fieldsOf(fragment.selectionSet) : [];
  });
  const valuesOf = (value: unknown, field: FieldNode): unknown => (isJsonObject(value) ? value[field.alias?.value ?? field.name.value] : undefined);
  const subfields = (field: FieldNode, name: string) => (field.selectionSet ? fieldsOf(field.selectionSet).filter((f) => f.name.value === name) : []);

  // Per case: whether it carries studies, and how many series they list (undefined when not asked).
  const caseFigures = (caseField: FieldNode, value: unknown): { studies: boolean; series?: number } => {
    let studies = false;
    let series: number | undefined;
    for (const studiesField of subfields(caseField, 'studies')) {
      const list = valuesOf(value, studiesField);
      if (!Array.isArray(list)) continue;
      studies = true;
      for (const seriesField of subfields(studiesField, 'series')) {
        const listed = sum(list.map((study) => (Array.isArray(valuesOf(study, seriesField)) ? (valuesOf(study, seriesField) as unknown[]).length : 0)));
        series = Math.max(series ?? 0, listed);
      }
    }
    return { studies, series };
  };
  // A connection lists the same cases as nodes and as edges: the larger view counts.
  const caseList = (connectionField: FieldNode, connection: unknown): CaseList => {
    const views: Array<{ field: FieldNode; values: unknown[] }> = [];
    for (const field of subfields(connectionField, 'nodes')) {
      const nodes = valuesOf(connection, field);
      if (Array.isArray(nodes)) views.push({ field, values: nodes });
    }
    for (const edgesField of subfields(connectionField, 'edges')) {
      const edges = valuesOf(connection, edgesField);
      if (!Array.isArray(edges)) continue;
      for (const field of subfields(edgesField, 'node')) views.push({ field, values: edges.map((edge) => valuesOf(edge, field)) });
    }
    const list: CaseList = { cases: 0, studies: false };
    for (const { field, values } of views) {
      const figures = values.filter(isJsonObject).map((value) => caseFigures(field, value));
      list.cases = Math.max(list.cases, figures.length);
      list.studies ||= figures.some((f) => f.studies);
      if (figures.some((f) => f.series !== undefined)) list.series = Math.max(list.series ?? 0, sum(figures.map((f) => f.series ?? 0)));
    }
    return list;
  };
  const lists: CaseList[] = [];
  const walk = (selectionSet: SelectionSetNode, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(selectionSet, item);
      return;
    }
    if (!isJsonObject(value)) return;
    for (const field of fieldsOf(selectionSet)) {
      const child = valuesOf(value, field);
      if (!field.selectionSet || child === null || child === undefined) continue;
      if (field.name.value === 'cases') lists.push(caseList(field, child));
      else walk(field.selectionSet, child);
    }
  };
  walk(operation.selectionSet, data);
  return lists;
}

