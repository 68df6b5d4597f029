/**
 * Pure parts of the EUCAIM mediator adapter: the typed reading of node answers (the EUCAIM front end's recorded
 * ProCAncer-I and CHAIMELEON answers, and a documented-shape answer, fixtures/), the vocabulary both ways, cohort
 * plans, and the check of an answer against the parameters sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseFilter } from '../../schema/generated/graphql';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { searchPath } from '../../subgraphs/eucaim/client';
import {
  bodyPartOfCode, BODY_PART_CODE, cancerSiteOfDiagnosis, collectionRecordsOf, countsOf, DIAGNOSIS_OF_SITE, GENDER_OF_SEX,
  manufacturerCode, modalityOfCode, MODALITY_CODE, PELVIS_CANCER, sexOfGender, vendorOfManufacturerCode,
} from '../../subgraphs/eucaim/mapping';
import { parseSearchAnswer, type MediatorAnswer } from '../../subgraphs/eucaim/parse';
import { FACET_VALUES, facetQueries, planCohort, queriesOf, refutedCriteria } from '../../subgraphs/eucaim/plan';
import { validateOptions } from '../../subgraphs/eucaim/options';

const REPO = 'es-chaimeleon';
const fixture: unknown = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'mediator-answer.json'), 'utf8'));
/** The front end's recorded provider answers: ProCAncer-I, a test provider, CHAIMELEON. */
const providers = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'eucaim-frontend-providers.json'), 'utf8')) as Array<{ provider: string; collections: Array<Record<string, unknown>> }>;
const recorded = (name: string) => providers.find((p) => p.provider === name) as { provider: string; collections: Array<Record<string, unknown>> };
const LUNG_ID = '822ad0bd-02d1-4932-a8b2-7d5679c3d4f0';
const BREAST_ID = 'fixture-breast-0000-0000-000000000002';
const PROSTATE_ID = 'fixture-prostate-0000-0000-000000000003';

function plan(where: CaseFilter, maxRequests = 16) {
  return planCohort(normaliseFilter(where, REPO), { maxRequests });
}

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

describe('parseSearchAnswer on the recorded shape', () => {
  const answer = parseSearchAnswer(fixture, REPO);

  it('reads provider, collections and total', () => {
    expect(answer.provider).toBe('CHAIMELEON');
    expect(answer.collections.map((c) => c.id)).toEqual([LUNG_ID, BREAST_ID, PROSTATE_ID]);
    expect(answer.total).toEqual({ subjectsCount: 3401, studiesCount: 5638 });
  });

  it('keeps the dirt as sent: the Unkown typo, raw body parts', () => {
    const lung = answer.collections[0];
    expect(lung).toMatchObject({ name: 'Lung Cancer (April 2024)', subjectsCount: 1254, studiesCount: 3140 });
    expect(lung.gender).toEqual(['Male', 'Female', 'Unkown']);
    expect(lung.ageRange).toEqual({ min: 29, max: 91 });
    expect(lung.bodyParts).toEqual(expect.arrayContaining(['TORAX', 'TAP IV', 'Unknown']));
    expect(answer.collections[2].bodyParts).toContain('Pelvis^Masculin');
    expect(answer.collections[2].ageRange).toEqual({ min: 47, max: null });
  });

  it('reads modalities under `modalities`, `modality` or both', () => {
    expect(answer.collections[0].modalities).toEqual(['CT', 'PT', 'DX', 'CR']);
    expect(answer.collections[1].modalities).toEqual(['MG', 'MR', 'PET']);
    expect(answer.collections[2].modalities).toEqual(['MR', 'SPECT']);
  });

  it('reads a count sent as a string and skips a null body part', () => {
    expect(answer.collections[1].studiesCount).toBe(1507);
    expect(answer.collections[1].bodyParts).toEqual(['BREAST', 'Breast', 'MAMA']);
  });

  it('accepts the camelCase keys of the EUCAIM-Schema CollectionsMetadata (1.1.4) and a missing total', () => {
    const camel = parseSearchAnswer({ collections: [{ id: 'c1', name: 'C1', subjectsCount: 3, studiesCount: 4, ageRange: { min: 1, max: 2 }, bodyParts: ['X'] }] }, REPO);
    expect(camel.collections[0]).toMatchObject({ subjectsCount: 3, studiesCount: 4, ageRange: { min: 1, max: 2 }, bodyParts: ['X'] });
    expect(camel.total).toBeNull();
    expect(countsOf(camel, null)).toEqual({ subjects: 3, studies: 4 });
  });

  it('fails with BAD_RESPONSE naming the repository on answers that would make counts wrong', () => {
    // An impossible age range is not one of them: it is dropped for its collection (see the CHAIMELEON answer).
    expect(parseSearchAnswer({ collections: [{ id: 'c1', subjects_count: 1, studies_count: 1, age_range: { min: -1, max: 50 } }] }, REPO).collections[0].ageRange).toBeNull();
    expect(badResponse(() => parseSearchAnswer(null, REPO)).message).toContain('the body is null');
    expect(badResponse(() => parseSearchAnswer({ total: { subjects_count: 1, studies_count: 1 } }, REPO)).message).toContain('collections');
    const bad = (patch: Record<string, unknown>) => ({ collections: [{ id: 'c1', name: 'C1', subjects_count: 1, studies_count: 1, ...patch }] });
    expect(badResponse(() => parseSearchAnswer(bad({ subjects_count: 'many' }), REPO)).message).toContain('collections[0].subjects_count');
    expect(badResponse(() => parseSearchAnswer(bad({ studies_count: -2 }), REPO)).message).toContain('non-negative integer');
    expect(badResponse(() => parseSearchAnswer(bad({ subjects_count: undefined }), REPO)).message).toContain('subjects_count');
    expect(badResponse(() => parseSearchAnswer(bad({ id: null }), REPO)).message).toContain('collections[0].id');
    expect(badResponse(() => parseSearchAnswer(bad({ modalities: [1] }), REPO)).message).toContain('modalities[0]');
    const twice = { collections: [bad({}).collections[0], bad({}).collections[0]] };
    expect(badResponse(() => parseSearchAnswer(twice, REPO)).message).toContain('listed twice');
  });
});

