import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { composeSupergraph } from '../../gateway/supergraph';
import { testConfig } from '../support/federation';

const config = testConfig([
  { id: 'de-a', country: 'DE', apiKind: 'dicomweb' },
  { id: 'it-b', country: 'IT', apiKind: 'dicomweb' },
  { id: 'pt-c', country: 'PT', apiKind: 'nbia' },
  { id: 'es-d', country: 'ES', apiKind: 'eucaim-mediator' },
]);

function plan(query: string): PlanNode | SubscriptionNode | undefined {
  const supergraph = Supergraph.build(composeSupergraph(config));
  const planner = new QueryPlanner(supergraph);
  return planner.buildQueryPlan(operationFromDocument(supergraph.schema.toAPISchema(), parse(query))).node;
}

describe('query plan of a fan-out over repositories', () => {
  it('asks the catalog first, then every repository subgraph in parallel', () => {
    const node = plan('{ repositories { name cohort(where: {modalities: [MR]}) { subjects } } }');
    expect(node?.kind).toBe('Sequence');
    if (node?.kind !== 'Sequence') return;
    const [first, second] = node.nodes;
    expect(first).toMatchObject({ kind: 'Fetch', serviceName: 'catalog' });
    expect(second.kind).toBe('Parallel');
    if (second.kind !== 'Parallel') return;
    const services = second.nodes.map((n) => (n.kind === 'Flatten' && n.node.kind === 'Fetch' ? n.node.serviceName : n.kind));
    expect(services.sort()).toEqual(['de-a', 'es-d', 'it-b', 'pt-c']);
  });

  it('answers catalogue-only questions from the catalog alone', () => {
    expect(plan('{ repositories(where: {countries: ["DE"]}) { id name country apiKind granularity } }'))
      .toMatchObject({ kind: 'Fetch', serviceName: 'catalog' });
  });
});
