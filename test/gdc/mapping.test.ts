/**
 * Parsing and mapping of GDC answers, on recorded real answers others published (fixtures/README.md names each
 * source): the search envelope and its facets (lower-cased keys, `_missing`, an unknown facet reported in
 * `warnings`), cases with their primary diagnosis among several, real `/files` hits (no `imaging` block: slides are
 * whole-slide images), projects; then the filter plan (radiology criteria not applicable), the report a server's
 * warnings turn inexact, and the filter objects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseFilter } from '../../schema/generated/graphql';
import { categoryCode, topographyCode } from '../../subgraphs/gdc/icd-o-3';
import {
  ageInYears, caseRecord, checkedAge, collectionRecord, firstDayOfAge, lastDayOfAge, primaryDiagnosis, seriesRecord, stageOf, studiesOf, studyKeyOf,
} from '../../subgraphs/gdc/mapping';
import type { SlideFileHit } from '../../subgraphs/gdc/native-types';
import { parseCaseHit, parseDiagnoses, parseProjectHit, parseSearch, parseSlideFileHit, parseWarnings, valuesAt } from '../../subgraphs/gdc/parse';
import {
  BODY_PART_REASON, DICOM_REASON, MANUFACTURER_REASON, NO_PRIMARY_FLAG_REASON, NO_SEX_FIELD_REASON, planFilter, reportOf, WarningLog, WILDCARD_REASON,
  type Vocabulary,
} from '../../subgraphs/gdc/plan';
import { notPrimaryOnly, primaryOnly, Query, SLIDES, wildcardSafe } from '../../subgraphs/gdc/query';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { ResponseReader } from '../../subgraphs/sdk/parse';

const REPO = 'gdc-fixture';
const BASE = 'https://api.gdc.example.org';

type Json = Record<string, any>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
}

function expectBadResponse(work: () => unknown, fragment: RegExp): void {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(RepositoryError);
    const e = error as RepositoryError;
    expect(e.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPO });
    expect(e.message).toMatch(fragment);
    return;
  }
  throw new Error('expected a RepositoryError');
}

describe('the search envelope (recorded answers)', () => {
  it('reads hits, the pagination block and empty warnings', () => {
    const result = parseSearch(fixture('projects-search.docs.json'), REPO, 'projects');
    expect(result.hits.map((h) => h.project_id)).toEqual(['APOLLO-LUAD', 'BEATAML1.0-COHORT']);
    expect(result.pagination).toEqual({ count: 2, total: 78, size: 2, from: 0, page: 1, pages: 39 });
    expect(result.aggregations.size).toBe(0);
    expect([...result.warnings.texts]).toEqual([]);
  });

  it('reads facet buckets, including the `_missing` bucket', () => {
    const program = parseSearch(fixture('facets-program.docs.json'), REPO, 'projects', ['program.name']);
    const buckets = program.aggregations.get('program.name');
    expect(buckets?.kind === 'buckets' && buckets.buckets.slice(0, 2)).toEqual([{ key: 'TCGA', doc_count: 33 }, { key: 'MATCH', doc_count: 10 }]);
    expect(buckets?.kind === 'buckets' && buckets.buckets.reduce((n, b) => n + b.doc_count, 0)).toBe(program.pagination.total);
    const gender = parseSearch(fixture('facets-gender-missing.docs.json'), REPO, 'cases', ['clinical.gender']);
    expect(gender.aggregations.get('clinical.gender')).toEqual({
      kind: 'buckets', buckets: [{ key: 'female', doc_count: 6598 }, { key: 'male', doc_count: 6303 }, { key: '_missing', doc_count: 1151 }],
    });
  });

  it('takes facet keys as GDC sends them: lower-cased although the filter said "Kidney"', () => {
    const answer = parseSearch(fixture('facets-primary-site-lowercase.docs.json'), REPO, 'cases', ['project.primary_site']);
    const agg = answer.aggregations.get('project.primary_site');
    if (agg?.kind !== 'buckets') throw new Error('no buckets');
    expect(agg.buckets[0]).toEqual({ key: 'kidney', doc_count: answer.pagination.total });
    expect(agg.buckets.every((b) => b.key === b.key.toLowerCase())).toBe(true);
  });

  it('reads a facet GDC did not recognise from `warnings`, where the answer has no aggregations at all', () => {
    const answer = parseSearch(fixture('facets-unrecognized-warning.recorded.json'), REPO, 'files', ['files.data_category']);
    expect(answer.aggregations.size).toBe(0);
    expect(answer.warnings.unrecognized.get('facets')).toEqual(['files.data_category']);
    expect(answer.pagination.total).toBe(262293);
    // Without the warning, a missing facet is a malformed answer.
    const silent = { ...fixture('facets-unrecognized-warning.recorded.json'), warnings: {} };
    expectBadResponse(() => parseSearch(silent, REPO, 'files', ['files.data_category']), /data\.aggregations is undefined, expected an object/);
  });

  it('reads warnings per parameter, with or without GDC\'s "unrecognized values" wording', () => {
    const reader = new ResponseReader(REPO, '/cases search');
    const warnings = parseWarnings(reader, { filters: 'unrecognized values: [demographic.sex_at_birth, diagnoses.foo]', sort: 'something else' });
    expect([...warnings.unrecognized]).toEqual([['filters', ['demographic.sex_at_birth', 'diagnoses.foo']]]);
    expect(warnings.texts.get('sort')).toBe('something else');
    expectBadResponse(() => parseWarnings(reader, { filters: 42 }), /warnings\.filters is number, expected a string/);
  });

  it('reads numeric facets as statistics and numeric or boolean bucket keys as strings', () => {
    const body = { data: { hits: [], pagination: { count: 0, total: 3, size: 0, from: 0, page: 1, pages: 3 }, aggregations: {
      'diagnoses.age_at_diagnosis': { stats: { count: 3, min: 9000, max: 30000, avg: 20000, sum: 60000 } },
      'diagnoses.year_of_diagnosis': { buckets: [{ key: 2008, doc_count: 3 }] },
      'diagnoses.diagnosis_is_primary_disease': { buckets: [{ key: true, doc_count: 3 }] },
    } }, warnings: {} };
    const result = parseSearch(body, REPO, 'cases', ['diagnoses.age_at_diagnosis', 'diagnoses.year_of_diagnosis', 'diagnoses.diagnosis_is_primary_disease']);
    expect(result.aggregations.get('diagnoses.age_at_diagnosis')).toEqual({ kind: 'stats', count: 3, sum: 60000, min: 9000, max: 30000 });
    expect(result.aggregations.get('diagnoses.year_of_diagnosis')).toEqual({ kind: 'buckets', buckets: [{ key: '2008', doc_count: 3 }] });
    expect(result.aggregations.get('diagnoses.diagnosis_is_primary_disease')).toEqual({ kind: 'buckets', buckets: [{ key: 'true', doc_count: 3 }] });
  });

  it('rejects what the protocol does not allow, naming the field', () => {
    const ok = fixture('facets-program.docs.json');
    const broken = (change: Json) => ({ ...ok, data: { ...ok.data, ...change } });
    expectBadResponse(() => parseSearch({ hits: [] }, REPO, 'cases'), /\/cases search.*data is undefined, expected an object/);
    expectBadResponse(() => parseSearch(broken({ hits: {} }), REPO, 'cases'), /data\.hits is object, expected an array/);
    expectBadResponse(() => parseSearch(broken({ pagination: { ...ok.data.pagination, total: 'many' } }), REPO, 'cases'),
      /data\.pagination\.total is string, expected a number/);
    expectBadResponse(() => parseSearch(broken({ pagination: { ...ok.data.pagination, total: -1 } }), REPO, 'cases'),
      /data\.pagination\.total .*non-negative integer/);
    expectBadResponse(() => parseSearch(ok, REPO, 'projects', ['project.primary_site']), /aggregations\["project\.primary_site"\] is undefined/);
    expectBadResponse(() => parseSearch(broken({ aggregations: { 'program.name': { buckets: [{ doc_count: 2 }] } } }), REPO, 'projects', ['program.name']),
      /buckets\[0\]\.key is undefined, expected a string/);
    expectBadResponse(() => parseSearch(broken({ aggregations: { 'program.name': { buckets: [{ key: 'x', doc_count: 1.5 }] } } }), REPO, 'projects', ['program.name']),
      /doc_count .*non-negative integer/);
  });
});

describe('cases and their primary diagnosis (recorded answers)', () => {
  it('maps the documented case TCGA-BH-A0EA: days to whole years, ICD-10, ICD-O-3 codes, AJCC stage', () => {
    const { data } = fixture('case-retrieval-tcga-bh-a0ea.docs.json');
    // Requested with expand=diagnoses only: no project, no demographic.
    expect(caseRecord(parseCaseHit(data, REPO, 0), REPO)).toEqual({
      id: `${REPO}/TCGA-BH-A0EA`,
      repositoryId: REPO,
      subjectId: 'TCGA-BH-A0EA',
      collection: null,
      sex: 'UNKNOWN',
      // 26548 days = 72.68 years
      ageAtDiagnosis: 72,
      diagnosis: {
        cancerSite: 'BREAST', icd10: 'C50.9', icdO3Topography: 'C50.9', icdO3Morphology: '8500/3',
        description: 'Infiltrating duct carcinoma, NOS', yearOfDiagnosis: 2008,
        stage: { group: 'IIA', t: 'T1c', n: 'N1a', m: 'M0', system: 'AJCC 6th' },
      },
    });
  });

  const hcm = fixture('cases-multiple-diagnoses-hcm-brod-0871.docs.json').data.hits[0];

  it('takes the diagnosis flagged primary disease, not the metastasis listed first (case HCM-BROD-0871-C49)', () => {
    const diagnoses = parseDiagnoses(hcm, REPO, 0);
    expect(diagnoses.map((d) => [d.classification_of_tumor, d.diagnosis_is_primary_disease, d.icd_10_code])).toEqual([
      ['metastasis', false, 'C79.8'], ['primary', true, 'C49.9'],
    ]);
    const primary = primaryDiagnosis(diagnoses)!;
    expect(primary.icd_10_code).toBe('C49.9');
    // The recorded hit carries only the requested fields; the case's ids are added to map it.
    const record = caseRecord(parseCaseHit({ ...hcm, case_id: hcm.id, submitter_id: 'HCM-BROD-0871-C49' }, REPO, 0), REPO);
    expect(record).toMatchObject({
      // 22167 days = 60.7 years; the metastasis (25208 days) would say 69.
      ageAtDiagnosis: 60,
      diagnosis: {
        cancerSite: 'SOFT_TISSUE', icd10: 'C49.9', icdO3Morphology: '8890/3', description: 'Leiomyosarcoma, NOS',
        // This primary diagnosis has no year_of_diagnosis.
        yearOfDiagnosis: null,
        stage: { group: 'III', t: 'T0', n: 'N0', m: 'M0', system: 'AJCC 8th' },
      },
    });
  });

  it('falls back to classification_of_tumor "primary", then to the first diagnosis listed', () => {
    const diagnoses = parseDiagnoses(hcm, REPO, 0);
    const unflagged = diagnoses.map((d) => ({ ...d, diagnosis_is_primary_disease: null }));
    expect(primaryDiagnosis(unflagged)?.icd_10_code).toBe('C49.9');
    const unclassified = unflagged.map((d) => ({ ...d, classification_of_tumor: 'not reported' }));
    expect(primaryDiagnosis(unclassified)?.icd_10_code).toBe('C79.8');
    expect(primaryDiagnosis([])).toBeNull();
  });

  it('reads "not reported" stages as none and the older demographic.gender where sex_at_birth is absent', () => {
    const { data } = fixture('case-retrieval-tcga-bh-a0ea.docs.json');
    const unstaged = { ...data.diagnoses[0], ajcc_pathologic_stage: 'Not Reported', ajcc_pathologic_t: null, ajcc_pathologic_n: '--', ajcc_pathologic_m: 'Unknown' };
    expect(stageOf(parseDiagnoses({ diagnoses: [unstaged] }, REPO, 0)[0])).toBeNull();
    expect(parseCaseHit({ ...data, demographic: { gender: 'female' } }, REPO, 0).sex).toBe('female');
    expect(parseCaseHit({ ...data, demographic: { gender: 'male', sex_at_birth: 'female' } }, REPO, 0).sex).toBe('female');
  });

  it('tolerates a case without demographic, project or diagnoses', () => {
    const record = caseRecord(parseCaseHit({ case_id: 'u', submitter_id: 'S-1', demographic: null, diagnoses: [] }, REPO, 0), REPO);
    expect(record).toMatchObject({ subjectId: 'S-1', collection: null, sex: 'UNKNOWN', ageAtDiagnosis: null, diagnosis: { cancerSite: 'UNKNOWN' } });
  });

  it('rejects wrong types with the path of the field', () => {
    expectBadResponse(() => parseCaseHit({ case_id: 'u' }, REPO, 4), /data\.hits\[4\]\.submitter_id is undefined, expected a string/);
    expectBadResponse(() => parseCaseHit({ case_id: 'u', submitter_id: 'S', diagnoses: [{ age_at_diagnosis: 'old' }] }, REPO, 0),
      /diagnoses\[0\]\.age_at_diagnosis is string, expected a number/);
    expectBadResponse(() => parseCaseHit({ case_id: 'u', submitter_id: 'S', diagnoses: [{ diagnosis_is_primary_disease: 'maybe' }] }, REPO, 0),
      /diagnoses\[0\]\.diagnosis_is_primary_disease is string, expected a boolean/);
    expectBadResponse(() => parseCaseHit({ case_id: 'u', submitter_id: 'S', demographic: 'female' }, REPO, 0), /demographic is string, expected an object/);
  });
});

describe('ages in days', () => {
  it('turns days into whole years at the exact birthdays (365.25 days a year)', () => {
    expect(ageInYears(0)).toBe(0);
    expect(ageInYears(365)).toBe(0);
    expect(ageInYears(366)).toBe(1);
    expect(ageInYears(1460)).toBe(3);
    expect(ageInYears(1461)).toBe(4);
    expect(ageInYears(null)).toBeNull();
    for (let years = 0; years <= 120; years++) {
      expect(ageInYears(firstDayOfAge(years))).toBe(years);
      expect(ageInYears(firstDayOfAge(years) - 1)).toBe(years - 1);
      expect(ageInYears(lastDayOfAge(years))).toBe(years);
      expect(ageInYears(lastDayOfAge(years) + 1)).toBe(years + 1);
    }
  });

  it('refuses ages outside 0-130 years as bad native data, naming the repository and the case', () => {
    expect(checkedAge(lastDayOfAge(130), REPO, 'x')).toBe(130);
    for (const days of [firstDayOfAge(131), -1, 365_250]) {
      expectBadResponse(() => checkedAge(days, REPO, 'diagnoses.age_at_diagnosis of case X'), /diagnoses\.age_at_diagnosis of case X .*outside 0-130/);
    }
    const { data } = fixture('case-retrieval-tcga-bh-a0ea.docs.json');
    const aged = { ...data, diagnoses: [{ ...data.diagnoses[0], age_at_diagnosis: 60_000 }] };
    expectBadResponse(() => caseRecord(parseCaseHit(aged, REPO, 0), REPO), /case TCGA-BH-A0EA \(60000 days\) is an age of 164 years/);
  });
});

describe('slide images (recorded /files answers)', () => {
  const fields = fixture('files-fields.docs.json');
  const hits = parseSearch(fields, REPO, 'files').hits;

  it('finds no `imaging` block in real /files hits: GDC holds no radiology', () => {
    expect(hits).toHaveLength(10);
    expect(hits.every((hit) => !('imaging' in hit))).toBe(true);
    expect(hits.map((hit) => hit.file_name).filter((name) => String(name).endsWith('.svs'))).toEqual(['TCGA-AN-A0FL-01Z-00-DX1.20A041C6-A306-4599-A7D1-65032A252AA9.svs']);
  });

  it('maps a slide file to one whole-slide (SM) series: size, name, no body part, no instance count, a data reference', () => {
    const slide = parseSlideFileHit(hits[0], REPO, 0);
    expect(slide).toEqual({
      file_id: 'd570eccc-3c1c-4c4f-ae04-96be71fbe016', file_name: 'TCGA-AN-A0FL-01Z-00-DX1.20A041C6-A306-4599-A7D1-65032A252AA9.svs',
      file_size: 1055798681, access: null, data_format: null, experimental_strategy: null, case_submitter_ids: ['TCGA-AN-A0FL'], samples: [],
    });
    expect(seriesRecord(slide, BASE)).toEqual({
      uid: 'd570eccc-3c1c-4c4f-ae04-96be71fbe016', modality: 'SM', modalityRaw: null, bodyPart: 'UNKNOWN', bodyPartRaw: null, manufacturer: null,
      description: 'TCGA-AN-A0FL-01Z-00-DX1.20A041C6-A306-4599-A7D1-65032A252AA9.svs', instanceCount: null, sizeBytes: 1055798681,
      // The answer does not say the file is open: access must be requested.
      retrieve: { protocol: 'ACCESS_REQUEST', url: `${BASE}/data/d570eccc-3c1c-4c4f-ae04-96be71fbe016` },
    });
    expect(seriesRecord({ ...slide, access: 'open', experimental_strategy: 'Diagnostic Slide' }, BASE))
      .toMatchObject({ modalityRaw: 'Diagnostic Slide', retrieve: { protocol: 'GDC_DATA' } });
  });

  it('reads the sample a file comes from (`cases[].samples[]`, recorded with expand=cases.samples) as its study', () => {
    const file = parseSlideFileHit(fixture('file-expand-cases-samples.docs.json').data, REPO, 0);
    expect(file.samples).toEqual([{ sample_id: '4e128a37-be58-477a-a01f-448179360b7c', submitter_id: 'TCGA-B6-A0RI-10A', sample_type: 'Blood Derived Normal' }]);
    expect(file.access).toBe('controlled');
    expect(studyKeyOf(file)).toBe('4e128a37-be58-477a-a01f-448179360b7c');
  });

  it('groups slides into studies by sample (a slide without one is its own study), series by file name', () => {
    const tissue = parseSlideFileHit(parseSearch(fixture('files-from-size.docs.json'), REPO, 'files').hits[0], REPO, 0);
    const sample = { sample_id: 's-1', submitter_id: 'TCGA-AN-A0FL-01Z', sample_type: 'Primary Tumor' };
    const dx1 = parseSlideFileHit(hits[0], REPO, 0);
    const files: SlideFileHit[] = [
      { ...dx1, file_id: 'b', file_name: 'TCGA-AN-A0FL-01Z-00-DX2.svs', samples: [sample] },
      { ...dx1, samples: [sample] },
      tissue,
    ];
    const studies = studiesOf(files, BASE);
    expect(studies.map((s) => [s.uid, s.description, s.seriesCount, s.series.map((x) => x.description)])).toEqual([
      ['297933f5-1316-4cb6-b53f-9dbfa7f3d7ed', null, 1, ['TCGA-B6-A0RH-01A-02-TSB.ea83f31e-defb-4436-8a58-5b66b18d13b5.svs']],
      ['s-1', 'TCGA-AN-A0FL-01Z (Primary Tumor)', 2, ['TCGA-AN-A0FL-01Z-00-DX1.20A041C6-A306-4599-A7D1-65032A252AA9.svs', 'TCGA-AN-A0FL-01Z-00-DX2.svs']],
    ]);
    expect(studies[1]).toMatchObject({ date: null, modalities: ['SM'], bodyParts: ['UNKNOWN'], instanceCount: null });
  });

  it('rejects a slide hit without a file id, and reads values through nested lists', () => {
    expectBadResponse(() => parseSlideFileHit({ file_name: 'x.svs' }, REPO, 2), /data\.hits\[2\]\.file_id is undefined, expected a string/);
    expectBadResponse(() => parseSlideFileHit({ file_id: 7 }, REPO, 2), /data\.hits\[2\]\.file_id is number, expected a string/);
    expectBadResponse(() => parseSlideFileHit({ file_id: 'f', cases: [{ submitter_id: 'S', samples: [{}] }] }, REPO, 0), /samples\[0\]\.sample_id is undefined/);
    expect(valuesAt({ cases: [{ case_id: 'a' }, { case_id: 'b' }] }, 'cases.case_id', REPO, 'x')).toEqual(['a', 'b']);
    expect(valuesAt({ cases: null }, 'cases.samples.sample_id', REPO, 'x')).toEqual([]);
    expectBadResponse(() => valuesAt({ data_type: { x: 1 } }, 'data_type', REPO, 'x'), /data_type is object/);
  });
});

describe('projects (recorded answers)', () => {
  it('maps a project to a collection, the cancer site from `primary_site` when the config does not describe it', () => {
    const projects = parseSearch(fixture('projects-search.docs.json'), REPO, 'projects').hits.map((hit, i) => parseProjectHit(hit, REPO, i));
    expect(collectionRecord(projects[0], ['SM'], 12, undefined)).toEqual({
      id: 'APOLLO-LUAD', name: 'APOLLO1: Proteogenomic characterization of lung adenocarcinoma', description: null, licence: null,
      doi: null, landingPage: null, subjects: null, studies: 12, cancerSites: ['LUNG'], modalities: ['SM'],
    });
    expect(collectionRecord(projects[1], [], null, { id: 'BEATAML1.0-COHORT', name: 'Beat AML', cancerSite: 'HAEMATOLYMPHOID', licence: 'CC BY 4.0' }))
      .toMatchObject({ name: 'Beat AML', cancerSites: ['HAEMATOLYMPHOID'], licence: 'CC BY 4.0', modalities: [] });
  });

  it('reads the case count of a project summary, and `primary_site` as a string where older documents have one', () => {
    const project = parseProjectHit(fixture('project-retrieval-target-nbl.docs.json').data, REPO, 0);
    expect(project).toMatchObject({ project_id: 'TARGET-NBL', case_count: expect.any(Number) });
    expect(project.case_count).toBeGreaterThan(0);
    expect(parseProjectHit({ project_id: 'TARGET-AML', primary_site: 'Blood' }, REPO, 0).primary_site).toEqual(['Blood']);
  });

  it('maps GDC topography labels to codes, case-insensitively', () => {
    expect(topographyCode('Breast, NOS')).toBe('C50.9');
    expect(topographyCode('upper lobe, LUNG')).toBe('C34.1');
    expect(topographyCode('C71.9')).toBe('C71.9');
    expect(topographyCode('Somewhere else')).toBeNull();
    expect(categoryCode('bronchus and lung')).toBe('C34');
  });
});

describe('the filter plan', () => {
  const vocabulary: Vocabulary = {
    sexField: 'demographic.sex_at_birth',
    sexes: ['female', 'male', 'unknown', 'not reported'],
    // GDC may answer facet keys lower-cased.
    icd10Codes: ['c50.9', 'C34.1', 'c34.9', 'C61', 'D48.9', 'C79.8'],
    projects: ['P-LUNG', 'p-breast'],
    primaryFlag: true,
    ambiguousDiagnoses: true,
    dicomFiles: false,
  };
  const plan = (where: CaseFilter, vocab = vocabulary) => planFilter(normaliseFilter(where, REPO), vocab);

  it('expands unified values into the raw values the repository holds; UNKNOWN adds "missing"', () => {
    const { planned, notApplied } = plan({
      sex: ['UNKNOWN'], cancerSites: ['LUNG', 'UNKNOWN'], collections: ['P-LUNG', 'P-BREAST', 'nope'],
      ageAtDiagnosis: { min: 40, max: 49 }, yearOfDiagnosis: { min: 2010 }, modalities: ['SM'],
    });
    expect(notApplied).toEqual([]);
    expect(planned).toEqual({ kind: 'query', plan: {
      clinical: [
        { field: 'demographic.sex_at_birth', values: ['unknown', 'not reported'], missing: true },
        // Matched case-insensitively; the values sent are the repository's own.
        { field: 'project.project_id', values: ['P-LUNG', 'p-breast'], missing: false },
      ],
      diagnosis: [{ field: 'diagnoses.icd_10_code', values: ['C34.1', 'c34.9', 'D48.9'], missing: true }],
      ranges: [
        { field: 'diagnoses.age_at_diagnosis', min: 14610, max: 18262 },
        { field: 'diagnoses.year_of_diagnosis', min: 2010, max: undefined },
      ],
      ageYears: { min: 40, max: 49 },
      slides: true,
      diagnosisFilter: { cancerSites: ['LUNG', 'UNKNOWN'], ageAtDiagnosis: { min: 40, max: 49 }, yearOfDiagnosis: { min: 2010 } },
    } });
  });

  it('reports radiology criteria not applicable, with their reasons, and plans the rest', () => {
    const { planned, notApplied } = plan({ bodyParts: ['CHEST'], manufacturers: ['siemens'], sex: ['FEMALE'] });
    expect(notApplied).toEqual([{ criterion: 'BODY_PARTS', reason: BODY_PART_REASON }, { criterion: 'MANUFACTURERS', reason: MANUFACTURER_REASON }]);
    expect(planned).toMatchObject({ kind: 'query', plan: { clinical: [{ field: 'demographic.sex_at_birth', values: ['female'] }], slides: false } });
  });

  it('answers modalities exactly: SM is "has a slide image", a radiology modality matches nobody', () => {
    expect(plan({ modalities: ['SM'] })).toMatchObject({ notApplied: [], planned: { kind: 'query', plan: { slides: true } } });
    expect(plan({ modalities: ['MR', 'CT'] })).toEqual({ notApplied: [], planned: { kind: 'empty' } });
    // MR adds nobody to SM in a repository without radiology.
    expect(plan({ modalities: ['SM', 'MR'] })).toMatchObject({ notApplied: [], planned: { kind: 'query', plan: { slides: true } } });
    // A repository that also holds DICOM files: their modality is unknown to GDC's search.
    const withDicom = { ...vocabulary, dicomFiles: true };
    expect(plan({ modalities: ['MR'] }, withDicom).notApplied).toEqual([{ criterion: 'MODALITIES', reason: DICOM_REASON }]);
    expect(plan({ modalities: ['SM'] }, withDicom)).toMatchObject({ notApplied: [], planned: { plan: { slides: true } } });
  });

  it('reports diagnosis criteria not applied where the server does not mark the primary diagnosis', () => {
    const { planned, notApplied } = plan({ cancerSites: ['LUNG'], ageAtDiagnosis: { min: 50 }, yearOfDiagnosis: { max: 2020 }, sex: ['MALE'] }, { ...vocabulary, primaryFlag: false });
    expect(notApplied).toEqual([
      { criterion: 'CANCER_SITES', reason: NO_PRIMARY_FLAG_REASON },
      { criterion: 'AGE_AT_DIAGNOSIS', reason: NO_PRIMARY_FLAG_REASON },
      { criterion: 'YEAR_OF_DIAGNOSIS', reason: NO_PRIMARY_FLAG_REASON },
    ]);
    expect(planned).toMatchObject({ plan: { diagnosis: [], ranges: [], diagnosisFilter: {} } });
  });

  it('filters sex on the field the server knows: sex_at_birth, else the older gender, else not at all', () => {
    expect(plan({ sex: ['MALE'] }, { ...vocabulary, sexField: 'demographic.gender' }).planned)
      .toMatchObject({ plan: { clinical: [{ field: 'demographic.gender', values: ['male'] }] } });
    expect(plan({ sex: ['MALE'] }, { ...vocabulary, sexField: null }).notApplied).toEqual([{ criterion: 'SEX', reason: NO_SEX_FIELD_REASON }]);
  });

  it('never sends user strings: a value no held value matches makes the plan empty', () => {
    for (const where of [{ collections: ['*'] }, { collections: ['P-*'] }, { sex: ['OTHER'] }, { cancerSites: ['BRAIN'] }] as CaseFilter[]) {
      expect(plan(where).planned).toEqual({ kind: 'empty' });
    }
  });

  it('reports a criterion as not applied when a held value with "*" would match more than intended', () => {
    const starred = plan({ collections: ['ab*'] }, { ...vocabulary, projects: ['AB*', 'ABC'] });
    expect(starred.notApplied).toEqual([{ criterion: 'COLLECTIONS', reason: WILDCARD_REASON }]);
    expect(wildcardSafe(['A*'], ['A*', 'AB'])).toBe(false);
    expect(wildcardSafe(['A*'], ['A*', 'ab'])).toBe(false);
    expect(wildcardSafe(['A*', 'AB'], ['A*', 'AB', 'C'])).toBe(true);
    expect(wildcardSafe(['x.y'], ['xzy'])).toBe(true);
  });
});

describe('warnings turn exact off', () => {
  const filter = normaliseFilter({ sex: ['FEMALE'], cancerSites: ['LUNG'] }, REPO);
  const logOf = (warnings: Json) => {
    const log = new WarningLog();
    log.record(parseWarnings(new ResponseReader(REPO, '/cases search'), warnings));
    return log;
  };

  it('is exact when the server warned of nothing, or only of facets (the recorded warning)', () => {
    expect(reportOf(filter, [], new WarningLog())).toEqual({ applied: ['CANCER_SITES', 'SEX'], notApplied: [], exact: true });
    const recorded = logOf(fixture('facets-unrecognized-warning.recorded.json').warnings);
    expect(reportOf(filter, [], recorded)).toMatchObject({ notApplied: [], exact: true });
  });

  it('reports the criterion of an ignored filter field not applied, quoting the server', () => {
    const report = reportOf(filter, [], logOf({ filters: 'unrecognized values: [cases.demographic.sex_at_birth]' }));
    expect(report.applied).toEqual(['CANCER_SITES']);
    expect(report.notApplied).toEqual([{
      criterion: 'SEX',
      reason: 'the repository ignored the filter field cases.demographic.sex_at_birth (GDC warnings: unrecognized values: [cases.demographic.sex_at_birth])',
    }]);
    // The primary-diagnosis flag ignored: every diagnosis criterion asked for is in doubt.
    expect(reportOf(filter, [], logOf({ filters: 'unrecognized values: [diagnoses.diagnosis_is_primary_disease]' })).notApplied.map((n) => n.criterion))
      .toEqual(['CANCER_SITES']);
  });

  it('is not exact when a filter warning names no field, or a field no criterion explains', () => {
    expect(reportOf(filter, [], logOf({ filters: 'some clauses were dropped' })).exact).toBe(false);
    expect(reportOf(filter, [], logOf({ filters: 'unrecognized values: [case_id]' })).exact).toBe(false);
  });
});

describe('filters as objects', () => {
  it('builds a top-level `and`; a user value stays one element of a value list', () => {
    const tricky = '"]},{"op":"not","content":{"field":"case_id","value":"MISSING"}}';
    const query = Query.all().term(SLIDES).term({ field: 'project.project_id', values: [tricky], missing: false }, 'cases.')
      .term({ field: 'diagnoses.icd_10_code', values: ['C50.9'], missing: true }).range({ field: 'diagnoses.age_at_diagnosis', min: 10 }, 'cases.');
    expect(query.filter()).toEqual({ op: 'and', content: [
      { op: 'in', content: { field: 'data_type', value: ['Slide Image'] } },
      { op: 'in', content: { field: 'cases.project.project_id', value: [tricky] } },
      { op: 'or', content: [
        { op: 'in', content: { field: 'diagnoses.icd_10_code', value: ['C50.9'] } },
        { op: 'is', content: { field: 'diagnoses.icd_10_code', value: 'MISSING' } },
      ] },
      { op: '>=', content: { field: 'cases.diagnoses.age_at_diagnosis', value: 10 } },
    ] });
    expect(query.terms.get('cases.project.project_id')?.values).toEqual([tricky]);
    expect(Query.all().filter()).toBeUndefined();
  });

  it('splits cases into those GDC reads right and the others with complementary conditions', () => {
    expect(primaryOnly('cases.')).toEqual({ op: 'and', content: [
      { op: 'in', content: { field: 'cases.diagnoses.diagnosis_is_primary_disease', value: ['true'] } },
      { op: 'excludeifany', content: { field: 'cases.diagnoses.diagnosis_is_primary_disease', value: ['false'] } },
    ] });
    expect(notPrimaryOnly()).toEqual({ op: 'or', content: [
      { op: 'excludeifany', content: { field: 'diagnoses.diagnosis_is_primary_disease', value: ['true'] } },
      { op: 'in', content: { field: 'diagnoses.diagnosis_is_primary_disease', value: ['false'] } },
    ] });
  });
});
