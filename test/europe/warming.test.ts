/**
 * A Europe-wide cohort asked while an index-backed repository (NBIA) is still harvesting after the gateway
 * started: that repository is reported WARMING (code REPOSITORY_WARMING) within its wait, left out of the total, and
 * the others answer; it is not timed out, and it does not trip its circuit breaker. Asked again once the harvest is
 * done, it answers its exact counts.
 */
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { startEuropeFederation, type EuropeTestFederation } from './support';

const QUERY = `query ($where: CaseFilter) {
  cohort(where: $where) {
    complete
    total { subjects }
    repositories { repositoryId inTotal status { state code message } cohort { subjects } }
  }
}`;

interface Answer {
  complete: boolean;
  total: { subjects: number };
  repositories: Array<{ repositoryId: string; inTotal: boolean; status: { state: string; code: string | null; message: string | null }; cohort: { subjects: number } | null }>;
}

let federation: EuropeTestFederation;

beforeAll(async () => {
  federation = await startEuropeFederation([
    // Failing twice would open the breaker if WARMING counted as a failure.
    { id: 'pt-nbia', country: 'PT', apiKind: 'nbia', timeoutMs: 2000, circuitBreaker: { failureThreshold: 2, resetAfterMs: 60_000 } },
    { id: 'es-node', country: 'ES', apiKind: 'eucaim-mediator' },
  ]);
});

afterAll(async () => {
  await federation?.close();
});

const subjectsOf = (id: string, where: object): number => cohortOf(federation.truth(id), normaliseFilter(where, id), { applied: [], notApplied: [] }).subjects ?? NaN;

test('a repository still harvesting is WARMING within its wait, the others answer, and it answers once harvested', async () => {
  const where = { sex: ['FEMALE'] };
  // NBIA's first harvest is three rounds of calls (the collections, then two collections at a time, three calls
  // each): at 1 s a call, 3 s, longer than the 1.5 s a query waits (three quarters of its 2 s timeout), though each
  // call answers within the timeout. No collection is read before 2 s, so there is no part to answer from.
  federation.simulator('pt-nbia').faults.latencyMs = 1000;
  const started = performance.now();
  const first = await federation.query(QUERY, { where });
  const elapsed = performance.now() - started;
  federation.clearFaults();
  const answer = first.body.data?.cohort as Answer;
  const xnat = answer.repositories.find((r) => r.repositoryId === 'pt-nbia')!;
  expect(xnat.status).toMatchObject({ state: 'WARMING', code: 'REPOSITORY_WARMING' });
  expect(xnat.status.message).toMatch(/^repository "pt-nbia": its index is still being harvested/);
  expect(xnat.inTotal).toBe(false);
  expect(answer.complete).toBe(false);
  expect(answer.total.subjects).toBe(subjectsOf('es-node', where));
  // The state says it was neither waited for nor timed out; the time is the wait (1.5 s), the first query's plans
  // and the others' answers, with room for a loaded machine (2.5 s in one CI run, where 2 s was asked before).
  expect(elapsed).toBeLessThan(3000);

  // Asked again while the harvest goes on: it waits for it (or is WARMING again), and no circuit opened.
  const second = (await federation.query(QUERY, { where })).body.data?.cohort as Answer;
  expect(second.repositories.find((r) => r.repositoryId === 'pt-nbia')!.status.state).toMatch(/^(WARMING|OK)$/);

  // The harvest went on: within a few seconds the repository answers, exactly.
  let last: Answer | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    last = (await federation.query(QUERY, { where })).body.data?.cohort as Answer;
    if (last.repositories.every((r) => r.status.state === 'OK')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(last!.repositories.map((r) => r.status.state)).toEqual(['OK', 'OK']);
  expect(last!.repositories.find((r) => r.repositoryId === 'pt-nbia')!.cohort?.subjects).toBe(subjectsOf('pt-nbia', where));
  expect(last!.total.subjects).toBe(subjectsOf('pt-nbia', where) + subjectsOf('es-node', where));
});
