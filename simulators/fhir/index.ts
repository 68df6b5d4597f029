/**
 * A FHIR R4 server with mCODE content and DICOM ImagingStudies, serving synthetic data with the quirks README §2f,
 * §7.1 and §7.4 document (see server.ts and resources.ts for the choices made where they are silent).
 * The FHIR base URL is `<origin>/fhir`, as on a default HAPI FHIR JPA server.
 */
import { startSimulator, type Faults, type RunningSimulator } from '../http-server';
import type { SyntheticRepositoryData } from '../synthetic/model';
import { buildStore } from './resources';
import { FhirServer, type FhirQuirks } from './server';

export const FHIR_BASE_PATH = '/fhir';

export interface FhirSimulatorOptions {
  data: SyntheticRepositoryData;
  port?: number;
  faults?: Faults;
  basicAuth?: { username: string; password: string };
  /**
   * Server behaviours that vary between deployments (total never sent, page size cap, advertised base, search TTL,
   * parameters left unimplemented and whether the CapabilityStatement says so, Prefer handling, id sort order).
   */
  quirks?: FhirQuirks;
}

export type RunningFhirSimulator = RunningSimulator & {
  /** origin + '/fhir': what a config entry's `endpoint` is. */
  baseUrl: string;
  /** Forgets every search kept for paging, so that `next` links answer 410 Gone (an expired search). */
  expireSearches(): void;
  /** The quirks the server has now: changed while it runs, as a redeployed or reconfigured server's would. */
  quirks: FhirQuirks;
};

export async function startFhirSimulator(options: FhirSimulatorOptions): Promise<RunningFhirSimulator> {
  const quirks: FhirQuirks = { ...options.quirks };
  const server = new FhirServer(buildStore(options.data), FHIR_BASE_PATH, quirks);
  const running = await startSimulator(
    { name: 'FHIR R4 simulator', port: options.port, faults: options.faults, basicAuth: options.basicAuth },
    (request) => server.handle(request),
  );
  server.setOrigin(running.origin);
  return Object.assign(running, {
    baseUrl: `${running.origin}${FHIR_BASE_PATH}`,
    expireSearches: () => server.expireSearches(),
    quirks,
  });
}

export { buildStore, birthDateFor, ENDPOINT_ID, type FhirResource, type FhirStore } from './resources';
export type { FhirQuirks } from './server';
