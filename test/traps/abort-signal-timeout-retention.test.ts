/**
 * Trap (DESIGN.md, measured on Node 20): `AbortSignal.timeout` on every subgraph call raised the gateway's memory
 * under load from 157 MB to 415 MB. A timeout signal with an abort listener is kept alive until it fires, and with
 * it everything the listener reaches: the raced call and its answer, for the whole timeout (10 s by default) after
 * the answer was sent. At hundreds of calls a second that is thousands of answers held for nothing. The timeout
 * middleware (gateway/plugins/datasources/use-timeout.ts) uses one plain timer per call, cleared when the call ends.
 *
 * Measured with weak references after a full garbage collection, so the result does not depend on the machine's
 * load: the first test shows whether this Node still has the trap; the second fails if the middleware regains it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { useTimeout } from '../../gateway/plugins/datasources/use-timeout';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CALLS = 200;
const TIMEOUT_MS = 60_000;

function bigAnswer(i: number): GatewayGraphQLResponse {
  return { data: { _entities: [{ cohort: { subjects: i, rows: 'x'.repeat(10_000) + i } }] } };
}

/** How many of the answers are still reachable once every call has ended and the heap has been collected. */
async function answersStillHeld(race: (call: Promise<GatewayGraphQLResponse>) => Promise<GatewayGraphQLResponse>): Promise<number> {
  const refs: WeakRef<GatewayGraphQLResponse>[] = [];
  await Promise.all(Array.from({ length: CALLS }, async (_, i) => {
    const answer = bigAnswer(i);
    refs.push(new WeakRef(answer));
    await race(Promise.resolve(answer));
  }));
  // WeakRefs hold their target until the current job ends: let it end, then collect.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return refs.filter((ref) => ref.deref() !== undefined).length;
}

/** The timeout as it would be written with AbortSignal.timeout: the fix, removed. */
function withAbortSignalTimeout(call: Promise<GatewayGraphQLResponse>): Promise<GatewayGraphQLResponse> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const timedOut = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  return Promise.race([call, timedOut]);
}

describe('answers of calls that ended before their timeout', () => {
  it(`stay reachable until the timeout fires with AbortSignal.timeout on Node ${process.version}: the trap is still there`, async () => {
    expect(await answersStillHeld(withAbortSignalTimeout)).toBe(CALLS);
  });

  it('are released as soon as the call ends with the gateway\'s timeout middleware', async () => {
    const entry = { id: 'r', timeoutMs: TIMEOUT_MS } as RepositoryEntry;
    const middleware = (call: Promise<GatewayGraphQLResponse>) =>
      useTimeout({ name: 'r', entry }, () => call)({} as GraphQLDataSourceProcessOptions);
    expect(await answersStillHeld(middleware)).toBe(0);
  });
});