describe('the recorded ProCAncer-I and CHAIMELEON answers', () => {
  it('reads ProCAncer-I: an age range from 0, modalities MR and SC (Secondary Capture), sums without total', () => {
    const answer = parseSearchAnswer(recorded('ProCancerI'), REPO);
    expect(answer.total).toBeNull();
    expect(countsOf(answer, null)).toEqual({ subjects: 8826 + 5432, studies: 8848 + 5434 });
    expect(answer.collections[0]).toMatchObject({ ageRange: { min: 0, max: 91 }, modalities: ['MR', 'SC'], bodyParts: ['Prostate'], gender: ['Male'] });
    expect(collectionRecordsOf(answer, []).map((c) => [c.modalities, c.unmappedModalities])).toEqual([[['MR', 'SC'], []], [['MR', 'SC'], []]]);
    // What names no modality is listed apart, as written, not dropped.
    const unknown = parseSearchAnswer({ collections: [{ id: 'c1', subjects_count: 5, studies_count: 5, modalities: ['MR', 'Unknown', 'scout-ish'] }] }, REPO);
    expect(collectionRecordsOf(unknown, [])[0]).toMatchObject({ modalities: ['MR'], unmappedModalities: ['Unknown', 'scout-ish'] });
  });

  it('refuses the CHAIMELEON answer\'s "age_range.max: 965" as bad native data, for those collections only', () => {
    const answer = parseSearchAnswer(recorded('CHAIMELEON'), REPO);
    const broken = recorded('CHAIMELEON').collections.filter((c) => (c.age_range as { max: number }).max === 965).map((c) => c.id);
    expect(broken).toHaveLength(2);
    expect(answer.collections).toHaveLength(14);
    for (const collection of answer.collections) {
      if (broken.includes(collection.id)) expect(collection.ageRange).toBeNull();
      else expect(collection.ageRange?.max ?? 0).toBeLessThanOrEqual(130);
    }
    expect(answer.collections.find((c) => c.id === '73736488-69a9-4c8c-a995-64e9cad376dd')?.modalities).toEqual(['MR', 'Unknown']);
  });

  it('checks the recorded lists against a request: ProCAncer-I answering gender=female with "Male" did not apply it', () => {
    const answer = parseSearchAnswer(recorded('ProCancerI'), REPO);
    expect(refutedCriteria({ gender: 'male', modality: 'MR', bodyPart: 'prostate' }, answer, [])).toEqual(new Map());
    const refuted = refutedCriteria({ gender: 'female', modality: 'CT', bodyPart: 'lung' }, answer, []);
    expect([...refuted.keys()]).toEqual(['SEX', 'MODALITIES', 'BODY_PARTS']);
    expect(refuted.get('SEX')).toMatch(/gender=female lists Male in collection "ea3649c3524b0886fad16472354ee9f6", so it did not apply the parameter/);
    expect(refuted.get('MODALITIES')).toMatch(/lists no CT series/);
  });
});

