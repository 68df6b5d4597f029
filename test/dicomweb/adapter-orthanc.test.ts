import { seedDicomWeb } from '../support/dicom-seed';
import { startOrthanc } from '../support/orthanc';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import { dicomwebKind } from '../../subgraphs/dicomweb';
import type { DicomWebAdapter } from '../../subgraphs/dicomweb/adapter';
import { CONTRACT_DATA, describeDicomWebContract } from './contract';

describeDicomWebContract('a real Orthanc with its DICOMweb plugin', async () => {
  const orthanc = await startOrthanc({ username: 'demo', password: 'secret' });
  await seedDicomWeb(orthanc.dicomWebRoot, orthanc.auth, CONTRACT_DATA);
  return { dicomWebRoot: orthanc.dicomWebRoot, credentials: 'demo:secret', stop: () => orthanc.stop() };
});

describe('DICOMweb index refresh (real Orthanc)', () => {
  it('finds a study stored after the harvest and keeps the others', async () => {
    const orthanc = await startOrthanc({ username: 'demo', password: 'secret' });
    const later = generateRepositoryData({
      repositoryId: 'contract-pacs', seed: 32, cases: 1, subjectPrefix: 'LATE', maxInstancesPerSeries: 2,
      collections: [{ id: 'CP-LUNG', name: 'Lung', cancerSite: 'LUNG' }],
    });
    const adapter = dicomwebKind.create({
      id: 'contract-pacs', name: 'Contract PACS', country: 'DE', institution: 'Test', apiKind: 'dicomweb',
      endpoint: orthanc.dicomWebRoot, subgraph: 'local', timeoutMs: 5000, options: {}, collections: [],
    }, { credentials: 'demo:secret' }) as DicomWebAdapter;
    try {
      await seedDicomWeb(orthanc.dicomWebRoot, orthanc.auth, CONTRACT_DATA);
      await adapter.refreshIndex();
      const before = await adapter.cohort({}, {}, { facets: false });
      await seedDicomWeb(orthanc.dicomWebRoot, orthanc.auth, later);
      await adapter.refreshIndex();
      const after = await adapter.cohort({}, {}, { facets: false });
      expect(after.subjects).toBe((before.subjects ?? 0) + 1);
      expect(after.series).toBe((before.series ?? 0) + later.cases[0].studies.flatMap((s) => s.series).length);
    } finally {
      await adapter.close();
      await orthanc.stop();
    }
  }, 60_000);
});
