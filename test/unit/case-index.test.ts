/**
 * The compact case index (subgraphs/sdk/case-index.ts) behind the DICOMweb, NBIA and XNAT adapters: it must give
 * back every record it was built from, field for field, and answer every filter as cohortOf and matchCase answer
 * over those records.
 */
import { CaseIndex } from '../../subgraphs/sdk/case-index';
import { cohortOf, matchCase } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { lazyRetrieve } from '../../subgraphs/sdk/lazy-retrieve';
import { PackedStrings } from '../../subgraphs/sdk/packed-strings';
import type { CaseOutline, FullCaseRecord } from '../../subgraphs/sdk/records';
import type { CaseFilter } from '../../schema/generated/graphql';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import { toUnifiedCases } from '../support/ground-truth';

const REPO = 'xx-index';
const withUrl = lazyRetrieve('DICOMWEB_WADO_RS', (series, root, study) => `${root}/studies/${study}/series/${series.uid}`);

/** Generated cases, half their series made lazily as the DICOMweb mapping makes them, plus the odd shapes. */
function records(): FullCaseRecord[] {
  const generated = toUnifiedCases(generateRepositoryData({
    repositoryId: REPO, seed: 11, cases: 400, subjectPrefix: 'IX',
    collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' }],
  }));
  const lazy = generated.map((record, i) => ({
    ...record,
    studies: record.studies.map((study) => ({
      ...study,
      series: study.series.map(({ retrieve, ...fields }) => (i % 2 === 0 ? withUrl(fields, 'https://pacs.example/dicom-web', study.uid) : { ...fields, retrieve })),
    })),
  }));
  const odd: FullCaseRecord[] = [
    { id: `${REPO}/ZZ-no-studies`, repositoryId: REPO, subjectId: 'ZZ-no-studies', collection: null, sex: null, ageAtDiagnosis: null, diagnosis: null, studies: [] },
    {
      id: `${REPO}/ZZ-odd`, repositoryId: REPO, subjectId: 'ZZ-odd', collection: 'LUNG', sex: 'OTHER', ageAtDiagnosis: 47.5,
      diagnosis: { cancerSite: 'LUNG', icd10: 'C34.1', icdO3Topography: null, icdO3Morphology: null, description: 'Adénocarcinome', yearOfDiagnosis: 2019, stage: { group: 'IIIA', t: 'T3', n: 'N1', m: 'M0', system: 'AJCC 8th' } },
      studies: [
        { uid: '1.2.3', date: null, description: null, modalities: [], bodyParts: [], seriesCount: null, instanceCount: null, series: [] },
        {
          uid: 'not-a-dicom-uid', date: '2020-01-31', description: 'Тorax «nativ»', modalities: ['CT'], bodyParts: ['CHEST', 'ABDOMEN'], seriesCount: 2, instanceCount: 0,
          series: [
            { uid: '1.2.3.4.5', modality: null, modalityRaw: 'XYZ', bodyPart: 'UNKNOWN', bodyPartRaw: null, manufacturer: null, description: null, instanceCount: null, sizeBytes: 123456789012, retrieve: null },
            { uid: 'scan_7', modality: 'CT', modalityRaw: 'CT', bodyPart: 'CHEST', bodyPartRaw: 'THORAX', manufacturer: 'Siemens Healthineers', description: '日本語', instanceCount: 0, sizeBytes: 0, retrieve: { protocol: 'XNAT_REST', url: 'https://x.example/scan_7' } },
          ],
        },
      ],
    },
  ];
  return [...lazy, ...odd];
}

const FILTERS: CaseFilter[] = [
  {},
  { modalities: ['MR'] },
  { modalities: ['CT', 'PT'], bodyParts: ['CHEST'] },
  { manufacturers: ['Siemens'] },
  { manufacturers: ['philips'], modalities: ['CT'] },
  { sex: ['FEMALE'], ageAtDiagnosis: { min: 50, max: 70 } },
  { cancerSites: ['PROSTATE'], modalities: ['MR'] },
  { collections: ['LUNG'], bodyParts: ['UNKNOWN'] },
  { sex: ['OTHER'] },
  { yearOfDiagnosis: { min: 2019, max: 2019 } },
];

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('the compact case index', () => {
  const source = records();
  const index = CaseIndex.from(source);

  it('gives back every record it holds, field for field, retrieve references included', () => {
    expect(index.size).toBe(source.length);
    expect(plain(Array.from({ length: index.size }, (_, at) => index.record(at)))).toEqual(plain(source));
    // A lazily made series is made lazily again: its reference is built when read.
    const lazySeries = index.record(0).studies[0].series[0];
    expect(Object.keys(lazySeries)).not.toContain('retrieve');
    expect(lazySeries.retrieve?.url).toBe(`https://pacs.example/dicom-web/studies/${source[0].studies[0].uid}/series/${lazySeries.uid}`);
  });

  it.each(FILTERS.map((where) => [JSON.stringify(where), where] as const))('counts %s as cohortOf does over the records', (_, where) => {
    const filter = normaliseFilter(where, REPO);
    const report = { applied: [], notApplied: [] };
    const expected = cohortOf(source, filter, report);
    expect(index.cohort(filter, report)).toEqual(expected);
    expect(index.matching(filter)).toEqual(source.flatMap((record, at) => (matchCase(record, filter) ? [at] : [])));
  });

  it('finds cases by subject id, and sorts the records it is given', () => {
    const shuffled = CaseIndex.from([...source].reverse());
    expect(shuffled.find('ZZ-odd')).toBe(source.length - 1);
    expect(shuffled.head(0).subjectId).toBe(source[0].subjectId);
    expect(index.find('ZZ-missing')).toBe(-1);
    expect(index.find('')).toBe(-1);
    expect(index.studiesOf(index.find('ZZ-no-studies'))).toEqual([]);
  });

  it('outlines every case as collection statistics read it', () => {
    const outline = (cases: readonly CaseOutline[]) => plain(cases.map((c) => ({
      subjectId: c.subjectId, collection: c.collection, diagnosis: c.diagnosis,
      studies: c.studies.map((study) => ({ modalities: study.modalities, series: study.series.map((s) => ({ modality: s.modality, modalityRaw: s.modalityRaw })) })),
    })));
    expect(outline(index.outlines())).toEqual(outline(source));
  });

  it('hands out copies: a caller changing a record changes nothing it holds', () => {
    const head = index.head(0);
    head.sex = 'OTHER';
    index.record(0).studies[0].modalities.push('US');
    expect(index.head(0).sex).toBe(source[0].sex);
    expect(index.record(0).studies[0].modalities).toEqual(source[0].studies[0].modalities);
  });
});

describe('packed strings', () => {
  it('give back what they were given, in every encoding', () => {
    const values = [
      '1.2.840.113619.2.55.3.604688119.868.1234567890.123', '1.2', '12', '', null, undefined, 'XNAT_E02933', 'Ünïcödé Latin-1 ÿ',
      '東京', '0'.repeat(70_000), 'x'.repeat(9_000), '.',
    ];
    const packed = new PackedStrings();
    for (const value of values) packed.push(value);
    packed.trim();
    expect(values.map((_, i) => packed.get(i))).toEqual(values.map((value) => value ?? null));
    expect(packed.length).toBe(values.length);
  });
});
