/**
 * The UPV reference node's "dataset-service" (EUCAIM; native-apis README part 2h): `GET /api/datasets?limit=&skip=`
 * answers a page `{list: [...]}` of datasets, each with per-facet value and count arrays (sex/sexCount,
 * modality/modalityCount, bodyPart/bodyPartCount, manufacturer/manufacturerCount). UNVERIFIED, chosen here: counts
 * are subjects having the value; `skip` counts datasets; values are raw (body parts as scanners wrote them). It reads
 * the raw data with its own tables (no adapter, SDK or code-table module), as a node somebody else wrote does.
 */
import { startSimulator, type Faults, type RunningSimulator } from '../http-server';
import type { SyntheticCase, SyntheticRepositoryData } from '../synthetic/model';

export interface DatasetServiceSimulatorOptions {
  data: SyntheticRepositoryData;
  port?: number;
  faults?: Faults;
  basicAuth?: { username: string; password: string };
}

export async function startDatasetServiceSimulator(options: DatasetServiceSimulatorOptions): Promise<RunningSimulator & { baseUrl: string }> {
  const datasets = options.data.collections.map((collection) => datasetOf(collection, options.data.cases.filter((c) => c.collectionId === collection.id)));
  const running = await startSimulator({ name: 'dataset-service simulator', port: options.port, faults: options.faults, basicAuth: options.basicAuth }, ({ url }) => {
    if (url.pathname !== '/dataset-service/api/datasets') return { status: 404, body: { message: 'Not found' } };
    const limit = Number(url.searchParams.get('limit') ?? 30);
    const skip = Number(url.searchParams.get('skip') ?? 0);
    if (!Number.isInteger(limit) || !Number.isInteger(skip) || limit < 0 || skip < 0) return { status: 400, body: { message: 'invalid limit or skip' } };
    return { body: { list: datasets.slice(skip, skip + limit) } };
  });
  return Object.assign(running, { baseUrl: `${running.origin}/dataset-service/api` });
}

/**
 * The node lists manufacturers by vendor (as its catalogue filter does), not as each scanner spelt them: its own
 * grouping of the Manufacturer strings its sites send; others as sent.
 */
const VENDORS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^siemens/i, 'Siemens'], [/^(ge\b|general electric)/i, 'GE'], [/^philips/i, 'Philips'], [/^toshiba/i, 'Toshiba'], [/^canon/i, 'Canon'], [/^hologic/i, 'Hologic'],
];

function vendorOf(raw: string | null): string {
  const name = raw?.trim() ?? '';
  if (name === '') return 'Unknown';
  return VENDORS.find(([pattern]) => pattern.test(name))?.[1] ?? name;
}

/** Subjects per value: each subject counts once per distinct value it has. */
function countBy(cases: readonly SyntheticCase[], valuesOf: (c: SyntheticCase) => Iterable<string>): [string[], number[]] {
  const counts = new Map<string, number>();
  for (const c of cases) for (const value of new Set(valuesOf(c))) counts.set(value, (counts.get(value) ?? 0) + 1);
  const entries = [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
  return [entries.map(([v]) => v), entries.map(([, n]) => n)];
}

function datasetOf(collection: SyntheticRepositoryData['collections'][number], cases: readonly SyntheticCase[]) {
  const series = (c: SyntheticCase) => c.studies.flatMap((s) => s.series);
  const [sex, sexCount] = countBy(cases, (c) => [{ F: 'Female', M: 'Male', O: 'Other', '': 'Unknown' }[c.sex]]);
  const [modality, modalityCount] = countBy(cases, (c) => series(c).map((s) => s.modality));
  const [bodyPart, bodyPartCount] = countBy(cases, (c) => series(c).map((s) => s.bodyPartExamined ?? 'Unknown'));
  const [manufacturer, manufacturerCount] = countBy(cases, (c) => series(c).map((s) => vendorOf(s.manufacturer)));
  const ages = cases.map((c) => c.ageAtDiagnosis);
  const years = cases.map((c) => c.diagnosis.year);
  return {
    id: collection.id, name: collection.name, description: collection.description, license: { title: collection.licence, url: '' },
    pids: { preferred: collection.doi }, studiesCount: cases.reduce((n, c) => n + c.studies.length, 0), subjectsCount: cases.length,
    ageLow: ages.length ? Math.min(...ages) : null, ageHigh: ages.length ? Math.max(...ages) : null, ageUnit: ['Y'], ageNullCount: 0,
    sex, sexCount, modality, modalityCount, bodyPart, bodyPartCount, manufacturer, manufacturerCount,
    diagnosisYearLow: years.length ? Math.min(...years) : null, diagnosisYearHigh: years.length ? Math.max(...years) : null,
    sizeInBytes: cases.reduce((n, c) => n + series(c).reduce((m, s) => m + s.sizeBytes, 0), 0),
    project: 'EUCAIM', version: '1', public: true, draft: false, invalidated: false,
  };
}
