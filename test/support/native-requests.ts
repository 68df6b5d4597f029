/**
 * Which repositories' native requests a piece of work sends, in the order they leave: undici's `request:create`
 * diagnostics channel, each request's origin looked up among the repositories' servers. Tests of the order in which
 * a fan-out asks its repositories read it.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** `origins`: a server's origin (`http://127.0.0.1:<port>`) to its repository id; other requests are left out. */
export async function nativeRequestOrder(origins: ReadonlyMap<string, string>, work: () => Promise<unknown>): Promise<string[]> {
  const asked: string[] = [];
  const created = (message: unknown) => {
    const { request } = message as { request: { origin?: string | URL } };
    const id = origins.get(new URL(String(request.origin)).origin);
    if (id) asked.push(id);
  };
  subscribe('undici:request:create', created);
  try {
    await work();
  } finally {
    unsubscribe('undici:request:create', created);
  }
  return asked;
}
