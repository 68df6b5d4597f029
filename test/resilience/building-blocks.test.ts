/**
 * The resilience building blocks alone, on a fake clock and fake subgraph calls: which failures are retried, the
 * backoff, the retry budget, the circuit breaker's states, the timeout and the status they feed.
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { withMiddleware, type SubgraphCall, type SubgraphMiddleware } from '../../gateway/plugins/datasources/middleware';
import { createCircuitBreakerMiddleware } from '../../gateway/plugins/datasources/use-circuit-breaker';
import { createRetryMiddleware } from '../../gateway/plugins/datasources/use-retries';
import { useTimeout } from '../../gateway/plugins/datasources/use-timeout';
import { CircuitBreaker } from '../../gateway/plugins/resilience/circuit-breaker';
import { isQueryFetch, isSingleAttempt, isTransient } from '../../gateway/plugins/resilience/outcome';
import { RepositoryStatusRegistry } from '../../gateway/plugins/resilience/repository-status';
import { fullJitterDelay, RetryBudget } from '../../gateway/plugins/resilience/retry-budget';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';

const QUERY = '{ repository(id: "xx-unit") { id } }';
const ENTITY_QUERY = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on XxUnitRepository { cohort { subjects } } } }';

function fetchOf(query: string, variables?: Record<string, unknown>): GraphQLDataSourceProcessOptions {
  return { kind: 'incoming operation', request: { query, variables }, document: parse(query), context: {}, incomingRequestContext: {} } as unknown as GraphQLDataSourceProcessOptions;
}

let entries = 0;
function entryOf(settings: Partial<RepositoryEntry> = {}): RepositoryEntry {
  entries++;
  return {
    id: `xx-unit-${entries}`, name: 'Unit', country: 'DE', institution: 'Unit', apiKind: 'test', endpoint: `http://unit.invalid/${entries}`,
    subgraph: 'local', timeoutMs: 1000, collections: [], options: {}, retries: 2, circuitBreaker: { failureThreshold: 3, resetAfterMs: 1000 },
    ...settings,
  };
}

const ok: GatewayGraphQLResponse = { data: { repository: { id: 'xx-unit' } } };
const failed = (code: string, httpStatus?: number): GatewayGraphQLResponse => ({
  data: { repository: null },
  errors: [{ message: `repository "xx-unit": ${code}`, path: ['repository'], extensions: { code, repositoryId: 'xx-unit', ...(httpStatus ? { httpStatus } : {}) } }],
});

/** A fake subgraph answering from a script (the last answer repeats), counting calls. */
function scripted(...answers: GatewayGraphQLResponse[]): SubgraphCall & { calls: number; options: GraphQLDataSourceProcessOptions[] } {
  const call = Object.assign(async (options: GraphQLDataSourceProcessOptions) => {
    call.options.push(options);
    return answers[Math.min(call.calls++, answers.length - 1)];
  }, { calls: 0, options: [] as GraphQLDataSourceProcessOptions[] });
  return call;
}

function wrap(entry: RepositoryEntry, source: SubgraphCall, middlewares: SubgraphMiddleware[]): SubgraphCall {
  const dataSource = withMiddleware({ process: source }, { name: entry.id, entry }, middlewares);
  return (options) => dataSource.process(options);
}

const fakeClock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
};

describe('which failures are retried', () => {
  it.each([
    ['REPOSITORY_UNAVAILABLE', undefined, true],
    ['REPOSITORY_HTTP_ERROR', 503, true],
    ['REPOSITORY_HTTP_ERROR', 502, true],
    ['REPOSITORY_HTTP_ERROR', 500, true],
    ['REPOSITORY_HTTP_ERROR', 429, true],
    ['REPOSITORY_HTTP_ERROR', 404, false],
    ['REPOSITORY_HTTP_ERROR', 401, false],
    ['REPOSITORY_HTTP_ERROR', 501, false],
    ['REPOSITORY_BAD_RESPONSE', undefined, false],
    ['REPOSITORY_BAD_RESPONSE', 502, true],
    ['REPOSITORY_TIMEOUT', undefined, false],
    ['BAD_USER_INPUT', undefined, false],
    ['BAD_CURSOR', undefined, false],
    ['REPOSITORY_NOT_SUPPORTED', undefined, false],
    ['REPOSITORY_ADAPTER_ERROR', undefined, false],
    ['REPOSITORY_CIRCUIT_OPEN', undefined, false],
  ])('%s %s: retried %s', (code, status, expected) => {
    expect(isTransient(code, status)).toBe(expected);
  });

  it('repeats queries only, never mutations', () => {
    expect(isQueryFetch(fetchOf(QUERY))).toBe(true);
    expect(isQueryFetch(fetchOf(ENTITY_QUERY))).toBe(true);
    expect(isQueryFetch(fetchOf('mutation { register(id: "x") }'))).toBe(false);
    const textOnly = (query: string) => ({ request: { query } }) as unknown as GraphQLDataSourceProcessOptions;
    expect(isQueryFetch(textOnly('# comment\n query Q { a }'))).toBe(true);
    expect(isQueryFetch(textOnly('mutation M { a }'))).toBe(false);
  });
});

