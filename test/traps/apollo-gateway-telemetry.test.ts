/**
 * Trap: @apollo/gateway 2.10+ sends telemetry of its own in its constructor unless APOLLO_TELEMETRY_DISABLED is set:
 * OpenTelemetry resource detectors ask the cloud metadata addresses and an OTLP exporter posts host figures to
 * Apollo, at the latest when the gateway stops. Seen in a CPU profile of the gateway (an https request in the middle
 * of a benchmark), then here: every outgoing HTTP request of the process is watched through Node's diagnostics
 * channels while a gateway is built, loaded and stopped. Nothing is sent anywhere: the tests only count attempts
 * (this machine reaches no outside address anyway).
 *
 * The first test shows whether the installed @apollo/gateway still has the trap; the second fails if the gateway
 * (gateway/runtime/vendor-telemetry.ts, called by startGateway) stops switching it off.
 */
import { ApolloGateway } from '@apollo/gateway';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { installedVersion } from './installed-version';
import { startTestFederation } from '../support/federation';
import { supergraphSdlOf } from './two-repository-federation';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The hosts of every HTTP request this process starts (node:http and fetch/undici) while `run` runs. */
async function hostsContacted(run: () => Promise<void>): Promise<string[]> {
  const hosts: string[] = [];
  const onHttp = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    hosts.push(request.host ?? String(request.getHeader('host')));
  };
  const onUndici = (message: unknown) => hosts.push(new URL((message as { request: { origin: string } }).request.origin).hostname);
  subscribe('http.client.request.start', onHttp);
  subscribe('undici:request:create', onUndici);
  try {
    await run();
  } finally {
    unsubscribe('http.client.request.start', onHttp);
    unsubscribe('undici:request:create', onUndici);
  }
  return hosts;
}

const outside = (hosts: string[]) => hosts.filter((host) => !LOOPBACK.has(host));

describe(`@apollo/gateway ${installedVersion('@apollo/gateway')} telemetry`, () => {
  const saved = process.env.APOLLO_TELEMETRY_DISABLED;
  afterEach(() => {
    if (saved === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = saved;
  });

  it('is sent outside this machine by a gateway built with its defaults: the trap is still there', async () => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    const hosts = await hostsContacted(async () => {
      const gateway = new ApolloGateway({ supergraphSdl: supergraphSdlOf() });
      await gateway.load();
      await gateway.stop();
    });
    expect(outside(hosts).length).toBeGreaterThan(0);
  }, 60_000);

  it('is never sent by this project\'s gateway, from start to stop, when the operator did not ask for it', async () => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    const hosts = await hostsContacted(async () => {
      const federation = await startTestFederation([{ id: 't-pacs', country: 'DE', apiKind: 'dicomweb' }]);
      // One query through it, so that whatever the gateway starts lazily has started.
      const answer = await federation.query('{ repositories { cohort { subjects } } }');
      expect(answer.body.errors).toBeUndefined();
      await federation.close();
    });
    expect(outside(hosts)).toEqual([]);
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  }, 60_000);
});
