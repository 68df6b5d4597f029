/**
 * Parsing and mapping of FHIR R4 / mCODE bodies, on fixtures written in the shapes real servers send (README §2f,
 * §7.1, §7.4): a HAPI Patient search page with revincluded studies, conditions and enrolments, a HAPI count Bundle
 * without `type`, a Blaze page without `search.mode`, stage-group Observations with members and components, an
 * OperationOutcome. Plus the query plan (what is pushed down, escaped, decided exactly).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { cancerSiteOfSnomedBodyStructure, cancerSiteOfSnomedDisorder, icdO3MorphologyOfSnomed } from '../../schema/codes/snomed-cancer';
import { ajccValueOfSnomed } from '../../schema/codes/snomed-staging';
import { BODY_PART_SNOMED as SIMULATOR_BODY_PART_SNOMED, TOPOGRAPHY_SNOMED } from '../../simulators/fhir/codes';
import { birthDateFor } from '../../simulators/fhir/resources';
import { FhirClient } from '../../subgraphs/fhir/client';
import { bodyPartOfSnomed, dcmCodesFor } from '../../subgraphs/fhir/codes';
import {
  caseRecords, collectionRecord, completedYears, primaryConditionOf, referenceId, stageOf, yearsOfAge,
} from '../../subgraphs/fhir/mapping';
import { parseCountBundle, parseSearchBundle } from '../../subgraphs/fhir/parse';
import { asServed, ErrorCode, thrown } from './support';

const REPO = 'fhir-fixture';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
}

/** A deep copy of a fixture, changed by `edit`. */
function edited(name: string, edit: (body: any) => void): unknown {
  const body = fixture(name) as any;
  edit(body);
  return body;
}

function badResponse(work: () => unknown, fragment: RegExp): string {
  const error = thrown(work);
  expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPO });
  expect(error.message).toMatch(fragment);
  return error.message;
}

