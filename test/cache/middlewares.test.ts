/**
 * The cache pieces alone, without servers: keys, copies, the bounded in-memory store, and the cache and
 * de-duplication middlewares around a fake subgraph call.
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { cloneJson } from '../../gateway/plugins/cache/clone';
import { bindSubgraphCache } from '../../gateway/plugins/cache/context';
import { isQueryCall, stableStringify, subgraphRequestKey } from '../../gateway/plugins/cache/key';
import { BoundedMemoryStore } from '../../gateway/plugins/cache/memory-store';
import { SubgraphCache } from '../../gateway/plugins/cache/subgraph-cache';
import type { SubgraphCall, SubgraphInfo } from '../../gateway/plugins/datasources/middleware';
import { useResponseCache } from '../../gateway/plugins/datasources/use-cache';
import { useInFlightDedup } from '../../gateway/plugins/datasources/use-dedup';
import type { AccessLevel } from '../../subgraphs/sdk/context';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';

const QUERY = 'query Q__de_a__1($representations: [_Any!]!, $where: CaseFilter) { _entities(representations: $representations) { ... on DeARepository { cohort(where: $where) { subjects } } } }';

const entry = (overrides: Partial<RepositoryEntry> = {}): RepositoryEntry => ({
  id: 'de-a', name: 'A', country: 'DE', institution: 'I', apiKind: 'nbia', endpoint: 'http://127.0.0.1:1/', subgraph: 'local',
  timeoutMs: 1000, collections: [], options: {}, cacheTtlSeconds: 60, ...overrides,
});

function call(
  variables: Record<string, unknown>, accessLevel: AccessLevel = 'anonymous', cache?: SubgraphCache, query = QUERY,
): GraphQLDataSourceProcessOptions {
  const context = { accessLevel };
  if (cache) bindSubgraphCache(context, cache);
  return {
    kind: 'incoming operation', request: { query, variables }, context, document: parse(query),
    incomingRequestContext: {}, pathInIncomingRequest: ['repositories', '@'],
  } as unknown as GraphQLDataSourceProcessOptions;
}

const answer = (subjects: number): GatewayGraphQLResponse => ({ data: { _entities: [{ __typename: 'DeARepository', cohort: { subjects } }] } });
const representations = [{ __typename: 'DeARepository', id: 'de-a' }];

describe('subgraph request keys', () => {
  const info: SubgraphInfo = { name: 'de-a', entry: entry() };
  const key = (options: GraphQLDataSourceProcessOptions, i: SubgraphInfo = info) => subgraphRequestKey(i, options);

  it('are a sha256, with no operation text, variable, filter value or id in them', () => {
    const k = key(call({ representations, where: { manufacturers: ['SIEMENS'] } }));
    expect(k).toMatch(/^answer:[0-9a-f]{64}$/);
  });

  it('are equal for equal calls, whatever the order of object keys', () => {
    const a = key(call({ representations, where: { sex: ['FEMALE'], modalities: ['CT'] } }));
    const b = key(call({ where: { modalities: ['CT'], sex: ['FEMALE'] }, representations }));
    expect(a).toBe(b);
  });

  it('differ by variables, representations, access level, operation text, repository and its config entry', () => {
    const base = key(call({ representations, where: { sex: ['FEMALE'] } }));
    const others = [
      key(call({ representations, where: { sex: ['MALE'] } })),
      key(call({ representations: [{ __typename: 'DeARepository', id: 'de-b' }], where: { sex: ['FEMALE'] } })),
      key(call({ representations, where: { sex: ['FEMALE'] } }, 'researcher')),
      key(call({ representations, where: { sex: ['FEMALE'] } }, 'anonymous', undefined, QUERY.replace('subjects', 'subjects studies'))),
      key(call({ representations, where: { sex: ['FEMALE'] } }), { name: 'de-b', entry: entry({ id: 'de-b' }) }),
      key(call({ representations, where: { sex: ['FEMALE'] } }), { name: 'de-a', entry: entry({ endpoint: 'http://127.0.0.1:2/' }) }),
      key(call({ representations, where: { sex: ['FEMALE'] } }), { name: 'de-a', entry: entry({ options: { mode: 'live' } }) }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it('ignore how a repository is called (timeouts, retries, TTL)', () => {
    const variables = { representations, where: { sex: ['FEMALE'] } };
    expect(key(call(variables), { name: 'de-a', entry: entry({ timeoutMs: 5, retries: 0, cacheTtlSeconds: 1 }) })).toBe(key(call(variables)));
  });

  it('canonical JSON sorts object keys and keeps array order', () => {
    expect(stableStringify({ b: [2, 1], a: { d: 1, c: null, e: undefined } })).toBe('{"a":{"c":null,"d":1},"b":[2,1]}');
  });

  it('only queries of incoming operations are cached or shared', () => {
    expect(isQueryCall(call({}))).toBe(true);
    expect(isQueryCall(call({}, 'anonymous', undefined, 'mutation M { touch }'))).toBe(false);
    expect(isQueryCall({ kind: 'health check', request: { query: '{ __typename }' }, context: {} } as unknown as GraphQLDataSourceProcessOptions)).toBe(false);
  });
});

describe('copies and the in-memory store', () => {
  it('cloneJson copies deeply', () => {
    const original = { a: [{ b: 1 }, null, 'x'], c: { d: true } };
    const copy = cloneJson(original);
    expect(copy).toEqual(original);
    copy.a[0] = { b: 2 };
    (copy.c as { d: boolean }).d = false;
    expect(original).toEqual({ a: [{ b: 1 }, null, 'x'], c: { d: true } });
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const store = new BoundedMemoryStore(2);
    store.set('a', 1);
    store.set('b', 2);
    store.get('a');
    store.set('c', 3);
    expect([store.get('a'), store.get('b'), store.get('c'), store.size]).toEqual([1, undefined, 3, 2]);
  });

  it('forgets expired entries', async () => {
    const store = new BoundedMemoryStore(10);
    store.set('a', 1, 20);
    expect(store.get('a')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('an in-memory hit is a copy: changing what the gateway got never changes the cache', async () => {
    const cache = new SubgraphCache();
    const response = answer(5);
    await cache.set('k', response, 60_000);
    (response.data!._entities[0].cohort as { subjects: number }).subjects = 99;
    const first = await cache.get('k');
    (first!.data!._entities[0].cohort as { subjects: number }).subjects = 42;
    expect((await cache.get('k'))?.data).toEqual(answer(5).data);
    await cache.close();
  });
});

describe('the cache middleware', () => {
  const setup = (ttl: number, responses: GatewayGraphQLResponse[]) => {
    const cache = new SubgraphCache();
    const upstream = jest.fn<Promise<GatewayGraphQLResponse>, Parameters<SubgraphCall>>(async () => responses.shift() ?? answer(1));
    const wrapped = useResponseCache({ name: 'de-a', entry: entry({ cacheTtlSeconds: ttl }) }, upstream);
    return { cache, upstream, wrapped };
  };

  it('answers an identical call from the cache, a different one from upstream', async () => {
    const { cache, upstream, wrapped } = setup(60, [answer(5), answer(6)]);
    const variables = { representations, where: { sex: ['FEMALE'] } };
    expect((await wrapped(call(variables, 'anonymous', cache))).data).toEqual(answer(5).data);
    expect((await wrapped(call(variables, 'anonymous', cache))).data).toEqual(answer(5).data);
    expect((await wrapped(call({ ...variables, where: { sex: ['MALE'] } }, 'anonymous', cache))).data).toEqual(answer(6).data);
    expect(upstream).toHaveBeenCalledTimes(2);
    await cache.close();
  });

  it('does not keep answers with errors', async () => {
    const failed: GatewayGraphQLResponse = { data: { _entities: [null] }, errors: [{ message: 'repository "de-a": HTTP 503', path: ['_entities', 0, 'cohort'] }] };
    const { cache, upstream, wrapped } = setup(60, [failed, answer(5)]);
    const options = () => call({ representations }, 'anonymous', cache);
    expect((await wrapped(options())).errors).toHaveLength(1);
    expect((await wrapped(options())).errors).toBeUndefined();
    expect((await wrapped(options())).data).toEqual(answer(5).data);
    expect(upstream).toHaveBeenCalledTimes(2);
    await cache.close();
  });

  describe('stale-while-revalidate', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Fractions of a second, so that entries expire within the test (the config takes whole seconds).
    const setupGrace = (ttlSeconds: number, graceSeconds: number, responses: GatewayGraphQLResponse[]) => {
      const cache = new SubgraphCache();
      const upstream = jest.fn<Promise<GatewayGraphQLResponse>, Parameters<SubgraphCall>>(async () => responses.shift() ?? answer(1));
      const wrapped = useResponseCache({ name: 'de-a', entry: entry({ cacheTtlSeconds: ttlSeconds, staleWhileRevalidateSeconds: graceSeconds }) }, upstream);
      const ask = async () => (await wrapped(call({ representations }, 'anonymous', cache))).data;
      return { cache, upstream, ask };
    };

    it('past its TTL, within its grace, answers the old answer at once and refreshes it once in the background', async () => {
      // A TTL long enough that the refreshed answer is still fresh when asked again on a busy machine (at 50 ms, a
      // stall of the test process made it stale again, and a third call refreshed it).
      const { cache, upstream, ask } = setupGrace(0.3, 1, [answer(5), answer(6)]);
      expect(await ask()).toEqual(answer(5).data);
      await sleep(350);
      // Three callers at once while it is stale: all answered with the old answer, one refresh for them all.
      expect(await Promise.all([ask(), ask(), ask()])).toEqual([answer(5).data, answer(5).data, answer(5).data]);
      expect(upstream).toHaveBeenCalledTimes(2);
      await sleep(10);
      expect(await ask()).toEqual(answer(6).data);
      expect(upstream).toHaveBeenCalledTimes(2);
      await cache.close();
    });

    it('keeps the old answer when a refresh fails, and takes the next refresh that works', async () => {
      const failed: GatewayGraphQLResponse = { data: { _entities: [null] }, errors: [{ message: 'repository "de-a": HTTP 503', path: ['_entities', 0, 'cohort'] }] };
      const { cache, upstream, ask } = setupGrace(0.05, 1, [answer(5), failed, answer(7)]);
      expect(await ask()).toEqual(answer(5).data);
      await sleep(80);
      expect(await ask()).toEqual(answer(5).data);
      await sleep(10);
      expect(upstream).toHaveBeenCalledTimes(2);
      // The failed refresh kept nothing: still the old answer, and another refresh.
      expect(await ask()).toEqual(answer(5).data);
      await sleep(10);
      expect(upstream).toHaveBeenCalledTimes(3);
      expect(await ask()).toEqual(answer(7).data);
      await cache.close();
    });

    it('past the grace, or with staleWhileRevalidateSeconds 0, the caller waits for the repository\'s new answer', async () => {
      const past = setupGrace(0.05, 0.1, [answer(5), answer(6)]);
      expect(await past.ask()).toEqual(answer(5).data);
      await sleep(200);
      expect(await past.ask()).toEqual(answer(6).data);
      const off = setupGrace(0.05, 0, [answer(5), answer(6)]);
      expect(await off.ask()).toEqual(answer(5).data);
      await sleep(80);
      expect(await off.ask()).toEqual(answer(6).data);
      expect([past.upstream.mock.calls.length, off.upstream.mock.calls.length]).toEqual([2, 2]);
      await Promise.all([past.cache.close(), off.cache.close()]);
    });
  });

  it('with cacheTtlSeconds 0, or without a cache on the context, always calls upstream', async () => {
    const off = setup(0, []);
    await off.wrapped(call({ representations }, 'anonymous', off.cache));
    await off.wrapped(call({ representations }, 'anonymous', off.cache));
    expect(off.upstream).toHaveBeenCalledTimes(2);
    const none = setup(60, []);
    await none.wrapped(call({ representations }));
    await none.wrapped(call({ representations }));
    expect(none.upstream).toHaveBeenCalledTimes(2);
    await Promise.all([off.cache.close(), none.cache.close()]);
  });
});

describe('the in-flight de-duplication middleware', () => {
  it('shares one upstream call among identical concurrent calls, each caller with its own copy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const upstream = jest.fn(async () => {
      await gate;
      return answer(7);
    });
    const wrapped = useInFlightDedup({ name: 'de-a', entry: entry() }, upstream);
    const calls = Array.from({ length: 10 }, () => wrapped(call({ representations })));
    const other = wrapped(call({ representations }, 'researcher'));
    release();
    const answers = await Promise.all(calls);
    await other;
    expect(upstream).toHaveBeenCalledTimes(2); // the ten anonymous calls, and the researcher's own
    expect(new Set(answers.map((a) => a.data)).size).toBe(10);
    for (const a of answers) expect(a.data).toEqual(answer(7).data);
    // A call after the shared one settled goes upstream again.
    await wrapped(call({ representations }));
    expect(upstream).toHaveBeenCalledTimes(3);
  });

  it('gives every caller the failure of the shared call', async () => {
    const upstream = jest.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('boom');
    });
    const wrapped = useInFlightDedup({ name: 'de-a', entry: entry() }, upstream);
    const results = await Promise.allSettled([1, 2, 3].map(() => wrapped(call({ representations }))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(upstream).toHaveBeenCalledTimes(1);
  });
});
