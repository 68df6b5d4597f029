/**
 * Placement rules and the applied / not-applied judgement on recorded Orthanc responses (fixtures/README.md): what
 * the adapter reports when the PACS leaves out an attribute it was asked for, or holds a study without the
 * collection link.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { casesFromDicom, type CaseMappingContext } from '../../subgraphs/dicomweb/mapping';
import { dicomWebOptions, type CollectionRule } from '../../subgraphs/dicomweb/options';
import { carriedTags, datasets, Tag, type DicomDataset } from '../../subgraphs/dicomweb/parse';
import { caseCollection, studyCollection } from '../../subgraphs/dicomweb/placement';
import { CaseIndex } from '../../subgraphs/sdk/case-index';
import { CHECKED_SERIES_TAGS, CHECKED_STUDY_TAGS, planCohort, pushDown } from '../../subgraphs/dicomweb/plan';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { ResponseReader } from '../../subgraphs/sdk/parse';
import type { CaseFilter } from '../../schema/generated/graphql';

const reader = new ResponseReader('nl-test', 'QIDO-RS studies');

function recorded(name: string): DicomDataset[] {
  const file = JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as { body: unknown } | unknown[];
  return datasets(Array.isArray(file) ? file : file.body, reader);
}

const ruleOf = (collectionFrom?: unknown): CollectionRule => dicomWebOptions(collectionFrom === undefined ? {} : { collectionFrom }).collectionFrom;

function contextFor(rule: CollectionRule, sites: Array<[string, 'LUNG' | 'PROSTATE']> = [['SPIKE-LUNG', 'LUNG']]): CaseMappingContext {
  return { repositoryId: 'nl-test', dicomWebRoot: 'http://pacs.example/dicom-web', cancerSiteOfCollection: new Map(sites), collectionRule: rule };
}

/** What the adapter answers for `where` over recorded studies (no series asked: image criteria stay out). */
function answer(studies: DicomDataset[], where: CaseFilter, rule: CollectionRule, sites?: Array<[string, 'LUNG' | 'PROSTATE']>) {
  const records = casesFromDicom(studies, new Map(), contextFor(rule, sites));
  const plan = planCohort(normaliseFilter(where, 'nl-test'), CaseIndex.from(records), carriedTags(studies, CHECKED_STUDY_TAGS), { rule });
  const cohort = cohortOf(records, plan.evaluable, plan.report);
  for (const facet of plan.blankFacets) cohort.facets[facet] = [];
  return cohort;
}

describe('an attribute the PACS did not return', () => {
  it('reports age as not applied when Orthanc ignores includefield=all, and leaves the age facet empty', () => {
    const studies = recorded('studies-includefield-all.json');
    expect(carriedTags(studies, CHECKED_STUDY_TAGS)).toEqual(new Set([Tag.PatientSex]));
    const cohort = answer(studies, { ageAtDiagnosis: { min: 60 }, sex: ['FEMALE'] }, ruleOf());
    expect(cohort).toMatchObject({
      exact: false, subjects: 1, filtersApplied: ['SEX'],
      filtersNotApplied: [{ criterion: 'AGE_AT_DIAGNOSIS', reason: expect.stringContaining('returned no PatientAge (0010,1010) for any result') }],
    });
    expect(cohort.facets.ageBand).toEqual([]);
    expect(cohort.facets.sex).toEqual([{ value: 'FEMALE', subjects: 1 }]);
  });

  it('applies age when the PACS answered the includefield', () => {
    const cohort = answer(recorded('studies-includefield-sex-age.json'), { ageAtDiagnosis: { min: 70, max: 79 } }, ruleOf());
    expect(cohort).toMatchObject({ exact: true, subjects: 1, filtersApplied: ['AGE_AT_DIAGNOSIS'], filtersNotApplied: [] });
    expect(cohort.facets.ageBand).toEqual([{ value: '70-79', subjects: 1 }]);
  });

  it('judges series attributes on the series listing: BodyPartExamined only when asked for', () => {
    expect(carriedTags(recorded('series-of-study.json'), CHECKED_SERIES_TAGS)).toEqual(new Set());
    expect(carriedTags(recorded('series-includefield-bodypart.json'), CHECKED_SERIES_TAGS)).toEqual(new Set([Tag.BodyPartExamined]));
  });
});

describe('a real study without the collection link (pydicom CT_small: no Clinical Trial Subject module)', () => {
  const studies = recorded('pydicom-ct_small-study.json');

  it('is placed nowhere by ClinicalTrialProtocolID, so cancer site and collection are not applied, never an exact 0', () => {
    const bySite = answer(studies, { cancerSites: ['LUNG'] }, ruleOf());
    expect(bySite).toMatchObject({ exact: false, subjects: 1, filtersApplied: [] });
    expect(bySite.filtersNotApplied).toEqual([{ criterion: 'CANCER_SITES', reason: expect.stringContaining('1 cannot be placed in a collection (ClinicalTrialProtocolID (0012,0020))') }]);
    const byCollection = answer(studies, { collections: ['SPIKE-LUNG'] }, ruleOf());
    expect(byCollection).toMatchObject({ exact: false, subjects: 1, filtersNotApplied: [{ criterion: 'COLLECTIONS' }] });
  });

  it('is placed by a PatientID pattern, and then counted exactly', () => {
    const rule = ruleOf({ by: 'PatientID', patterns: [{ match: '^1CT1$', collection: 'SPIKE-LUNG' }] });
    expect(answer(studies, { cancerSites: ['LUNG'] }, rule)).toMatchObject({ exact: true, subjects: 1, filtersApplied: ['CANCER_SITES'] });
    expect(answer(studies, { cancerSites: ['PROSTATE'] }, rule)).toMatchObject({ exact: true, subjects: 0 });
  });

  it('reports the cancer site when the collection is placed but the config gives it no cancer site', () => {
    const rule = ruleOf({ by: 'repository', collection: 'PYDICOM' });
    const cohort = answer(studies, { cancerSites: ['LUNG'], collections: ['PYDICOM'] }, rule);
    expect(cohort).toMatchObject({ exact: false, subjects: 1, filtersApplied: ['COLLECTIONS'] });
    expect(cohort.filtersNotApplied).toEqual([{ criterion: 'CANCER_SITES', reason: expect.stringContaining('gives no cancer site for collection PYDICOM') }]);
  });
});

