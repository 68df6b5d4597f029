/**
 * Parsing and mapping of GDC responses, on fixtures in the documented shapes (native-apis README §2c and gdc-docs
 * Search_and_Retrieval: the TCGA-BH-A0EA case hit, the projects listing, the program.name and clinical.gender facet
 * answers with their `_missing` bucket) and on imaging file hits in this repository's GDC-style imaging fields;
 * then the filter plan and the filter objects it becomes.
 */
import { readFileSync } from 'node:fs';
import type { CaseFilter } from '../../schema/generated/graphql';
import { join } from 'node:path';
import { categoryCode, categoryLabel, topographyCode, topographyLabel } from '../../subgraphs/gdc/icd-o-3';
import {
  ageInYears, caseRecord, collectionRecord, firstDayOfAge, lastDayOfAge, primaryDiagnosis, seriesRecord, stageOf, studiesOf,
} from '../../subgraphs/gdc/mapping';
import { parseCaseHit, parseImagingFileHit, parseProjectHit, parseSearch, valuesAt } from '../../subgraphs/gdc/parse';
import { imageFitsCases, planFilter, WILDCARD_REASON, type Vocabulary } from '../../subgraphs/gdc/plan';
import { IMAGING, Query, wildcardSafe } from '../../subgraphs/gdc/query';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { normaliseFilter } from '../../subgraphs/sdk/filter';

const REPO = 'gdc-fixture';
const BASE = 'https://api.gdc.example.org';