describe('refutedCriteria: an answer checked against the parameters sent', () => {
  const collection = (patch: Partial<MediatorAnswer['collections'][number]>) => ({
    id: 'c', name: 'c', description: null, subjectsCount: 5, studiesCount: 6, ageRange: null, gender: ['Female'], modalities: ['MR'], bodyParts: ['Pelvis^Masculin'], ...patch,
  });
  const answer = (...collections: Array<MediatorAnswer['collections'][number]>): MediatorAnswer => ({ provider: null, collections, total: null });

  it('accepts lists that agree, whatever their spelling; collections without subjects are not checked', () => {
    expect(refutedCriteria({ gender: 'unknown' }, answer(collection({ gender: ['Unkown'] })), [])).toEqual(new Map());
    expect(refutedCriteria({ modality: 'PET', bodyPart: 'pelvis' }, answer(collection({ modalities: ['PT', 'CT'] })), [])).toEqual(new Map());
    expect(refutedCriteria({ gender: 'male' }, answer(collection({ subjectsCount: 0 })), [])).toEqual(new Map());
    expect(refutedCriteria({ manufacturer: 'Philips' }, answer(collection({})), [])).toEqual(new Map());
  });

  it('refutes a parameter whose list contradicts it or is missing', () => {
    expect([...refutedCriteria({ gender: 'female' }, answer(collection({ gender: ['Female', 'Male'] })), []).keys()]).toEqual(['SEX']);
    expect(refutedCriteria({ gender: 'female' }, answer(collection({ gender: [] })), []).get('SEX')).toMatch(/lists no gender/);
    expect([...refutedCriteria({ modality: 'SPECT' }, answer(collection({ modalities: ['MR'] })), []).keys()]).toEqual(['MODALITIES']);
    expect([...refutedCriteria({ bodyPart: 'lung' }, answer(collection({ bodyParts: ['CHEST', 'TORAX'] })), []).keys()]).toEqual(['BODY_PARTS']);
  });

  it('refutes a diagnosis when a collection the catalogue metadata gives another site has matching subjects', () => {
    const metadata = [{ id: 'c', name: 'c', cancerSite: 'BREAST' as const }];
    expect([...refutedCriteria({ diagnosis: 'SNOMEDCT399068003' }, answer(collection({})), metadata).keys()]).toEqual(['CANCER_SITES']);
    expect(refutedCriteria({ diagnosis: 'SNOMEDCT254837009' }, answer(collection({})), metadata)).toEqual(new Map());
    // Without metadata there is nothing to check it against.
    expect(refutedCriteria({ diagnosis: 'SNOMEDCT399068003' }, answer(collection({})), [])).toEqual(new Map());
  });
});

describe('answers to unified records', () => {
  const answer = parseSearchAnswer(fixture, REPO);

  it('uses total without a collection filter and sums the selected collections with one', () => {
    expect(countsOf(answer, null)).toEqual({ subjects: 3401, studies: 5638 });
    expect(countsOf(answer, [LUNG_ID])).toEqual({ subjects: 1254, studies: 3140 });
    expect(countsOf(answer, [LUNG_ID, PROSTATE_ID])).toEqual({ subjects: 1254 + 909, studies: 3140 + 991 });
    // A collection the answer leaves out has no matching subject.
    expect(countsOf(answer, ['no-such-collection'])).toEqual({ subjects: 0, studies: 0 });
  });

  it('builds collection records: modalities normalised, cancer sites from the entry metadata when present', () => {
    const records = collectionRecordsOf(answer, [{ id: LUNG_ID, name: 'Lung (config)', cancerSite: 'LUNG', licence: 'restricted', doi: '10.1/x' }]);
    expect(records[0]).toEqual({
      id: LUNG_ID, name: 'Lung Cancer (April 2024)', description: 'All Patient Cases ... related to Lung cancer.',
      licence: 'restricted', doi: '10.1/x', landingPage: null, subjects: 1254, studies: 3140,
      cancerSites: ['LUNG'], modalities: ['CT', 'PT', 'DX', 'CR'], unmappedModalities: [],
    });
    expect(records[1]).toMatchObject({ id: BREAST_ID, cancerSites: [], modalities: ['MG', 'MR', 'PT'], subjects: 1238, studies: 1507 });
    expect(records[2]).toMatchObject({ modalities: ['MR', 'NM'] });
  });
});

