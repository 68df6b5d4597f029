/**
 * Parsing and mapping of XNAT listings: on answers of a real XNAT recorded by others (fixtures/README.md: the ICR
 * XNAT-OHIF viewer's test data, projects, subjects and experiments with their default columns), and on fixtures in
 * the recorded shapes (the experiments listing joined with scan columns as pyxnat, yaxil and DAX read it,
 * lower-cased element-path keys and "" for unset values included).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanColumns, subjectColumns } from '../../subgraphs/xnat/columns';
import {
  ageInYears, caseRecords, collectionRecords, diagnosisOf, isoDate, modalityFromXsiType, scanDownloadUrl, seriesRecord,
  studyRecord, subjectIds, yearOf,
} from '../../subgraphs/xnat/mapping';
import type { SessionScanRow, SubjectRow } from '../../subgraphs/xnat/native-types';
import { DEFAULT_BODY_PART_COLUMN, DEFAULT_CUSTOM_FIELDS, readXnatOptions, validateXnatOptions } from '../../subgraphs/xnat/options';
import { missingColumns, parseProjects, parseSessionScanListing, parseSessionScans, parseSubjectListing, parseSubjects } from '../../subgraphs/xnat/parse';
import { planCohort } from '../../subgraphs/xnat/plan';
import { checkedAge } from '../../subgraphs/xnat/mapping';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { ErrorCode, rejection } from './support';

const REPO = 'xnat-fixture';
const { fields: FIELD_COLUMNS } = subjectColumns({ customFields: DEFAULT_CUSTOM_FIELDS });
const SCAN_COLUMNS = scanColumns(DEFAULT_BODY_PART_COLUMN);

/** A fixture's body: the file is the body, or a recorded answer `{source, request, body}`. */
function fixture(name: string): unknown {
  const file = JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as Record<string, unknown>;
  return 'source' in file ? file.body : file;
}

const subjects = () => parseSubjects(fixture('subjects.columns.json'), REPO, FIELD_COLUMNS);
const sessions = () => parseSessionScans(fixture('experiments.scans.json'), REPO, SCAN_COLUMNS);

async function badResponse(work: () => unknown, fragment: RegExp): Promise<void> {
  const error = await rejection(work);
  expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPO });
  expect(error.message).toMatch(fragment);
}

