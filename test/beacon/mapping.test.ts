/**
 * Pure parts of the Beacon adapter: the typed reading of answers real beacons sent (the EGA reference
 * implementation's recorded answers, the beacon-v2 spec's examples, in fixtures/), the term vocabulary in every
 * ontology and spelling, cohort plans with their signed requests, and the check of what a beacon says it did.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseFilter } from '../../schema/generated/graphql';
import { datasetSegment, individualsPath, requestBody } from '../../subgraphs/beacon/client';
import {
  canonicalCurie, caseFieldsOf, collectionRecordsOf, DEFAULT_SITE_TERMS, durationYears, sexOfTerm, TermCatalogue,
} from '../../subgraphs/beacon/mapping';
import { parseDatasets, parseFilteringTerms, parseIndividualsAnswer } from '../../subgraphs/beacon/parse';
import {
  combine, facetQueries, facetValues, planCohort, queriesOf, queryKey, unconfirmedFilters, type Capabilities, type CountQuery, type QueryAnswer,
} from '../../subgraphs/beacon/plan';
import { readOptions, validateOptions } from '../../subgraphs/beacon/options';
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

/** A beacon coding sex in NCIT and imaging in EUCAIM terms, as the simulator's default does. */
const FULL_TERMS = [
  'NCIT:C16576', 'NCIT:C20197', 'NCIT:C17998', 'NCIT:C45908',
  ...Object.values(DEFAULT_SITE_TERMS).flat(),
  'EUCAIM:IMG1000026', 'EUCAIM:IMG1000030', 'SNOMED:113091000', 'EUCAIM:BP1000067', 'EUCAIM:BP1000113', 'EUCAIM:BP1000136',
];

