/**
 * The HTTP side of fair admission (gateway/limits/fair-admission.ts): a GraphQL request waits here for its turn,
 * in its caller's group, and is refused with the gate's status, code and Retry-After when it may not run. The
 * request's slot is given back when its response is done or its client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerGroup, FairAdmission, RequestRefused, type AdmissionOptions, type AdmissionStats } from '../limits/fair-admission';
import { clientAddress } from '../limits/rate-limit';
import { wasRefused } from './refused-requests';

export interface AdmissionGate {
  /** True when the request may run now (its slot is released with the response); false when it was answered. */
  admit(req: IncomingMessage, res: ServerResponse, caller: string | undefined): Promise<boolean>;
  readonly stats: AdmissionStats;
  close(): void;
}

export function createAdmissionGate(options: Partial<AdmissionOptions>, trustProxy: boolean): AdmissionGate {
  const admission = new FairAdmission(options);
  return {
    get stats() {
      return admission.stats;
    },
    async admit(req, res, caller) {
      try {
        const release = await admission.admit(callerGroup(clientAddress(req, trustProxy), caller));
        // A client that went away while it waited gives its slot back at once.
        if (req.socket.destroyed || res.writableEnded) {
          release();
          return false;
        }
        res.once('close', () => release(res.statusCode >= 400 && res.statusCode !== 503 || wasRefused(req) ? 'refused' : undefined));
        return true;
      } catch (error) {
        if (!(error instanceof RequestRefused)) throw error;
        const { refusal } = error;
        // Its body is read and dropped, so that the client receives the refusal rather than a reset connection.
        req.resume();
        if (!res.headersSent) res.writeHead(refusal.status, { 'content-type': 'application/json', 'retry-after': String(refusal.retryAfterSeconds) });
        res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code, retryAfterMs: refusal.retryAfterSeconds * 1000 } }] }));
        return false;
      }
    },
    close: () => admission.close(),
  };
}
