/**
 * Counts the HTTP requests every server of this process receives, by port, without touching the servers: the
 * benchmark reports how many upstream requests each gateway sends per client request (de-duplication and caching
 * show up there).
 */
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const counts = new Map<number, number>();

export function countIncomingRequests(): void {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function patchedEmit(this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const port = (this.address() as AddressInfo | null)?.port ?? 0;
      counts.set(port, (counts.get(port) ?? 0) + 1);
    }
    return emit.apply(this, [event, ...args] as unknown as Parameters<typeof emit>);
  } as typeof emit;
}

export function requestCounts(): Record<number, number> {
  return Object.fromEntries(counts);
}

export function resetRequestCounts(): void {
  counts.clear();
}
