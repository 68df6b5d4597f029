/**
 * The simulator of each native API kind, for the demo federation and for tests that need "a repository of kind X".
 */
import { startBeaconSimulator } from './beacon';
import { startDatasetServiceSimulator } from './dataset-service';
import { startQidoSimulator } from './dicomweb';
import { startEucaimMediatorSimulator } from './eucaim';
import { startFhirSimulator } from './fhir';
import { startGdcSimulator } from './gdc';
import type { Faults } from './http-server';
import { startNbiaSimulator } from './nbia';
import type { SyntheticRepositoryData } from './synthetic/model';
import { startXnatSimulator } from './xnat';

export interface RunningNativeSimulator {
  /** What a config entry's `endpoint` should be. */
  baseUrl: string;
  /** Fault knobs, changeable while running (see simulators/http-server.ts). */
  faults: Faults;
  requests: { total: number; byPath: Map<string, number>; log: string[]; hungUp: number };
  resetCounts(): void;
  close(): Promise<void>;
}

export const SIMULATED_KINDS = ['dicomweb', 'nbia', 'eucaim-mediator', 'eucaim-dataset-service', 'xnat', 'beacon', 'gdc', 'fhir'] as const;

export async function startSimulatorFor(
  apiKind: string, data: SyntheticRepositoryData, provider: string, basicAuth?: { username: string; password: string }, port?: number,
): Promise<RunningNativeSimulator> {
  switch (apiKind) {
    case 'dicomweb': {
      const simulator = await startQidoSimulator({ data, basicAuth, port });
      return Object.assign(simulator, { baseUrl: simulator.dicomWebRoot });
    }
    case 'nbia':
      return startNbiaSimulator({ data, port });
    case 'eucaim-mediator':
      return startEucaimMediatorSimulator({ data, provider, basicAuth, port });
    case 'eucaim-dataset-service':
      return startDatasetServiceSimulator({ data, basicAuth, port });
    case 'xnat':
      return startXnatSimulator({ data, basicAuth, port });
    case 'beacon':
      return startBeaconSimulator({ data, basicAuth, port });
    case 'gdc':
      return startGdcSimulator({ data, basicAuth, port });
    case 'fhir':
      return startFhirSimulator({ data, basicAuth, port });
    default:
      throw new Error(`no simulator for apiKind "${apiKind}"; simulated kinds: ${SIMULATED_KINDS.join(', ')}`);
  }
}