function catalogue(ids: readonly string[], extra: Array<{ id: string; type: string; label?: string }> = []): TermCatalogue {
  return new TermCatalogue([
    ...ids.map((id) => ({ id, type: 'NCI Thesaurus', label: null, scopes: ['individual'] })),
    { id: 'age', type: 'alphanumeric', label: 'age', scopes: null },
    ...extra.map((e) => ({ ...e, label: e.label ?? null, scopes: null })),
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

const ids = (queries: ReturnType<typeof queriesOf>) => queries.map((q) => [q.sign, q.query.filters.map((f) => f.id)]);

describe('answers real beacons sent (recorded, fixtures/)', () => {
  it('reads the EGA reference implementation\'s recorded record answer: the v2-draft sex code, Mongo ids, string schemas', () => {
    const answer = parseIndividualsAnswer(fixture('ega-ri-all-individuals.response.json'), REPO);
    expect(answer).toMatchObject({ granularity: 'record', exists: true, numTotalResults: 3, warnings: [] });
    expect(answer.records?.map((r) => caseFieldsOf(r, REPO))).toEqual([
      { subjectId: 'NA24631', sex: 'MALE', ageAtDiagnosis: null },
      { subjectId: 'NA24694', sex: 'MALE', ageAtDiagnosis: null },
      { subjectId: 'NA24695', sex: 'FEMALE', ageAtDiagnosis: null },
    ]);
    expect(answer.received).toEqual({ filterStrings: [], requestedGranularity: 'boolean' });
  });

  it('confirms the filter the recorded geographic-origin answer echoes as the object sent', () => {
    const request = fixture('ega-ri-geographic-origin.request.json') as { query: { filters: Array<{ id: string; scope: string }>; requestedGranularity: 'boolean' } };
    const answer = parseIndividualsAnswer(fixture('ega-ri-geographic-origin.response.json'), REPO);
    expect(answer.received).toEqual({ filterStrings: ['HP:000054', 'individual'], requestedGranularity: 'boolean' });
    const query: CountQuery = { dataset: null, filters: request.query.filters.map((f) => ({ id: f.id, scope: 'individuals' })) };
    expect(unconfirmedFilters(query, request.query.requestedGranularity, answer)).toEqual([]);
    // The count: a record answer that asked for booleans, one individual.
    expect(answer).toMatchObject({ granularity: 'record', exists: true, numTotalResults: 1 });
    expect(parseIndividualsAnswer(fixture('ega-ri-individual-NA24631.response.json'), REPO).records?.[0]).toMatchObject({ id: 'NA24631', sexId: 'NCIT:C46112' });
  });

  it('would not trust a filter against that implementation\'s all-individuals echo: it says "boolean" to a record request', () => {
    const request = fixture('ega-ri-all-individuals.request.json') as { query: { requestedGranularity: 'record' } };
    const answer = parseIndividualsAnswer(fixture('ega-ri-all-individuals.response.json'), REPO);
    const withFilter: CountQuery = { dataset: null, filters: [{ id: 'NCIT:C16576', includeDescendantTerms: true, similarity: 'exact', scope: 'individuals' }] };
    expect(unconfirmedFilters(withFilter, request.query.requestedGranularity, answer)).toEqual([
      { id: 'NCIT:C16576', reason: expect.stringContaining('echoed requestedGranularity "boolean" for a record request') },
    ]);
  });

  it('reads the spec\'s echo, filters as CURIE strings', () => {
    const meta = { receivedRequestSummary: fixture('spec-received-request-summary-max.json'), returnedGranularity: 'count' };
    const answer = parseIndividualsAnswer({ meta, responseSummary: { exists: true, numTotalResults: 4 } }, REPO);
    expect(answer.received).toEqual({ filterStrings: ['BTO:0000199', 'PATO:0000383'], requestedGranularity: 'count' });
    const query: CountQuery = { dataset: null, filters: [{ id: 'PATO:0000383', scope: 'individuals' }, { id: 'NCIT:C4872', scope: 'individuals' }] };
    expect(unconfirmedFilters(query, 'count', answer)).toEqual([{ id: 'NCIT:C4872', reason: expect.stringContaining('missing from the filters the beacon echoes') }]);
  });

  it('reads the spec\'s example documents: count, boolean, result sets at the root, datasets, error document', () => {
    expect(parseIndividualsAnswer(fixture('count-response.json'), REPO)).toMatchObject({ granularity: null, exists: true, numTotalResults: 25355, records: null });
    // The published count example echoes no filters: nothing was filtered, so nothing is unconfirmed.
    expect(unconfirmedFilters({ dataset: null, filters: [] }, 'count', parseIndividualsAnswer(fixture('count-response.json'), REPO))).toEqual([]);
    expect(parseIndividualsAnswer(fixture('boolean-response.json'), REPO)).toMatchObject({ granularity: null, exists: true, numTotalResults: null, records: null });
    expect(parseIndividualsAnswer(fixture('resultsets-min.json'), REPO).records).toEqual([]);
    expect(parseDatasets(fixture('datasets.json'), REPO)).toEqual([
      { id: 'Dataset1', name: 'Dataset One', description: 'This is the first dataset' },
      { id: 'Dataset2', name: 'Dataset Two', description: 'This is the second dataset' },
    ]);
    let error: RepositoryError | undefined;
    try {
      parseIndividualsAnswer(fixture('error-response.json'), REPO);
    } catch (e) {
      error = e as RepositoryError;
    }
    expect(error?.code).toBe(ErrorCode.HTTP_ERROR);
    expect(error?.extensions.httpStatus).toBe(400);
    expect(error?.message).toContain('errorCode 400');
    expect(error?.message).not.toContain('Missing parameter');
  });

  it('reads record answers: ids, sex (any spelling), disease codes (diseaseCode or term) and onset ages', () => {
    const answer = parseIndividualsAnswer(fixture('resultsets-individuals.json'), REPO);
    expect(answer.records?.map((r) => caseFieldsOf(r, REPO))).toEqual([
      { subjectId: 'Ind001', sex: 'FEMALE', ageAtDiagnosis: null },
      { subjectId: 'BRCA-0042', sex: 'FEMALE', ageAtDiagnosis: 58.5 },
      { subjectId: 'BRCA-M-0007', sex: 'MALE', ageAtDiagnosis: 71 },
    ]);
    expect(answer.records?.map((r) => r.diseaseCodes)).toEqual([['OMIM:164400'], ['NCIT:C4194'], ['NCIT:C4872']]);
  });
});

describe('warnings and echoes of real implementations', () => {
  const query: CountQuery = {
    dataset: null,
    filters: [{ id: 'NCIT:C20197', includeDescendantTerms: true, similarity: 'exact', scope: 'individuals' }, { id: 'age', operator: '>=', value: 'P60Y', scope: 'individuals' }],
  };
  const answer = (meta: Record<string, unknown>, root: Record<string, unknown> = {}) =>
    parseIndividualsAnswer({ meta: { returnedGranularity: 'count', ...meta }, responseSummary: { exists: true, numTotalResults: 7 }, ...root }, REPO);
  const echoed = { receivedRequestSummary: { requestedGranularity: 'count', filters: query.filters } };

  it('confirms every filter echoed as sent (objects), as ids or flattened as the EGA reference implementation does', () => {
    expect(unconfirmedFilters(query, 'count', answer(echoed))).toEqual([]);
    expect(unconfirmedFilters(query, 'count', answer({ receivedRequestSummary: { requestedGranularity: 'count', filters: ['ncit:c20197', 'age'] } }))).toEqual([]);
    const flattened = ['NCIT:C20197', true, 'exact', 'individuals', 'age', '>=', 'P60Y'];
    expect(unconfirmedFilters(query, 'count', answer({ receivedRequestSummary: { requestedGranularity: 'count', filters: flattened } }))).toEqual([]);
  });

  it('MOLGENIS EMX2\'s info.unsupportedFilters and bycon\'s meta.warnings name the filter not applied', () => {
    const molgenis = answer(echoed, { info: { unsupportedFilters: '[NCIT:C20197]' } });
    expect(molgenis.warnings).toEqual(['[NCIT:C20197]']);
    expect(unconfirmedFilters(query, 'count', molgenis)).toEqual([{ id: 'NCIT:C20197', reason: expect.stringContaining('warned') }]);
    const bycon = answer({ ...echoed, warnings: ['The filter NCIT:C20197 does not match any defined filter pattern.'] });
    expect(unconfirmedFilters(query, 'count', bycon).map((u) => u.id)).toEqual(['NCIT:C20197']);
    const infoWarnings = answer(echoed, { info: { warnings: [{ message: 'age filter not supported' }] } });
    expect(unconfirmedFilters(query, 'count', infoWarnings).map((u) => u.id)).toEqual(['age']);
    // An empty MOLGENIS list is no warning.
    expect(unconfirmedFilters(query, 'count', answer(echoed, { info: { unsupportedFilters: '[]' } }))).toEqual([]);
  });

  it('does not confirm anything without an echo, with another granularity echoed, or after a warning naming no filter', () => {
    expect(unconfirmedFilters(query, 'count', answer({})).map((u) => u.reason)).toEqual([
      expect.stringContaining('no meta.receivedRequestSummary'), expect.stringContaining('no meta.receivedRequestSummary'),
    ]);
    expect(unconfirmedFilters(query, 'count', answer({ receivedRequestSummary: { requestedGranularity: 'count' } }))[0].reason).toMatch(/echoes no filters/);
    expect(unconfirmedFilters(query, 'count', answer({ receivedRequestSummary: { ...echoed.receivedRequestSummary, requestedGranularity: 'boolean' } }))).toHaveLength(2);
    expect(unconfirmedFilters(query, 'count', answer({ ...echoed, warnings: ['!!! Unmatched parameter foo: bar'] })).map((u) => u.reason))
      .toEqual([expect.stringContaining('names none of the filters'), expect.stringContaining('names none of the filters')]);
    const dropped = answer({ receivedRequestSummary: { requestedGranularity: 'count', filters: ['age'] } });
    expect(unconfirmedFilters(query, 'count', dropped)).toEqual([{ id: 'NCIT:C20197', reason: expect.stringContaining('missing from the filters') }]);
  });

  it('fails with BAD_RESPONSE naming the field on answers that would make counts wrong', () => {
    const bad = (summary: unknown, extra: Record<string, unknown> = {}) => ({ meta: { returnedGranularity: 'count' }, responseSummary: summary, ...extra });
    expect(badResponse(() => parseIndividualsAnswer(null, REPO)).message).toContain('the body is null');
    expect(badResponse(() => parseIndividualsAnswer({ meta: {} }, REPO)).message).toContain('responseSummary');
    expect(badResponse(() => parseIndividualsAnswer(bad({ exists: true, numTotalResults: 'lots' }), REPO)).message).toContain('responseSummary.numTotalResults');
    expect(badResponse(() => parseIndividualsAnswer(bad({ exists: true, numTotalResults: -1 }), REPO)).message).toContain('non-negative integer');
    expect(badResponse(() => parseIndividualsAnswer(bad({ exists: true, numTotalResults: 2.5 }), REPO)).message).toContain('non-negative integer');
    expect(badResponse(() => parseIndividualsAnswer(bad({ exists: 'yes' }), REPO)).message).toContain('responseSummary.exists');
    expect(badResponse(() => parseIndividualsAnswer({ meta: { returnedGranularity: 'everything' }, responseSummary: { exists: true } }, REPO)).message)
      .toContain('meta.returnedGranularity');
    expect(badResponse(() => parseIndividualsAnswer(bad({ exists: true }, { response: { resultSets: [{ id: 'd', results: [{ id: 7 }] }] } }), REPO)).message)
      .toContain('response.resultSets[0].results[0].id');
    expect(badResponse(() => parseIndividualsAnswer({ meta: { receivedRequestSummary: 'all' }, responseSummary: { exists: true } }, REPO)).message)
      .toContain('meta.receivedRequestSummary');
    // A count sent as a string is read; exists may be inferred from a count.
    expect(parseIndividualsAnswer(bad({ numTotalResults: '12' }), REPO)).toMatchObject({ exists: true, numTotalResults: 12 });
  });

  it('refuses an onset age outside 0-130 years as bad native data', () => {
    const record = { id: 'X', sexId: null, diseaseCodes: [], agesOfOnset: ['P965Y'] };
    const error = badResponse(() => caseFieldsOf(record, REPO));
    expect(error.message).toContain('age of 965 years');
    expect(caseFieldsOf({ ...record, agesOfOnset: ['P130Y'] }, REPO).ageAtDiagnosis).toBe(130);
  });
});

describe('the terms a beacon lists, in any ontology and spelling', () => {
  it('brings CURIEs to one form: prefixes in any case, OBO short forms and IRIs, SNOMED CT and RadLex spellings', () => {
    expect([
      'NCIT:C16576', 'ncit:c16576', 'NCIT_C16576', 'obo:NCIT_C16576', 'http://purl.obolibrary.org/obo/NCIT_C16576',
      'SNOMEDCT:248152002', 'snomed:248152002', 'SCTID:248152002', 'SNOMEDCT248152002', 'http://snomed.info/id/248152002', 'http://snomed.info/sct/248152002',
      'PATO_0020001', 'GSSO_000123', 'RID10312', 'RID:10312', 'RADLEX:RID10312', 'eucaim:com1001370', 'age', 'ownsIPhone', 'http://example.org/x',
    ].map(canonicalCurie)).toEqual([
      'NCIT:C16576', 'NCIT:C16576', 'NCIT:C16576', 'NCIT:C16576', 'NCIT:C16576',
      'SNOMED:248152002', 'SNOMED:248152002', 'SNOMED:248152002', 'SNOMED:248152002', 'SNOMED:248152002', 'SNOMED:248152002',
      'PATO:0020001', 'GSSO:000123', 'RADLEX:RID10312', 'RADLEX:RID10312', 'RADLEX:RID10312', 'EUCAIM:COM1001370', null, null, null,
    ]);
  });

  it('reads sex terms of NCIT (the spec typo and draft codes included), SNOMED CT, PATO, GSSO and EUCAIM', () => {
    expect([
      'NCIT:C16576', 'NCIT:C46113', 'NCIT:C20197', 'NCIT:C46112', 'NCIT:C17998', 'NCIT:C1799', 'NCIT:C45908',
      'SNOMED:248152002', 'SNOMEDCT:248153007', 'SNOMED:74964007', 'SNOMED:261665006',
      'PATO:0000383', 'PATO:0000384', 'PATO:0020002', 'PATO:0020001', 'GSSO_000123', 'EUCAIM:COM1001366', 'EUCAIM:COM1001288',
      'NCIT:C124294', 'NCIT:C43234', null,
    ].map(sexOfTerm)).toEqual([
      'FEMALE', 'FEMALE', 'MALE', 'MALE', 'UNKNOWN', 'UNKNOWN', 'OTHER',
      'FEMALE', 'MALE', 'OTHER', 'UNKNOWN',
      'FEMALE', 'MALE', 'FEMALE', 'MALE', 'FEMALE', 'MALE', 'UNKNOWN',
      null, null, null,
    ]);
  });

  it('keeps terms scoped to individuals (or unscoped) and finds each sex in whatever ontology the beacon lists it', () => {
    const terms = parseFilteringTerms(fixture('filtering-terms.json'), REPO);
    expect(terms[0]).toEqual({ id: 'PATO:0000011', type: 'numeric', label: 'age', scopes: null });
    const c = new TermCatalogue(terms);
    expect(c.has('NCIT:C4878')).toBe(false); // biosample-only
    expect(c.has('NCIT:C4872')).toBe(true); // "individuals" is accepted as a scope too
    expect([c.kind('PATO:0000011'), c.kind('age'), c.kind('ownsIPhone'), c.kind('EUCAIM:IMG1000026')]).toEqual(['alphanumeric', 'alphanumeric', 'custom', 'ontology']);
    // The NCIT term and the SNOMED CT term, as the beacon spells them; the unknown ontology's term by its label.
    expect(c.sexTerms('MALE')).toEqual(['NCIT:C20197', 'snomedct:248153007']);
    expect(c.sexTerms('FEMALE')).toEqual(['NCIT:C16576', 'HL7GENDER:female']);
    expect(c.sexTerms('UNKNOWN')).toEqual([]);
    expect(c.listedFor(['EUCAIM:IMG1000026', 'SNOMED:77477000'])).toEqual(['EUCAIM:IMG1000026']);
    expect(c.filterFor('NCIT:C4872')).toEqual({ id: 'NCIT:C4872', includeDescendantTerms: true, similarity: 'exact', scope: 'individuals' });
    expect(c.filterFor('EUCAIM:BP1000067', false)).toEqual({ id: 'EUCAIM:BP1000067', includeDescendantTerms: false, similarity: 'exact', scope: 'individuals' });
    expect(c.filterFor('ownsIPhone')).toEqual({ id: 'ownsIPhone', scope: 'individuals' });
    // Some implementations answer the list at the root.
    expect(parseFilteringTerms({ filteringTerms: [{ id: 'NCIT:C16576', type: 'ontology' }] }, REPO)).toHaveLength(1);
    expect(badResponse(() => parseFilteringTerms({ response: { filteringTerms: [{ label: 'x' }] } }, REPO)).message).toContain('response.filteringTerms[0].id');
  });

  it('reads the older `datasets` key, refuses duplicates, builds the request body and dataset paths', () => {
    expect(parseDatasets({ response: { datasets: [{ id: 'a' }] } }, REPO)).toEqual([{ id: 'a', name: null, description: null }]);
    expect(badResponse(() => parseDatasets({ response: { collections: [{ id: 'a' }, { id: 'a' }] } }, REPO)).message).toContain('listed twice');
    expect(requestBody([{ id: 'NCIT:C4872', scope: 'individuals' }], 'count', { skip: 0, limit: 1 })).toEqual({
      meta: { apiVersion: '2.0', requestedSchemas: [{ entityType: 'individual', schema: 'beacon-individual-v2.0.0' }] },
      query: { filters: [{ id: 'NCIT:C4872', scope: 'individuals' }], requestedGranularity: 'count', includeResultsetResponses: 'HIT', pagination: { skip: 0, limit: 1 }, testMode: false },
    });
    expect(individualsPath(null)).toBe('/individuals');
    expect(individualsPath('LUNG')).toBe('/datasets/LUNG/individuals');
    expect(datasetSegment('a/../b?c#d%')).toBe('a%2F..%2Fb%3Fc%23d%25');
    expect(() => datasetSegment('..')).toThrow();
  });

  it('reads ISO 8601 durations', () => {
    expect(durationYears('P70Y')).toBe(70);
    expect(durationYears('P32Y6M')).toBe(32.5);
    expect(durationYears('P3W')).toBeCloseTo(21 / 365.25);
    expect([durationYears('70'), durationYears('P'), durationYears('PT5H')]).toEqual([null, null, null]);
  });
});

describe('planCohort', () => {
  it('enumerates sex and cancer sites over the listed terms; all four sexes cost nothing', () => {
    const p = plan({ sex: ['FEMALE', 'MALE'], cancerSites: ['RECTUM', 'LUNG'] });
    expect(p.enumerated.map((e) => [e.attribute, e.values.map((v) => `${v.value}:${v.filters.map((f) => f.id).join('+')}`)])).toEqual([
      ['cancerSite', ['RECTUM:NCIT:C9382+NCIT:C7421', 'LUNG:NCIT:C4878']],
      ['sex', ['FEMALE:NCIT:C16576', 'MALE:NCIT:C20197']],
    ]);
    // RECTUM's two roots by inclusion–exclusion (3 requests), LUNG 1; times 2 sexes.
    expect(queriesOf(p)).toHaveLength(8);
    expect(p.report).toEqual({ applied: ['CANCER_SITES', 'SEX'], notApplied: [] });
    expect(p.origin.get('NCIT:C7421')).toBe('CANCER_SITES');
    expect(plan({ sex: ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] }).enumerated).toEqual([]);
  });

  it('unites the listed spellings of one sex by inclusion–exclusion: exact whether the beacon codes once or expands synonyms', () => {
    const twoOntologies = capabilities({ terms: catalogue([...FULL_TERMS, 'SNOMED:248152002', 'PATO:0020002']) });
    expect(ids(queriesOf(plan({ sex: ['FEMALE'] }, twoOntologies)))).toEqual([
      [1, ['NCIT:C16576']], [1, ['SNOMED:248152002']], [-1, ['NCIT:C16576', 'SNOMED:248152002']], [1, ['PATO:0020002']],
      [-1, ['NCIT:C16576', 'PATO:0020002']], [-1, ['SNOMED:248152002', 'PATO:0020002']], [1, ['NCIT:C16576', 'SNOMED:248152002', 'PATO:0020002']],
    ]);
    // A beacon coding sex in SNOMED CT only is asked in SNOMED CT, as it spells it.
    const snomedOnly = capabilities({ terms: catalogue(['SNOMEDCT:248153007', 'SNOMEDCT:248152002']) });
    expect(ids(queriesOf(plan({ sex: ['MALE'] }, snomedOnly)))).toEqual([[1, ['SNOMEDCT:248153007']]]);
  });

  it('reports values without a listed term or without a table entry, and never sends part of a criterion', () => {
    const withoutOther = plan({ sex: ['MALE', 'OTHER'] }, capabilities({ terms: catalogue(FULL_TERMS.filter((t) => t !== 'NCIT:C45908')) }));
    expect(withoutOther.enumerated).toEqual([]);
    expect(withoutOther.report.notApplied).toEqual([{ criterion: 'SEX', reason: expect.stringContaining('sex OTHER (looked for NCIT:C45908, SNOMED:74964007') }]);
    const adrenal = plan({ cancerSites: ['LUNG', 'ADRENAL_GLAND'] });
    expect(adrenal.report.notApplied[0].reason).toMatch(/ADRENAL_GLAND has no term in this adapter's tables/);
    const rectumHalf = plan({ cancerSites: ['RECTUM'] }, capabilities({ terms: catalogue(FULL_TERMS.filter((t) => t !== 'NCIT:C7421')) }));
    expect(rectumHalf.report.notApplied[0]).toEqual({ criterion: 'CANCER_SITES', reason: expect.stringContaining('NCIT:C9382, NCIT:C7421') });
    // A configured table wins.
    const configured = plan({ cancerSites: ['ADRENAL_GLAND'] }, capabilities({ siteTerms: { ...DEFAULT_SITE_TERMS, ADRENAL_GLAND: ['ncit:C4872'] } }));
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

  it('asks imaging only through terms the beacon lists, in its ontology; never an invented term', () => {
    // CT in EUCAIM's hyper-ontology, MR in SNOMED CT: the union of both by inclusion–exclusion.
    expect(ids(queriesOf(plan({ modalities: ['CT', 'MR'] })))).toEqual([[1, ['EUCAIM:IMG1000026']], [1, ['SNOMED:113091000']], [-1, ['EUCAIM:IMG1000026', 'SNOMED:113091000']]]);
    const pet = plan({ modalities: ['PT'] });
    expect(pet.report.notApplied[0]).toEqual({ criterion: 'MODALITIES', reason: expect.stringContaining('modality PT (looked for SNOMED:82918005, NCIT:C17007, RADLEX:RID10337, DCM:PT') });
    // Body parts without descendants: DICOM's CHEST is not its LUNG, an anatomy ontology's chest holds the lung.
    expect(plan({ bodyParts: ['CHEST'] }).union?.filters).toEqual([{ id: 'EUCAIM:BP1000067', includeDescendantTerms: false, similarity: 'exact', scope: 'individuals' }]);
    expect(plan({ bodyParts: ['UNKNOWN'] }).report.notApplied[0].reason).toMatch(/body part UNKNOWN; the criterion/);
    const none = plan({ modalities: ['CT'], bodyParts: ['CHEST'] }, capabilities({ terms: catalogue(['NCIT:C16576', 'DCM:CT', 'bodyPart:CHEST']) }));
    expect(none.report.applied).toEqual(['MODALITIES']);
    expect(none.union?.filters.map((f) => f.id)).toEqual(['DCM:CT']);
    expect(none.report.notApplied[0].reason).toMatch(/body part CHEST/);
  });

  it('applies one image criterion: a second one is not applied (individual-level terms cannot say "the same series")', () => {
    const two = plan({ modalities: ['CT'], bodyParts: ['CHEST'], manufacturers: ['siemens'] });
    expect(two.report.applied).toEqual(['MODALITIES']);
    expect(two.report.notApplied.map((n) => n.criterion)).toEqual(['BODY_PARTS', 'MANUFACTURERS']);
    expect(two.report.notApplied[0].reason).toMatch(/only MODALITIES is applied/);
    // When modalities cannot be applied, a body part criterion can.
    const bodyOnly = plan({ modalities: ['SM'], bodyParts: ['CHEST', 'LUNG'] });
    expect(bodyOnly.report.applied).toEqual(['BODY_PARTS']);
    expect(bodyOnly.report.notApplied[0]).toEqual({ criterion: 'MODALITIES', reason: expect.stringContaining('modality SM (looked for DCM:SM') });
  });

  it('plans again without the criteria an answer refuted, naming why', () => {
    const p = planCohort(normaliseFilter({ sex: ['MALE'], cancerSites: ['LUNG'] }, REPO), capabilities(), { maxRequests: 32 }, new Map([['SEX', 'the beacon warned']]));
    expect(p.report).toEqual({ applied: ['CANCER_SITES'], notApplied: [{ criterion: 'SEX', reason: 'the beacon warned' }] });
    expect(ids(queriesOf(p))).toEqual([[1, ['NCIT:C4878']]]);
    expect(p.evaluable).toEqual({ cancerSites: ['LUNG'] });
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
    expect(p.origin.has('NCIT:C16576')).toBe(false);
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
    expect(facetQueries(p, 'sex', male)?.map((s) => s.query.filters.map((f) => f.id))).toEqual([['NCIT:C20197', 'EUCAIM:IMG1000026']]);
    const rectum = facetValues('cancerSite', caps).find((v) => v.value === 'RECTUM');
    expect(facetQueries(p, 'cancerSite', rectum as never)?.map((s) => [s.sign, s.query.filters.map((f) => f.id)])).toEqual([
      [1, ['NCIT:C20197', 'NCIT:C9382', 'EUCAIM:IMG1000026']], [1, ['NCIT:C20197', 'NCIT:C7421', 'EUCAIM:IMG1000026']],
      [-1, ['NCIT:C20197', 'NCIT:C9382', 'NCIT:C7421', 'EUCAIM:IMG1000026']],
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
