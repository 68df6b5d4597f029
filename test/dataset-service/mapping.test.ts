/**
 * The raw values real nodes and archives send, through the code tables and the dataset-service mapping: TCIA's
 * BodyPartExamined list (fixtures/tcia-body-part-values.json), the CHAIMELEON and ProCAncer-I node answers
 * (../eucaim/fixtures/eucaim-frontend-providers.json). Each value either maps to a unified value whose meaning is
 * clear, or is reported as sent: never silently OTHER.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyPartOf, normaliseBodyPart } from '../../schema/codes/body-part';
import { isUnknownModality, normaliseModality } from '../../schema/codes/modality';
import { FACET_LABEL, facetOf, subjectsWith } from '../../subgraphs/dataset-service/mapping';
import { parseDatasetPage } from '../../subgraphs/dataset-service/parse';
import { planCohort } from '../../subgraphs/dataset-service/plan';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { normaliseFilter } from '../../subgraphs/sdk/filter';

const REPO = 'es-upv';
const tcia = (JSON.parse(readFileSync(join(__dirname, 'fixtures', 'tcia-body-part-values.json'), 'utf8')) as { BodyPartExamined: string[] }).BodyPartExamined;
const providers = JSON.parse(readFileSync(join(__dirname, '..', 'eucaim', 'fixtures', 'eucaim-frontend-providers.json'), 'utf8')) as
  Array<{ provider: string; collections: Array<{ body_parts: string[]; modality?: string[]; modalities?: string[] }> }>;
const nodeBodyParts = [...new Set(providers.flatMap((p) => p.collections.flatMap((c) => c.body_parts)))];
const nodeModalities = [...new Set(providers.flatMap((p) => p.collections.flatMap((c) => [...(c.modality ?? []), ...(c.modalities ?? [])])))];

describe('BodyPartExamined values of real archives and nodes', () => {
  it('maps the CHAIMELEON and ProCAncer-I values whose meaning is clear, and names those nobody can map', () => {
    const mapped = Object.fromEntries(nodeBodyParts.map((raw) => [raw, bodyPartOf(raw)]));
    expect(mapped).toMatchObject({
      TXABDPELVIS: 'CHEST_ABDOMEN_PELVIS', TXABDOMENPELVIS: 'CHEST_ABDOMEN_PELVIS', TAP: 'CHEST_ABDOMEN_PELVIS', CAP: 'CHEST_ABDOMEN_PELVIS',
      COLOSCANNER: 'COLON', 'COLOSCANNER EAU': 'COLON', 'LUMBAR SPINE': 'SPINE', ABDOPELV: 'ABDOMEN_PELVIS', 'ABDOMEN / PELVIS': 'ABDOMEN_PELVIS',
      'Pelvis^Masculin': 'PELVIS', 'THORAX INJECTE': 'CHEST', TORAX: 'CHEST', Prostate: 'PROSTATE', CHESTABDPELVIS: 'CHEST_ABDOMEN_PELVIS',
      BLADDER: 'PELVIS', CERVIX: 'PELVIS', UTERUS: 'PELVIS', SKULL: 'HEAD', KNEE: 'EXTREMITY', ARM: 'EXTREMITY', Unknown: 'UNKNOWN',
    });
    expect(Object.fromEntries(['TC ABD_MINO_P_LV', 'TDM ABDOMEN / PE', 'TC TOTAL BODY', 'MAMOGRAFIA', 'ABDO PELVIS'].map((raw) => [raw, bodyPartOf(raw)]))).toEqual({
      'TC ABD_MINO_P_LV': 'ABDOMEN_PELVIS', 'TDM ABDOMEN / PE': 'ABDOMEN_PELVIS', 'TC TOTAL BODY': 'WHOLE_BODY', MAMOGRAFIA: 'BREAST', 'ABDO PELVIS': 'ABDOMEN_PELVIS',
    });
    expect(nodeBodyParts.filter((raw) => bodyPartOf(raw) === null).sort()).toEqual([
      'AORTA', 'CANALANAL', 'CTAP', 'HIP', 'PELVISLOWEREXTR', 'PENIS', 'PORT SHOULDER', 'SERVICE', 'SINUS CTAP', 'TB COLLO', 'UROSCANNER',
    ]);
    // Existing callers keep their OTHER for those.
    expect(normaliseBodyPart('AORTA')).toBe('OTHER');
  });

  it('maps TCIA\'s list likewise: organ words, DICOM compounds, scanner protocol names, a Polish "abdominal cavity"', () => {
    expect(tcia).toHaveLength(79);
    const mapped = Object.fromEntries(tcia.map((raw) => [raw, bodyPartOf(raw)]));
    expect(mapped).toMatchObject({
      'ABD PEL': 'ABDOMEN_PELVIS', 'ABDOMEN_PELVIS ': 'ABDOMEN_PELVIS', CHEST_TO_PELVIS: 'CHEST_ABDOMEN_PELVIS', 'CT CHEST W_ENHA': 'CHEST',
      'CTA CHEST': 'CHEST', 'Head-and-Neck': 'HEAD_NECK', HEADANDNECK: 'HEAD_NECK', 'J BRZUSZNA': 'ABDOMEN', 'LUMBO-SACRAL SP': 'SPINE',
      MEDIASTINUM: 'CHEST', 'PET_ABDOMEN_PEL': 'ABDOMEN_PELVIS', 'PORT CHEST': 'CHEST', SELLA: 'HEAD', THYROID: 'NECK', TSPINE: 'SPINE',
      UNDEFINED: 'UNKNOWN', STOMACH: 'ABDOMEN', OVARY: 'PELVIS',
    });
    expect(tcia.filter((raw) => bodyPartOf(raw) === null)).toEqual([
      'AP PORTABLE CHE', 'BD CT ABD WO_W ', 'CHESTABDOMEN', 'CT 3PHASE REN', 'ESOPHAGUS', 'FUSION', 'OUTSIDE FIL', 'PET_CT SCAN CHE',
      'Phantom', 'PHANTOM', 'SEG', 'SPI CHEST 5MM', 'TH CT CHEST WO ', 'THORAXABD', 'WO INTER',
    ]);
  });

  it('maps SC (Secondary Capture, a DICOM modality), and tells the node saying it does not know one', () => {
    expect(nodeModalities.sort()).toEqual(['CR', 'CT', 'DX', 'MG', 'MR', 'PT', 'SC', 'Unknown']);
    expect(nodeModalities.map((m) => [m, normaliseModality(m), isUnknownModality(m)])).toEqual(expect.arrayContaining([
      ['SC', 'SC', false], ['Unknown', null, true], ['DX', 'DX', false],
    ]));
    expect([FACET_LABEL.modality('SC'), FACET_LABEL.modality('Unknown'), FACET_LABEL.modality('Unkown'), FACET_LABEL.modality('PET')]).toEqual(['SC', 'UNKNOWN', 'UNKNOWN', 'PT']);
  });
});

describe('a dataset page with those values', () => {
  // Written here: the values are CHAIMELEON's (prostate training dataset), the counts made up.
  const page = {
    list: [{
      id: 'prostate-training', name: 'Prostate Cancer Training/Validation dataset', subjectsCount: 120, studiesCount: 130,
      ageLow: 46, ageHigh: 90, ageUnit: ['Y'],
      sex: ['Male'], sexCount: [120],
      modality: ['MR', 'CT', 'DX', 'SC', 'Unknown'], modalityCount: [118, 20, 4, 3, 2],
      bodyPart: ['PROSTATE', 'Pelvis^Masculin', 'TXABDPELVIS', 'AORTA', 'LUMBAR SPINE', 'Unknown'], bodyPartCount: [80, 40, 10, 2, 1, 5],
      manufacturer: ['Siemens', 'Unknown'], manufacturerCount: [100, 3],
    }],
  };

  it('shows mapped values under the unified value, others as sent, never folded into OTHER', () => {
    const datasets = parseDatasetPage(page, REPO);
    expect([...(facetOf(datasets, 'modality') ?? [])]).toEqual([['MR', 118], ['CT', 20], ['DX', 4], ['SC', 3], ['UNKNOWN', 2]]);
    expect([...(facetOf(datasets, 'bodyPart') ?? [])]).toEqual([['PROSTATE', 80], ['PELVIS', 40], ['CHEST_ABDOMEN_PELVIS', 10], ['AORTA', 2], ['SPINE', 1], ['UNKNOWN', 5]]);
    // A filter on OTHER still finds the raw value no table maps, and CHEST_ABDOMEN_PELVIS finds TXABDPELVIS.
    expect(subjectsWith(datasets[0], 'bodyPart', new Set(['OTHER']))).toBe(2);
    const plan = planCohort(normaliseFilter({ bodyParts: ['CHEST_ABDOMEN_PELVIS'] }, REPO), datasets, []);
    expect(plan.counted?.criterion).toBe('BODY_PARTS');
    expect(subjectsWith(datasets[0], 'bodyPart', plan.counted!.values)).toBe(10);
    expect(datasets[0].ageRange).toEqual({ low: 46, high: 90 });
  });

  it('refuses an age outside 0-130 years in years, naming where; other units are not read as years', () => {
    let error: RepositoryError | undefined;
    try {
      parseDatasetPage({ list: [{ ...page.list[0], ageHigh: 965 }] }, REPO);
    } catch (e) {
      error = e as RepositoryError;
    }
    expect(error?.code).toBe(ErrorCode.BAD_RESPONSE);
    expect(error?.message).toContain('list[0].ageHigh is an age of 965 years');
    expect(parseDatasetPage({ list: [{ ...page.list[0], ageHigh: 965, ageUnit: ['D'] }] }, REPO)[0].ageRange).toBeNull();
    expect(() => parseDatasetPage({ list: [{ ...page.list[0], modalityCount: [1, 2, 3, 4, -5] }] }, REPO)).toThrow(/list\[0\]\.modalityCount\[4\]/);
  });
});
