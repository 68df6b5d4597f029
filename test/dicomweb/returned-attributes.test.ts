/**
 * A PACS that does not return what it was asked for: in front of the QIDO simulator, a proxy drops PatientSex
 * (0010,0040) and BodyPartExamined (0018,0015) from every result, as a server that ignores those `includefield`s or
 * does not support them would (PS3.18 8.3.4.3 lets it). The adapter must report sex and body part as not applied,
 * never count them as unknown for everyone, in index mode and in live mode (where PatientSex is also a match key).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CaseFilter } from '../../schema/generated/graphql';
import { startQidoSimulator, type RunningQidoSimulator } from '../../simulators/dicomweb';
import { toUnifiedCases } from '../support/ground-truth';
import { dicomwebKind } from '../../subgraphs/dicomweb';
import type { RepositoryAdapter } from '../../subgraphs/sdk/adapter';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter, withoutCriteria } from '../../subgraphs/sdk/filter';
import { CONTRACT_DATA } from './contract';

const DROPPED = ['00100040', '00180015'];

let simulator: RunningQidoSimulator;
let proxy: Server;
let root: string;
const adapters: RepositoryAdapter[] = [];
const truth = toUnifiedCases(CONTRACT_DATA);

beforeAll(async () => {
  simulator = await startQidoSimulator({ data: CONTRACT_DATA });
  const target = new URL(simulator.dicomWebRoot);
  proxy = createServer((req, res) => {
    const forward = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        let body = Buffer.concat(chunks).toString('utf8');
        if (answer.statusCode === 200 && body.startsWith('[')) {
          const results = JSON.parse(body) as Array<Record<string, unknown>>;
          for (const dataset of results) for (const tag of DROPPED) delete dataset[tag];
          body = JSON.stringify(results);
        }
        res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/dicom+json' });
        res.end(body);
      });
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  root = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/dicom-web`;
});

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close?.()));
  await new Promise((resolve) => proxy?.close(resolve));
  await simulator?.close();
});

function adapter(mode: 'index' | 'live'): RepositoryAdapter {
  const created = dicomwebKind.create({
    id: 'contract-pacs', name: 'Contract PACS', country: 'DE', institution: 'Test', apiKind: 'dicomweb', endpoint: root,
    subgraph: 'local', timeoutMs: 5000, options: { mode },
    collections: CONTRACT_DATA.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite })),
  }, {});
  adapters.push(created);
  return created;
}

describe.each([['index'], ['live']] as const)('a PACS that leaves out PatientSex and BodyPartExamined (%s mode)', (mode) => {
  it('reports sex and body part as not applied and counts without them, not an exact 0', async () => {
    const where: CaseFilter = { sex: ['FEMALE'], bodyParts: ['CHEST'], modalities: ['CT'] };
    const filter = normaliseFilter(where, 'contract-pacs');
    const cohort = await adapter(mode).cohort(filter, {}, { facets: true });
    expect(cohort.exact).toBe(false);
    expect(cohort.filtersApplied).toEqual(['MODALITIES']);
    expect(cohort.filtersNotApplied).toEqual([
      { criterion: 'SEX', reason: expect.stringContaining('returned no PatientSex (0010,0040) for any result') },
      { criterion: 'BODY_PARTS', reason: expect.stringContaining('returned no BodyPartExamined (0018,0015) for any result') },
    ]);
    const expected = cohortOf(truth, withoutCriteria(filter, ['SEX', 'BODY_PARTS']), { applied: [], notApplied: [] });
    expect([cohort.subjects, cohort.studies, cohort.series]).toEqual([expected.subjects, expected.studies, expected.series]);
    expect(cohort.subjects).toBeGreaterThan(0);
    expect([cohort.facets.sex, cohort.facets.bodyPart]).toEqual([[], []]);
  });

  it('still applies what the PACS did return', async () => {
    const filter = normaliseFilter({ ageAtDiagnosis: { min: 60 }, manufacturers: ['siemens'] }, 'contract-pacs');
    const cohort = await adapter(mode).cohort(filter, {}, { facets: false });
    expect([cohort.exact, cohort.subjects]).toEqual([true, cohortOf(truth, filter, { applied: [], notApplied: [] }).subjects]);
  });
});
