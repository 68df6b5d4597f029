/**
 * The QIDO-RS simulator against a real Orthanc 1.10.1 + DICOMweb 1.7 holding the same synthetic data: the same
 * queries must give the same results, quirks included. This is what lets the DICOMweb adapter's other tests
 * run against the simulator alone.
 */
import { startQidoSimulator, type DicomJsonDataset, type RunningQidoSimulator } from '../../simulators/dicomweb';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import { seedDicomWeb } from '../support/dicom-seed';
import { startOrthanc, type RunningOrthanc } from '../support/orthanc';
import { normalise, qido, text, type QidoAnswer } from './qido';

const DATA = generateRepositoryData({
  repositoryId: 'faithful',
  seed: 7,
  cases: 12,
  subjectPrefix: 'FT',
  language: 'es',
  maxInstancesPerSeries: 2,
  collections: [
    { id: 'LUNG1', name: 'Lung', cancerSite: 'LUNG' },
    { id: 'PROST1', name: 'Prostate', cancerSite: 'PROSTATE' },
  ],
});
const AUTH = { username: 'qido-test', password: 'faithful-secret' };

const STUDY_UID = '0020000D';
const SERIES_UID = '0020000E';
const SOP_INSTANCE_UID = '00080018';
const PATIENT_ID = '00100020';

// Identifiers picked from the data, so the queries stay meaningful if the generator changes.
const studies = DATA.cases.flatMap((subject) => subject.studies);
const withSegmentation = studies.find((study) => study.series.some((series) => series.modality === 'SEG'));
const withStructuredReport = studies.find((study) => study.series.some((series) => series.modality === 'SR'));
if (!withSegmentation || !withStructuredReport) throw new Error('the test data needs a study with SEG and one with SR');
const firstSeries = withSegmentation.series[0];
const patientA = DATA.cases[0].subjectId;
const patientB = DATA.cases[DATA.cases.length - 1].subjectId;
const lungPatients = `${patientA.split('-').slice(0, 2).join('-')}-*`;

let orthanc: RunningOrthanc | undefined;
let simulator: RunningQidoSimulator | undefined;
let seeded = 0;

beforeAll(async () => {
  orthanc = await startOrthanc(AUTH);
  simulator = await startQidoSimulator({ data: DATA, basicAuth: AUTH });
  seeded = (await seedDicomWeb(orthanc.dicomWebRoot, orthanc.auth, DATA)).instances;
});

afterAll(async () => {
  await simulator?.close();
  await orthanc?.stop();
});

/** The same request to both servers. */
async function both(pathAndQuery: string, auth = AUTH): Promise<{ real: QidoAnswer; simulated: QidoAnswer }> {
  if (!orthanc || !simulator) throw new Error('servers not started');
  const [real, simulated] = await Promise.all([qido(orthanc.dicomWebRoot, pathAndQuery, auth), qido(simulator.dicomWebRoot, pathAndQuery, auth)]);
  return { real, simulated };
}

