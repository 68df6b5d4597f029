/**
 * Every request is answered within the gateway's request deadline: a repository still working when it passes is
 * reported REPOSITORY_TIMEOUT (saying it was the deadline), the others' answers arrive, Europe-wide answers share
 * the caller's deadline, and a repository cut short by it is not held responsible (its breaker counts no failure).
 */
import { getRepositoryStatus } from '../../gateway/plugins/resilience/repository-status';
import { startTestFederation, type TestFederation } from '../support/federation';

const DEADLINE_MS = 800;

describe('the request deadline', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation([
      { id: 'dl-fast', country: 'DE', apiKind: 'eucaim-mediator', timeoutMs: 10_000 },
      { id: 'dl-slow', country: 'ES', apiKind: 'eucaim-mediator', timeoutMs: 10_000 },
    ], { requestDeadlineMs: DEADLINE_MS });
    federation.simulator('dl-slow').faults.latencyMs = 5_000;
  });

  afterAll(async () => {
    await federation?.close();
  });

  it('answers with the fast repository\'s counts and a deadline timeout for the slow one', async () => {
    const { status, body } = await federation.query('{ repositories { id cohort { subjects } } }');
    expect(status).toBe(200);
    const repositories = body.data?.repositories as Array<{ id: string; cohort: { subjects: number } | null }>;
    expect(repositories.map((r) => [r.id, r.cohort === null])).toEqual([['dl-fast', false], ['dl-slow', true]]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      path: ['repositories', 1, 'cohort'],
      extensions: { code: 'REPOSITORY_TIMEOUT', repositoryId: 'dl-slow', requestDeadline: true },
    });
    expect(body.errors?.[0].message).toContain('did not answer before the request\'s deadline');
  });

  it('holds for a Europe-wide cohort, which asks the repositories through the gateway', async () => {
    const { body } = await federation.query('{ cohort { complete total { subjects } repositories { repository { id } status { state code } } } }');
    const cohort = body.data?.cohort as { complete: boolean; repositories: Array<{ repository: { id: string }; status: { state: string; code: string | null } }> };
    expect(cohort.complete).toBe(false);
    expect(cohort.repositories.map((r) => [r.repository.id, r.status.state])).toEqual([['dl-fast', 'OK'], ['dl-slow', 'TIMED_OUT']]);
  });

  it('does not count a call cut short by the deadline as the repository\'s failure', () => {
    expect(getRepositoryStatus('dl-slow')?.consecutiveFailures).toBe(0);
    expect(getRepositoryStatus('dl-slow')?.circuit).toBe('CLOSED');
  });
});