describe('parsing listings', () => {
  it('reads the README ITCRdemo subjects listing (default columns): no gender, no custom variables', () => {
    const rows = parseSubjects(fixture('subjects.ITCRdemo.json'), REPO, FIELD_COLUMNS);
    expect(rows.map((r) => [r.ID, r.label, r.project, r.gender])).toEqual([
      ['XNAT_JPETTS_S00011', 'Patient2', 'ITCRdemo', null],
      ['XNAT_JPETTS_S00012', 'Patient1', 'TestParentProject', null],
    ]);
    expect(Object.values(rows[0].fields).every((v) => v === null)).toBe(true);
  });

  it('reads custom variables under their lower-cased element path and turns "" into null', () => {
    const [first, second] = subjects();
    expect(first.fields).toMatchObject({ ageAtDiagnosis: '61', icd10: 'C10.9', stageT: 'T4a', stageSystem: 'AJCC 8th' });
    expect(second.fields).toMatchObject({ ageAtDiagnosis: '058Y', icdO3Topography: null, stageGroup: null });
    expect(subjects().map((s) => s.gender)).toEqual(['male', 'F', null, 'unknown']);
  });

  it('reads the projects listing', () => {
    expect(parseProjects(fixture('projects.json'), REPO)).toEqual([
      { ID: 'HN_CT', name: 'Head and Neck CT', description: 'Planning CTs of oropharyngeal cancer', secondaryId: 'HNCT', piFirstname: 'Ana', piLastname: 'García' },
      { ID: 'LUNG_LDCT', name: 'Lung screening', description: null, secondaryId: 'LUNG', piFirstname: null, piLastname: null },
    ]);
  });

  it('reads one row per scan, a bare session as a row without scan, and frames given as strings', () => {
    const rows = sessions();
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({ experimentId: 'XNAT_E00101', subjectId: 'XNAT_S00021', xsiType: 'xnat:petSessionData', studyUid: '1.2.826.0.1.3680043.8.498.101' });
    expect(rows[0].scan).toMatchObject({ id: '1', modality: 'PT', frames: 287, manufacturer: 'SIEMENS', bodyPartExamined: 'WHOLEBODY' });
    expect(rows[1].scan?.bodyPartExamined).toBe('HALS '); // raw values keep their spaces
    expect(rows[4]).toMatchObject({ experimentId: 'XNAT_E00103', studyUid: null, scan: null });
  });

  it('matches keys case-insensitively and accepts a number where XNAT sends a numeric string', () => {
    const body = { ResultSet: { Result: [{ id: 'XNAT_E1', SUBJECT_ID: 'XNAT_S1', 'xnat:imageScanData/ID': '3', 'XNAT:IMAGESCANDATA/FRAMES': 12 }], totalRecords: 1 } };
    const [row] = parseSessionScans(body, REPO, SCAN_COLUMNS);
    expect(row).toMatchObject({ experimentId: 'XNAT_E1', subjectId: 'XNAT_S1', scan: { id: '3', frames: 12 } });
  });

  it('refuses what the protocol does not allow, naming the call and the field', async () => {
    const rows = [{ ID: 'XNAT_S1', label: 'A', project: 'P' }];
    await badResponse(() => parseSubjects(null, REPO, FIELD_COLUMNS), /GET \/data\/subjects response: the body is null, expected a ResultSet object/);
    await badResponse(() => parseSubjects({ Result: rows }, REPO, FIELD_COLUMNS), /ResultSet is undefined, expected an object/);
    await badResponse(() => parseSubjects({ ResultSet: { Result: 'none', totalRecords: '0' } }, REPO, FIELD_COLUMNS), /ResultSet\.Result is string, expected an array/);
    await badResponse(() => parseSubjects({ ResultSet: { Result: [42], totalRecords: '1' } }, REPO, FIELD_COLUMNS), /ResultSet\.Result\[0\] is number, expected an object/);
    await badResponse(() => parseSubjects({ ResultSet: { Result: rows } }, REPO, FIELD_COLUMNS), /ResultSet\.totalRecords is undefined, expected a number/);
    await badResponse(() => parseSubjects({ ResultSet: { Result: rows, totalRecords: 'many' } }, REPO, FIELD_COLUMNS), /totalRecords is string, expected a number/);
    await badResponse(() => parseSubjects({ ResultSet: { Result: [{ ...rows[0], label: 7 }], totalRecords: '1' } }, REPO, FIELD_COLUMNS), /ResultSet\.Result\[0\]\.label is number, expected a string/);
    await badResponse(() => parseSubjects({ ResultSet: { Result: [{ ...rows[0], label: '' }], totalRecords: '1' } }, REPO, FIELD_COLUMNS), /Result\[0\]\.label is string, expected a non-empty string/);
    await badResponse(() => parseSubjects({ ResultSet: { Result: [{ ...rows[0], gender: { value: 'F' } }], totalRecords: '1' } }, REPO, FIELD_COLUMNS), /\.gender is object, expected a string/);
    await badResponse(() => parseSessionScans({ ResultSet: { Result: [{ ID: 'E', subject_ID: 'S', 'xnat:imagescandata/id': '1', 'xnat:imagescandata/frames': 'lots' }], totalRecords: '1' } }, REPO, SCAN_COLUMNS),
      /xnat:imageScanData\/frames is string, expected a number/);
  });

  it('refuses a listing with fewer rows than its totalRecords: a paged or cut listing would under-count', async () => {
    await badResponse(() => parseProjects({ ResultSet: { Result: [{ ID: 'A' }], totalRecords: '2' } }, REPO), /totalRecords is number, expected the number of rows \(1\)/);
  });
});

