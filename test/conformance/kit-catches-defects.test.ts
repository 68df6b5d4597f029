/**
 * The kit must fail adapters that break the contract: here, adapters built on the SDK with one defect each.
 */
import { runConformance } from '../../conformance/run';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import { toUnifiedCases } from '../support/ground-truth';
import type { AdapterKind, RepositoryAdapter } from '../../subgraphs/sdk/adapter';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { CaseIndex } from '../../subgraphs/sdk/case-index';
import { pageOfMatches } from '../../subgraphs/sdk/index-pages';
import { serveRepositorySubgraph } from '../../subgraphs/sdk/serve';
import { splitFilter } from '../../subgraphs/sdk/report';
import { ALL_CRITERIA } from '../../subgraphs/sdk/filter';

const records = toUnifiedCases(generateRepositoryData({
  repositoryId: 'xx-defect', seed: 3, cases: 60, subjectPrefix: 'DF', collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }],
}));

function honest(): RepositoryAdapter {
  return {
    async cohort(filter) {
      const { evaluable, report } = splitFilter(filter, ALL_CRITERIA, () => '');
      return cohortOf(records, evaluable, report);
    },
    async cases(filter, page) {
      return pageOfMatches(CaseIndex.from(records), filter, page, 'xx-defect', { withStudies: true });
    },
    async collections() {
      return [{ id: 'LUNG', name: 'Lung', description: null, licence: null, doi: null, landingPage: null, subjects: 60, studies: null, cancerSites: ['LUNG'], modalities: [] }];
    },
  };
}

async function failuresOf(adapter: RepositoryAdapter): Promise<string[]> {
  const kind: AdapterKind = { apiKind: 'defect', description: '', granularity: 'RECORD', criteria: ALL_CRITERIA, facets: true, create: () => adapter };
  const subgraph = await serveRepositorySubgraph({
    entry: { id: 'xx-defect', name: 'Defect', country: 'FI', institution: 'Test', apiKind: 'defect', endpoint: 'http://127.0.0.1:1', subgraph: 'local', timeoutMs: 1000, collections: [], options: {} },
    kind, port: 0,
  });
  try {
    return (await runConformance(subgraph.url)).filter((r) => r.outcome.status === 'fail').map((r) => r.check.name);
  } finally {
    await subgraph.close();
  }
}

describe('the conformance kit catches defects', () => {
  it('passes the honest reference adapter', async () => {
    expect(await failuresOf(honest())).toEqual([]);
  });

  it('fails an adapter that silently drops the sex criterion', async () => {
    const adapter = honest();
    const cohort = adapter.cohort.bind(adapter);
    adapter.cohort = (filter, context, options) => cohort({ ...filter, sex: undefined }, context, options).then((c) => ({ ...c, filtersApplied: [...c.filtersApplied, ...(filter.sex ? ['SEX' as const] : [])] }));
    expect(await failuresOf(adapter)).toContain('values within a criterion OR together (sex: FEMALE or MALE = FEMALE + MALE)');
  });

  it('fails an adapter whose pages overlap', async () => {
    const adapter = honest();
    adapter.cases = async (filter, page) => {
      const result = pageOfMatches(CaseIndex.from(records), filter, page, 'xx-defect', { withStudies: true });
      // Repeats the previous page's last case at the top of every later page.
      if (page.after) result.edges.unshift({ ...result.edges[0] });
      return result;
    };
    expect(await failuresOf(adapter)).toContain('paging walks every matching case exactly once, and their number is the cohort count');
  });

  it('fails an adapter that reports a criterion neither applied nor not applied', async () => {
    const adapter = honest();
    const cohort = adapter.cohort.bind(adapter);
    adapter.cohort = (filter, context, options) => cohort(filter, context, options).then((c) => ({ ...c, filtersApplied: c.filtersApplied.filter((x) => x !== 'MODALITIES') }));
    expect(await failuresOf(adapter)).toContain('every requested criterion is reported applied or not applied, with a reason');
  });
});