function fixture(name: string): unknown {
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

describe('the search envelope', () => {
  it('reads hits and the pagination block', () => {
    const result = parseSearch(fixture('cases-search.docs.json'), REPO, 'cases');
    expect(result.hits).toHaveLength(2);
    expect(result.pagination).toEqual({ count: 2, total: 86962, size: 2, from: 0, page: 1, pages: 43481 });
    expect(result.aggregations.size).toBe(0);
  });

  it('reads facet buckets, including the `_missing` bucket', () => {
    const program = parseSearch(fixture('facets-program.docs.json'), REPO, 'projects', ['program.name']);
    expect(program.pagination.total).toBe(39);
    expect(program.aggregations.get('program.name')).toEqual({ kind: 'buckets', buckets: [{ key: 'TCGA', doc_count: 33 }, { key: 'TARGET', doc_count: 6 }] });
    const gender = parseSearch(fixture('facets-gender-missing.docs.json'), REPO, 'cases', ['clinical.gender']);
    expect(gender.aggregations.get('clinical.gender')).toEqual({
      kind: 'buckets', buckets: [{ key: 'female', doc_count: 6598 }, { key: 'male', doc_count: 6303 }, { key: '_missing', doc_count: 1151 }],
    });
  });

  it('reads numeric facets as statistics and numeric bucket keys as strings', () => {
    const body = { data: { hits: [], pagination: { count: 0, total: 3, size: 0, from: 0, page: 1, pages: 3 }, aggregations: {
      'diagnoses.age_at_diagnosis': { stats: { count: 3, min: 9000, max: 30000, avg: 20000, sum: 60000 } },
      'diagnoses.year_of_diagnosis': { buckets: [{ key: 2008, doc_count: 3 }] },
    } }, warnings: {} };
    const result = parseSearch(body, REPO, 'cases', ['diagnoses.age_at_diagnosis', 'diagnoses.year_of_diagnosis']);
    expect(result.aggregations.get('diagnoses.age_at_diagnosis')).toEqual({ kind: 'stats', count: 3, sum: 60000, min: 9000, max: 30000 });
    expect(result.aggregations.get('diagnoses.year_of_diagnosis')).toEqual({ kind: 'buckets', buckets: [{ key: '2008', doc_count: 3 }] });
  });

  it('rejects what the protocol does not allow, naming the field', () => {
    const ok = fixture('facets-program.docs.json') as { data: Record<string, unknown> };
    const broken = (change: Record<string, unknown>) => ({ ...ok, data: { ...ok.data, ...change } });
    expectBadResponse(() => parseSearch({ hits: [] }, REPO, 'cases'), /\/cases search.*data is undefined, expected an object/);
    expectBadResponse(() => parseSearch(broken({ hits: {} }), REPO, 'cases'), /data\.hits is object, expected an array/);
    expectBadResponse(() => parseSearch(broken({ pagination: { ...(ok.data.pagination as object), total: 'many' } }), REPO, 'cases'),
      /data\.pagination\.total is string, expected a number/);
    expectBadResponse(() => parseSearch(broken({ pagination: { ...(ok.data.pagination as object), total: -1 } }), REPO, 'cases'),
      /data\.pagination\.total .*non-negative integer/);
    expectBadResponse(() => parseSearch(ok, REPO, 'projects', ['project.primary_site']), /aggregations\["project\.primary_site"\] is undefined/);
    expectBadResponse(() => parseSearch(broken({ aggregations: { 'program.name': { buckets: [{ doc_count: 2 }] } } }), REPO, 'projects', ['program.name']),
      /buckets\[0\]\.key is undefined, expected a string/);
    expectBadResponse(() => parseSearch(broken({ aggregations: { 'program.name': { buckets: [{ key: 'x', doc_count: 1.5 }] } } }), REPO, 'projects', ['program.name']),
      /doc_count .*non-negative integer/);
  });
});

describe('cases', () => {
  const hits = parseSearch(fixture('cases-search.docs.json'), REPO, 'cases').hits;

  it('maps the documented TCGA-BH-A0EA case: days to whole years, ICD-10, ICD-O-3 codes, AJCC stage', () => {
    expect(caseRecord(parseCaseHit(hits[0], REPO, 0), REPO)).toEqual({
      id: `${REPO}/TCGA-BH-A0EA`,
      repositoryId: REPO,
      subjectId: 'TCGA-BH-A0EA',
      collection: 'TCGA-BRCA',
      sex: 'FEMALE',
      // 26548 days = 72.68 years
      ageAtDiagnosis: 72,
      diagnosis: {
        cancerSite: 'BREAST', icd10: 'C50.9', icdO3Topography: 'C50.9', icdO3Morphology: '8500/3',
        description: 'Infiltrating duct carcinoma, NOS', yearOfDiagnosis: 2008,
        stage: { group: 'IIA', t: 'T1c', n: 'N1a', m: 'M0', system: 'AJCC 6th' },
      },
    });
  });

  it('takes the primary diagnosis, reads "not reported" sex as UNKNOWN and "Not Reported" stages as none', () => {
    const hit = parseCaseHit(hits[1], REPO, 1);
    expect(primaryDiagnosis(hit.diagnoses)?.year_of_diagnosis).toBe(2016);
    expect(caseRecord(hit, REPO)).toMatchObject({ sex: 'UNKNOWN', ageAtDiagnosis: 60, diagnosis: { cancerSite: 'SKIN', yearOfDiagnosis: 2016, stage: null } });
    expect(stageOf(hit.diagnoses[0])).toBeNull();
  });

  it('tolerates a case without demographic, project or diagnoses', () => {
    const record = caseRecord(parseCaseHit({ case_id: 'u', submitter_id: 'S-1', demographic: null, diagnoses: [] }, REPO, 0), REPO);
    expect(record).toMatchObject({ subjectId: 'S-1', collection: null, sex: 'UNKNOWN', ageAtDiagnosis: null, diagnosis: { cancerSite: 'UNKNOWN' } });
  });

  it('rejects wrong types with the path of the field', () => {
    expectBadResponse(() => parseCaseHit({ case_id: 'u' }, REPO, 4), /data\.hits\[4\]\.submitter_id is undefined, expected a string/);
    expectBadResponse(() => parseCaseHit({ case_id: 'u', submitter_id: 'S', diagnoses: [{ age_at_diagnosis: 'old' }] }, REPO, 0),
      /diagnoses\[0\]\.age_at_diagnosis is string, expected a number/);
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
    expect(ageInYears(-3)).toBeNull();
  });

  it('gives for each whole year the first and last day that have it', () => {
    for (let years = 0; years <= 120; years++) {
      expect(ageInYears(firstDayOfAge(years))).toBe(years);
      expect(ageInYears(firstDayOfAge(years) - 1)).toBe(years - 1 < 0 ? null : years - 1);
      expect(ageInYears(lastDayOfAge(years))).toBe(years);
      expect(ageInYears(lastDayOfAge(years) + 1)).toBe(years + 1);
    }
  });
});

describe('ICD-O-3 topography labels', () => {
  it('maps GDC labels to codes and back, case-insensitively, and accepts codes', () => {
    expect(topographyCode('Breast, NOS')).toBe('C50.9');
    expect(topographyCode('upper lobe, LUNG')).toBe('C34.1');
    expect(topographyCode('C71.9')).toBe('C71.9');
    expect(topographyCode('Somewhere else')).toBeNull();
    expect(topographyLabel('C50.4')).toBe('Upper-outer quadrant of breast');
    expect(categoryLabel('C34.3')).toBe('Bronchus and lung');
    expect(categoryCode('Bronchus and lung')).toBe('C34');
  });
});

describe('imaging files', () => {
  const files = parseSearch(fixture('files-imaging.json'), REPO, 'files').hits.map((hit, i) => parseImagingFileHit(hit, REPO, i));

  it('maps a file to a series: raw and normalised modality and body part, size, instances, data endpoint', () => {
    expect(seriesRecord(files[0], BASE)).toEqual({
      uid: '1.3.6.1.4.1.14519.5.2.1.3344.4008.2001', modality: 'MR', modalityRaw: 'MR', bodyPart: 'BREAST', bodyPartRaw: 'MAMA',
      manufacturer: 'GE MEDICAL SYSTEMS', description: 'Ax DCE', instanceCount: 520, sizeBytes: 68380000,
      retrieve: { protocol: 'ACCESS_REQUEST', url: `${BASE}/data/5b1f0c3e-8d1a-4c0e-9a57-2f3c1e9d7a10` },
    });
    expect(seriesRecord(files[1], BASE)).toMatchObject({ bodyPart: 'UNKNOWN', bodyPartRaw: null, manufacturer: null, retrieve: { protocol: 'GDC_DATA', url: expect.stringMatching(/\/data\/[0-9a-f-]{36}$/) } });
  });

  it('groups series into studies by study UID, studies by date and series by number', () => {
    const studies = studiesOf(files, BASE);
    expect(studies.map((s) => [s.uid, s.date, s.seriesCount, s.instanceCount])).toEqual([
      ['1.3.6.1.4.1.14519.5.2.1.3344.4008.1002', '2007-11-20', 1, 75],
      ['1.3.6.1.4.1.14519.5.2.1.3344.4008.1001', '2008-03-07', 2, 523],
    ]);
    expect(studies[1]).toMatchObject({ description: 'MRI Breast Bilateral w/wo contrast', modalities: ['MR'], bodyParts: ['UNKNOWN', 'BREAST'] });
    expect(studies[1].series.map((s) => s.description)).toEqual(['Localizer', 'Ax DCE']);
    expect(studies[0].bodyParts).toEqual(['CHEST']);
  });

  it('reads the case of a file and rejects a file without its imaging block', () => {
    expect(files[0].case_submitter_ids).toEqual(['TCGA-BH-A0EA']);
    expectBadResponse(() => parseImagingFileHit({ file_id: 'f', imaging: null }, REPO, 2), /data\.hits\[2\]\.imaging is null, expected an object/);
    expectBadResponse(() => parseImagingFileHit({ file_id: 'f', imaging: { series_instance_uid: 7 } }, REPO, 0), /series_instance_uid is number, expected a string/);
  });

  it('reads values through nested lists', () => {
    expect(valuesAt({ cases: [{ case_id: 'a' }, { case_id: 'b' }] }, 'cases.case_id', REPO, 'x')).toEqual(['a', 'b']);
    expect(valuesAt({ imaging: { instance_count: 3 } }, 'imaging.instance_count', REPO, 'x')).toEqual(['3']);
    expect(valuesAt({ imaging: null }, 'imaging.modality', REPO, 'x')).toEqual([]);
    expectBadResponse(() => valuesAt({ imaging: { modality: { x: 1 } } }, 'imaging.modality', REPO, 'x'), /imaging\.modality is object/);
  });
});

describe('projects', () => {
  const projects = parseSearch(fixture('projects-search.docs.json'), REPO, 'projects').hits.map((hit, i) => parseProjectHit(hit, REPO, i));

  it('maps a project to a collection, the cancer site from `primary_site` when the config does not describe it', () => {
    expect(collectionRecord(projects[0], ['CT', 'PT', 'CT', 'SEG'], 12, undefined)).toEqual({
      id: 'APOLLO-LUAD', name: 'APOLLO1: Proteogenomic characterization of lung adenocarcinoma', description: null, licence: null,
      doi: null, landingPage: null, subjects: null, studies: 12, cancerSites: ['LUNG'], modalities: ['CT', 'PT', 'SEG'],
    });
    expect(collectionRecord(projects[1], [], null, { id: 'BEATAML1.0-COHORT', name: 'Beat AML', cancerSite: 'HAEMATOLYMPHOID', licence: 'CC BY 4.0' }))
      .toMatchObject({ name: 'Beat AML', subjects: 826, cancerSites: ['HAEMATOLYMPHOID'], licence: 'CC BY 4.0' });
  });

  it('accepts `primary_site` as a string, as older documents have it', () => {
    expect(parseProjectHit({ project_id: 'TARGET-AML', primary_site: 'Blood' }, REPO, 0).primary_site).toEqual(['Blood']);
  });
});

describe('the filter plan', () => {
  const vocabulary: Vocabulary = {
    sexes: ['female', 'male', 'unknown', 'not reported'],
    icd10Codes: ['C50.9', 'C34.1', 'C34.9', 'C61', 'D48.9'],
    projects: ['P-LUNG', 'P-BREAST'],
    modalities: ['CT', 'MR', 'PT', 'PET', 'SEG'],
    bodyParts: ['CHEST', 'Chest', 'TORAX', 'MAMA', 'ABDOMEN'],
    manufacturers: ['SIEMENS', 'Siemens Healthineers', 'GE MEDICAL SYSTEMS', 'Philips'],
  };
  const plan = (where: Parameters<typeof normaliseFilter>[0], vocab = vocabulary) => planFilter(normaliseFilter(where, REPO), vocab);

  it('expands unified values into the raw values the repository holds; UNKNOWN adds "missing"', () => {
    const { planned, notApplied } = plan({
      sex: ['UNKNOWN'], cancerSites: ['LUNG', 'UNKNOWN'], modalities: ['PT'], bodyParts: ['CHEST'], manufacturers: ['siemens'],
      collections: ['P-LUNG', 'nope'], ageAtDiagnosis: { min: 40, max: 49 }, yearOfDiagnosis: { min: 2010 },
    });
    expect(notApplied).toEqual([]);
    expect(planned).toEqual({ kind: 'query', plan: {
      clinical: [
        { field: 'diagnoses.icd_10_code', values: ['C34.1', 'C34.9', 'D48.9'], missing: true },
        { field: 'demographic.sex_at_birth', values: ['unknown', 'not reported'], missing: true },
        { field: 'project.project_id', values: ['P-LUNG'], missing: false },
      ],
      ranges: [
        { field: 'diagnoses.age_at_diagnosis', min: 14610, max: 18262 },
        { field: 'diagnoses.year_of_diagnosis', min: 2010, max: undefined },
      ],
      ageYears: { min: 40, max: 49 },
      image: [
        { field: 'imaging.modality', values: ['PT', 'PET'], missing: false },
        { field: 'imaging.body_part_examined', values: ['CHEST', 'Chest', 'TORAX'], missing: false },
        { field: 'imaging.manufacturer', values: ['SIEMENS', 'Siemens Healthineers'], missing: false },
      ],
    } });
  });

  it('never sends user strings: a value no held value matches makes the plan empty', () => {
    const filters: CaseFilter[] = [{ manufacturers: ['*'] }, { manufacturers: ['%'] }, { collections: ['*'] }, { collections: ['P-*'] }, { sex: ['OTHER'] }];
    for (const where of filters) {
      expect(plan(where).planned).toEqual({ kind: 'empty' });
    }
    // "Siemens,GE" is one name: the schema's rule (vendor or prefix) reads it as Siemens, never as two values.
    expect(plan({ manufacturers: ['Siemens,GE'] }).planned).toMatchObject({ plan: { image: [{ values: ['SIEMENS', 'Siemens Healthineers'] }] } });
  });

  it('reports a criterion as not applied when a held value with "*" would match more than intended', () => {
    const vocab = { ...vocabulary, manufacturers: [...vocabulary.manufacturers, 'GE*'] };
    // "GE*" is wanted together with the other GE name it matches: safe to send.
    expect(plan({ manufacturers: ['ge'] }, vocab)).toMatchObject({ notApplied: [], planned: { kind: 'query' } });
    // "AB*" wanted alone would also match "ABC".
    const alone = plan({ manufacturers: ['ab*'] }, { ...vocab, manufacturers: ['AB*', 'ABC', 'SIEMENS'] });
    expect(alone.notApplied).toEqual([{ criterion: 'MANUFACTURERS', reason: WILDCARD_REASON }]);
    expect(wildcardSafe(['A*'], ['A*', 'AB'])).toBe(false);
    expect(wildcardSafe(['A*', 'AB'], ['A*', 'AB', 'C'])).toBe(true);
    expect(wildcardSafe(['x.y'], ['xzy'])).toBe(true);
  });

  it('puts one value-only image condition on /cases, and anything else on /files', () => {
    expect(imageFitsCases([{ field: 'imaging.modality', values: ['CT'], missing: false }])).toBe(true);
    expect(imageFitsCases([{ field: 'imaging.body_part_examined', values: ['CHEST'], missing: true }])).toBe(false);
    expect(imageFitsCases([{ field: 'imaging.modality', values: ['CT'], missing: false }, { field: 'imaging.manufacturer', values: ['Philips'], missing: false }])).toBe(false);
  });
});

describe('filters as objects', () => {
  it('builds a top-level `and`; a user value stays one element of a value list', () => {
    const tricky = '"]},{"op":"not","content":{"field":"case_id","value":"MISSING"}}';
    const query = Query.all().term(IMAGING).term({ field: 'imaging.manufacturer', values: [tricky], missing: false }, 'files.')
      .term({ field: 'imaging.body_part_examined', values: ['CHEST'], missing: true }).range({ field: 'diagnoses.age_at_diagnosis', min: 10 }, 'cases.');
    expect(query.filter()).toEqual({ op: 'and', content: [
      { op: 'in', content: { field: 'data_category', value: ['Imaging'] } },
      { op: 'in', content: { field: 'files.imaging.manufacturer', value: [tricky] } },
      { op: 'or', content: [
        { op: 'in', content: { field: 'imaging.body_part_examined', value: ['CHEST'] } },
        { op: 'is', content: { field: 'imaging.body_part_examined', value: 'MISSING' } },
      ] },
      { op: '>=', content: { field: 'cases.diagnoses.age_at_diagnosis', value: 10 } },
    ] });
    expect(query.terms.get('files.imaging.manufacturer')?.values).toEqual([tricky]);
    expect(Query.all().filter()).toBeUndefined();
  });
});