describe('values', () => {
  it('maps XNAT data types to modalities', () => {
    expect(['xnat:mrSessionData', 'xnat:ctScanData', 'xnat:petSessionData', 'xnat:petmrSessionData', 'xnat:crSessionData',
      'xnat:dxSessionData', 'xnat:mgScanData', 'xnat:usSessionData', 'xnat:nmSessionData', 'xnat:otherDicomSessionData',
      'xnat:xaScanData', 'xnat:srScanData', 'xnat:subjectData', 'xnat:fooSessionData', null].map(modalityFromXsiType))
      .toEqual(['MR', 'CT', 'PT', 'PT', 'CR', 'DX', 'MG', 'US', 'NM', 'OT', 'XA', 'SR', null, null, null]);
  });

  it('reads ages, years and dates as people type them into custom variables', () => {
    expect(['61', ' 58.5 ', '058Y', '006M', '70 years', 'n/a', '', null, '-3'].map(ageInYears)).toEqual([61, 58.5, 58, 0.5, 70, null, null, null, null]);
    expect(['2016', '2019-03-11', '2020/01', 'about 2015', '', null].map(yearOf)).toEqual([2016, 2019, 2020, null, null, null]);
    expect(['2016-05-03', '2016-05-03 10:11:12.0', '20160503', '05/03/2016', 'May 3', null].map(isoDate))
      .toEqual(['2016-05-03', '2016-05-03', '2016-05-03', '2016-05-03', null, null]);
  });

  it('makes subject ids from labels, qualified by project only where a label is used twice', () => {
    expect([...subjectIds(subjects())]).toEqual([
      ['XNAT_S00021', 'HN-017'], ['XNAT_S00022', 'HN-018'], ['XNAT_S00023', 'HN_CT:P001'], ['XNAT_S00031', 'LUNG_LDCT:P001'],
    ]);
  });

  it('builds the diagnosis from custom variables: site from ICD-O-3 topography, else ICD-10; no stage when unset', () => {
    const [first, second, third, fourth] = subjects().map((s) => diagnosisOf(s.fields));
    expect(first).toEqual({
      cancerSite: 'HEAD_AND_NECK', icd10: 'C10.9', icdO3Topography: 'C10.9', icdO3Morphology: '8070/3',
      description: 'Squamous cell carcinoma, NOS', yearOfDiagnosis: 2016,
      stage: { group: 'IVA', t: 'T4a', n: 'N2', m: 'M0', system: 'AJCC 8th' },
    });
    expect(second).toMatchObject({ cancerSite: 'HEAD_AND_NECK', icd10: 'C32.0', icdO3Topography: null, yearOfDiagnosis: 2019, stage: null });
    expect(third).toBeNull();
    expect(fourth?.stage).toEqual({ group: null, t: 'T1c', n: null, m: null, system: null });
  });

  it('gives the scan download URL a future XNAT retrieve protocol would hand over, escaped', () => {
    expect(scanDownloadUrl('https://xnat.example.org/xnat/', 'XNAT_E00101', '2'))
      .toBe('https://xnat.example.org/xnat/data/experiments/XNAT_E00101/scans/2/resources/DICOM/files?format=zip');
    expect(scanDownloadUrl('https://x.org', 'E/1', '1 a')).toBe('https://x.org/data/experiments/E%2F1/scans/1%20a/resources/DICOM/files?format=zip');
  });
});

