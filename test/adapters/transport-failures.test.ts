/**
 * Transport failures, once for every adapter kind: each adapter over its own simulator, with the fault knobs every
 * simulator shares (simulators/http-server.ts): an HTTP error page (`httpStatus`), truncated JSON (`malformed`), a
 * server that never answers (`hang`) and one that is gone (`down`). Each becomes the stable error code a portal
 * tells apart, on an error that names the repository. Kind-specific failures (a Beacon error document, an FHIR
 * OperationOutcome, XNAT harvesting again after a failure) stay in test/<kind>.
 */
import { demoDataFor } from '../../simulators/demo-data';
import { SIMULATED_KINDS, startSimulatorFor, type RunningNativeSimulator } from '../../simulators/registry';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import type { RepositoryAdapter } from '../../subgraphs/sdk/adapter';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { ErrorCode, type ErrorCodeValue } from '../../subgraphs/sdk/errors';
import { rejection } from '../support/adapter-kit';
import { testConfig } from '../support/federation';

describe.each(SIMULATED_KINDS)('transport failures of the %s adapter', (apiKind) => {
  const kind = ADAPTER_KINDS.find((k) => k.apiKind === apiKind)!;
  let entry: RepositoryEntry;
  let data: SyntheticRepositoryData;
  let simulator: RunningNativeSimulator;

  beforeAll(async () => {
    [entry] = testConfig([{ id: `xx-${apiKind}`, country: 'FI', apiKind, cases: 30, seed: 77 }]).repositories;
    data = demoDataFor(entry);
    simulator = await startSimulatorFor(apiKind, data, entry.name);
    entry = { ...entry, endpoint: simulator.baseUrl };
  }, 60_000);

  afterAll(async () => {
    await simulator?.close();
  });

  afterEach(() => {
    for (const knob of ['httpStatus', 'malformed', 'hang', 'down'] as const) delete simulator.faults[knob];
  });

  /** The error of a cohort asked of a fresh adapter (nothing harvested or cached yet). */
  async function failure(timeoutMs = 5000): Promise<Awaited<ReturnType<typeof rejection>>> {
    const adapter: RepositoryAdapter = kind.create({ ...entry, timeoutMs }, {});
    try {
      return await rejection(adapter.cohort({}, {}, { facets: true }));
    } finally {
      await adapter.close?.();
    }
  }

  function expectNamed(error: Awaited<ReturnType<typeof rejection>>, code: ErrorCodeValue): void {
    expect(error.extensions).toMatchObject({ code, repositoryId: entry.id });
    expect(error.message).toContain(`repository "${entry.id}"`);
  }

  it('works when nothing is wrong (the failures below come from the knobs)', async () => {
    const adapter = kind.create(entry, {});
    try {
      const cohort = await adapter.cohort({}, {}, { facets: false });
      expect(cohort.subjects).toBeGreaterThan(0);
    } finally {
      await adapter.close?.();
    }
  });

  it('HTTP 503 with an HTML page is REPOSITORY_HTTP_ERROR with the status', async () => {
    simulator.faults.httpStatus = 503;
    const error = await failure();
    expectNamed(error, ErrorCode.HTTP_ERROR);
    expect(error.extensions.httpStatus).toBe(503);
  });

  it('truncated JSON is REPOSITORY_BAD_RESPONSE', async () => {
    simulator.faults.malformed = true;
    const error = await failure();
    expectNamed(error, ErrorCode.BAD_RESPONSE);
    expect(error.message).toMatch(/malformed JSON/);
  });

  it('a server that never answers is REPOSITORY_TIMEOUT soon after timeoutMs', async () => {
    simulator.faults.hang = true;
    const started = Date.now();
    expectNamed(await failure(300), ErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a server that is gone is REPOSITORY_UNAVAILABLE', async () => {
    simulator.faults.down = true;
    expectNamed(await failure(), ErrorCode.UNAVAILABLE);
  });
});
