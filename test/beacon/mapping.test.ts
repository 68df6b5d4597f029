/**
 * Pure parts of the Beacon adapter: the typed reading of recorded-shape answers (the beacon-v2 spec's own example
 * documents in fixtures/, quirks included), the vocabulary, cohort plans and their signed requests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseFilter } from '../../schema/generated/graphql';
import {
  caseFieldsOf, collectionRecordsOf, combine, DEFAULT_SITE_TERMS, durationYears, facetQueries, facetValues, planCohort, queriesOf, queryKey,
  sexOfTerm, TermCatalogue, type Capabilities, type CountQuery, type QueryAnswer,
} from '../../subgraphs/beacon/mapping';
import {
  datasetSegment, individualsPath, parseDatasets, parseFilteringTerms, parseIndividualsAnswer, requestBody,
} from '../../subgraphs/beacon/client';
import { readOptions, validateOptions } from '../../subgraphs/beacon/adapter';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { normaliseFilter } from '../../subgraphs/sdk/filter';

const REPO = 'fr-lyon-beacon';
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));

function badResponse(run: () => unknown): RepositoryError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RepositoryError);
    expect((error as RepositoryError).code).toBe(ErrorCode.BAD_RESPONSE);
    expect((error as RepositoryError).message).toContain(`"${REPO}"`);
    return error as RepositoryError;
  }
  throw new Error('expected a BAD_RESPONSE error');
}

/** Every term of the simulated beacon's vocabulary, as a catalogue. */
const FULL_TERMS = [
  'NCIT:C16576', 'NCIT:C20197', 'NCIT:C17998', 'NCIT:C45908',
  ...Object.values(DEFAULT_SITE_TERMS).flat(),
  'DCM:CT', 'DCM:MR', 'DCM:PT', 'DCM:MG', 'bodyPart:CHEST', 'bodyPart:LUNG', 'bodyPart:BREAST',
];

function catalogue(ids: readonly string[], extra: Array<{ id: string; type: string }> = []): TermCatalogue {
  return new TermCatalogue([
    ...ids.map((id) => ({ id, type: id.startsWith('bodyPart:') ? 'custom' : 'NCI Thesaurus', label: null, scopes: ['individual'] })),
    { id: 'age', type: 'alphanumeric', label: 'age', scopes: null },
    ...extra.map((e) => ({ ...e, label: null, scopes: null })),
  ]);
}

function capabilities(overrides: Partial<Capabilities> = {}): Capabilities {
  return {
    terms: catalogue(FULL_TERMS),
    datasets: ['LUNG', 'BREAST', 'PROSTATE'],
    ageTerm: 'age',
    yearOfDiagnosisTerm: null,
    siteTerms: DEFAULT_SITE_TERMS,
    ...overrides,
  };
}

function plan(where: CaseFilter, caps = capabilities(), maxRequests = 32) {
  return planCohort(normaliseFilter(where, REPO), caps, { maxRequests });
}

