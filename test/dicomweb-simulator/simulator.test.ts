/**
 * The simulator alone (no Orthanc): the attribute sets of the responses recorded from Orthanc 1.10.1 + DICOMweb
 * 1.7 (native-apis/dicomweb-orthanc-samples/), and the HTTP behaviour around the searches.
 */
import { startQidoSimulator, type RunningQidoSimulator } from '../../simulators/dicomweb';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import { qido, text } from './qido';

const DATA = generateRepositoryData({
  repositoryId: 'simulator',
  seed: 11,
  cases: 6,
  subjectPrefix: 'SM',
  maxInstancesPerSeries: 3,
  collections: [{ id: 'BRAIN1', name: 'Brain', cancerSite: 'BRAIN' }],
});
const AUTH = { username: 'u', password: 'p' };
const study = DATA.cases[0].studies[0];
const series = study.series[0];

let simulator: RunningQidoSimulator | undefined;
beforeAll(async () => {
  simulator = await startQidoSimulator({ data: DATA, basicAuth: AUTH });
});
afterAll(async () => {
  await simulator?.close();
});

function root(): string {
  if (!simulator) throw new Error('simulator not started');
  return simulator.dicomWebRoot;
}

async function keysOf(pathAndQuery: string): Promise<string[]> {
  const answer = await qido(root(), pathAndQuery, AUTH);
  expect(answer.status).toBe(200);
  expect(answer.results?.length).toBeGreaterThan(0);
  return Object.keys(answer.results![0]);
}

// Attribute sets of the recorded responses (dicomweb-orthanc-samples/<file>), all present in this data too.
const RECORDED = {
  'studies-by-patientid.json': ['00080005', '00080020', '00080030', '00080050', '00080061', '00080090', '00081190', '00100010',
    '00100020', '00100030', '00100040', '0020000D', '00200010', '00201206', '00201208'],
  'studies-includefield-sex-age.json': ['00080005', '00080020', '00080030', '00080050', '00080061', '00080090', '00081190',
    '00100010', '00100020', '00100030', '00100040', '00101010', '00120020', '0020000D', '00200010', '00201206', '00201208'],
  'series-of-study.json': ['00080005', '00080020', '00080030', '00080050', '00080060', '00080090', '0008103E', '00081190',
    '00100010', '00100020', '00100030', '00100040', '0020000D', '0020000E', '00200010', '00200011', '00201209'],
  'series-bodypart-chest-limit5.json': ['00080005', '00080020', '00080030', '00080050', '00080060', '00080090', '0008103E',
    '00081190', '00100010', '00100020', '00100030', '00100040', '00180015', '0020000D', '0020000E', '00200010', '00200011', '00201209'],
  'instances-of-series.json': ['00080005', '00080016', '00080018', '00080020', '00080030', '00080050', '00080060', '00080090',
    '0008103E', '00081190', '00100010', '00100020', '00100030', '00100040', '0020000D', '0020000E', '00200010', '00200011',
    '00200013', '00280010', '00280011', '00280100'],
};

test('returns the attributes Orthanc returned in the recorded samples, in tag order', async () => {
  const subject = DATA.cases[0].subjectId;
  expect(await keysOf(`/studies?PatientID=${subject}`)).toEqual(RECORDED['studies-by-patientid.json']);
  expect(await keysOf(`/studies?PatientID=${subject}&includefield=PatientSex&includefield=PatientAge&includefield=00120020`))
    .toEqual(RECORDED['studies-includefield-sex-age.json']);
  expect(await keysOf(`/studies/${study.uid}/series`)).toEqual(RECORDED['series-of-study.json']);
  const bodyPart = DATA.cases.flatMap((c) => c.studies).flatMap((s) => s.series).find((s) => s.bodyPartExamined)?.bodyPartExamined;
  expect(await keysOf(`/series?BodyPartExamined=${bodyPart}&limit=5`)).toEqual(RECORDED['series-bodypart-chest-limit5.json']);
  expect(await keysOf(`/studies/${study.uid}/series/${series.uid}/instances`)).toEqual(RECORDED['instances-of-series.json']);
});

test('sends numbers for IS and US, empty Type 2 attributes without Value, and a RetrieveURL from the Host header', async () => {
  const answer = await qido(root(), `/studies/${study.uid}/series/${series.uid}/instances`, AUTH);
  const first = answer.results![0];
  expect(first['00200013']).toEqual({ Value: [1], vr: 'IS' });
  expect(first['00280010']).toEqual({ Value: [4], vr: 'US' });
  expect(first['00080090']).toEqual({ vr: 'PN' });
  expect(text(first, '00081190')).toBe(`${root()}/studies/${study.uid}/series/${series.uid}/instances/${text(first, '00080018')}`);
  expect(answer.results).toHaveLength(series.instanceCount);

  const forwarded = await fetch(`${root()}/studies?StudyInstanceUID=${study.uid}`, {
    headers: { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, Forwarded: 'proto=https;host=pacs.example.org' },
  });
  const [result] = (await forwarded.json()) as Array<Record<string, { Value?: string[] }>>;
  expect(result['00081190'].Value).toEqual([`https://pacs.example.org/dicom-web/studies/${study.uid}`]);
});

test('answers errors like Orthanc: JSON body without Content-Type', async () => {
  const unknown = await qido(root(), '/wado', AUTH);
  expect(unknown.status).toBe(404);
  expect(unknown.contentType).toBeNull();
  expect(JSON.parse(unknown.text)).toMatchObject({ HttpStatus: 404, Message: 'Unknown resource', Uri: '/dicom-web/wado' });
  const post = await fetch(`${root()}/studies`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
  expect(post.status).toBe(405);
  await post.arrayBuffer();
});

test('counts requests and applies fault knobs from the shared simulator base', async () => {
  simulator!.resetCounts();
  await qido(root(), '/studies', AUTH);
  expect(simulator!.requests.byPath.get('/dicom-web/studies')).toBe(1);
  simulator!.faults.httpStatus = 503;
  try {
    expect((await qido(root(), '/studies', AUTH)).status).toBe(503);
  } finally {
    simulator!.faults.httpStatus = undefined;
  }
});
