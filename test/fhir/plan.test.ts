/**
 * What the adapter asks a FHIR server, from what the server declares: the CapabilityStatement read into a profile,
 * the plan per filter (`_has` when declared, a two-step search otherwise, never a parameter the server lacks), and
 * the self-link check that tells which sent parameters a server ignored.
 */
import { pagesByOffset } from '../../subgraphs/fhir/native-reads';
import { ignoredParameters } from '../../subgraphs/fhir/applied';
import { parseCapabilityStatement } from '../../subgraphs/fhir/parse';
import { escapeSearchValue, nativelyExactPart, planCandidates, ServerProfile } from '../../subgraphs/fhir/plan';
import { ErrorCode, filterOf, thrown } from './support';

const REPO = 'fhir-fixture';
const NATIVE = { nativeImageCriteria: true };
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

/** A CapabilityStatement in the shape servers send, with the given search parameters per type and at the rest level. */
function statement(common: string[], byType: Record<string, string[]>, revIncludes: string[] = []): unknown {
  return {
    resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1',
    rest: [
      { mode: 'client', resource: [{ type: 'Patient', searchParam: [{ name: 'everything', type: 'token' }] }] },
      {
        mode: 'server',
        searchParam: common.map((name) => ({ name, type: 'special' })),
        resource: Object.entries(byType).map(([type, names]) => ({
          type, searchParam: names.map((name) => ({ name, type: 'token' })),
          ...(type === 'Patient' ? { searchRevInclude: revIncludes } : {}),
        })),
      },
    ],
  };
}

const FULL = {
  Patient: ['_id', 'gender'], ImagingStudy: ['subject', 'modality', 'bodysite'], ResearchSubject: ['individual', 'study'],
  Condition: ['subject', 'onset-date'],
};
const withHas = () => new ServerProfile(parseCapabilityStatement(statement(['_has', '_summary'], FULL), REPO));
const withoutHas = () => new ServerProfile(parseCapabilityStatement(statement(['_summary'], FULL), REPO));

describe('CapabilityStatement', () => {
  it('reads search parameters per type, the rest-level ones for every type, and the revinclude values, of the server part only', () => {
    const capabilities = parseCapabilityStatement(statement(['_has'], FULL, ['ImagingStudy:subject']), REPO);
    expect([...capabilities.searchParams.get('Patient')!].sort()).toEqual(['_has', '_id', 'gender']);
    expect(capabilities.searchParams.get('ImagingStudy')!.has('_has')).toBe(true);
    expect([...capabilities.revIncludes.get('Patient')!]).toEqual(['ImagingStudy:subject']);
    const profile = new ServerProfile(capabilities);
    expect(profile.supports('Patient', 'everything')).toBe(false); // declared for the client mode only
    expect(profile.supports('Observation', '_has')).toBe(true); // a type without a resource entry still has the common ones
    expect(profile.supports('Observation', 'code')).toBe(false);
    expect(profile.revIncludes('Patient', 'ImagingStudy:subject')).toBe(true);
    expect(profile.revIncludes('Patient', 'Condition:subject')).toBe(false);
  });

  it('refuses what is not a CapabilityStatement, naming the call', () => {
    for (const body of [{ resourceType: 'Bundle', type: 'searchset', total: 0 }, null, { resourceType: 'CapabilityStatement', rest: 'x' }]) {
      const error = thrown(() => parseCapabilityStatement(body, REPO));
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPO });
      expect(error.message).toMatch(/malformed metadata response/);
    }
  });
});

