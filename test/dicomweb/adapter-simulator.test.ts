import { startQidoSimulator } from '../../simulators/dicomweb';
import { dicomwebKind } from '../../subgraphs/dicomweb';
import type { DicomWebAdapter } from '../../subgraphs/dicomweb/adapter';
import { CONTRACT_DATA, describeDicomWebContract } from './contract';
import { normaliseFilter } from '../../subgraphs/sdk/filter';

describeDicomWebContract('the QIDO-RS simulator', async () => {
  const simulator = await startQidoSimulator({ data: CONTRACT_DATA, basicAuth: { username: 'demo', password: 'secret' } });
  return { dicomWebRoot: simulator.dicomWebRoot, credentials: 'demo:secret', stop: () => simulator.close() };
});

describe('DICOMweb index refresh (QIDO simulator)', () => {
  it('asks the series of no study again when the PACS has not changed', async () => {
    const simulator = await startQidoSimulator({ data: CONTRACT_DATA });
    const adapter = dicomwebKind.create({
      id: 'contract-pacs', name: 'Contract PACS', country: 'DE', institution: 'Test', apiKind: 'dicomweb',
      endpoint: simulator.dicomWebRoot, subgraph: 'local', timeoutMs: 5000, options: {}, collections: [],
    }, {}) as DicomWebAdapter;
    try {
      await adapter.refreshIndex();
      const firstHarvest = simulator.requests.byPath.get('/dicom-web/series') ?? 0;
      expect(firstHarvest).toBeGreaterThan(0);
      simulator.resetCounts();
      await adapter.refreshIndex();
      expect(simulator.requests.byPath.get('/dicom-web/series') ?? 0).toBe(0);
      expect(simulator.requests.byPath.get('/dicom-web/studies')).toBeGreaterThan(0);
      expect((await adapter.cohort({}, {}, { facets: false })).series).toBe(CONTRACT_DATA.cases.flatMap((c) => c.studies.flatMap((s) => s.series)).length);
    } finally {
      await adapter.close();
      await simulator.close();
    }
  });
});

describe('DICOMweb while the first harvest runs (QIDO simulator)', () => {
  it('answers a filter the PACS can narrow live, as the index will, instead of waiting for the harvest', async () => {
    // Every native request takes 150 ms and the harvest pages 2 studies at a time: it takes many sequential pages,
    // the modality-narrowed live question few.
    const simulator = await startQidoSimulator({ data: CONTRACT_DATA, faults: { latencyMs: 150 } });
    const adapter = dicomwebKind.create({
      id: 'contract-pacs', name: 'Contract PACS', country: 'DE', institution: 'Test', apiKind: 'dicomweb',
      endpoint: simulator.dicomWebRoot, subgraph: 'local', timeoutMs: 30_000, options: { pageSize: 2 }, collections: [],
    }, {}) as DicomWebAdapter;
    try {
      let warm = false;
      const warming = adapter.warmUp!().then(() => (warm = true));
      const filter = normaliseFilter({ modalities: ['MR'] }, 'contract-pacs');
      const live = await adapter.cohort(filter, {}, { facets: true });
      expect(warm).toBe(false);
      await warming;
      const fromIndex = await adapter.cohort(filter, {}, { facets: true });
      expect(live).toEqual(fromIndex);
      expect(live.subjects).toBeGreaterThan(0);
      expect(live.exact).toBe(true);
    } finally {
      await adapter.close();
      await simulator.close();
    }
  }, 60_000);
});