describe('parseIndividualsAnswer on the spec\'s example documents', () => {
  it('reads a count answer (the published example has no returnedGranularity)', () => {
    expect(parseIndividualsAnswer(fixture('count-response.json'), REPO)).toEqual({ granularity: null, exists: true, numTotalResults: 25355, records: null });
  });

  it('reads a boolean answer', () => {
    expect(parseIndividualsAnswer(fixture('boolean-response.json'), REPO)).toEqual({ granularity: null, exists: true, numTotalResults: null, records: null });
  });

  it('reads result sets at the root, as the MIN example has them', () => {
    expect(parseIndividualsAnswer(fixture('resultsets-min.json'), REPO).records).toEqual([]);
  });

  it('reads record answers: ids, sex, disease codes (diseaseCode or term) and onset ages', () => {
    const answer = parseIndividualsAnswer(fixture('resultsets-individuals.json'), REPO);
    expect(answer).toMatchObject({ granularity: 'record', exists: true, numTotalResults: null });
    expect(answer.records).toEqual([
      { id: 'Ind001', sexId: 'NCIT:C16576', diseaseCodes: ['OMIM:164400'], agesOfOnset: [] },
      { id: 'BRCA-0042', sexId: 'NCIT:C16576', diseaseCodes: ['NCIT:C4194'], agesOfOnset: ['P58Y6M'] },
      { id: 'BRCA-M-0007', sexId: 'NCIT:C46112', diseaseCodes: ['NCIT:C4872'], agesOfOnset: ['P71Y'] },
    ]);
    expect(answer.records?.map(caseFieldsOf)).toEqual([
      { subjectId: 'Ind001', sex: 'FEMALE', ageAtDiagnosis: null },
      { subjectId: 'BRCA-0042', sex: 'FEMALE', ageAtDiagnosis: 58.5 },
      { subjectId: 'BRCA-M-0007', sex: 'MALE', ageAtDiagnosis: 71 },
    ]);
  });

  it('turns a Beacon error document into an HTTP error with its code, without echoing its message', () => {
    let error: RepositoryError | undefined;
    try {
      parseIndividualsAnswer(fixture('error-response.json'), REPO);
    } catch (e) {
      error = e as RepositoryError;
    }
    expect(error).toBeInstanceOf(RepositoryError);
    expect(error?.code).toBe(ErrorCode.HTTP_ERROR);
    expect(error?.extensions.httpStatus).toBe(400);
    expect(error?.message).toContain('errorCode 400');
    expect(error?.message).not.toContain('Missing parameter');
  });

  it('fails with BAD_RESPONSE naming the field on answers that would make counts wrong', () => {
    const answer = (summary: unknown, extra: Record<string, unknown> = {}) => ({ meta: { returnedGranularity: 'count' }, responseSummary: summary, ...extra });
    expect(badResponse(() => parseIndividualsAnswer(null, REPO)).message).toContain('the body is null');
    expect(badResponse(() => parseIndividualsAnswer({ meta: {} }, REPO)).message).toContain('responseSummary');
    expect(badResponse(() => parseIndividualsAnswer(answer({ exists: true, numTotalResults: 'lots' }), REPO)).message).toContain('responseSummary.numTotalResults');
    expect(badResponse(() => parseIndividualsAnswer(answer({ exists: true, numTotalResults: -1 }), REPO)).message).toContain('non-negative integer');
    expect(badResponse(() => parseIndividualsAnswer(answer({ exists: true, numTotalResults: 2.5 }), REPO)).message).toContain('non-negative integer');
    expect(badResponse(() => parseIndividualsAnswer(answer({ exists: 'yes' }), REPO)).message).toContain('responseSummary.exists');
    expect(badResponse(() => parseIndividualsAnswer({ meta: { returnedGranularity: 'everything' }, responseSummary: { exists: true } }, REPO)).message)
      .toContain('meta.returnedGranularity');
    expect(badResponse(() => parseIndividualsAnswer(answer({ exists: true }, { response: { resultSets: [{ id: 'd', results: [{ id: 7 }] }] } }), REPO)).message)
      .toContain('response.resultSets[0].results[0].id');
    // A count sent as a string is read; exists may be inferred from a count.
    expect(parseIndividualsAnswer(answer({ numTotalResults: '12' }), REPO)).toMatchObject({ exists: true, numTotalResults: 12 });
  });
});

