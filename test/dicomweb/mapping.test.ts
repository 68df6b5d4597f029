/**
 * The DICOMweb mapping on real Orthanc 1.10.1 / DICOMweb plugin 1.7 responses (recorded, in fixtures/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseReader } from '../../subgraphs/sdk/parse';
import { ageInYears, datasets, isoDate } from '../../subgraphs/dicomweb/parse';
import { casesFromDicom } from '../../subgraphs/dicomweb/mapping';
import { RepositoryError } from '../../subgraphs/sdk/errors';

function recorded(name: string): unknown {
  return (JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as { body: unknown }).body;
}

const reader = new ResponseReader('de-test', 'QIDO-RS studies');
const context = {
  repositoryId: 'de-test',
  dicomWebRoot: 'http://pacs.example/dicom-web',
  cancerSiteOfCollection: new Map([['SPIKE-LUNG', 'LUNG' as const]]),
  collectionRule: { by: 'ClinicalTrialProtocolID' as const, values: null },
};

describe('DICOMweb mapping of recorded Orthanc responses', () => {
  const studies = datasets(recorded('studies-includefield-sex-age.json'), reader);
  const series = datasets(recorded('series-includefield-bodypart.json'), reader);
  const studyUid = '2.25.328450505262272483843227393747856538058';
  const [record] = casesFromDicom(studies, new Map([[studyUid, series]]), context);

  it('builds one case per PatientID with sex, age and the collection\'s cancer site', () => {
    expect(record).toMatchObject({
      id: 'de-test/SPK-00003', subjectId: 'SPK-00003', collection: 'SPIKE-LUNG', sex: 'FEMALE', ageAtDiagnosis: 72,
      diagnosis: { cancerSite: 'LUNG', icd10: null },
    });
  });

  it('maps the study with its series, body part raw and normalised, and a WADO-RS retrieve URL', () => {
    const [study] = record.studies;
    expect(study).toMatchObject({ uid: studyUid, date: '2013-09-04', modalities: ['MR'], seriesCount: 2, instanceCount: 10 });
    expect(study.series).toHaveLength(2);
    expect(study.series[0]).toMatchObject({
      modality: 'MR', modalityRaw: 'MR', bodyPart: 'BRAIN', bodyPartRaw: 'BRAIN', instanceCount: 5,
      retrieve: { protocol: 'DICOMWEB_WADO_RS', url: `http://pacs.example/dicom-web/studies/${studyUid}/series/${study.series[0].uid}` },
    });
  });

  it('reads a series without BodyPartExamined (Orthanc leaves it out unless asked) as UNKNOWN', () => {
    const plain = datasets(recorded('series-of-study.json'), reader);
    const [withoutBodyPart] = casesFromDicom(studies, new Map([[studyUid, plain]]), context);
    expect(withoutBodyPart.studies[0].series[0]).toMatchObject({ bodyPart: 'UNKNOWN', bodyPartRaw: null });
  });

  it('takes an empty result as no match', () => {
    expect(datasets(recorded('studies-modality-ct-limit5-offset5.json'), reader)).toEqual([]);
    expect(datasets(null, reader)).toEqual([]);
  });

  it('rejects a body that is not DICOM JSON, naming the repository and the field', () => {
    expect(() => datasets({ error: 'x' }, reader)).toThrow(RepositoryError);
    expect(() => datasets([{ '0020000D': 'not an attribute' }], reader))
      .toThrow('repository "de-test": malformed QIDO-RS studies response: [0].0020000D is string, expected an object');
  });

  it('reads DICOM dates and ages', () => {
    expect(isoDate('20240315')).toBe('2024-03-15');
    expect(isoDate('2024')).toBeNull();
    expect(ageInYears('058Y')).toBe(58);
    expect(ageInYears('018M')).toBe(1);
    expect(ageInYears('010D')).toBe(0);
    expect(ageInYears('58')).toBeNull();
  });
});
