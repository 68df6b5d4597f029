import { startQidoSimulator } from '../../simulators/dicomweb';
import { CONTRACT_DATA, describeDicomWebContract } from './contract';

describeDicomWebContract('the QIDO-RS simulator', async () => {
  const simulator = await startQidoSimulator({ data: CONTRACT_DATA, basicAuth: { username: 'demo', password: 'secret' } });
  return { dicomWebRoot: simulator.dicomWebRoot, credentials: 'demo:secret', stop: () => simulator.close() };
});