describe('filtering terms and datasets', () => {
  it('reads the spec\'s example terms and keeps those scoped to individuals (or unscoped)', () => {
    const terms = parseFilteringTerms(fixture('filtering-terms.json'), REPO);
    expect(terms).toHaveLength(10);
    expect(terms[0]).toEqual({ id: 'PATO:0000011', type: 'numeric', label: 'age', scopes: null });
    const c = new TermCatalogue(terms);
    expect(c.has('NCIT:C4878')).toBe(false); // biosample-only
    expect(c.has('NCIT:C20197')).toBe(true);
    expect(c.has('NCIT:C4872')).toBe(true); // "individuals" is accepted as a scope too
    expect([c.kind('PATO:0000011'), c.kind('age'), c.kind('ownsIPhone'), c.kind('bodyPart:CHEST'), c.kind('DCM:CT')])
      .toEqual(['alphanumeric', 'alphanumeric', 'custom', 'custom', 'ontology']);
    expect(c.termFilter('NCIT:C4872')).toEqual({ id: 'NCIT:C4872', includeDescendantTerms: true, similarity: 'exact', scope: 'individuals' });
    expect(c.termFilter('bodyPart:CHEST')).toEqual({ id: 'bodyPart:CHEST', scope: 'individuals' });
    // Some implementations answer the list at the root.
    expect(parseFilteringTerms({ filteringTerms: [{ id: 'NCIT:C16576', type: 'ontology' }] }, REPO)).toHaveLength(1);
    expect(badResponse(() => parseFilteringTerms({ response: { filteringTerms: [{ label: 'x' }] } }, REPO)).message).toContain('response.filteringTerms[0].id');
  });

  it('reads the spec\'s example datasets, the older `datasets` key, and refuses duplicates', () => {
    expect(parseDatasets(fixture('datasets.json'), REPO)).toEqual([
      { id: 'Dataset1', name: 'Dataset One', description: 'This is the first dataset' },
      { id: 'Dataset2', name: 'Dataset Two', description: 'This is the second dataset' },
    ]);
    expect(parseDatasets({ response: { datasets: [{ id: 'a' }] } }, REPO)).toEqual([{ id: 'a', name: null, description: null }]);
    expect(badResponse(() => parseDatasets({ response: { collections: [{ id: 'a' }, { id: 'a' }] } }, REPO)).message).toContain('listed twice');
  });

  it('builds the request body and dataset paths; dot segments are never addressed', () => {
    expect(requestBody([{ id: 'NCIT:C4872', scope: 'individuals' }], 'count', { skip: 0, limit: 1 })).toEqual({
      meta: { apiVersion: '2.0', requestedSchemas: [{ entityType: 'individual', schema: 'beacon-individual-v2.0.0' }] },
      query: { filters: [{ id: 'NCIT:C4872', scope: 'individuals' }], requestedGranularity: 'count', includeResultsetResponses: 'HIT', pagination: { skip: 0, limit: 1 }, testMode: false },
    });
    expect(individualsPath(null)).toBe('/individuals');
    expect(individualsPath('LUNG')).toBe('/datasets/LUNG/individuals');
    expect(datasetSegment('a/../b?c#d%')).toBe('a%2F..%2Fb%3Fc%23d%25');
    expect(() => datasetSegment('..')).toThrow();
  });
});

describe('vocabulary', () => {
  it('reads ISO 8601 durations', () => {
    expect(durationYears('P70Y')).toBe(70);
    expect(durationYears('P32Y6M')).toBe(32.5);
    expect(durationYears('P3W')).toBeCloseTo(21 / 365.25);
    expect([durationYears('70'), durationYears('P'), durationYears('PT5H')]).toEqual([null, null, null]);
  });

  it('reads sex terms, the spec typo and draft codes included', () => {
    expect(['NCIT:C16576', 'NCIT:C46113', 'NCIT:C20197', 'NCIT:C46112', 'NCIT:C17998', 'NCIT:C1799', 'NCIT:C45908', 'NCIT:C43234', null].map(sexOfTerm))
      .toEqual(['FEMALE', 'FEMALE', 'MALE', 'MALE', 'UNKNOWN', 'UNKNOWN', 'OTHER', null, null]);
  });
});

