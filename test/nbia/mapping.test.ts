/**
 * Mapping and parsing of NBIA bodies: on real answers of TCIA's servers recorded by others (fixtures/README.md: v1
 * getSeries with CollectionURI and no PatientSex/PatientAge, getPatient with its Phantom column), and on fixtures
 * written from the documented v4 shapes (native-apis README §2a and §7.3): key casing per endpoint, omitted null
 * columns, counts as numbers or strings, dirty body parts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectionMetadata } from '../../subgraphs/sdk/entry';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import {
  ageInYears, caseFromSearch, caseRecords, collectionRecord, doiOf, isoDate, retrieveUrl, seriesRecord, splitHarvest, type MappingContext,
} from '../../subgraphs/nbia/mapping';
import {
  parseCollectionValues, parsePatients, parsePatientStudies, parseSeries, parseSimpleSearch, parseValues, parseValuesAndCounts,
} from '../../subgraphs/nbia/parse';
import { planSearch } from '../../subgraphs/nbia/plan';

const REPO = 'nbia-fixture';
const BASE = 'https://nbia.example.org/nbia-api/services/v4';

/** A fixture's body: the file is the body, or a recorded answer `{source, request, body}`. */
function fixture(name: string): unknown {
  const file = JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as unknown;
  return file !== null && typeof file === 'object' && !Array.isArray(file) && 'body' in file ? (file as { body: unknown }).body : file;
}

const LUAD: CollectionMetadata = { id: 'TCGA-LUAD', name: 'TCGA Lung Adenocarcinoma', cancerSite: 'LUNG', licence: 'CC BY 3.0' };
const context: MappingContext = { repositoryId: REPO, baseUrl: BASE, collections: new Map([[LUAD.id, LUAD]]) };

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

describe('key casing', () => {
  it('reads PatientId from getPatient and PatientID from getPatientStudy and getSeries', () => {
    expect(parsePatients(fixture('getPatient.v4.json'), REPO).map((p) => p.PatientID)).toEqual(['TCGA-05-4244', 'TCGA-05-4245']);
    expect(parsePatientStudies(fixture('getPatientStudy.v4.json'), REPO)[0].PatientID).toBe('TCGA-05-4244');
    expect(parseSeries(fixture('getSeries.v4.json'), REPO)[0].PatientID).toBe('TCGA-05-4244');
  });

  it('tolerates the other spelling, as NBIA clients deserialize case-insensitively (§2a)', () => {
    const studies = parsePatientStudies([{ StudyInstanceUID: '1.2', PatientId: 'P-1', Collection: 'C' }], REPO);
    expect(studies[0].PatientID).toBe('P-1');
    const patients = parsePatients([{ PatientID: 'P-2' }], REPO);
    expect(patients[0].PatientID).toBe('P-2');
  });
});

describe('omitted null columns', () => {
  const series = parseSeries(fixture('getSeries.v4.json'), REPO);

  it('parses a row without BodyPartExamined, Manufacturer or PatientSex as nulls', () => {
    const pet = series.find((s) => s.Modality === 'PT')!;
    expect(pet.BodyPartExamined).toBeNull();
    expect(pet.Manufacturer).toBeNull();
    const mr = series.find((s) => s.Modality === 'MR')!;
    expect(mr.PatientSex).toBeNull();
    expect(mr.StudyDesc).toBeNull();
  });

  it('maps a series without body part to UNKNOWN with no raw value, and keeps ImageCount, FileSize and a getImage reference', () => {
    const pet = seriesRecord(series.find((s) => s.Modality === 'PT')!, BASE);
    // `retrieve` is read as GraphQL reads it (a getter: the record keeps no URL, sdk/lazy-retrieve.ts).
    expect({ ...pet, retrieve: pet.retrieve }).toEqual({
      uid: '1.3.6.1.4.1.14519.5.2.1.7009.9004.201',
      modality: 'PT', modalityRaw: 'PT', bodyPart: 'UNKNOWN', bodyPartRaw: null, manufacturer: null,
      description: 'PET WB', instanceCount: 287, sizeBytes: 19275820,
      retrieve: { protocol: 'NBIA_GET_IMAGE', url: `${BASE}/getImage?SeriesInstanceUID=1.3.6.1.4.1.14519.5.2.1.7009.9004.201` },
    });
  });

  it('treats an empty body as no rows, for every list endpoint', () => {
    expect(parseSeries(null, REPO)).toEqual([]);
    expect(parsePatientStudies(null, REPO)).toEqual([]);
    expect(parseCollectionValues(null, REPO)).toEqual([]);
    expect(parseValuesAndCounts(null, REPO, 'getBodyPartValuesAndCounts', 'BodyPart')).toEqual([]);
    expect(parseSimpleSearch(null, REPO)).toEqual({ resultSet: [], totalPatients: 0 });
  });
});

