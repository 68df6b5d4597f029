/**
 * A TCIA/NBIA REST API simulator serving synthetic data with the real server's quirks (README §2a, §7.3):
 * GET metadata endpoints with case-sensitive parameter allow-lists, empty bodies for "no result", PatientId vs
 * PatientID casing, v4 ValuesAndCounts shape, and the POST getSimpleSearch form with its required paging fields.
 * It holds phantom (quality-control) subjects besides the patients, as real TCIA collections do (store.ts), and
 * serves the v1 API too (`/nbia-api/services/v1`, still used by many clients): the same rows under v1 column
 * names (`CollectionURI`, `TimeStamp`, no PatientSex/PatientAge on series), no allow-lists, no getSimpleSearch.
 */
import { startSimulator, type Faults, type RunningSimulator } from '../http-server';
import type { SyntheticRepositoryData } from '../synthetic/model';
import { answerMetadata, isMetadataEndpoint } from './metadata-endpoints';
import { tomcatError } from './responses';
import type { ApiVersion } from './rows';
import { answerSimpleSearch } from './simple-search';
import { buildStore } from './store';

/** Path of the v4 services under the server origin, as on nbia.cancerimagingarchive.net. */
export const NBIA_V4_PATH = '/nbia-api/services/v4';
/** Path of the v1 services, as on services.cancerimagingarchive.net. */
export const NBIA_V1_PATH = '/nbia-api/services/v1';

export interface NbiaSimulatorOptions {
  data: SyntheticRepositoryData;
  port?: number;
  faults?: Faults;
  /** Phantom subjects per collection (default 1; 0 for none). */
  phantomsPerCollection?: number;
  /**
   * False: getSimpleSearch ignores PhantomCriteria, as a server ignores any criterion it does not know (§7.3:
   * "unknown criteria pass through"), so phantoms are counted and listed. Default true (SearchUtil.getPatients_v4).
   */
  honoursPhantomCriteria?: boolean;
}

export type RunningNbiaSimulator = RunningSimulator & {
  /** origin + '/nbia-api/services/v4' */
  baseUrl: string;
  /** origin + '/nbia-api/services/v1' */
  v1BaseUrl: string;
};

export async function startNbiaSimulator(options: NbiaSimulatorOptions): Promise<RunningNbiaSimulator> {
  const store = buildStore(options.data, { phantomsPerCollection: options.phantomsPerCollection });
  const running = await startSimulator({ name: 'NBIA v4 simulator', port: options.port, faults: options.faults }, (request) => {
    const path = request.url.pathname;
    const version: ApiVersion | null = path.startsWith(`${NBIA_V4_PATH}/`) ? 'v4' : path.startsWith(`${NBIA_V1_PATH}/`) ? 'v1' : null;
    if (version === null) return tomcatError(404, `no resource at ${path}`);
    const endpoint = path.slice(NBIA_V4_PATH.length + 1);
    if (endpoint === 'getSimpleSearch' && version === 'v4') {
      if (request.method !== 'POST') return tomcatError(405, 'getSimpleSearch accepts POST only');
      const contentType = request.headers['content-type'];
      return answerSimpleSearch(Array.isArray(contentType) ? contentType[0] : contentType, request.body, store, options.honoursPhantomCriteria ?? true);
    }
    if (!isMetadataEndpoint(endpoint, version)) return tomcatError(404, `no resource at ${path}`);
    if (request.method !== 'GET') return tomcatError(405, `${endpoint} accepts GET only`);
    return answerMetadata(endpoint, request.url.searchParams, store, version);
  });
  return Object.assign(running, { baseUrl: `${running.origin}${NBIA_V4_PATH}`, v1BaseUrl: `${running.origin}${NBIA_V1_PATH}` });
}
