import { seedDicomWeb } from '../support/dicom-seed';
import { startOrthanc } from '../support/orthanc';
import { CONTRACT_DATA, describeDicomWebContract } from './contract';

describeDicomWebContract('a real Orthanc with its DICOMweb plugin', async () => {
  const orthanc = await startOrthanc({ username: 'demo', password: 'secret' });
  await seedDicomWeb(orthanc.dicomWebRoot, orthanc.auth, CONTRACT_DATA);
  return { dicomWebRoot: orthanc.dicomWebRoot, credentials: 'demo:secret', stop: () => orthanc.stop() };
});
