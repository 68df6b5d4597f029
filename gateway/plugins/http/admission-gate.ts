/**
 * The HTTP side of fair admission (gateway/plugins/limits/fair-admission.ts): a GraphQL request waits here for its turn,
 * in its caller's group (gateway/plugins/limits/caller-group.ts), and is refused with the gate's status, code and Retry-After when it may not run. A request
 * whose client goes away while it waits leaves the queue; one that runs gives its slot back when its work has
 * ended, whether or not its client is still there.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeErrorAnswer } from '../../../subgraphs/sdk/apollo-http';
import { FairAdmission, RequestRefused, type AdmissionOptions, type AdmissionStats } from '../limits/fair-admission';
import { wasRefused } from './refused-requests';

export interface AdmissionGate {
  /**
   * Waits for the request's turn. Resolves with its release, to call once the request's work has ended (not when
   * its client went away: its work is then cancelled, subgraphs/sdk/cancellation.ts, but ends only once its native
   * requests are hung up and what it shares with others is done), or undefined when the request was answered
   * here (refused, or its client went away while it waited).
   */
  admit(req: IncomingMessage, res: ServerResponse, group: string): Promise<((res: ServerResponse) => void) | undefined>;
  readonly stats: AdmissionStats;
  close(): void;
}

export function createAdmissionGate(options: Partial<AdmissionOptions>): AdmissionGate {
  const admission = new FairAdmission(options);
  return {
    get stats() {
      return admission.stats;
    },
    async admit(req, res, group) {
      // A client that goes away while it waits gives its place in the queue back.
      const gone = new AbortController();
      const onClose = () => gone.abort();
      res.once('close', onClose);
      try {
        const release = await admission.admit(group, gone.signal);
        if (gone.signal.aborted) {
          release();
          return undefined;
        }
        // Refusals of what the request is (4xx, or errors marked by refused-requests.ts) put its caller after others;
        // the gateway's own failures (5xx) do not.
        return (answered) => release(answered.statusCode >= 400 && answered.statusCode < 500 || wasRefused(req) ? 'refused' : undefined);
      } catch (error) {
        if (gone.signal.aborted) return undefined;
        if (!(error instanceof RequestRefused)) throw error;
        const { refusal } = error;
        // Its body is read and dropped, so that the client receives the refusal rather than a reset connection.
        req.resume();
        writeErrorAnswer(res, refusal.status, refusal.message, { code: refusal.code, retryAfterMs: refusal.retryAfterSeconds * 1000 },
          { 'retry-after': String(refusal.retryAfterSeconds) });
        return undefined;
      } finally {
        res.off('close', onClose);
      }
    },
    close: () => admission.close(),
  };
}