describe('planCohort', () => {
  it('enumerates sex and cancer sites over the listed terms; all four sexes cost nothing', () => {
    const p = plan({ sex: ['FEMALE', 'MALE'], cancerSites: ['RECTUM', 'LUNG'] });
    expect(p.enumerated.map((e) => [e.attribute, e.alternatives.map((a) => `${a.value}:${a.filter.id}`)])).toEqual([
      ['cancerSite', ['RECTUM:NCIT:C9382', 'RECTUM:NCIT:C7421', 'LUNG:NCIT:C4878']],
      ['sex', ['FEMALE:NCIT:C16576', 'MALE:NCIT:C20197']],
    ]);
    expect(queriesOf(p)).toHaveLength(6);
    expect(p.report).toEqual({ applied: ['CANCER_SITES', 'SEX'], notApplied: [] });
    expect(plan({ sex: ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] }).enumerated).toEqual([]);
    // Both spellings of a sex, when listed, are asked and summed.
    const legacy = plan({ sex: ['FEMALE'] }, capabilities({ terms: catalogue([...FULL_TERMS, 'NCIT:C46113']) }));
    expect(legacy.enumerated[0].alternatives.map((a) => a.filter.id)).toEqual(['NCIT:C16576', 'NCIT:C46113']);
  });

  it('reports values without a listed term or without a table entry, and never sends part of a criterion', () => {
    const withoutOther = plan({ sex: ['MALE', 'OTHER'] }, capabilities({ terms: catalogue(FULL_TERMS.filter((t) => t !== 'NCIT:C45908')) }));
    expect(withoutOther.enumerated).toEqual([]);
    expect(withoutOther.report.notApplied).toEqual([{ criterion: 'SEX', reason: expect.stringContaining('sex OTHER (looked for NCIT:C45908') }]);
    const adrenal = plan({ cancerSites: ['LUNG', 'ADRENAL_GLAND'] });
    expect(adrenal.report.notApplied[0].reason).toMatch(/ADRENAL_GLAND has no NCIT term in this adapter's table/);
    const rectumHalf = plan({ cancerSites: ['RECTUM'] }, capabilities({ terms: catalogue(FULL_TERMS.filter((t) => t !== 'NCIT:C7421')) }));
    expect(rectumHalf.report.notApplied[0]).toEqual({ criterion: 'CANCER_SITES', reason: expect.stringContaining('NCIT:C9382, NCIT:C7421') });
    // A configured table wins.
    const configured = plan({ cancerSites: ['ADRENAL_GLAND'] }, capabilities({ siteTerms: { ...DEFAULT_SITE_TERMS, ADRENAL_GLAND: ['NCIT:C4872'] } }));
    expect(configured.report.notApplied).toEqual([]);
  });

  it('turns age ranges into ISO 8601 duration filters, when the age term is listed as alphanumeric', () => {
    expect(plan({ ageAtDiagnosis: { min: 60, max: 70 } }).fixed).toEqual([
      { id: 'age', operator: '>=', value: 'P60Y', scope: 'individuals' },
      { id: 'age', operator: '<=', value: 'P70Y', scope: 'individuals' },
    ]);
    const noAge = plan({ ageAtDiagnosis: { max: 50 } }, capabilities({ terms: new TermCatalogue([{ id: 'age', type: 'NCI Thesaurus', label: null, scopes: null }]) }));
    expect(noAge.report.notApplied[0]).toEqual({ criterion: 'AGE_AT_DIAGNOSIS', reason: expect.stringContaining('no alphanumeric filtering term "age"') });
  });

  it('applies the year of diagnosis only with a configured, listed term', () => {
    expect(plan({ yearOfDiagnosis: { min: 2015 } }).report.notApplied[0].reason).toMatch(/^Beacon v2 has no year of diagnosis/);
    const configured = capabilities({ yearOfDiagnosisTerm: 'yearOfDiagnosis', terms: catalogue(FULL_TERMS, [{ id: 'yearOfDiagnosis', type: 'alphanumeric' }]) });
    expect(plan({ yearOfDiagnosis: { min: 2015, max: 2016 } }, configured).fixed.map((f) => f.id + ('operator' in f ? f.operator + f.value : ''))).toEqual(['yearOfDiagnosis>=2015', 'yearOfDiagnosis<=2016']);
    expect(plan({ yearOfDiagnosis: { min: 2015 } }, capabilities({ yearOfDiagnosisTerm: 'yearOfDiagnosis' })).report.notApplied[0].reason).toMatch(/does not list/);
  });

  it('answers several values of one image criterion by inclusion–exclusion, and refuses a second image criterion', () => {
    const p = plan({ modalities: ['CT', 'MR'] });
    expect(queriesOf(p).map((q) => [q.sign, q.query.filters.map((f) => f.id)])).toEqual([
      [1, ['DCM:CT']], [1, ['DCM:MR']], [-1, ['DCM:CT', 'DCM:MR']],
    ]);
    const two = plan({ modalities: ['CT'], bodyParts: ['CHEST'], manufacturers: ['siemens'] });
    expect(two.report.applied).toEqual(['MODALITIES']);
    expect(two.report.notApplied.map((n) => n.criterion)).toEqual(['BODY_PARTS', 'MANUFACTURERS']);
    expect(two.report.notApplied[0].reason).toMatch(/only MODALITIES is applied/);
    // When modalities cannot be applied, a body part criterion can.
    const bodyOnly = plan({ modalities: ['SM'], bodyParts: ['CHEST', 'LUNG'] });
    expect(bodyOnly.report.applied).toEqual(['BODY_PARTS']);
    expect(bodyOnly.report.notApplied[0]).toEqual({ criterion: 'MODALITIES', reason: expect.stringContaining('modality SM (looked for DCM:SM)') });
    expect(plan({ bodyParts: ['UNKNOWN'] }).report.notApplied[0].reason).toMatch(/body part UNKNOWN; the criterion/);
  });

  it('selects listed datasets literally: unknown ids select nobody, dot segments are reported', () => {
    expect(plan({ collections: ['LUNG', 'NOPE', '*', 'lung'] }).datasets).toEqual(['LUNG']);
    const none = plan({ collections: ['%', '../individuals'] });
    expect(none.datasets).toEqual([]);
    expect(queriesOf(none)).toEqual([]);
    expect(plan({ collections: ['LUNG'] }, capabilities({ datasets: null })).report.notApplied[0].reason).toMatch(/lists no datasets/);
    expect(plan({ collections: ['..'] }, capabilities({ datasets: ['..'] })).report.notApplied[0].reason).toMatch(/cannot be addressed/);
  });

  it('drops the costliest criterion when the requests exceed the cap', () => {
    const p = plan({ sex: ['FEMALE', 'MALE', 'UNKNOWN'], cancerSites: ['LUNG', 'BREAST'], modalities: ['CT', 'MR'] }, capabilities(), 8);
    expect(p.report.notApplied).toEqual([{ criterion: 'SEX', reason: expect.stringContaining('18 requests in all, more than this repository\'s cap of 8') }]);
    expect(queriesOf(p)).toHaveLength(6);
  });

  it('keys requests independently of filter order', () => {
    const a: CountQuery = { dataset: null, filters: [{ id: 'x', scope: 'individuals' }, { id: 'y', scope: 'individuals' }] };
    const b: CountQuery = { dataset: null, filters: [{ id: 'y', scope: 'individuals' }, { id: 'x', scope: 'individuals' }] };
    expect(queryKey(a)).toBe(queryKey(b));
    expect(queryKey({ ...a, dataset: 'LUNG' })).not.toBe(queryKey(a));
  });
});