describe('counts as numbers or strings', () => {
  it('reads the v4 {"BodyPart","Count"} shape and the older {criteria,count} shape alike', () => {
    const v4 = parseValuesAndCounts(fixture('getBodyPartValuesAndCounts.v4.json'), REPO, 'getBodyPartValuesAndCounts', 'BodyPart');
    const legacy = parseValuesAndCounts(fixture('getBodyPartValuesAndCounts.legacy.json'), REPO, 'getBodyPartValuesAndCounts', 'BodyPart');
    expect(v4).toEqual([{ value: 'ABDOMEN', count: 13 }, { value: 'CHEST', count: 298 }, { value: 'Chest', count: 1 }, { value: 'Lung', count: 76 }]);
    expect(legacy).toEqual(v4);
  });

  it('keeps the "" manufacturer NBIA counts missing manufacturers under, and a string count', () => {
    const rows = parseValuesAndCounts(fixture('getManufacturerValuesAndCounts.v4.json'), REPO, 'getManufacturerValuesAndCounts', 'Manufacturer');
    expect(rows).toEqual([{ value: '', count: 4 }, { value: 'GE MEDICAL SYSTEMS', count: 52 }, { value: 'SIEMENS', count: 31 }]);
  });

  it('rejects a count that is no number', () => {
    expectBadResponse(() => parseValuesAndCounts([{ Collection: 'X', Count: 'many' }], REPO, 'getCollectionValuesAndCounts', 'Collection'),
      /getCollectionValuesAndCounts.*\[0\]\.Count is string, expected a number/);
  });
});

describe('dirty body parts', () => {
  it('normalises case-inconsistent and local-language values and keeps the raw string', () => {
    const series = parseSeries(fixture('getSeries.v4.json'), REPO).map((row) => seriesRecord(row, BASE));
    expect(series.map((s) => [s.bodyPartRaw, s.bodyPart])).toEqual([
      ['CHEST', 'CHEST'], ['Chest', 'CHEST'], [null, 'UNKNOWN'], ['THORAX INJECTE', 'CHEST'],
    ]);
  });

  it('lists the raw values getBodyPartValues gives, duplicates by case included', () => {
    expect(parseValues(fixture('getBodyPartValues.v4.json'), REPO, 'getBodyPartValues', 'BodyPartExamined'))
      .toEqual(['ABDOMEN', 'CHEST', 'Chest', 'Lung', 'TORAX', 'THORAX INJECTE', 'BREAST ']);
  });
});

