import { startQidoSimulator } from '../../simulators/dicomweb';
import { dicomwebKind } from '../../subgraphs/dicomweb';
import type { DicomWebAdapter } from '../../subgraphs/dicomweb/adapter';
import { CONTRACT_DATA, describeDicomWebContract } from './contract';

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
