/**
 * PS3.4 C.2.2.2 matching and QIDO-RS parameter reading, with the departures measured on Orthanc 1.10.1 +
 * DICOMweb 1.7 (faithfulness.test.ts checks the same against the real server).
 */
import { attribute } from '../../simulators/dicomweb/dicom-json';
import { ConstraintError, matches, parseConstraint } from '../../simulators/dicomweb/matching';
import { OrthancError, parseQidoQuery } from '../../simulators/dicomweb/query';

const lo = (value: string) => attribute('LO', value);
const da = (value: string) => attribute('DA', value);

describe('parseConstraint + matches', () => {
  test('single value matching ignores case for every VR (Orthanc), not only PN', () => {
    expect(matches(parseConstraint('ft-lung1-0001', 'LO'), lo('FT-LUNG1-0001'))).toBe(true);
    expect(matches(parseConstraint('anon^x', 'PN'), attribute('PN', 'Anon^X'))).toBe(true);
    expect(matches(parseConstraint('Anon', 'PN'), attribute('PN', 'Anon^X'))).toBe(false);
  });

  test('a list matches any of its values, literally (no wildcards inside a list)', () => {
    expect(matches(parseConstraint('A\\B', 'LO'), lo('b'))).toBe(true);
    expect(matches(parseConstraint('*1\\B', 'LO'), lo('X1'))).toBe(false);
    expect(matches(parseConstraint('*1\\B', 'LO'), lo('*1'))).toBe(true);
  });

  test('wildcards * and ? on string VRs; refused on DA, UI, IS, AS', () => {
    expect(matches(parseConstraint('PROS*', 'CS'), attribute('CS', 'Prostate'))).toBe(true);
    expect(matches(parseConstraint('MR?PROSTATA', 'LO'), lo('MR PROSTATA'))).toBe(true);
    expect(matches(parseConstraint('MR?PROSTATA', 'LO'), lo('MR  PROSTATA'))).toBe(false);
    for (const vr of ['DA', 'UI', 'IS', 'AS', 'TM']) expect(() => parseConstraint('1*', vr)).toThrow(ConstraintError);
  });

  test('* alone needs the attribute present, though it may be empty', () => {
    const star = parseConstraint('*', 'LO');
    expect(matches(star, undefined)).toBe(false);
    expect(matches(star, attribute('SH'))).toBe(true);
  });

  test('universal matching matches absent attributes too', () => {
    expect(matches(parseConstraint('', 'LO'), undefined)).toBe(true);
  });

  test('date ranges A-B, A-, -B are inclusive string comparisons split at the first dash', () => {
    expect(matches(parseConstraint('20140101-20141231', 'DA'), da('20141231'))).toBe(true);
    expect(matches(parseConstraint('20140101-20141231', 'DA'), da('20150101'))).toBe(false);
    expect(matches(parseConstraint('20140101-', 'DA'), da('20990101'))).toBe(true);
    expect(matches(parseConstraint('-20140101', 'DA'), da('20140101'))).toBe(true);
    // Orthanc: an empty date is "before" any upper bound; "2014-2015" ends before 20150101.
    expect(matches(parseConstraint('-20000101', 'DA'), attribute('DA'))).toBe(true);
    expect(matches(parseConstraint('2014-2015', 'DA'), da('20150101'))).toBe(false);
    // Orthanc: a range wins over a list, so this is one range up to "20141231\2023...".
    expect(parseConstraint('20140101-20141231\\20230101-20231231', 'DA')).toEqual({ kind: 'range', lower: '20140101', upper: '20141231\\20230101-20231231' });
  });

  test('a dash is no range on other VRs', () => {
    expect(matches(parseConstraint('FT-LUNG1-0001', 'LO'), lo('FT-LUNG1-0001'))).toBe(true);
  });
});

describe('parseQidoQuery', () => {
  test('keys by keyword or tag, commas (and %2C) as list separators, backslashes dropped', () => {
    const query = parseQidoQuery('?PatientID=a,b&0020000D=1.2%2C1.3&0008,0050=X\\Y&StudyDescription=MR%20PROSTATA');
    expect(query.keys.get('00100020')?.value).toBe('a\\b');
    expect(query.keys.get('0020000D')?.value).toBe('1.2\\1.3');
    expect(query.keys.get('00080050')?.value).toBe('XY');
    // Not percent-decoded: Orthanc 1.10.1 hands the plugin the raw value.
    expect(query.keys.get('00081030')?.value).toBe('MR%20PROSTATA');
    expect(query.studyUidInQuery).toBe(true);
  });

  test('unknown keywords, wrong-case keywords and includefield=all are ignored; includefield accumulates', () => {
    const query = parseQidoQuery('patientid=x&Foo=1&includefield=PatientAge,Nope&includefield=00081030&includefield=all');
    expect([...query.keys.keys()]).toEqual([]);
    expect(query.includeFields).toEqual(['00101010', '00081030']);
  });

  test('limit and offset: the last one wins; Orthanc errors for bad values', () => {
    expect(parseQidoQuery('limit=2&limit=3&offset=+4')).toMatchObject({ limit: 3, offset: 4 });
    expect(() => parseQidoQuery('limit=abc')).toThrow(expect.objectContaining({ status: 400, orthancMessage: 'Bad file format' }));
    expect(() => parseQidoQuery('limit=-1')).toThrow(expect.objectContaining({ status: 500 }));
    expect(() => parseQidoQuery('fuzzymatching=maybe')).toThrow(OrthancError);
    expect(parseQidoQuery('fuzzymatching=true').keys.size).toBe(0);
  });
});