describe('plan', () => {
  it('escapes the four FHIR search characters', () => {
    expect(escapeSearchValue('a,b|c$d\\e')).toBe('a\\,b\\|c\\$d\\\\e');
    expect(escapeSearchValue('plain-id.1')).toBe('plain-id.1');
  });

  it('pushes sex down exactly, except UNKNOWN (unknown or no gender), and only where gender is declared', () => {
    expect(planCandidates(filterOf({ sex: ['MALE', 'FEMALE'] }), withHas(), NATIVE)).toEqual({ patientParams: [['gender', 'male,female']], idSets: [], local: [], exact: true });
    expect(planCandidates(filterOf({ sex: ['UNKNOWN', 'MALE'] }), withHas(), NATIVE)).toMatchObject({ patientParams: [], local: ['SEX'], exact: false });
    const noGender = new ServerProfile(parseCapabilityStatement(statement([], { Patient: ['_id'] }), REPO));
    expect(planCandidates(filterOf({ sex: ['MALE'] }), noGender, NATIVE)).toMatchObject({ patientParams: [], local: ['SEX'], exact: false });
  });

  it('uses _has where declared: collections and modalities decided exactly, the year only narrowing', () => {
    const plan = planCandidates(filterOf({ collections: ['FH-LUNG', 'A,B'], modalities: ['MR'], yearOfDiagnosis: { min: 2015, max: 2018 } }), withHas(), NATIVE);
    expect(plan.idSets).toEqual([]);
    expect(plan.patientParams.map(([name]) => name)).toEqual([
      '_has:ResearchSubject:individual:study', '_has:ImagingStudy:subject:modality', '_has:Condition:subject:onset-date', '_has:Condition:subject:onset-date',
    ]);
    expect(plan.patientParams[0][1]).toBe('ResearchStudy/FH-LUNG,ResearchStudy/A\\,B');
    expect(plan.patientParams[1][1].split(',')).toEqual(expect.arrayContaining([`${DCM}|MR`, `${DCM}|MA`]));
    expect(plan.patientParams.slice(2).map(([, value]) => value)).toEqual(['ge2014-12-31', 'le2019-01-01']);
    expect(plan.local).toEqual(['YEAR_OF_DIAGNOSIS']);
  });

  it('makes each reverse chain a search of its own when _has is not declared (two-step)', () => {
    const plan = planCandidates(filterOf({ collections: ['FH-LUNG'], modalities: ['CT'], yearOfDiagnosis: { min: 2020 }, sex: ['FEMALE'] }), withoutHas(), NATIVE);
    expect(plan.patientParams).toEqual([['gender', 'female']]);
    expect(plan.idSets).toEqual([
      { type: 'ResearchSubject', reference: 'individual', criterion: 'COLLECTIONS', params: [['study', 'ResearchStudy/FH-LUNG']] },
      { type: 'ImagingStudy', reference: 'subject', criterion: 'MODALITIES', params: [['modality', expect.stringContaining(`${DCM}|CT`)]] },
      { type: 'Condition', reference: 'subject', criterion: 'YEAR_OF_DIAGNOSIS', params: [['onset-date', 'ge2019-12-31']] },
    ]);
    expect(plan.local).toEqual(['YEAR_OF_DIAGNOSIS']);
  });

  it('never pushes body parts (display-only codings), sites, ages or manufacturers', () => {
    const plan = planCandidates(filterOf({ bodyParts: ['CHEST'], cancerSites: ['LUNG'], ageAtDiagnosis: { min: 40 }, manufacturers: ['ge'], modalities: ['CT'] }), withHas(), NATIVE);
    expect(plan.patientParams.map(([name]) => name)).toEqual(['_has:ImagingStudy:subject:modality']);
    expect(plan.local).toEqual(['CANCER_SITES', 'AGE_AT_DIAGNOSIS', 'BODY_PARTS', 'MANUFACTURERS']);
    expect(nativelyExactPart(filterOf({ modalities: ['CT'], bodyParts: ['CHEST'], sex: ['MALE'] }), planCandidates(filterOf({ modalities: ['CT'], bodyParts: ['CHEST'], sex: ['MALE'] }), withHas(), NATIVE)))
      .toEqual(filterOf({ modalities: ['CT'], sex: ['MALE'] }));
    expect(planCandidates(filterOf({ modalities: ['CT'] }), withHas(), { nativeImageCriteria: false })).toMatchObject({ patientParams: [], local: ['MODALITIES'] });
  });

  it('stops using a parameter once the server was seen ignoring it', () => {
    const profile = withHas();
    profile.ignore('Patient?_has');
    expect(planCandidates(filterOf({ modalities: ['CT'] }), profile, NATIVE).idSets.map((s) => s.type)).toEqual(['ImagingStudy']);
    profile.ignore('ImagingStudy?modality');
    expect(planCandidates(filterOf({ modalities: ['CT'] }), profile, NATIVE)).toMatchObject({ patientParams: [], idSets: [], local: ['MODALITIES'], exact: false });
  });
});

describe('self links', () => {
  const sent: Array<[string, string]> = [
    ['gender', 'male'], ['_has:ImagingStudy:subject:modality', `${DCM}|CT`], ['_revinclude', 'ImagingStudy:subject'], ['_revinclude', 'Condition:subject'],
    ['_count', '100'], ['_elements', 'id'],
  ];

  it('finds nothing ignored when every parameter is echoed, however encoded, ordered or shaped', () => {
    const self = `http://hapi:8080/fhir/Patient?_revinclude=Condition%3Asubject&gender=male&_has%3AImagingStudy%3Asubject%3Amodality=${encodeURIComponent(`${DCM}|CT`)}&_revinclude=ImagingStudy:subject&_count=20`;
    expect(ignoredParameters(sent, self)).toEqual([]);
  });

  it('names what the server left out: a reverse chain, an include', () => {
    expect(ignoredParameters(sent, 'http://x/fhir/Patient?gender=male&_revinclude=ImagingStudy:subject')).toEqual([
      '_has:ImagingStudy:subject:modality', '_revinclude=Condition:subject',
    ]);
  });

  it('counts repeated parameters: one of two onset-date bounds dropped is ignored', () => {
    const bounds: Array<[string, string]> = [['onset-date', 'ge2014-12-31'], ['onset-date', 'le2019-01-01']];
    expect(ignoredParameters(bounds, 'http://x/fhir/Condition?onset-date=ge2014-12-31')).toEqual(['onset-date']);
  });

  it('cannot tell without a self link (Medplum\'s router writes none)', () => {
    expect(ignoredParameters(sent, null)).toBeNull();
  });
});

describe('pages addressed by offset', () => {
  it('turns a HAPI next link into every later page up to the total, keeping the search id and page size', () => {
    const links = pagesByOffset('/?_getpages=5e1f&_getpagesoffset=20&_count=20&_bundletype=searchset', 65);
    expect(links).toEqual([20, 40, 60].map((at) => `/?_getpages=5e1f&_getpagesoffset=${at}&_count=20&_bundletype=searchset`));
  });

  it('follows any other link one by one: opaque cursors, missing or zero page sizes', () => {
    expect(pagesByOffset('/Patient?_cursor=abc', 100)).toBeNull();
    expect(pagesByOffset('/?_getpages=5e1f&_getpagesoffset=20', 100)).toBeNull();
    expect(pagesByOffset('/?_getpages=5e1f&_getpagesoffset=20&_count=0', 100)).toBeNull();
    expect(pagesByOffset('/?_getpagesoffset=20&_count=20', 100)).toBeNull();
  });

  it('follows the links one by one when their offset does not follow on from the first page', () => {
    expect(pagesByOffset('/?_getpages=5e1f&_getpagesoffset=20&_count=20', 100, 20)).toHaveLength(4);
    expect(pagesByOffset('/?_getpages=5e1f&_getpagesoffset=20&_count=20', 100, 7)).toBeNull();
  });
});