describe('values', () => {
  it('reads DICOM AS ages in years', () => {
    expect(ageInYears('058Y')).toBe(58);
    expect(ageInYears('006M')).toBe(0.5);
    expect(ageInYears('003D')).toBeCloseTo(3 / 365.25);
    expect(ageInYears('052W')).toBeCloseTo(364 / 365.25);
    expect(ageInYears('61')).toBe(61);
    expect(ageInYears('')).toBeNull();
    expect(ageInYears(null)).toBeNull();
    expect(ageInYears('Y')).toBeNull();
  });

  it('reads NBIA timestamps, DICOM DA and MM-DD-YYYY dates as ISO dates', () => {
    expect(isoDate('2009-04-02 00:00:00.0')).toBe('2009-04-02');
    expect(isoDate('20090402')).toBe('2009-04-02');
    expect(isoDate('04-02-2009')).toBe('2009-04-02');
    expect(isoDate('2009-04-02')).toBe('2009-04-02');
    expect(isoDate('April 2009')).toBeNull();
  });

  it('escapes the series UID in the getImage URL', () => {
    expect(retrieveUrl(`${BASE}/`, '1.2 3')).toBe(`${BASE}/getImage?SeriesInstanceUID=1.2%203`);
  });
});

describe('cases from getPatientStudy and getSeries', () => {
  const records = caseRecords(parsePatientStudies(fixture('getPatientStudy.v4.json'), REPO), parseSeries(fixture('getSeries.v4.json'), REPO), context);

  it('groups by PatientID, sorted by subject id, with ids <repository>/<PatientID>', () => {
    expect(records.map((r) => r.id)).toEqual([`${REPO}/TCGA-05-4244`, `${REPO}/TCGA-05-4245`, `${REPO}/UNL-0001`]);
  });

  it('takes the age of the earliest study, studies in date order, series by number', () => {
    const subject = records[0];
    expect(subject.ageAtDiagnosis).toBe(69);
    expect(subject.sex).toBe('MALE');
    expect(subject.studies.map((s) => s.date)).toEqual(['2008-11-20', '2009-04-02']);
    const ct = subject.studies[1];
    expect(ct.series.map((s) => s.uid)).toEqual(['1.3.6.1.4.1.14519.5.2.1.7009.9004.102', '1.3.6.1.4.1.14519.5.2.1.7009.9004.101']);
    expect(ct).toMatchObject({ modalities: ['CT'], bodyParts: ['CHEST'], seriesCount: 2, instanceCount: 323, description: 'CT CHEST W CONTRAST' });
  });

  it('takes the cancer site from the collection metadata, UNKNOWN for a collection the config does not describe', () => {
    expect(records[0].diagnosis).toEqual({
      cancerSite: 'LUNG', icd10: null, icdO3Topography: null, icdO3Morphology: null, description: null, yearOfDiagnosis: null, stage: null,
    });
    expect(records[2].diagnosis?.cancerSite).toBe('UNKNOWN');
  });

  it('keeps a study getSeries has no series for (SeriesCount stands in) and a study only getSeries lists', () => {
    expect(records[1]).toMatchObject({ sex: 'UNKNOWN', ageAtDiagnosis: null });
    expect(records[1].studies[0]).toMatchObject({ seriesCount: 4, series: [], instanceCount: null });
    expect(records[2]).toMatchObject({ sex: 'UNKNOWN', ageAtDiagnosis: 0.5, collection: 'UNLISTED-COLLECTION' });
    expect(records[2].studies[0]).toMatchObject({ uid: '1.3.6.1.4.1.14519.5.2.1.7009.9004.3', date: '2015-01-09', seriesCount: 1 });
  });
});

describe('getSimpleSearch', () => {
  it('reads the §7.3 shape: subjects of the page and the total before paging', () => {
    expect(parseSimpleSearch(fixture('getSimpleSearch.v4.json'), REPO)).toEqual({
      resultSet: [{ subjectId: 'TCGA-05-4244', project: 'TCGA-LUAD', id: 1173 }],
      totalPatients: 41,
    });
  });

  it('maps a subject the index does not hold from what the row tells', () => {
    expect(caseFromSearch({ subjectId: 'TCGA-05-4244', project: 'TCGA-LUAD', id: 1173 }, context)).toMatchObject({
      id: `${REPO}/TCGA-05-4244`, collection: 'TCGA-LUAD', sex: null, ageAtDiagnosis: null, diagnosis: { cancerSite: 'LUNG' },
    });
  });

  it('rejects a body without totalPatients', () => {
    expectBadResponse(() => parseSimpleSearch({ resultSet: [] }, REPO), /getSimpleSearch.*totalPatients/);
  });
});