describe('series and studies', () => {
  const bySession = () => {
    const groups = new Map<string, SessionScanRow[]>();
    for (const row of sessions()) groups.set(row.experimentId, [...(groups.get(row.experimentId) ?? []), row]);
    return groups;
  };

  it('keeps the CT scans of a PET session as CT, with raw values, frames as instances, no size and no retrieve', () => {
    const pet = studyRecord(bySession().get('XNAT_E00101')!);
    expect(pet).toMatchObject({
      uid: '1.2.826.0.1.3680043.8.498.101', date: '2016-05-03', description: 'PET/CT Whole body FDG',
      modalities: ['PT', 'CT'], bodyParts: ['WHOLE_BODY', 'NECK'], seriesCount: 2, instanceCount: 598,
    });
    expect(pet.series[1]).toEqual({
      uid: '1.2.826.0.1.3680043.8.498.101.2', modality: 'CT', modalityRaw: 'CT', bodyPart: 'NECK', bodyPartRaw: 'HALS ',
      manufacturer: 'SIEMENS', description: 'CT AC', instanceCount: 311, sizeBytes: null, retrieve: null,
    });
  });

  it('orders scans numerically, and falls back to the session type for a scan without modality', () => {
    const ct = studyRecord(bySession().get('XNAT_E00102')!);
    expect(ct.series.map((s) => s.uid)).toEqual(['1.2.826.0.1.3680043.8.498.102.2', '1.2.826.0.1.3680043.8.498.102.10']);
    expect(ct.series[1]).toMatchObject({ modality: 'CT', modalityRaw: 'xnat:ctSessionData', bodyPart: 'UNKNOWN', bodyPartRaw: null, description: 'Recon 2', instanceCount: null });
    expect(ct.instanceCount).toBeNull();
  });

  it('gives a session without scans a study without series, named by its accession number', () => {
    expect(studyRecord(bySession().get('XNAT_E00103')!)).toEqual({
      uid: 'XNAT_E00103', date: '2019-04-02', description: null, modalities: [], bodyParts: [], seriesCount: 0, instanceCount: 0, series: [],
    });
  });

  it('uses the scan modality over the session type when both are there', () => {
    const scan = sessions()[1].scan!;
    expect(seriesRecord({ ...scan, modality: 'SEG', uid: null }, { experimentId: 'E9', xsiType: 'xnat:ctSessionData' }))
      .toMatchObject({ uid: 'E9/2', modality: 'SEG', modalityRaw: 'SEG' });
    expect(seriesRecord({ ...scan, modality: 'KO' }, { experimentId: 'E9', xsiType: 'xnat:ctSessionData' }))
      .toMatchObject({ modality: null, modalityRaw: 'KO' });
  });
});

describe('cases', () => {
  it('joins subjects and sessions, drops sessions of unknown subjects, sorts by subject id and studies by date', () => {
    const records = caseRecords(subjects(), sessions(), { repositoryId: REPO });
    expect(records.map((r) => r.id)).toEqual([`${REPO}/HN-017`, `${REPO}/HN-018`, `${REPO}/HN_CT:P001`, `${REPO}/LUNG_LDCT:P001`]);
    const [hn17, hn18, p1, p2] = records;
    expect(hn17).toMatchObject({ subjectId: 'HN-017', collection: 'HN_CT', sex: 'MALE', ageAtDiagnosis: 61 });
    expect(hn17.studies.map((s) => s.date)).toEqual(['2016-02-17', '2016-05-03']);
    expect(hn18).toMatchObject({ sex: 'FEMALE', ageAtDiagnosis: 58 });
    expect(hn18.studies).toHaveLength(1);
    expect(p1).toMatchObject({ sex: 'UNKNOWN', ageAtDiagnosis: null, diagnosis: null, studies: [] });
    expect(p2).toMatchObject({ collection: 'LUNG_LDCT', sex: 'UNKNOWN', ageAtDiagnosis: 70.5, diagnosis: { cancerSite: 'LUNG' } });
    expect(records.flatMap((r) => r.studies).some((s) => s.uid === '1.2.3')).toBe(false);
  });

  it('lists a subject once when two project listings both hold it', () => {
    const rows: SubjectRow[] = subjects();
    expect(caseRecords([...rows, rows[0]], [], { repositoryId: REPO })).toHaveLength(4);
  });
});