describe('vocabulary', () => {
  it('maps every unified value with a mediator code and back', () => {
    for (const [sex, code] of Object.entries(GENDER_OF_SEX)) expect(sexOfGender(code)).toBe(sex);
    for (const [site, code] of Object.entries(DIAGNOSIS_OF_SITE)) expect(cancerSiteOfDiagnosis(code as string)).toBe(site);
    for (const [modality, code] of Object.entries(MODALITY_CODE)) expect(modalityOfCode(code as string)).toBe(modality);
    for (const [part, code] of Object.entries(BODY_PART_CODE)) expect(bodyPartOfCode(code as string)).toBe(part);
    expect(sexOfGender('Male')).toBeNull();
    expect(cancerSiteOfDiagnosis(PELVIS_CANCER.code)).toBeNull();
    expect(modalityOfCode('PET')).toBe('PT');
    expect(modalityOfCode('SPECT')).toBe('NM');
    expect(Object.values(DIAGNOSIS_OF_SITE)).toEqual(['SNOMEDCT363406005', 'SNOMEDCT254837009', 'SNOMEDCT363358000', 'SNOMEDCT399068003']);
  });

  it('maps manufacturer names to the four vendors and nothing else', () => {
    expect(manufacturerCode('siemens')).toBe('Siemens');
    expect(manufacturerCode('siemens healthineers')).toBe('Siemens');
    expect(manufacturerCode('ge medical systems')).toBe('General Electric');
    expect(manufacturerCode('general electric')).toBe('General Electric');
    expect(manufacturerCode('ge')).toBe('General Electric');
    expect(manufacturerCode('philips medical systems')).toBe('Philips');
    expect(manufacturerCode('toshiba')).toBe('Toshiba');
    expect(manufacturerCode('canon')).toBeNull();
    expect(manufacturerCode('hologic')).toBeNull();
    expect(vendorOfManufacturerCode('General Electric')).toBe('GE');
  });

  it('writes the query as Focus does, spaces as %20, parameters in Focus order', () => {
    expect(searchPath({})).toBe('/search');
    expect(searchPath({ manufacturer: 'General Electric', gender: 'male', diagnosis: 'SNOMEDCT399068003', bodyPart: 'breast', modality: 'MR' }))
      .toBe('/search?gender=male&diagnosis=SNOMEDCT399068003&modality=MR&bodyPart=breast&manufacturer=General%20Electric');
  });
});