describe('backoff with full jitter', () => {
  it('waits uniformly below an exponentially growing, capped ceiling', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => fullJitterDelay(n, 100, 1000, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(fullJitterDelay(3, 100, 1000, () => 0)).toBe(0);
    expect(fullJitterDelay(2, 100, 1000, () => 0.5)).toBe(100);
  });
});

describe('the retry budget', () => {
  it('starts full, then allows retries for a share of calls plus a floor per second', () => {
    const clock = fakeClock();
    const budget = new RetryBudget({ ratio: 0.2, floorPerSecond: 1, capacity: 3 }, clock.now);
    expect([budget.withdraw(), budget.withdraw(), budget.withdraw(), budget.withdraw()]).toEqual([true, true, true, false]);
    for (let i = 0; i < 5; i++) budget.deposit();
    expect(budget.withdraw()).toBe(true);
    expect(budget.withdraw()).toBe(false);
    clock.advance(2000);
    expect(budget.available).toBe(2);
    clock.advance(60_000);
    expect(budget.available).toBe(3);
  });
});

describe('the circuit breaker', () => {
  it('opens after the threshold of consecutive failures, half-opens one probe, closes on its success, re-opens on its failure', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetAfterMs: 1000 }, clock.now);
    breaker.failure(false);
    breaker.failure(false);
    breaker.success(false);
    breaker.failure(false);
    breaker.failure(false);
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.failure(false)).toBe(true);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 1000 });
    clock.advance(600);
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 400 });
    clock.advance(400);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 0 });
    expect(breaker.failure(true)).toBe(true);
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 1000 });
    clock.advance(1000);
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
    expect(breaker.success(true)).toBe(true);
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.admit()).toEqual({ allowed: true, probe: false });
  });
});

describe('the retry middleware', () => {
  const retries = (budget = { ratio: 0.2, floorPerSecond: 1, capacity: 10 }) =>
    createRetryMiddleware({ baseDelayMs: 2, maxDelayMs: 10, budget, registry: new RepositoryStatusRegistry() });

  it('retries a 503 up to entry.retries times, then reports it with the number of attempts', async () => {
    const source = scripted(failed('REPOSITORY_HTTP_ERROR', 503));
    const answer = await wrap(entryOf({ retries: 2 }), source, [retries()])(fetchOf(QUERY));
    expect(source.calls).toBe(3);
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'REPOSITORY_HTTP_ERROR', attempts: 3 });
  });

  it('stops at the first success', async () => {
    const source = scripted(failed('REPOSITORY_UNAVAILABLE'), ok);
    const answer = await wrap(entryOf({ retries: 3 }), source, [retries()])(fetchOf(QUERY));
    expect(source.calls).toBe(2);
    expect(answer).toEqual(ok);
  });

  it.each(['BAD_USER_INPUT', 'BAD_CURSOR', 'REPOSITORY_NOT_SUPPORTED', 'REPOSITORY_TIMEOUT', 'REPOSITORY_BAD_RESPONSE'])('never retries %s', async (code) => {
    const source = scripted(failed(code));
    await wrap(entryOf({ retries: 3 }), source, [retries()])(fetchOf(QUERY));
    expect(source.calls).toBe(1);
  });

  it('never retries a mutation, nor with retries 0', async () => {
    const mutation = scripted(failed('REPOSITORY_HTTP_ERROR', 503));
    await wrap(entryOf({ retries: 3 }), mutation, [retries()])(fetchOf('mutation { register(id: "x") }'));
    expect(mutation.calls).toBe(1);
    const none = scripted(failed('REPOSITORY_HTTP_ERROR', 503));
    await wrap(entryOf({ retries: 0 }), none, [retries()])(fetchOf(QUERY));
    expect(none.calls).toBe(1);
  });

  it('stays within the retry budget', async () => {
    const source = scripted(failed('REPOSITORY_HTTP_ERROR', 503));
    const call = wrap(entryOf({ retries: 2 }), source, [retries({ ratio: 0.1, floorPerSecond: 0, capacity: 2 })]);
    for (let i = 0; i < 20; i++) await call(fetchOf(QUERY));
    // 20 calls: the 2 tokens at start, then 0.1 per later call (the first call's deposit finds the bucket full) = 3 retries, not 40.
    expect(source.calls).toBe(20 + 3);
  });

  it('starts no retry that would begin after the repository timeout', async () => {
    const source = scripted(failed('REPOSITORY_HTTP_ERROR', 503));
    const slowBackoff = createRetryMiddleware({ baseDelayMs: 5000, maxDelayMs: 5000, random: () => 0.5, registry: new RepositoryStatusRegistry() });
    await wrap(entryOf({ retries: 2, timeoutMs: 1000 }), source, [slowBackoff])(fetchOf(QUERY));
    expect(source.calls).toBe(1);
  });
});