describe('collections', () => {
  it('joins XNAT projects, the catalogue metadata and the harvest counts', () => {
    const records = caseRecords(subjects(), sessions(), { repositoryId: REPO });
    const metadata = new Map([['LUNG_LDCT', { id: 'LUNG_LDCT', name: 'Lung LDCT (catalogue)', cancerSite: 'LUNG' as const, licence: 'CC BY 4.0' }]]);
    expect(collectionRecords(parseProjects(fixture('projects.json'), REPO), records, metadata, null)).toEqual([
      {
        id: 'HN_CT', name: 'Head and Neck CT', description: 'Planning CTs of oropharyngeal cancer', licence: null, doi: null, landingPage: null,
        subjects: 3, studies: 3, cancerSites: ['HEAD_AND_NECK'], modalities: ['CT', 'PT'],
      },
      {
        id: 'LUNG_LDCT', name: 'Lung LDCT (catalogue)', description: null, licence: 'CC BY 4.0', doi: null, landingPage: null,
        subjects: 1, studies: 0, cancerSites: ['LUNG'], modalities: [],
      },
    ]);
    expect(collectionRecords(parseProjects(fixture('projects.json'), REPO), records, new Map(), ['LUNG_LDCT']).map((c) => c.id)).toEqual(['LUNG_LDCT']);
  });
});

describe('options', () => {
  it('accepts the documented options and fills defaults', () => {
    expect(validateXnatOptions({ indexTtlSeconds: 60, projects: ['HN_CT', 'LUNG-1'], customFields: { icd10: 'icd_10_code' }, bodyPartColumn: 'xnat:ctScanData/bodyPart' })).toEqual([]);
    const options = readXnatOptions({ customFields: { ageAtDiagnosis: 'AgeDx' } });
    expect(options).toEqual({
      indexTtlSeconds: 300, projects: null, customFields: { ...DEFAULT_CUSTOM_FIELDS, ageAtDiagnosis: 'AgeDx' }, bodyPartColumn: DEFAULT_BODY_PART_COLUMN,
    });
    // XNAT keeps custom variable names in lower case: the column asks for the lower-case name.
    expect(subjectColumns(options).fields.ageAtDiagnosis).toBe('xnat:subjectData/fields/field[name=agedx]/field');
  });

  it('refuses anything that could change the columns XNAT reads or the path it serves', () => {
    expect(validateXnatOptions({
      indexTtlSeconds: 0,
      projects: ['ok', 'a/../b', 'x,y', ''],
      customFields: { icd10: 'icd10],xnat:subjectData/label', stage: 'x', diagnosis: 'a b' },
      bodyPartColumn: 'xnat:imageScanData/bodyPart,xnat:subjectData/label',
      projectz: 1,
    })).toEqual([
      'indexTtlSeconds: must be a positive number of seconds',
      'projects[1]: must be an XNAT project id (letters, digits, "_" and "-")',
      'projects[2]: must be an XNAT project id (letters, digits, "_" and "-")',
      'projects[3]: must be an XNAT project id (letters, digits, "_" and "-")',
      'customFields.icd10: must be a custom variable name (a letter, then letters, digits or "_")',
      expect.stringMatching(/^customFields\.stage: unknown attribute/),
      'customFields.diagnosis: must be a custom variable name (a letter, then letters, digits or "_")',
      'bodyPartColumn: must be an element path such as "xnat:imageScanData/bodyPartExamined"',
      'projectz: unknown option (the xnat adapter knows indexTtlSeconds, projects, customFields, bodyPartColumn)',
    ]);
    expect(validateXnatOptions({ projects: [] })).toEqual(['projects: must be a non-empty list of XNAT project ids']);
    expect(() => readXnatOptions({ customFields: { icd10: 'a,b' } })).toThrow(/invalid xnat options/);
  });
});