describe('search Bundles', () => {
  it('reads matches in order, includes, the next link, and no total when the server leaves it out', () => {
    const page = parseSearchBundle(fixture('patient-search-page.json'), REPO, 'Patient search', 'Patient');
    expect(page.matchIds).toEqual(['LUNG-0007', 'LUNG-0012']);
    expect(page.total).toBeNull();
    expect(page.next).toBe('http://hapi.internal:8080/fhir?_getpages=0f6f0a8c-4b7e-4ad2-a2a4-2b9a2f3b7d11&_getpagesoffset=2&_count=2&_bundletype=searchset');
    expect(page.resources.imagingStudies.map((s) => s.id)).toEqual(['LUNG-0007-is1', 'LUNG-0007-is2']);
    expect(page.resources.conditions).toHaveLength(5);
    expect(page.resources.endpoints.map((e) => e.id)).toEqual(['dicomweb', 'wado-uri']);
    expect(page.warnings).toBe(0);
  });

  it('judges entries without search.mode by their type (Blaze) and reads total when sent', () => {
    const page = parseSearchBundle(fixture('research-studies.blaze.json'), REPO, 'ResearchStudy search', 'ResearchStudy');
    expect(page.matchIds).toEqual(['UKA-LUNG']);
    expect(page.total).toBe(2);
  });

  it('reads a _summary=count Bundle without type (HAPI #1763), and one with it', () => {
    expect(parseCountBundle(fixture('count-bundle-without-type.json'), REPO, 'Patient count')).toEqual({ total: 34, self: null });
    expect(parseCountBundle({ resourceType: 'Bundle', type: 'searchset', total: 0, link: [{ relation: 'self', url: 'http://x/fhir/Patient?gender=male&_summary=count' }] }, REPO, 'Patient count'))
      .toEqual({ total: 0, self: 'http://x/fhir/Patient?gender=male&_summary=count' });
    badResponse(() => parseCountBundle({ resourceType: 'Bundle', type: 'searchset' }, REPO, 'Patient count'), /count Bundle without total/);
  });

  it('turns an OperationOutcome body into BAD_RESPONSE without echoing its diagnostics', () => {
    const message = badResponse(() => parseSearchBundle(fixture('unknown-parameter.operation-outcome.json'), REPO, 'Patient search', 'Patient'),
      /OperationOutcome \(error\/processing\) instead of a Bundle/);
    expect(message).not.toMatch(/bodysite|HAPI-0524/);
  });

  it('refuses other Bundle types, other resources, empty bodies and matches of the wrong type', () => {
    badResponse(() => parseSearchBundle({ resourceType: 'Bundle', type: 'collection' }, REPO, 'Patient search', 'Patient'), /Bundle.type is "collection"/);
    badResponse(() => parseSearchBundle({ resourceType: 'Patient', id: 'x' }, REPO, 'Patient search', 'Patient'), /resourceType is "Patient"/);
    badResponse(() => parseSearchBundle(null, REPO, 'Patient search', 'Patient'), /body is empty/);
    badResponse(() => parseSearchBundle([], REPO, 'Patient search', 'Patient'), /the body is an array, expected an object/);
    badResponse(() => parseSearchBundle(edited('patient-search-page.json', (b) => { b.entry[2].search.mode = 'match'; }), REPO, 'Patient search', 'Patient'),
      /entry\[2\] is a match of type ImagingStudy/);
  });

  it.each([
    ['an id that is a number', (b: any) => { b.entry[0].resource.id = 7; }, /entry\[0\]\.resource\.id is number, expected a string/],
    ['a series without uid', (b: any) => { delete b.entry[2].resource.series[1].uid; }, /entry\[2\]\.resource\.series\[1\]\.uid is undefined/],
    ['a non-integer instance count', (b: any) => { b.entry[2].resource.series[0].numberOfInstances = 'many'; }, /series\[0\]\.numberOfInstances is string, expected a number/],
    ['a negative series count', (b: any) => { b.entry[2].resource.numberOfSeries = -1; }, /numberOfSeries is number, expected a non-negative integer/],
    ['a total that is not a number', (b: any) => { b.total = 'lots'; }, /total is string/],
    ['entries that are not a list', (b: any) => { b.entry = {}; }, /entry is object, expected an array/],
    ['a coding that is a string', (b: any) => { b.entry[2].resource.series[0].modality = 'CT'; }, /series\[0\]\.modality is string, expected an object/],
    ['a reference that is a string', (b: any) => { b.entry[4].resource.subject = 'Patient/LUNG-0007'; }, /entry\[4\]\.resource\.subject is string/],
    ['a link without url', (b: any) => { delete b.link[1].url; }, /link\[1\]\.url is undefined/],
  ])('names the element at fault: %s', (_, edit, fragment) => {
    const message = badResponse(() => parseSearchBundle(edited('patient-search-page.json', edit), REPO, 'Patient search', 'Patient'), fragment);
    expect(message).toMatch(/malformed Patient search response/);
    expect(message).not.toMatch(/LUNG-0007/);
  });

  it('skips warning outcomes but counts them, and fails on an error outcome entry', () => {
    const warning = { resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'processing', diagnostics: 'Not all _include resources were actually included' }] }, search: { mode: 'outcome' } };
    const page = parseSearchBundle(edited('patient-search-page.json', (b) => b.entry.push(warning)), REPO, 'Patient search', 'Patient');
    expect(page.warnings).toBe(1);
    expect(page.matchIds).toHaveLength(2);
    const error = { ...warning, resource: { ...warning.resource, issue: [{ severity: 'error', code: 'too-costly' }] } };
    badResponse(() => parseSearchBundle(edited('patient-search-page.json', (b) => b.entry.push(error)), REPO, 'Patient search', 'Patient'),
      /OperationOutcome with an error \(error\/too-costly\)/);
  });
});

