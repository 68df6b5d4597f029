/**
 * npm run bench:index-memory -- [--cases 20000]
 * Memory of the DICOMweb adapter's harvested series-level index, per million series: the adapter harvests a QIDO
 * simulator in this process; the heap is measured after a full GC before and after the harvest, so the
 * simulator's own data (already on the heap before, every series listed once) is not counted. Typed arrays' memory
 * (outside the JS heap) is counted with it.
 */
import { generateRepositoryData } from '../simulators/synthetic/generate';
import { startQidoSimulator } from '../simulators/dicomweb';
import { dicomwebKind } from '../subgraphs/dicomweb';
import type { DicomWebAdapter } from '../subgraphs/dicomweb/adapter';

/** The JS heap and the typed arrays' memory outside it (the compact index keeps its columns there). */
function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench:index-memory does)');
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

async function main(): Promise<void> {
  const casesArg = process.argv.indexOf('--cases');
  const cases = casesArg >= 0 ? Number(process.argv[casesArg + 1]) : 20_000;
  const data = generateRepositoryData({
    repositoryId: 'bench-pacs', seed: 99, cases, subjectPrefix: 'BP',
    collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' }],
  });
  const series = data.cases.reduce((n, c) => n + c.studies.reduce((m, s) => m + s.series.length, 0), 0);
  const simulator = await startQidoSimulator({ data });
  const adapter = dicomwebKind.create({
    id: 'bench-pacs', name: 'Bench PACS', country: 'DE', institution: 'Bench', apiKind: 'dicomweb', endpoint: simulator.dicomWebRoot,
    subgraph: 'local', timeoutMs: 60_000, options: { pageSize: 1000 }, collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }],
  }, {}) as DicomWebAdapter;
  // A first small query warms the code paths so that compiled code is not counted as index.
  // The simulator builds (and keeps) each series' first instance the first time it is listed: list them all once
  // before the baseline, so that the simulator's memory is not counted as the index's.
  await (await fetch(`${simulator.dicomWebRoot}/series?limit=1`)).arrayBuffer();
  for (let offset = 0; offset < series; offset += 5000) await (await fetch(`${simulator.dicomWebRoot}/series?limit=5000&offset=${offset}`)).arrayBuffer();
  const before = heapAfterGc();
  const started = performance.now();
  await adapter.refreshIndex();
  const harvestMs = performance.now() - started;
  const after = heapAfterGc();
  const perMillion = ((after - before) / series) * 1e6;
  console.log(`DICOMweb harvested index: ${cases.toLocaleString('en')} cases, ${series.toLocaleString('en')} series, harvested in ${(harvestMs / 1000).toFixed(1)} s`);
  console.log(`memory held by the index (heap and typed arrays): ${((after - before) / 2 ** 20).toFixed(0)} MB, i.e. ${(perMillion / 2 ** 20).toFixed(0)} MB per million series`);
  await adapter.close();
  await simulator.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
