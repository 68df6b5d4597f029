import { normaliseBodyPart } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { manufacturerMatches, manufacturerVendor } from '../../schema/codes/manufacturer';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import { SITE_PROFILES } from '../../simulators/synthetic/profiles';
import { GROUND_TRUTH_MEANINGS } from '../support/ground-truth';

/**
 * The code tables read every raw value the synthetic generator writes as the tests' ground truth means it
 * (test/support/ground-truth.ts, written apart from the code tables): the adapters' answers are compared with that
 * ground truth, so a wrong code-table entry fails here by name even where no adapter test filters by its value.
 */
describe('the code tables against the ground truth\'s meanings', () => {
  const generated = Object.values(SITE_PROFILES).flatMap((profile) => [...profile!.bodyParts, ...Object.values(profile!.localBodyParts).flat()]);

  it('the ground truth knows every BodyPartExamined the generator writes', () => {
    const unknown = generated.filter((raw) => !(raw!.trim().toUpperCase() in GROUND_TRUTH_MEANINGS.bodyParts));
    expect(unknown).toEqual([]);
    expect(generated.length).toBeGreaterThan(50);
  });

  it.each(Object.entries(GROUND_TRUTH_MEANINGS.bodyParts))('body part %p is %s', (raw, meaning) => {
    expect(normaliseBodyPart(raw)).toBe(meaning);
  });

  it.each(GROUND_TRUTH_MEANINGS.modalities.map((m) => [m]))('modality %p is itself', (modality) => {
    expect(normaliseModality(modality)).toBe(modality);
  });

  it.each(Object.entries(GROUND_TRUTH_MEANINGS.sexes))('sex %p is %s', (raw, meaning) => {
    expect(normaliseSex(raw)).toBe(meaning);
  });

  it.each(Object.entries(GROUND_TRUTH_MEANINGS.sites))('topography category %p is %s', (category, meaning) => {
    expect(cancerSiteFromCode(`${category}.9`)).toBe(meaning);
  });

  it('the ground truth knows every topography the generator writes', () => {
    const topographies = Object.values(SITE_PROFILES).flatMap((profile) => profile!.topographies);
    expect(topographies.filter((code) => !(code.slice(0, 3) in GROUND_TRUTH_MEANINGS.sites))).toEqual([]);
  });
});

describe('body part normalisation', () => {
  it.each([
    ['CHEST', 'CHEST'], ['Chest', 'CHEST'], ['TORAX', 'CHEST'], ['THORAX', 'CHEST'], ['TÓRAX', 'CHEST'],
    ['THORAX INJECTE', 'CHEST'], ['THORAX INJECTÉ', 'CHEST'], ['TAP IV', 'CHEST_ABDOMEN_PELVIS'],
    ['Pelvis^Masculin', 'PELVIS'], ['ABDOMENPELVIS', 'ABDOMEN_PELVIS'], ['LUNG', 'LUNG'], ['Lung', 'LUNG'],
    ['BREAST ', 'BREAST'], ['MAMA', 'BREAST'], ['SEIN', 'BREAST'], ['PROSTATA', 'PROSTATE'], ['WHOLEBODY', 'WHOLE_BODY'],
    ['HEADNECK', 'HEAD_NECK'], ['Head', 'HEAD'], ['CEREBRO', 'BRAIN'], ['RIM', 'KIDNEY'],
  ])('reads %p as %s', (raw, expected) => {
    expect(normaliseBodyPart(raw)).toBe(expected);
  });

  it('tells a missing value (UNKNOWN) from an unrecognised one (OTHER)', () => {
    expect(normaliseBodyPart(null)).toBe('UNKNOWN');
    expect(normaliseBodyPart('  ')).toBe('UNKNOWN');
    expect(normaliseBodyPart('Unkown')).toBe('UNKNOWN');
    expect(normaliseBodyPart('TAIL')).toBe('OTHER');
  });
});

describe('cancer site from ICD-10 / ICD-O-3 topography', () => {
  it.each([
    ['C50.9', 'BREAST'], ['C509', 'BREAST'], ['c34.1', 'LUNG'], ['C61', 'PROSTATE'], ['C61.9', 'PROSTATE'],
    ['C18.7', 'COLON'], ['C20', 'RECTUM'], ['C19.9', 'RECTUM'], ['C22.0', 'LIVER'], ['C71.9', 'BRAIN'],
    ['C74.9', 'ADRENAL_GLAND'], ['C64', 'KIDNEY'], ['C85.9', 'HAEMATOLYMPHOID'], ['C02.1', 'HEAD_AND_NECK'], ['C32.0', 'HEAD_AND_NECK'],
  ])('maps %s to %s', (code, site) => {
    expect(cancerSiteFromCode(code)).toBe(site);
  });

  it('keeps unlisted C codes as OTHER and non-C codes as UNKNOWN', () => {
    expect(cancerSiteFromCode('C26.9')).toBe('OTHER');
    expect(cancerSiteFromCode('D05.1')).toBe('UNKNOWN');
    expect(cancerSiteFromCode('8500/3')).toBe('UNKNOWN');
    expect(cancerSiteFromCode(null)).toBe('UNKNOWN');
  });
});

describe('modality normalisation', () => {
  it('keeps DICOM codes and maps the names other APIs use', () => {
    expect(normaliseModality('CT')).toBe('CT');
    expect(normaliseModality('mr')).toBe('MR');
    expect(normaliseModality('PET')).toBe('PT');
    expect(normaliseModality('SPECT')).toBe('NM');
    expect(normaliseModality('MRI')).toBe('MR');
    expect(normaliseModality('XYZ')).toBeNull();
    expect(normaliseModality('')).toBeNull();
  });
});

describe('sex normalisation', () => {
  it('reads DICOM, FHIR and EUCAIM spellings, including the "Unkown" typo', () => {
    expect(normaliseSex('F')).toBe('FEMALE');
    expect(normaliseSex('male')).toBe('MALE');
    expect(normaliseSex('O')).toBe('OTHER');
    expect(normaliseSex('Unkown')).toBe('UNKNOWN');
    expect(normaliseSex('')).toBe('UNKNOWN');
    expect(normaliseSex('X')).toBe('UNKNOWN');
  });
});

describe('manufacturer vendors', () => {
  it('groups raw names by vendor', () => {
    expect(manufacturerVendor('SIEMENS')).toBe('Siemens');
    expect(manufacturerVendor('Siemens Healthineers')).toBe('Siemens');
    expect(manufacturerVendor('GE MEDICAL SYSTEMS')).toBe('GE');
    expect(manufacturerVendor('General Electric')).toBe('GE');
    expect(manufacturerVendor('Philips Medical Systems')).toBe('Philips');
    expect(manufacturerVendor('Acme Imaging')).toBe('Acme Imaging');
    expect(manufacturerVendor('  ')).toBeNull();
  });

  it('matches a filter value by vendor or by name prefix, ignoring case', () => {
    expect(manufacturerMatches('GE MEDICAL SYSTEMS', ['general electric'])).toBe(true);
    expect(manufacturerMatches('Siemens Healthineers', ['siemens'])).toBe(true);
    expect(manufacturerMatches('Philips', ['siemens'])).toBe(false);
    expect(manufacturerMatches('Acme Imaging', ['acme'])).toBe(true);
    expect(manufacturerMatches(null, ['siemens'])).toBe(false);
  });
});