describe('malformed bodies', () => {
  it('names the call and the field', () => {
    expectBadResponse(() => parseSeries([{ StudyInstanceUID: '1.2', PatientID: 'P' }], REPO), /getSeries response: \[0\]\.SeriesInstanceUID/);
    expectBadResponse(() => parseSeries([{ SeriesInstanceUID: '1', StudyInstanceUID: '1.2', PatientID: 'P', ImageCount: 'lots' }], REPO),
      /\[0\]\.ImageCount is string, expected a number/);
    expectBadResponse(() => parseSeries({ error: 'nope' }, REPO), /the body is object, expected an array/);
    expectBadResponse(() => parseCollectionValues(['TCGA-LUAD'], REPO), /\[0\] is string, expected an object/);
  });
});

describe('collections', () => {
  const records = caseRecords(parsePatientStudies(fixture('getPatientStudy.v4.json'), REPO), parseSeries(fixture('getSeries.v4.json'), REPO), context)
    .filter((r) => r.collection === 'TCGA-LUAD');

  it('counts the harvested patients and studies, joined with the config metadata', () => {
    expect(collectionRecord('TCGA-LUAD', records, 0, null, LUAD)).toEqual({
      id: 'TCGA-LUAD', name: 'TCGA Lung Adenocarcinoma', description: null, licence: 'CC BY 3.0', doi: null, landingPage: null,
      subjects: 2, studies: 3, cancerSites: ['LUNG'], modalities: ['CT', 'PT'],
    });
    expect(collectionRecord('OTHER', [], 0, null, undefined)).toMatchObject({ name: 'OTHER', cancerSites: ['UNKNOWN'], modalities: [], subjects: 0, studies: 0 });
  });

  it('says in the description how many phantom subjects NBIA holds apart, and keeps NBIA\'s DOI where the config has none', () => {
    expect(collectionRecord('TCGA-LUAD', records, 2, '10.7937/K9/TCIA.2016.JGNIHEP5', { ...LUAD, description: 'Lung adenocarcinoma CT.' })).toMatchObject({
      description: 'Lung adenocarcinoma CT. NBIA also holds 2 phantom (quality-control test object) subjects in this collection, not counted here.',
      doi: '10.7937/K9/TCIA.2016.JGNIHEP5', subjects: 2,
    });
    expect(collectionRecord('TCGA-LUAD', records, 1, '10.7937/x', { ...LUAD, doi: '10.1000/config' })).toMatchObject({
      description: 'NBIA also holds 1 phantom (quality-control test object) subject in this collection, not counted here.', doi: '10.1000/config',
    });
  });
});