function resultsOf(answer: QidoAnswer): DicomJsonDataset[] {
  if (!answer.results) throw new Error(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
  return answer.results;
}

/** The UID that identifies a result at its level. */
function identity(dataset: DicomJsonDataset): string {
  return text(dataset, SOP_INSTANCE_UID) ?? text(dataset, SERIES_UID) ?? text(dataset, STUDY_UID) ?? JSON.stringify(dataset);
}

function uids(answer: QidoAnswer): string[] {
  return resultsOf(answer).map(identity);
}

/** Results keyed by UID, attributes normalised: order-free, as PS3.18 promises no order. */
function byUid(answer: QidoAnswer, root: string): Map<string, Record<string, string>> {
  return new Map(resultsOf(answer).map((dataset) => [identity(dataset), normalise(dataset, root)]));
}

function expectSameResults(real: QidoAnswer, simulated: QidoAnswer): void {
  expect(simulated.status).toBe(real.status);
  expect(simulated.contentType).toBe(real.contentType);
  if (real.status !== 200) {
    // Orthanc's error body, compared as JSON (whitespace aside).
    expect(JSON.parse(simulated.text)).toEqual(JSON.parse(real.text));
    return;
  }
  expect(resultsOf(simulated)).toHaveLength(resultsOf(real).length);
  expect(byUid(simulated, simulator!.dicomWebRoot)).toEqual(byUid(real, orthanc!.dicomWebRoot));
}

test('seeds every instance of the data', () => {
  const expected = studies.reduce((sum, study) => sum + study.series.reduce((s, series) => s + series.instanceCount, 0), 0);
  expect(seeded).toBe(expected);
});

// [query, whether Orthanc finds something]. Each non-empty case also guards against comparing two empty lists.
const QUERIES: ReadonlyArray<readonly [string, 'some' | 'none' | 'error']> = [
  ['/studies', 'some'],
  [`/studies?PatientID=${patientA}`, 'some'],
  [`/studies?PatientID=${patientA},${patientB}`, 'some'],
  [`/studies?PatientID=${patientA}%2C${patientB}`, 'some'],
  [`/studies?PatientID=${patientA.toLowerCase()}`, 'some'],
  [`/studies?PatientID=${lungPatients}`, 'some'],
  [`/studies?PatientID=*0001,${patientB}`, 'some'],
  [`/studies?PatientName=Anon^${patientA}`, 'some'],
  [`/studies?PatientName=Anon%5E${patientA}`, 'none'],
  ['/studies?StudyDate=20140101-20201231', 'some'],
  ['/studies?StudyDate=20140101-', 'some'],
  ['/studies?StudyDate=-20150101', 'some'],
  ['/studies?StudyDate=2014*', 'error'],
  ['/studies?ModalitiesInStudy=CT', 'some'],
  ['/studies?ModalitiesInStudy=CT,MR', 'some'],
  ['/studies?ModalitiesInStudy=SEG', 'some'],
  ['/studies?ModalitiesInStudy=CT&limit=5&offset=5', 'none'],
  ['/studies?limit=5&offset=5', 'some'],
  ['/studies?includefield=PatientAge,StudyDescription,ClinicalTrialProtocolID,PatientSex', 'some'],
  ['/studies?includefield=PatientAge&includefield=00081030&includefield=all', 'some'],
  ['/studies?includefield=BodyPartExamined,Manufacturer,ManufacturerModelName,SeriesDescription', 'some'],
  ['/studies?ClinicalTrialProtocolID=LUNG1', 'some'],
  ['/studies?00120020=prost1&includefield=00120020', 'some'],
  ['/studies?StudyDescription=MR?PROSTATA', 'some'],
  ['/studies?StudyDescription=MR%20PROSTATA', 'none'],
  ['/studies?Modality=CT', 'none'],
  [`/studies?ManufacturerModelName=dcmqi`, 'none'],
  ['/studies?StudyInstanceUID=1.2.3.4.5.6.7.8.9', 'none'],
  [`/studies/${withSegmentation.uid}/series`, 'some'],
  [`/studies/${withSegmentation.uid}/series?Modality=SEG`, 'some'],
  ['/studies/1.2.3.4.5.6.7.8.9/series', 'none'],
  [`/series?StudyInstanceUID=${withSegmentation.uid},${withStructuredReport.uid}&includefield=BodyPartExamined,Manufacturer`, 'some'],
  ['/series?Modality=MR', 'some'],
  ['/series?Modality=CT,PT&limit=7&offset=3', 'some'],
  ['/series?BodyPartExamined=P*', 'some'],
  ['/series?BodyPartExamined=pros*', 'some'],
  ['/series?BodyPartExamined=*', 'some'],
  ['/series?Manufacturer=siemens&includefield=ManufacturerModelName', 'some'],
  ['/series?00120020=LUNG1', 'some'],
  ['/series?SeriesNumber=1*', 'error'],
  [`/studies/${withSegmentation.uid}/series/${firstSeries.uid}/instances`, 'some'],
  ['/instances?limit=7&offset=3', 'some'],
  ['/studies?limit=abc', 'error'],
  ['/studies?fuzzymatching=maybe', 'error'],
];

test.each(QUERIES)('%s gives what Orthanc gives', async (query, expectation) => {
  const { real, simulated } = await both(query);
  if (expectation === 'error') expect(real.status).toBeGreaterThanOrEqual(400);
  else expect(resultsOf(real).length > 0).toBe(expectation === 'some');
  expectSameResults(real, simulated);
});

test('comma lists: /series?StudyInstanceUID=a,b gives the series of both studies, without study-level attributes', async () => {
  const query = `/series?StudyInstanceUID=${withSegmentation.uid},${withStructuredReport.uid}`;
  const { real, simulated } = await both(query);
  const expected = [...withSegmentation.series, ...withStructuredReport.series].map((series) => series.uid).sort();
  for (const answer of [real, simulated]) {
    expect(uids(answer).sort()).toEqual(expected);
    // The key in the query string (not the path) makes the plugin leave study-level attributes out.
    expect(resultsOf(answer).every((dataset) => dataset[PATIENT_ID] === undefined)).toBe(true);
  }
});

test('results come in the same order (Orthanc-specific: public-id order, UID order with ModalitiesInStudy)', async () => {
  for (const query of ['/studies', '/studies?ModalitiesInStudy=CT,MR', '/series', `/series?PatientID=${patientB}`, '/instances']) {
    const { real, simulated } = await both(query);
    expect(uids(simulated)).toEqual(uids(real));
  }
});

test('plain limit/offset pages through everything, with no total and no Warning header', async () => {
  const { real: all } = await both('/studies');
  const pages: { real: string[]; simulated: string[] } = { real: [], simulated: [] };
  for (let offset = 0; offset < resultsOf(all).length + 5; offset += 5) {
    const { real, simulated } = await both(`/studies?limit=5&offset=${offset}`);
    for (const answer of [real, simulated]) {
      expect(answer.headers.get('warning')).toBeNull();
      expect(answer.contentType).toBe('application/dicom+json');
    }
    pages.real.push(...uids(real));
    pages.simulated.push(...uids(simulated));
  }
  expect(pages.real).toEqual(uids(all));
  expect(pages.simulated).toEqual(pages.real);
});

test('ModalitiesInStudy paging bug: results[offset:limit], and the limit=offset+limit workaround', async () => {
  const { real: all } = await both('/studies?ModalitiesInStudy=CT,MR');
  const full = uids(all);
  expect(full.length).toBeGreaterThan(10);
  const cases: ReadonlyArray<readonly [number, number, string[]]> = [
    [5, 0, full.slice(0, 5)],
    [5, 2, full.slice(2, 5)],
    [5, 5, []],
    [3, 8, []],
    [0, 5, full], // limit 0: the offset is ignored
  ];
  for (const [limit, offset, expected] of cases) {
    const { real, simulated } = await both(`/studies?ModalitiesInStudy=CT,MR&limit=${limit}&offset=${offset}`);
    expect(uids(real)).toEqual(expected);
    expect(uids(simulated)).toEqual(expected);
  }
  // Workaround for adapters: ask for limit=offset+limit and drop the first `offset` results.
  for (const server of ['real', 'simulated'] as const) {
    const paged: string[] = [];
    for (let offset = 0; offset < full.length; offset += 4) {
      const answer = (await both(`/studies?ModalitiesInStudy=CT,MR&limit=${offset + 4}&offset=${offset}`))[server];
      paged.push(...uids(answer).slice(0, 4));
    }
    expect(paged).toEqual(full);
  }
});

test('a wrong password or no credentials gives 401 on both', async () => {
  const { real, simulated } = await both('/studies', { username: AUTH.username, password: 'wrong' });
  expect(real.status).toBe(401);
  expect(simulated.status).toBe(401);
  const anonymous = await Promise.all([orthanc!, simulator!].map((server) => fetch(`${server.dicomWebRoot}/studies`)));
  expect(anonymous.map((response) => response.status)).toEqual([401, 401]);
  await Promise.all(anonymous.map((response) => response.arrayBuffer()));
});
