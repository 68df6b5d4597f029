/**
 * mCODE's own example patients (fixtures/mcode, from HL7/fhir-mCODE-ig) as the adapter reads them: cancer site from
 * SNOMED CT disorder and body-structure codes, morphology from a SNOMED CT histology, TNM staging coded in SNOMED CT
 * with SNOMED CT AJCC values. First the pure mapping, then the same resources on Medplum's FHIR server, searched,
 * counted and listed through the adapter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseFilter } from '../../schema/generated/graphql';
import { FhirAdapter } from '../../subgraphs/fhir';
import { caseRecords, primaryConditionOf, stageOf } from '../../subgraphs/fhir/mapping';
import { parseSearchBundle } from '../../subgraphs/fhir/parse';
import type { CaseRecord } from '../../subgraphs/sdk/records';
import { walkPages } from '../support/adapter-kit';
import { startMedplumFhirServer, type RunningMedplumServer, type SeedResource } from '../support/medplum-fhir-server';
import { fhirEntry, filterOf } from './support';

const REPO = 'mcode-examples';
const AJCC_8 = 'American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system (tumor staging)';

interface CollectionBundle { resourceType: 'Bundle'; type: 'collection'; entry: Array<{ fullUrl: string; resource: SeedResource }> }

function example(name: string): CollectionBundle {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'mcode', name), 'utf8')) as CollectionBundle;
}

const JENNY = example('extended-example-jenny-m.json');
const JOHN = example('basic-example-john-anyperson.json');

/** The cases of mCODE's examples as the ground truth has them (from the IG's values; studies: none). */
const EXPECTED: Record<string, Omit<CaseRecord, 'id' | 'repositoryId'>> = {
  'cancer-patient-jenny-m': {
    subjectId: 'cancer-patient-jenny-m', collection: null, sex: 'FEMALE',
    ageAtDiagnosis: 53, // born 1965-01-01, diagnosed 2018-03-16
    diagnosis: {
      cancerSite: 'BREAST', icd10: null, icdO3Topography: null, icdO3Morphology: '8500/3',
      description: 'Infiltrating duct carcinoma (morphologic abnormality)', yearOfDiagnosis: 2018,
      // The pathological group (2018-04-05) is preferred; both groups list the pathologic categories as members.
      stage: { group: 'IIB', t: 'pT3', n: 'pN0', m: null, system: AJCC_8 },
    },
    studies: [],
  },
  'cancer-patient-john-anyperson': {
    subjectId: 'cancer-patient-john-anyperson', collection: null, sex: 'MALE',
    ageAtDiagnosis: 68, // born 1951-01-20, diagnosed 2019-04-01
    diagnosis: {
      cancerSite: 'LUNG', icd10: null, icdO3Topography: null, icdO3Morphology: '8140/3',
      description: 'Adenocarcinoma (morphologic abnormality)', yearOfDiagnosis: 2019,
      stage: { group: 'IIIC', t: 'cT3', n: 'cN3', m: 'cM0', system: AJCC_8 },
    },
    studies: [],
  },
};

/** The example as one search page: its Patient the match, the rest included (packaging only; resources as given). */
function asSearchPage(bundle: CollectionBundle): unknown {
  return {
    resourceType: 'Bundle', type: 'searchset',
    entry: bundle.entry.map((e) => ({ ...e, search: { mode: e.resource.resourceType === 'Patient' ? 'match' : 'include' } })),
  };
}