describe('search plans', () => {
  const collections: CollectionMetadata[] = [LUAD, { id: 'BRCA', name: 'Breast', cancerSite: 'BREAST' }];
  const vocabulary = {
    modalities: ['CT', 'MR', 'PET', 'PT'],
    bodyParts: parseValues(fixture('getBodyPartValues.v4.json'), REPO, 'getBodyPartValues', 'BodyPartExamined'),
    manufacturers: ['SIEMENS', 'Siemens Healthineers', 'GE MEDICAL SYSTEMS', ''],
  };

  it('expands normalised values to the raw values that normalise to them', () => {
    expect(planSearch({ bodyParts: ['CHEST'], modalities: ['PT'], manufacturers: ['siemens'], sex: ['FEMALE', 'OTHER'] }, collections, vocabulary)).toEqual({
      kind: 'native',
      criteria: [
        { type: 'PatientSexCriteria', value: 'F' }, { type: 'PatientSexCriteria', value: 'O' },
        { type: 'ImageModalityCriteria', value: 'PET' }, { type: 'ImageModalityCriteria', value: 'PT' },
        { type: 'AnatomicalSiteCriteria', value: 'CHEST' }, { type: 'AnatomicalSiteCriteria', value: 'Chest' },
        { type: 'AnatomicalSiteCriteria', value: 'TORAX' }, { type: 'AnatomicalSiteCriteria', value: 'THORAX INJECTE' },
        { type: 'ManufacturerCriteria', value: 'SIEMENS' }, { type: 'ManufacturerCriteria', value: 'Siemens Healthineers' },
        { type: 'PhantomCriteria', value: '1' },
      ],
    });
  });

  it('maps cancer sites to the collections of the config and intersects them with collections', () => {
    expect(planSearch({ cancerSites: ['LUNG', 'BREAST'], collections: ['BRCA', 'X'] }, collections, null))
      .toEqual({ kind: 'native', criteria: [{ type: 'CollectionCriteria', value: 'BRCA' }, { type: 'PhantomCriteria', value: '1' }] });
    expect(planSearch({ cancerSites: ['LUNG'], collections: ['BRCA'] }, collections, null)).toEqual({ kind: 'empty' });
    expect(planSearch({ cancerSites: ['KIDNEY'] }, collections, null)).toEqual({ kind: 'empty' });
  });

  it('answers empty when no raw value normalises to a requested value, rather than dropping the criterion', () => {
    expect(planSearch({ bodyParts: ['PROSTATE'] }, collections, vocabulary)).toEqual({ kind: 'empty' });
    expect(planSearch({ manufacturers: ['hologic'] }, collections, vocabulary)).toEqual({ kind: 'empty' });
  });

  it('leaves to the index what no native criterion expresses', () => {
    expect(planSearch({ ageAtDiagnosis: { min: 50 } }, collections, null)).toEqual({ kind: 'index', because: 'AGE_AT_DIAGNOSIS' });
    expect(planSearch({ sex: ['UNKNOWN'] }, collections, null)).toEqual({ kind: 'index', because: 'SEX' });
    expect(planSearch({ bodyParts: ['UNKNOWN', 'CHEST'] }, collections, vocabulary)).toEqual({ kind: 'index', because: 'BODY_PARTS' });
    expect(planSearch({ cancerSites: ['UNKNOWN'] }, collections, null)).toEqual({ kind: 'index', because: 'CANCER_SITES' });
  });
});

