/**
 * The suppression rules on cohorts built by hand, for the cases the test federation's data does not reach.
 */
import { emptyFacets } from '../../subgraphs/sdk/facets';
import { discloseCohort } from '../../subgraphs/sdk/privacy';
import type { CohortRecord } from '../../subgraphs/sdk/records';

const POLICY = { minCellSize: 5, roundTo: null, noise: null };
const ANONYMOUS = { accessLevel: 'anonymous' as const, recordGrants: [] };

function cohort(overrides: Partial<CohortRecord>): CohortRecord {
  return { subjects: 50, studies: 80, series: 400, images: 9000, exact: true, facets: emptyFacets(), filtersApplied: [], filtersNotApplied: [], ...overrides };
}

describe('small-cell suppression', () => {
  it('makes none and a few look alike: 0 is withheld as 1 is, with existence', () => {
    for (const subjects of [0, 1, 4]) {
      expect(discloseCohort(cohort({ subjects, studies: subjects, exists: subjects > 0 }), 'r', POLICY, ANONYMOUS, {}))
        .toMatchObject({ subjects: null, studies: null, series: null, images: null, exists: null, suppressed: true, minCellSize: 5 });
    }
    expect(discloseCohort(cohort({ subjects: 5 }), 'r', POLICY, ANONYMOUS, {})).toMatchObject({ subjects: 5, exists: true, suppressed: false });
  });

  it('does not release a bare "somebody exists" without a count of at least k', () => {
    const beacon = discloseCohort(cohort({ subjects: null, studies: null, series: null, images: null, exists: true, exact: false }), 'r', POLICY, ANONYMOUS, {});
    expect(beacon).toMatchObject({ exists: null, suppressed: true });
  });

  it('withholds the next smallest bucket when only one is small, and only the small ones when several are', () => {
    const one = discloseCohort(cohort({ facets: { ...emptyFacets(), sex: [{ value: 'FEMALE', subjects: 30 }, { value: 'MALE', subjects: 17 }, { value: 'OTHER', subjects: 3 }] } }), 'r', POLICY, ANONYMOUS, {});
    expect(one.facets.sex).toEqual([{ value: 'FEMALE', subjects: 30 }, { value: 'MALE', subjects: null }, { value: 'OTHER', subjects: null }]);
    const two = discloseCohort(cohort({ facets: { ...emptyFacets(), sex: [{ value: 'FEMALE', subjects: 44 }, { value: 'UNKNOWN', subjects: 4 }, { value: 'OTHER', subjects: 2 }] } }), 'r', POLICY, ANONYMOUS, {});
    expect(two.facets.sex).toEqual([{ value: 'FEMALE', subjects: 44 }, { value: 'OTHER', subjects: null }, { value: 'UNKNOWN', subjects: null }]);
  });

  it('does not name withheld buckets when the cohort\'s size is unknown, and says the facet is incomplete', () => {
    const answer = discloseCohort(cohort({ subjects: null, exact: false, facets: { ...emptyFacets(), cancerSite: [{ value: 'LUNG', subjects: 40 }, { value: 'BREAST', subjects: 2 }, { value: 'BONE', subjects: 1 }] } }), 'r', POLICY, ANONYMOUS, {});
    expect(answer.facets.cancerSite).toEqual([{ value: 'LUNG', subjects: 40 }]);
    expect(answer.incompleteFacets).toEqual(['cancerSite']);
  });

  it('rounds shown counts to a multiple, never down to 0, and leaves a granted caller\'s counts alone', () => {
    const rounded = discloseCohort(cohort({ subjects: 6, studies: 13, series: 14, images: 9001 }), 'r', { minCellSize: 5, roundTo: 20, noise: null }, ANONYMOUS, {});
    expect(rounded).toMatchObject({ subjects: 20, studies: 20, series: 20, images: 9000, exact: false, roundedTo: 20 });
    const granted = discloseCohort(cohort({ subjects: 1 }), 'r', { minCellSize: 5, roundTo: 20, noise: null }, { recordGrants: [{ repositoryId: 'r' }] }, {});
    expect(granted).toMatchObject({ subjects: 1, exact: true, suppressed: false, minCellSize: null, roundedTo: null });
  });
});