describe('case records', () => {
  const page = parseSearchBundle(fixture('patient-search-page.json'), REPO, 'Patient search', 'Patient');
  const { records, primaryConditions } = caseRecords(page.matchIds, page.resources, { repositoryId: REPO });

  it('maps a staged mCODE patient with two studies', () => {
    expect(primaryConditions.get('LUNG-0007')).toBe('LUNG-0007-dx');
    const dicomweb = 'https://pacs.example.org/dicom-web';
    expect(asServed(records[0])).toEqual({
      id: `${REPO}/LUNG-0007`, repositoryId: REPO, subjectId: 'LUNG-0007', collection: 'UKA-LUNG', sex: 'MALE',
      // 1951-08-20 to 2016-01-01 (the date as written; the UTC instant is 2015-12-31)
      ageAtDiagnosis: 64,
      diagnosis: {
        cancerSite: 'LUNG', icd10: 'C34.1', icdO3Topography: 'C34.1', icdO3Morphology: '8140/3', description: 'Adenocarcinoma, NOS',
        yearOfDiagnosis: 2016, stage: null,
      },
      studies: [
        {
          uid: '1.2.826.0.1.3680043.8.498.102', date: '2016-01-05', description: null, modalities: ['PT'], bodyParts: ['WHOLE_BODY'],
          seriesCount: 1, instanceCount: 300,
          series: [{
            uid: '1.2.826.0.1.3680043.8.498.102.1', modality: 'PT', modalityRaw: 'PT', bodyPart: 'WHOLE_BODY', bodyPartRaw: 'GANZKOERPER',
            manufacturer: null, description: null, instanceCount: 300, sizeBytes: null,
            retrieve: { protocol: 'DICOMWEB_WADO_RS', url: `${dicomweb}/studies/1.2.826.0.1.3680043.8.498.102/series/1.2.826.0.1.3680043.8.498.102.1` },
          }],
        },
        {
          uid: '1.2.826.0.1.3680043.8.498.101', date: '2016-03-14', description: 'CT THORAX W CONTRAST', modalities: ['CT', 'SEG', 'SR'],
          bodyParts: ['CHEST', 'PELVIS', 'UNKNOWN'], seriesCount: 4, instanceCount: 482,
          series: [
            {
              uid: '1.2.826.0.1.3680043.8.498.101.1', modality: 'CT', modalityRaw: 'CT', bodyPart: 'CHEST', bodyPartRaw: 'THORAX',
              manufacturer: 'SIEMENS', description: 'CT series 1', instanceCount: 240, sizeBytes: null,
              retrieve: { protocol: 'DICOMWEB_WADO_RS', url: `${dicomweb}/studies/1.2.826.0.1.3680043.8.498.101/series/1.2.826.0.1.3680043.8.498.101.1` },
            },
            {
              // the code older CID 4031 editions gave CHEST
              uid: '1.2.826.0.1.3680043.8.498.101.2', modality: 'CT', modalityRaw: 'CT', bodyPart: 'CHEST', bodyPartRaw: 'Chest',
              manufacturer: 'SIEMENS', description: 'CT series 2', instanceCount: 241, sizeBytes: null,
              retrieve: { protocol: 'DICOMWEB_WADO_RS', url: `${dicomweb}/studies/1.2.826.0.1.3680043.8.498.101/series/1.2.826.0.1.3680043.8.498.101.2` },
            },
            {
              // no code: the raw text decides; its series endpoint is WADO-URI, not a DICOMweb series URL
              uid: '1.2.826.0.1.3680043.8.498.101.3', modality: 'SEG', modalityRaw: 'SEG', bodyPart: 'PELVIS', bodyPartRaw: 'Pelvis^Masculin',
              manufacturer: 'QIICR', description: 'SEG series 3', instanceCount: 1, sizeBytes: null, retrieve: null,
            },
            {
              uid: '1.2.826.0.1.3680043.8.498.101.4', modality: 'SR', modalityRaw: 'SR', bodyPart: 'UNKNOWN', bodyPartRaw: null,
              manufacturer: null, description: 'SR series 4', instanceCount: null, sizeBytes: null,
              retrieve: { protocol: 'DICOMWEB_WADO_RS', url: `${dicomweb}/studies/1.2.826.0.1.3680043.8.498.101/series/1.2.826.0.1.3680043.8.498.101.4` },
            },
          ],
        },
      ],
    });
  });

  it('falls back to an ICD-10 primary without profile, ignores refuted ones, and gives no age for a year-only birthDate', () => {
    expect(records[1]).toEqual({
      id: `${REPO}/LUNG-0012`, repositoryId: REPO, subjectId: 'LUNG-0012', collection: null, sex: 'UNKNOWN', ageAtDiagnosis: null,
      diagnosis: { cancerSite: 'LUNG', icd10: 'C34.9', icdO3Topography: null, icdO3Morphology: null, description: null, yearOfDiagnosis: 2019, stage: null },
      studies: [],
    });
  });

  it('prefers the profiled primary over an earlier secondary or non-cancer condition', () => {
    const chosen = primaryConditionOf(page.resources.conditions.filter((c) => c.subject === 'Patient/LUNG-0007'));
    expect(chosen?.id).toBe('LUNG-0007-dx');
    expect(primaryConditionOf([])).toBeNull();
  });

  it('skips patient ids without a Patient resource and repeated ids', () => {
    const again = caseRecords(['LUNG-0012', 'MISSING', 'LUNG-0012'], page.resources, { repositoryId: REPO });
    expect(again.records.map((r) => r.subjectId)).toEqual(['LUNG-0012']);
  });
});