describe('recorded answers of a real XNAT (default columns only)', () => {
  const subjectAsked = subjectColumns({ customFields: DEFAULT_CUSTOM_FIELDS }).columns;

  it('reads the projects listing', () => {
    expect(parseProjects(fixture('projects.icr.json'), REPO)).toEqual([
      { ID: 'ITCRdemo', name: 'ITCRdemo', description: null, secondaryId: 'ITCRdemo', piFirstname: null, piLastname: null },
      { ID: 'TEST_Viewer', name: 'Test_Viewer', description: 'Test project for viewer intergration', secondaryId: 'Test_Viewer', piFirstname: null, piLastname: null },
    ]);
  });

  it('finds which asked-for columns a subjects listing left out: gender and every custom variable', () => {
    const listing = parseSubjectListing(fixture('subjects.TEST_Viewer.json'), REPO, FIELD_COLUMNS, subjectAsked);
    expect(listing.rows).toEqual([{ ID: 'XNAT_JPETTS_S00032', label: 'QIN-HEADNECK-01-0003', project: 'TEST_Viewer', gender: null,
      fields: Object.fromEntries(Object.keys(FIELD_COLUMNS).map((f) => [f, null])) }]);
    expect(listing.missingColumns).toEqual(['gender', ...Object.values(FIELD_COLUMNS)]);
  });

  it('reports every clinical criterion not applied over such a listing, image criteria applied', () => {
    const listing = parseSubjectListing(fixture('subjects.TEST_Viewer.json'), REPO, FIELD_COLUMNS, subjectAsked);
    const plan = planCohort(normaliseFilter({ sex: ['MALE'], ageAtDiagnosis: { min: 50 }, cancerSites: ['LUNG'], modalities: ['PT'] }, REPO),
      new Set(listing.missingColumns.map((c) => c.toLowerCase())), { fields: FIELD_COLUMNS, scan: SCAN_COLUMNS });
    expect(plan.report.applied).toEqual(['MODALITIES']);
    expect(plan.report.notApplied.map((n) => n.criterion)).toEqual(['CANCER_SITES', 'SEX', 'AGE_AT_DIAGNOSIS']);
    expect(plan.blankFacets).toEqual(['sex', 'ageBand', 'cancerSite']);
  });

  it('reads a recorded experiments listing without scan columns as sessions without scans, scan columns missing', async () => {
    const asked = ['ID', 'project', 'xsiType', 'date', 'subject_ID', SCAN_COLUMNS.id, SCAN_COLUMNS.modality];
    const body = fixture('experiments.TEST_Viewer.XNAT_JPETTS_S00032.json') as { ResultSet: { Result: Array<Record<string, string>>; totalRecords: string } };
    // As recorded, the listing has no subject_ID (asked for by the adapter, required to join sessions to subjects).
    await badResponse(() => parseSessionScanListing(body, REPO, SCAN_COLUMNS, asked), /Result\[0\]\.subject_ID is null, expected a non-empty string/);
    // Given the subject_ID, the rest reads as sessions without scans.
    const withSubject = { ResultSet: { ...body.ResultSet, Result: body.ResultSet.Result.map((r) => ({ ...r, subject_ID: 'XNAT_JPETTS_S00032' })) } };
    const listing = parseSessionScanListing(withSubject, REPO, SCAN_COLUMNS, asked);
    expect(listing.rows.map((r) => [r.experimentId, r.xsiType, r.date, r.scan])).toEqual([
      ['XNAT_JPETTS_E00037', 'xnat:petSessionData', '1987-06-10', null], ['XNAT_JPETTS_E00039', 'xnat:ctSessionData', '1990-06-09', null],
    ]);
    expect(listing.missingColumns).toEqual([SCAN_COLUMNS.id, SCAN_COLUMNS.modality]);
    expect(missingColumns([], asked)).toEqual([]);
  });
});

describe('ages typed into custom variables', () => {
  it('refuses one outside 0-130 years as bad native data, keeps unreadable text unknown', async () => {
    expect(checkedAge('058Y', REPO)).toBe(58);
    expect(checkedAge('030M', REPO)).toBe(2.5);
    expect(checkedAge('n/a', REPO)).toBeNull();
    await badResponse(() => checkedAge('965', REPO), /the age-at-diagnosis custom variable "965" of an XNAT subject is an age of 965 years, outside 0-130/);
  });
});