describe('recorded real answers of TCIA servers', () => {
  const STS: CollectionMetadata = { id: 'Soft-tissue-Sarcoma', name: 'Soft-tissue Sarcoma', cancerSite: 'SOFT_TISSUE' };
  const stsContext: MappingContext = { repositoryId: REPO, baseUrl: BASE, collections: new Map([[STS.id, STS]]) };
  const v1Series = parseSeries(fixture('getSeries.v1.Soft-tissue-Sarcoma.json'), REPO);

  it('reads v1 getSeries rows: CollectionURI as the DOI link, no PatientSex or PatientAge', () => {
    expect(v1Series).toHaveLength(24);
    expect(new Set(v1Series.map((row) => row.DataDescriptionURI))).toEqual(new Set(['https://doi.org/10.7937/K9/TCIA.2015.7GO2GSKS']));
    expect(doiOf(v1Series[0].DataDescriptionURI)).toBe('10.7937/K9/TCIA.2015.7GO2GSKS');
    expect(v1Series.every((row) => row.PatientSex === null && row.PatientAge === null && !row.Phantom)).toBe(true);
  });

  it('maps cases from series rows alone, sex and age unknown rather than a crash', () => {
    const records = caseRecords([], v1Series, stsContext);
    expect(records.map((r) => [r.subjectId, r.sex, r.ageAtDiagnosis, r.studies.length])).toEqual([['STS_010', 'UNKNOWN', null, 2], ['STS_012', 'UNKNOWN', null, 2]]);
    const study = records[0].studies.find((s) => s.uid === '1.3.6.1.4.1.14519.5.2.1.5168.1900.154535988064062152660648619556')!;
    expect(study).toMatchObject({ date: '2003-12-12', description: 'MRI LT LEG +C', modalities: ['MR', 'RTSTRUCT'], seriesCount: 4 });
    // Series in SeriesNumber order: the two RTSTRUCTs (number 1), then "2. AXIAL T1 BOTH LEGS - RESEARCH".
    expect(study.series.map((s) => s.modality)).toEqual(['RTSTRUCT', 'RTSTRUCT', 'MR', 'MR']);
    expect(study.series[2]).toMatchObject({
      uid: '1.3.6.1.4.1.14519.5.2.1.5168.1900.104193299251798317056218297018', modality: 'MR', bodyPartRaw: 'EXTREMITY',
      manufacturer: 'GE MEDICAL SYSTEMS', instanceCount: 48, sizeBytes: 25273786,
    });
  });

  it('reads getPatient rows with their Phantom column (all "NO" in ACNS0332), sex where NBIA has it', () => {
    const patients = parsePatients(fixture('getPatient.v2.ACNS0332.json'), REPO);
    expect(patients).toHaveLength(10);
    expect(patients.every((p) => p.Phantom === false && p.Collection === 'ACNS0332')).toBe(true);
    expect(patients.slice(0, 3).map((p) => [p.PatientID, p.PatientSex])).toEqual([['ACNS0332_PASFHY', 'F'], ['ACNS0332_PARMZW', 'F'], ['ACNS0332_PASEUA', 'M']]);
  });

  it('sets a subject getPatient marks Phantom "YES" apart from the patients, whatever its age', () => {
    // The ACNS0332 rows with the first subject's Phantom flag turned to "YES" (any case), as NBIA lists test objects.
    const rows = (fixture('getPatient.v2.ACNS0332.json') as Array<Record<string, string>>).map((row, i) => (i === 0 ? { ...row, Phantom: 'yes' } : row));
    const patients = parsePatients(rows, REPO);
    const studyOf = (id: string, age: string) => ({ StudyInstanceUID: `1.2.${id}`, PatientID: id, Collection: 'ACNS0332', StudyDate: null,
      StudyDescription: null, PatientAge: age, PatientSex: null, SeriesCount: 0 });
    const split = splitHarvest([studyOf('ACNS0332_PASFHY', '999Y'), studyOf('ACNS0332_PASEUA', '014Y')], [], patients, stsContext);
    expect(split.records.map((r) => [r.subjectId, r.sex, r.ageAtDiagnosis])).toEqual([['ACNS0332_PASEUA', 'MALE', 14]]);
    expect(split.phantoms.map((r) => [r.subjectId, r.ageAtDiagnosis])).toEqual([['ACNS0332_PASFHY', 999]]);
  });

  it('refuses a patient age outside 0-130 years as bad native data, after reading DICOM AS in years', () => {
    const studyRow = { StudyInstanceUID: '1.2.3', PatientID: 'P1', Collection: 'X', StudyDate: null, StudyDescription: null, PatientSex: null, SeriesCount: 0 };
    expectBadResponse(() => caseRecords([{ ...studyRow, PatientAge: '965Y' }], [], context),
      /the PatientAge "965Y" of a getPatientStudy or getSeries row is an age of 965 years, outside 0-130/);
    expect(caseRecords([{ ...studyRow, PatientAge: '030M' }], [], context)[0].ageAtDiagnosis).toBe(2.5);
    expect(caseRecords([{ ...studyRow, PatientAge: '065Y' }], [], context)[0].ageAtDiagnosis).toBe(65);
    expect(caseRecords([{ ...studyRow, PatientAge: null }], [], context)[0].ageAtDiagnosis).toBeNull();
  });
});