describe('mapping of mCODE\'s example patients', () => {
  it.each([['Jenny M (extended example)', JENNY], ['John Anyperson (basic example)', JOHN]])('reads %s: site, morphology, stage, age', (_, bundle) => {
    const page = parseSearchBundle(asSearchPage(bundle), REPO, 'Patient search', 'Patient');
    const { records } = caseRecords(page.matchIds, page.resources, { repositoryId: REPO });
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toEqual({ id: `${REPO}/${record.subjectId}`, repositoryId: REPO, ...EXPECTED[record.subjectId] });
  });

  it('chooses the primary cancer Condition over comorbidities, a secondary cancer and the chronic heart failure', () => {
    const jenny = parseSearchBundle(asSearchPage(JENNY), REPO, 'Patient search', 'Patient').resources.conditions;
    expect(jenny).toHaveLength(4);
    expect(primaryConditionOf(jenny)?.id).toBe('primary-cancer-condition-jenny-m');
    const john = parseSearchBundle(asSearchPage(JOHN), REPO, 'Patient search', 'Patient').resources.conditions;
    expect(primaryConditionOf(john)?.id).toBe('primary-cancer-condition-nsclc');
    // Without its profile, a Condition coded as a SNOMED CT primary cancer disorder is still the primary one.
    const unprofiled = jenny.map((c) => ({ ...c, profiles: [] }));
    expect(primaryConditionOf(unprofiled)?.id).toBe('primary-cancer-condition-jenny-m');
  });

  it('reads the clinical stage group alone when there is no pathological one', () => {
    const observations = parseSearchBundle(asSearchPage(JENNY), REPO, 'Patient search', 'Patient').resources.observations;
    const clinical = observations.filter((o) => !o.id.startsWith('tnm-pathologic-stage-group'));
    const byId = new Map(observations.map((o) => [o.id, o]));
    expect(stageOf(clinical, 'primary-cancer-condition-jenny-m', byId)).toEqual({ group: 'IIB', t: 'pT3', n: 'pN0', m: null, system: AJCC_8 });
    expect(stageOf(observations.filter((o) => o.id === 'tumor-marker-test-er-jenny-m'), 'primary-cancer-condition-jenny-m', byId)).toBeNull();
  });
});

describe('mCODE\'s example patients on Medplum\'s FHIR server, through the adapter', () => {
  let medplum: RunningMedplumServer;
  let adapter: FhirAdapter;

  beforeAll(async () => {
    medplum = await startMedplumFhirServer([...JENNY.entry, ...JOHN.entry].map((e) => e.resource));
    adapter = new FhirAdapter(fhirEntry({ repositoryId: REPO, collections: [], cases: [] }, medplum.baseUrl, { id: REPO }));
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    await medplum?.close();
  });

  it('lists both cases with their diagnosis and stage', async () => {
    const { nodes } = await walkPages(adapter, {}, 10);
    expect(nodes).toEqual(['cancer-patient-jenny-m', 'cancer-patient-john-anyperson'].map((id) => ({ id: `${REPO}/${id}`, repositoryId: REPO, ...EXPECTED[id] })));
  });

  it.each([
    ['breast', { cancerSites: ['BREAST'] }, ['cancer-patient-jenny-m']],
    ['lung', { cancerSites: ['LUNG'] }, ['cancer-patient-john-anyperson']],
    ['a site neither has', { cancerSites: ['PROSTATE'] }, []],
    ['sex', { sex: ['MALE'] }, ['cancer-patient-john-anyperson']],
    ['age at diagnosis', { ageAtDiagnosis: { min: 50, max: 60 } }, ['cancer-patient-jenny-m']],
    ['year of diagnosis', { yearOfDiagnosis: { min: 2019, max: 2019 } }, ['cancer-patient-john-anyperson']],
    ['a modality (neither has imaging)', { modalities: ['CT'] }, []],
    ['a collection (neither is enrolled)', { collections: ['ANY'] }, []],
  ] as Array<[string, CaseFilter, string[]]>)('counts and lists by %s exactly', async (_, where, subjects) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toMatchObject({ subjects: subjects.length, exact: true, filtersNotApplied: [] });
    expect((await walkPages(adapter, filter, 5)).subjects).toEqual(subjects);
  });

  it('counts the cancer-site facet from SNOMED CT codes', async () => {
    const cohort = await adapter.cohort({}, {}, { facets: true });
    expect(cohort.facets.cancerSite).toEqual(expect.arrayContaining([
      expect.objectContaining({ value: 'BREAST', subjects: 1 }), expect.objectContaining({ value: 'LUNG', subjects: 1 }),
    ]));
  });
});