describe('planCohort', () => {
  it('pushes down one value per criterion', () => {
    const p = plan({ sex: ['FEMALE'], cancerSites: ['BREAST'], modalities: ['PT'], bodyParts: ['BREAST'], manufacturers: ['GE Healthcare'] });
    expect(queriesOf(p)).toEqual([{ gender: 'female', diagnosis: 'SNOMEDCT254837009', modality: 'PET', bodyPart: 'breast', manufacturer: 'General Electric' }]);
    expect(p.report).toEqual({ applied: ['CANCER_SITES', 'SEX', 'MODALITIES', 'BODY_PARTS', 'MANUFACTURERS'], notApplied: [] });
  });

  it('answers OR on sex and cancer site by one request per combination', () => {
    const p = plan({ sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'COLON'], modalities: ['CT'] });
    expect(queriesOf(p)).toEqual([
      { modality: 'CT', diagnosis: 'SNOMEDCT363358000', gender: 'male' },
      { modality: 'CT', diagnosis: 'SNOMEDCT363358000', gender: 'female' },
      { modality: 'CT', diagnosis: 'SNOMEDCT363406005', gender: 'male' },
      { modality: 'CT', diagnosis: 'SNOMEDCT363406005', gender: 'female' },
    ]);
    expect(p.report.notApplied).toEqual([]);
  });

  it('sends no gender for a sex list naming all four sexes', () => {
    const p = plan({ sex: ['MALE', 'FEMALE', 'OTHER', 'UNKNOWN'] });
    expect(queriesOf(p)).toEqual([{}]);
    expect(p.report.applied).toEqual(['SEX']);
  });

  it('merges manufacturer names of one vendor into one value', () => {
    expect(queriesOf(plan({ manufacturers: ['siemens', 'Siemens Healthineers'] }))).toEqual([{ manufacturer: 'Siemens' }]);
  });

  it('reports values without a mediator code, naming them, and drops the whole criterion', () => {
    const p = plan({ cancerSites: ['LUNG', 'LIVER'], bodyParts: ['CHEST'], manufacturers: ['canon'], modalities: ['MG'] });
    expect(queriesOf(p)).toEqual([{}]);
    expect(p.report.applied).toEqual([]);
    const reasons = Object.fromEntries(p.report.notApplied.map((n) => [n.criterion, n.reason]));
    expect(reasons.CANCER_SITES).toMatch(/cancer site LIVER has no value/);
    expect(reasons.BODY_PARTS).toMatch(/body part CHEST has no value/);
    expect(reasons.MANUFACTURERS).toMatch(/manufacturer canon has no value/);
    expect(reasons.MODALITIES).toMatch(/modality MG has no value/);
    expect(p.evaluable).toEqual({});
  });

  it('does not combine several values of a series attribute', () => {
    const p = plan({ modalities: ['MR', 'CT'], bodyParts: ['PROSTATE'], collections: ['a'] });
    expect(queriesOf(p)).toEqual([{ bodyPart: 'prostate' }]);
    expect(p.report.notApplied).toEqual([{ criterion: 'MODALITIES', reason: expect.stringContaining('one value per criterion') }]);
    expect(p.report.applied).toEqual(['BODY_PARTS', 'COLLECTIONS']);
    expect(p.collections).toEqual(['a']);
    expect(p.evaluable).toEqual({ bodyParts: ['PROSTATE'], collections: ['a'] });
  });

  it('does not apply ranges', () => {
    const p = plan({ ageAtDiagnosis: { min: 50 }, yearOfDiagnosis: { max: 2020 } });
    expect(p.report.notApplied.map((n) => n.criterion)).toEqual(['AGE_AT_DIAGNOSIS', 'YEAR_OF_DIAGNOSIS']);
    for (const n of p.report.notApplied) expect(n.reason).toMatch(/^the mediator takes no ranges/);
  });

  it('drops the enumerated criterion with most values when the combinations exceed the cap', () => {
    const p = plan({ sex: ['MALE', 'FEMALE', 'OTHER'], cancerSites: ['LUNG', 'BREAST'] }, 4);
    expect(queriesOf(p)).toHaveLength(2);
    expect(p.report.applied).toEqual(['CANCER_SITES']);
    expect(p.report.notApplied).toEqual([{ criterion: 'SEX', reason: expect.stringContaining('6 requests in all, more than this repository\'s cap of 4') }]);
    expect(plan({ sex: ['MALE', 'FEMALE', 'OTHER'], cancerSites: ['LUNG', 'BREAST', 'COLON', 'PROSTATE'] }, 16).report.notApplied).toEqual([]);
  });
});

describe('facetQueries', () => {
  it('asks each facet value with the cohort criteria, and skips values the criteria exclude', () => {
    const p = plan({ sex: ['MALE', 'FEMALE'], modalities: ['MR'] });
    expect(facetQueries(p, 'sex', 'male')).toEqual([{ modality: 'MR', gender: 'male' }]);
    expect(facetQueries(p, 'sex', 'other')).toBeNull();
    expect(facetQueries(p, 'modality', 'MR')).toEqual(queriesOf(p));
    expect(facetQueries(p, 'modality', 'CT')).toBeNull();
    expect(facetQueries(p, 'cancerSite', PELVIS_CANCER.code)).toEqual([
      { modality: 'MR', diagnosis: PELVIS_CANCER.code, gender: 'male' },
      { modality: 'MR', diagnosis: PELVIS_CANCER.code, gender: 'female' },
    ]);
  });

  it('counts the mediator\'s values: 4 sexes, 5 diagnoses, 4 modalities', () => {
    expect(FACET_VALUES.sex.map((v) => v.value)).toEqual(['FEMALE', 'MALE', 'OTHER', 'UNKNOWN']);
    expect(FACET_VALUES.cancerSite.map((v) => v.value)).toEqual(['COLON', 'BREAST', 'LUNG', 'PROSTATE', 'Pelvis Cancer']);
    expect(FACET_VALUES.modality.map((v) => [v.value, v.code])).toEqual([['MR', 'MR'], ['CT', 'CT'], ['PT', 'PET'], ['NM', 'SPECT']]);
  });
});

describe('options', () => {
  it('validates the adapter options', () => {
    expect(validateOptions({})).toEqual([]);
    expect(validateOptions({ maxRequestsPerCohort: 8, maxFacetRequests: 0, parallelRequests: 2 })).toEqual([]);
    expect(validateOptions({ maxRequestsPerCohort: 0, parallelRequests: 'four', colour: 'blue' })).toEqual([
      'maxRequestsPerCohort: must be an integer between 1 and 64',
      'parallelRequests: must be an integer between 1 and 16',
      'colour: unknown option (the eucaim-mediator adapter knows maxRequestsPerCohort, maxFacetRequests, parallelRequests)',
    ]);
  });
});
