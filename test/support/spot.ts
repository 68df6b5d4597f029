/**
 * The Spot endpoint as a client without a browser uses it (gateway/plugins/explorer/spot.ts): Lens's query string,
 * the task's POST, and its stream fetched with the cookie the POST set.
 */
import { SPOT_BASE_PATH } from '../../gateway/plugins/explorer';

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** Lens's query for one criterion, as querySpot sends it: `RID10311` (sex) equal to `value` (RID10312: female). */
export function spotQuery(value: string): string {
  return base64({
    lang: 'ast', payload: base64({ ast: { operand: 'OR', children: [{ operand: 'AND', children: [{ key: 'RID10311', type: 'EQUALS', value }] }] } }),
  });
}

/** POSTs a task; its status and the Set-Cookie header its answer carried. */
export async function submitSpotTask(origin: string, id: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string | null }> {
  const response = await fetch(`${origin}${SPOT_BASE_PATH}/beam`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ id, query }),
  });
  await response.arrayBuffer();
  return { status: response.status, cookie: response.headers.get('set-cookie') };
}

/** A task's stream, sending `cookie` (a `name=value` pair) if given. */
export function fetchSpotStream(origin: string, id: string, cookie?: string): Promise<Response> {
  return fetch(`${origin}${SPOT_BASE_PATH}/beam/${id}`, { headers: cookie ? { cookie } : {} });
}

/** The `name=value` part of a Set-Cookie header. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(';')[0];
}