describe('combine and facets', () => {
  const q = (id: string): CountQuery => ({ dataset: null, filters: [{ id, scope: 'individuals' }] });

  it('sums signed counts; booleans give no number except "nobody"', () => {
    const queries = [{ sign: 1 as const, query: q('a') }, { sign: 1 as const, query: q('b') }, { sign: -1 as const, query: q('ab') }];
    const answers = (map: Record<string, QueryAnswer>) => (query: CountQuery) => map[query.filters[0].id];
    expect(combine(queries, answers({ a: { exists: true, count: 5 }, b: { exists: true, count: 3 }, ab: { exists: true, count: 2 } }))).toBe(6);
    expect(combine(queries, answers({ a: { exists: true, count: null }, b: { exists: false, count: null }, ab: { exists: false, count: null } }))).toBeNull();
    expect(combine(queries, answers({ a: { exists: false, count: null }, b: { exists: false, count: null }, ab: { exists: true, count: null } }))).toBe(0);
    expect(combine([], () => ({ exists: true, count: 1 }))).toBe(0);
  });

  it('counts facet values within the plan: excluded values cost nothing', () => {
    const caps = capabilities();
    expect(facetValues('sex', caps).map((v) => v.value)).toEqual(['FEMALE', 'MALE', 'OTHER', 'UNKNOWN']);
    expect(facetValues('cancerSite', caps).map((v) => v.value)).toEqual(Object.keys(DEFAULT_SITE_TERMS));
    const p = plan({ sex: ['MALE'], modalities: ['CT'] });
    const [female, male] = facetValues('sex', caps);
    expect(facetQueries(p, 'sex', female)).toBeNull();
    expect(facetQueries(p, 'sex', male)?.map((s) => s.query.filters.map((f) => f.id))).toEqual([['NCIT:C20197', 'DCM:CT']]);
    const rectum = facetValues('cancerSite', caps).find((v) => v.value === 'RECTUM');
    expect(facetQueries(p, 'cancerSite', rectum as never)?.map((s) => s.query.filters.map((f) => f.id))).toEqual([
      ['NCIT:C20197', 'NCIT:C9382', 'DCM:CT'], ['NCIT:C20197', 'NCIT:C7421', 'DCM:CT'],
    ]);
  });
});

