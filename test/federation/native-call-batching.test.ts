import { startTestFederation, type TestFederation } from '../support/federation';

const PAGE = `query Page($id: ID!, $first: Int!) {
  repository(id: $id) { cases(first: $first) { nodes { subjectId studies { uid series { uid modality instanceCount } } } } }
}`;

describe('a page of cases with studies costs a constant number of native calls', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation([
      { id: 'de-pacs', country: 'DE', apiKind: 'dicomweb', cases: 120 },
      { id: 'pt-nbia', country: 'PT', apiKind: 'nbia', cases: 120 },
    ]);
  });

  afterAll(async () => {
    await federation?.close();
  });

  // NBIA serves studies from its harvested index (one getSimpleSearch call per page); DICOMweb fetches them live
  // with two QIDO requests (studies and series by UID list) per 100 studies, whatever the number of cases.
  it.each([['de-pacs', 2, 4], ['pt-nbia', 1, 1]])('%s: 10 cases cost %i native calls, 50 cases at most %i', async (id, costOfTen, costOfFifty) => {
    await federation.query(PAGE, { id, first: 1 }); // harvests the index once
    const costOf = async (first: number) => {
      federation.simulator(id).resetCounts();
      const { body } = await federation.query(PAGE, { id, first });
      expect(body.errors).toBeUndefined();
      const nodes = (body.data?.repository as { cases: { nodes: Array<{ studies: unknown[] }> } }).cases.nodes;
      expect(nodes).toHaveLength(first);
      expect(nodes.every((n) => n.studies.length > 0)).toBe(true);
      return federation.simulator(id).requests.total;
    };
    expect(await costOf(10)).toBe(costOfTen);
    expect(await costOf(50)).toBeLessThanOrEqual(costOfFifty);
  });
});
