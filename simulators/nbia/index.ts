/**
 * A TCIA/NBIA v4 REST API simulator serving synthetic data with the real server's quirks (README §2a, §7.3):
 * GET metadata endpoints with case-sensitive parameter allow-lists, empty bodies for "no result", PatientId vs
 * PatientID casing, v4 ValuesAndCounts shape, and the POST getSimpleSearch form with its required paging fields.
 */
import { startSimulator, type Faults, type RunningSimulator } from '../http-server';
import type { SyntheticRepositoryData } from '../synthetic/model';
import { answerMetadata, isMetadataEndpoint } from './metadata-endpoints';
import { tomcatError } from './responses';
import { answerSimpleSearch } from './simple-search';
import { buildStore } from './store';

/** Path of the v4 services under the server origin, as on nbia.cancerimagingarchive.net. */
export const NBIA_V4_PATH = '/nbia-api/services/v4';

export interface NbiaSimulatorOptions {
  data: SyntheticRepositoryData;
  port?: number;
  faults?: Faults;
}

export type RunningNbiaSimulator = RunningSimulator & {
  /** origin + '/nbia-api/services/v4' */
  baseUrl: string;
};

export async function startNbiaSimulator(options: NbiaSimulatorOptions): Promise<RunningNbiaSimulator> {
  const store = buildStore(options.data);
  const running = await startSimulator({ name: 'NBIA v4 simulator', port: options.port, faults: options.faults }, (request) => {
    const path = request.url.pathname;
    if (!path.startsWith(`${NBIA_V4_PATH}/`)) return tomcatError(404, `no resource at ${path}`);
    const endpoint = path.slice(NBIA_V4_PATH.length + 1);
    if (endpoint === 'getSimpleSearch') {
      if (request.method !== 'POST') return tomcatError(405, 'getSimpleSearch accepts POST only');
      const contentType = request.headers['content-type'];
      return answerSimpleSearch(Array.isArray(contentType) ? contentType[0] : contentType, request.body, store);
    }
    if (!isMetadataEndpoint(endpoint)) return tomcatError(404, `no resource at ${path}`);
    if (request.method !== 'GET') return tomcatError(405, `${endpoint} accepts GET only`);
    return answerMetadata(endpoint, request.url.searchParams, store);
  });
  return Object.assign(running, { baseUrl: `${running.origin}${NBIA_V4_PATH}` });
}