describe('collections and options', () => {
  it('merges the beacon\'s datasets with the config\'s catalogue metadata', () => {
    const records = collectionRecordsOf(
      [{ id: 'LUNG', name: 'Lung (beacon)', description: null }, { id: 'X', name: null, description: 'x' }],
      new Map([['LUNG', 12], ['X', null]]),
      [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG', licence: 'CC BY 4.0', description: 'from config' }, { id: 'OLD', name: 'Old', cancerSite: 'COLON' }],
    );
    expect(records).toEqual([
      { id: 'LUNG', name: 'Lung (beacon)', description: 'from config', licence: 'CC BY 4.0', doi: null, landingPage: null, subjects: 12, studies: null, cancerSites: ['LUNG'], modalities: [] },
      { id: 'X', name: 'X', description: 'x', licence: null, doi: null, landingPage: null, subjects: null, studies: null, cancerSites: [], modalities: [] },
      { id: 'OLD', name: 'Old', description: null, licence: null, doi: null, landingPage: null, subjects: null, studies: null, cancerSites: ['COLON'], modalities: [] },
    ]);
  });

  it('validates and reads options', () => {
    expect(validateOptions({ maxRequestsPerCohort: 8, ageTerm: 'PATO:0000011', yearOfDiagnosisTerm: null, skipMeaning: 'records', cancerSiteTerms: { LUNG: ['NCIT:C7377'] } })).toEqual([]);
    expect(validateOptions({ maxRequestsPerCohort: 0, ageTerm: '', skipMeaning: 'bytes', cancerSiteTerms: { LUNGS: ['x'], BREAST: 'x' }, colour: 1 })).toEqual([
      'maxRequestsPerCohort: must be an integer between 1 and 256',
      'ageTerm: must be a non-empty string (a filtering term id)',
      'skipMeaning: must be "pages", "records" or "detect"',
      'cancerSiteTerms.LUNGS: not a cancer site',
      'cancerSiteTerms.BREAST: must be a list of term ids',
      expect.stringMatching(/^colour: unknown option/),
    ]);
    expect(readOptions({})).toMatchObject({ maxRequestsPerCohort: 32, ageTerm: 'age', yearOfDiagnosisTerm: null, skipMeaning: 'detect', pageSize: 100 });
  });
});