describe('placement rules on recorded studies', () => {
  it('reads ClinicalTrialProtocolID as the collection id, or through a values map', () => {
    const studies = recorded('studies-clinicaltrialprotocolid-nonindexed.json');
    expect(studies.map((s) => studyCollection(s, ruleOf()))).toEqual(Array(5).fill('SPIKE-LUNG'));
    const mapped = ruleOf({ by: 'ClinicalTrialProtocolID', values: { 'SPIKE-LUNG': 'AMS-LUNG' } });
    expect(studies.map((s) => studyCollection(s, mapped))).toEqual(Array(5).fill('AMS-LUNG'));
    const other = ruleOf({ by: 'ClinicalTrialProtocolID', values: { 'SPIKE-PROSTATE': 'AMS-PROSTATE' } });
    expect(studies.map((s) => studyCollection(s, other))).toEqual(Array(5).fill(null));
  });

  it('places StudyDescription "CT CHEST W CONTRAST" by the first matching pattern, case-sensitive unless asked', () => {
    const studies = recorded('studies-description-wildcard.json');
    const rule = ruleOf({ by: 'StudyDescription', patterns: [{ match: '^MR ', collection: 'B' }, { match: '\\bCHEST\\b', collection: 'A' }] });
    expect(studies.map((s) => studyCollection(s, rule))).toEqual(Array(5).fill('A'));
    expect(studyCollection(studies[0], ruleOf({ by: 'StudyDescription', patterns: [{ match: 'chest', collection: 'A' }] }))).toBeNull();
    expect(studyCollection(studies[0], ruleOf({ by: 'StudyDescription', ignoreCase: true, patterns: [{ match: 'chest', collection: 'A' }] }))).toBe('A');
  });

  it('places a case by its placed studies, unplaced ones not contradicting, but leaves a case whose studies disagree unplaced', () => {
    const [first, second] = recorded('studies-includefield-sex-age.json');
    const withProtocol = (study: DicomDataset, value: string | null): DicomDataset =>
      ({ ...study, [Tag.ClinicalTrialProtocolID]: value === null ? { vr: 'LO' } : { vr: 'LO', Value: [value] } });
    expect(caseCollection([first, second], ruleOf())).toBe('SPIKE-LUNG');
    expect(caseCollection([first, withProtocol(second, null)], ruleOf())).toBe('SPIKE-LUNG');
    expect(caseCollection([first, withProtocol(second, 'SPIKE-PROSTATE')], ruleOf())).toBeNull();
    const records = casesFromDicom([first, withProtocol(second, 'SPIKE-PROSTATE')], new Map(), contextFor(ruleOf()));
    expect(records).toMatchObject([{ subjectId: 'SPK-00003', collection: null, diagnosis: null }]);
  });
});

describe('native ages', () => {
  it('refuses an age outside 0-130 years as bad native data, naming the repository and the attribute', () => {
    const [study] = recorded('studies-includefield-sex-age.json');
    const broken = { ...study, [Tag.PatientAge]: { vr: 'AS', Value: ['965Y'] } };
    expect(() => casesFromDicom([broken], new Map(), contextFor(ruleOf()))).toThrow(expect.objectContaining({
      extensions: expect.objectContaining({ code: 'REPOSITORY_BAD_RESPONSE', repositoryId: 'nl-test' }),
      message: expect.stringContaining('PatientAge (0010,1010) "965Y" of a QIDO-RS study is an age of 965 years, outside 0-130'),
    }));
    const months = { ...study, [Tag.PatientAge]: { vr: 'AS', Value: ['030M'] } };
    expect(casesFromDicom([months], new Map(), contextFor(ruleOf()))[0].ageAtDiagnosis).toBe(2);
  });
});

describe('live push-down', () => {
  it('pushes modalities and sex, never collections (unplaced studies would not come back)', () => {
    expect(pushDown(normaliseFilter({ modalities: ['CT', 'MR'], sex: ['FEMALE'], collections: ['X'], cancerSites: ['LUNG'] }, 'nl-test')))
      .toEqual({ ModalitiesInStudy: 'CT,MR', PatientSex: 'F' });
    expect(pushDown(normaliseFilter({ modalities: ['CT'], ageAtDiagnosis: { min: 50 }, sex: ['UNKNOWN'] }, 'nl-test'))).toEqual({});
  });
});