describe('stages', () => {
  const observations = parseSearchBundle(fixture('stage-observations.json'), REPO, 'Observation search', 'Observation').resources.observations;
  const byId = new Map(observations.map((o) => [o.id, o]));
  const of = (patient: string) => observations.filter((o) => o.subject === `Patient/${patient}`);

  it('reads the group and T/N/M members, ignoring an entered-in-error group', () => {
    expect(stageOf(of('P1'), 'P1-dx', byId)).toEqual({ group: 'IIIA', t: 'T3', n: 'N1', m: 'M0', system: 'AJCC 8th' });
  });

  it('reads components, prefers the group focused on the primary Condition, takes the method display', () => {
    expect(stageOf(of('P2'), 'P2-dx', byId)).toEqual({ group: 'IB', t: 'T2', n: 'N0', m: 'M0', system: 'AJCC 8th edition' });
  });

  it('is null without a stage-group Observation', () => {
    expect(stageOf([], 'P3-dx', byId)).toBeNull();
  });
});

describe('ages and dates', () => {
  it.each([
    ['1950-06-15', '2010-06-15', 60],
    ['1950-06-15', '2010-06-14', 59],
    ['1950-06-15', '2010-07-01', 60],
    ['1952-02-29', '2012-02-28', 59],
    ['1952-02-29', '2012-02-29', 60],
    ['1950', '2010-06-15', null],
    ['1950-06-15', '2010-06', null],
    ['2011-01-01', '2010-06-15', null],
  ])('completed years from %s to %s: %s', (birth, at, age) => {
    expect(completedYears(birth, at)).toBe(age);
  });

  it('reads onsetAge in UCUM units', () => {
    expect(yearsOfAge({ value: 61, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' })).toBe(61);
    expect(yearsOfAge({ value: 18, unit: null, system: null, code: 'mo' })).toBe(1.5);
    expect(yearsOfAge({ value: 3, unit: 'parsec', system: null, code: null })).toBeNull();
    expect(yearsOfAge(null)).toBeNull();
  });

  it('gives back the synthetic age from the birth date the simulator writes, for every shift and leap year', () => {
    for (const onset of ['2012-02-28', '2016-03-01', '2010-01-01', '2015-12-28', '2020-02-28']) {
      for (const age of [0, 1, 17, 58, 93]) {
        for (const shift of [0, 1, 59, 60, 200, 364, 365]) expect(completedYears(birthDateFor(onset, age, shift), onset)).toBe(age);
      }
    }
  });

  it('reads references in every form', () => {
    expect(referenceId('Patient/P-1.a', 'Patient')).toBe('P-1.a');
    expect(referenceId('https://fhir.example.org/fhir/Patient/P1/_history/3', 'Patient')).toBe('P1');
    expect(referenceId('Group/P1', 'Patient')).toBeNull();
    expect(referenceId('#dev1', 'Device')).toBeNull();
    expect(referenceId(null, 'Patient')).toBeNull();
  });
});

describe('code tables', () => {
  it('reads every SNOMED code the simulator writes as the same body part', () => {
    for (const [part, code] of Object.entries(SIMULATOR_BODY_PART_SNOMED)) {
      expect(bodyPartOfSnomed(code!.code)).toBe(part);
      if (code!.legacy) expect(bodyPartOfSnomed(code!.legacy)).toBe(part);
    }
    expect(bodyPartOfSnomed('123456')).toBeNull();
  });

  it('reads SNOMED CT cancer disorders, body structures and morphologies, and gives nothing for a code it does not list', () => {
    expect(cancerSiteOfSnomedDisorder('372137005')).toBe('BREAST');
    expect(cancerSiteOfSnomedDisorder(' 93880001 ')).toBe('LUNG');
    expect(cancerSiteOfSnomedDisorder('363346000')).toBeNull(); // "Malignant neoplastic disease": no site
    expect(cancerSiteOfSnomedDisorder('38341003')).toBeNull(); // hypertensive disorder
    expect(cancerSiteOfSnomedBodyStructure('80248007')).toBe('BREAST');
    expect(cancerSiteOfSnomedBodyStructure('69536005')).toBeNull();
    expect(icdO3MorphologyOfSnomed('82711006')).toBe('8500/3');
    expect(icdO3MorphologyOfSnomed(null)).toBeNull();
    // Every organ structure the simulator writes for a tumour site is read as that site.
    for (const [category, structure] of Object.entries(TOPOGRAPHY_SNOMED)) {
      expect([category, cancerSiteOfSnomedBodyStructure(structure.code)]).toEqual([category, cancerSiteFromCode(category)]);
    }
  });

  it('reads AJCC values from SNOMED CT codes, or from the display SNOMED CT writes for all of them', () => {
    expect(ajccValueOfSnomed('1222769001', null)).toBe('IIB');
    expect(ajccValueOfSnomed('1229999999', 'American Joint Committee on Cancer pT1a (qualifier value)')).toBe('pT1a');
    expect(ajccValueOfSnomed('1229999998', 'American Joint Committee on Cancer stage IVB (qualifier value)')).toBe('IVB');
    expect(ajccValueOfSnomed('1', 'Something else')).toBeNull();
  });

  it('expands a modality to every DCM term that normalises to it', () => {
    expect(dcmCodesFor('MR')).toEqual(expect.arrayContaining(['MR', 'MA', 'MS']));
    expect(dcmCodesFor('NM')).toEqual(expect.arrayContaining(['NM', 'ST']));
    expect(dcmCodesFor('CT')).not.toContain('MR');
  });
});

describe('collections', () => {
  const study = parseSearchBundle(fixture('research-studies.blaze.json'), REPO, 'ResearchStudy search', 'ResearchStudy').resources.researchStudies[0];

  it('takes sites from ResearchStudy.condition and modalities from DCM keywords, metadata from the config first', () => {
    expect(collectionRecord(study, 96, undefined)).toEqual({
      id: 'UKA-LUNG', name: 'Lung CT cohort', description: 'Non-small cell lung cancer, staging CT and PET/CT.', licence: null,
      doi: '10.99999/demo.uka.lung', landingPage: null, subjects: 96, studies: null, cancerSites: ['LUNG'], modalities: ['CT', 'PT'],
    });
    expect(collectionRecord(study, 96, { id: 'UKA-LUNG', name: 'UKA Lung', cancerSite: 'LUNG', licence: 'CC BY 4.0' }))
      .toMatchObject({ name: 'UKA Lung', licence: 'CC BY 4.0' });
  });
});

describe('next links', () => {
  const client = new FhirClient({ repositoryId: REPO, baseUrl: 'http://127.0.0.1:9/fhir', timeoutMs: 1000 });
  afterAll(() => client.close());

  it('keeps path and query below the base, whatever host the server advertises', () => {
    expect(client.relativeLink('http://hapi.internal:8080/fhir?_getpages=abc&_getpagesoffset=2&_count=2'))
      .toBe('?_getpages=abc&_getpagesoffset=2&_count=2');
    expect(client.relativeLink('https://blaze.example.org/fhir/ResearchStudy/__page?__t=12&__page-id=X')).toBe('/ResearchStudy/__page?__t=12&__page-id=X');
  });

  it('refuses links outside the base', () => {
    for (const link of ['http://evil.example.org/other?x=1', 'http://127.0.0.1:9/fhir/../admin?x', 'http://127.0.0.1:9/fhirx?y', 'http://[bad']) {
      expect(thrown(() => client.relativeLink(link)).extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPO });
    }
  });
});