describe('the timeout middleware', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('answers REPOSITORY_TIMEOUT on each requested field after entry.timeoutMs, naming the repository', async () => {
    const entry = entryOf({ timeoutMs: 50 });
    const never: SubgraphCall = () => new Promise(() => undefined);
    const started = performance.now();
    const answer = await wrap(entry, never, [useTimeout])(fetchOf(QUERY));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(performance.now() - started).toBeLessThan(500);
    expect(answer).toEqual({
      data: null,
      errors: [{ message: `repository "${entry.id}": did not answer within 50 ms (the gateway's timeout for this repository)`, path: ['repository'], extensions: { code: 'REPOSITORY_TIMEOUT', repositoryId: entry.id, timeoutMs: 50 } }],
    });
  });

  it('answers an entity fetch with an error per entity', async () => {
    const entry = entryOf({ timeoutMs: 20 });
    const never: SubgraphCall = () => new Promise(() => undefined);
    const answer = await wrap(entry, never, [useTimeout])(fetchOf(ENTITY_QUERY, { representations: [{ __typename: 'XxUnitRepository', id: 'xx' }] }));
    expect(answer.data).toEqual({ _entities: [null] });
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['_entities', 0, 'cohort'], 'REPOSITORY_TIMEOUT']]);
  });

  it('clears its one timer when the call answers in time', async () => {
    const call = wrap(entryOf({ timeoutMs: 60_000 }), scripted(ok), [useTimeout]);
    const before = timers();
    const answers = await Promise.all(Array.from({ length: 50 }, () => call(fetchOf(QUERY))));
    expect(answers.every((a) => a === ok)).toBe(true);
    expect(timers()).toBe(before);
  });
});

describe('the circuit-breaker middleware', () => {
  it('refuses at once while open, lets one single-attempt probe through after resetAfterMs, and feeds the status', async () => {
    const clock = fakeClock();
    const registry = new RepositoryStatusRegistry(clock.now);
    const entry = entryOf({ retries: 2, circuitBreaker: { failureThreshold: 2, resetAfterMs: 500 } });
    const source = scripted(failed('REPOSITORY_HTTP_ERROR', 503));
    const call = wrap(entry, source, [
      createCircuitBreakerMiddleware({ registry }),
      createRetryMiddleware({ baseDelayMs: 1, maxDelayMs: 1, registry }),
    ]);
    expect(registry.status(entry.id)?.state).toBe('UNKNOWN');
    await call(fetchOf(QUERY));
    expect(registry.status(entry.id)).toMatchObject({ state: 'FAILED', lastErrorCode: 'REPOSITORY_HTTP_ERROR', consecutiveFailures: 1, circuit: 'CLOSED' });
    await call(fetchOf(QUERY));
    // Two calls of three attempts each: the breaker counts calls.
    expect(source.calls).toBe(6);
    const refused = await call(fetchOf(QUERY));
    expect(source.calls).toBe(6);
    expect(refused.errors?.[0].extensions).toEqual({ code: 'REPOSITORY_CIRCUIT_OPEN', repositoryId: entry.id, retryAfterMs: 500 });
    expect(refused.errors?.[0].message).toContain('after 2 consecutive failed calls, last REPOSITORY_HTTP_ERROR');
    expect(registry.status(entry.id)).toMatchObject({ state: 'CIRCUIT_OPEN', circuit: 'OPEN', retryAfterMs: 500, lastErrorCode: 'REPOSITORY_HTTP_ERROR' });

    clock.advance(500);
    await call(fetchOf(QUERY));
    expect(source.calls).toBe(7);
    expect(isSingleAttempt(source.options[6])).toBe(true);
    expect(registry.status(entry.id)).toMatchObject({ state: 'CIRCUIT_OPEN', circuit: 'OPEN', retryAfterMs: 500 });

    clock.advance(500);
    const healed = scripted(failed('BAD_USER_INPUT'));
    source.calls = 0;
    const healing = wrap(entry, healed, [createCircuitBreakerMiddleware({ registry })]);
    await healing(fetchOf(QUERY));
    // An error about the request itself is an answer: the repository is up.
    expect(registry.status(entry.id)).toMatchObject({ state: 'OK', circuit: 'CLOSED', consecutiveFailures: 0, retryAfterMs: null });
  });

  it('keeps a repository\'s state across a rebuild of its middlewares (a config reload) unless its endpoint changes', () => {
    const registry = new RepositoryStatusRegistry();
    const entry = entryOf();
    const first = registry.attach(entry);
    first.completed(false, 12, 'REPOSITORY_UNAVAILABLE');
    expect(registry.attach({ ...entry }).status()).toMatchObject({ state: 'FAILED', lastLatencyMs: 12 });
    expect(registry.attach({ ...entry, endpoint: 'http://elsewhere.invalid' }).status().state).toBe('UNKNOWN');
  });
});
