/**
 * Cancellation of abandoned work: when nobody waits for a call any more (its caller went away, or the gateway's
 * timeout for the repository already answered REPOSITORY_TIMEOUT), the native requests it still has in flight are
 * aborted and the ones it has not sent yet are never sent, instead of going on for nobody while other callers queue.
 *
 * The signal travels with the call's asynchronous work (AsyncLocalStorage), not through every adapter's arguments:
 * whatever an adapter awaits on behalf of a call, NativeHttp (native-http.ts) finds the call's signal there. Work
 * shared by several calls (a harvest, a read cache's load, a server profile) runs `detached`: one caller going away
 * must not cancel what others wait for.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';

const current = new AsyncLocalStorage<AbortSignal | undefined>();

/** The signal of the call this code runs for, if any. */
export function currentSignal(): AbortSignal | undefined {
  return current.getStore();
}

/** Runs `work` (and everything it starts) as part of the call `signal` cancels. */
export function withSignal<T>(signal: AbortSignal | undefined, work: () => T): T {
  return current.run(signal, work);
}

/** Runs `work` outside any call: for work shared by several calls, which no single caller may cancel. */
export function detached<T>(work: () => T): T {
  return current.run(undefined, work);
}

/** A cancellation of its own that also follows `parent`; `dispose()` unlinks it once the work has ended. */
export function linkedController(parent: AbortSignal | undefined = currentSignal()): { controller: AbortController; dispose(): void } {
  const controller = unboundedController();
  if (!parent) return { controller, dispose: () => {} };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => {} };
  }
  const follow = () => controller.abort(parent.reason);
  parent.addEventListener('abort', follow, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', follow) };
}

/**
 * A cancellation for work several callers share (the gateway's de-duplication of identical calls in flight): it
 * aborts only once every caller that joined has gone. A caller without a signal can never go, so neither can the
 * work it joined.
 */
export class SharedCancellation {
  private readonly controller = unboundedController();
  private waiting = 0;
  private everlasting = false;
  private readonly unlinks: Array<() => void> = [];

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Adds a caller, who is gone once `signal` aborts. */
  join(signal: AbortSignal | undefined): void {
    if (!signal) {
      this.everlasting = true;
      return;
    }
    if (signal.aborted) {
      // Gone before joining: alone, the work is cancelled at once.
      if (this.waiting === 0 && !this.everlasting) this.controller.abort(signal.reason);
      return;
    }
    this.waiting++;
    const gone = () => {
      this.waiting--;
      if (this.waiting === 0 && !this.everlasting) this.controller.abort(signal.reason);
    };
    signal.addEventListener('abort', gone, { once: true });
    this.unlinks.push(() => signal.removeEventListener('abort', gone));
  }

  /** Unlinks from every caller's signal: the work has ended. */
  dispose(): void {
    for (const unlink of this.unlinks.splice(0)) unlink();
  }
}

/**
 * A controller whose signal takes any number of listeners: one request's calls to every repository of the
 * federation, and one call's native requests, each listen to it (Node warns of a leak past 10 otherwise). Each
 * listener is removed when its work ends.
 */
function unboundedController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/**
 * The signal of a request's work: aborts when its client goes away before its answer has been written, or when its
 * answer was written by something else while the work still ran (the gateway's deadline backstop).
 */
export function clientGoneSignal(res: ServerResponse): { signal: AbortSignal; dispose(): void } {
  const controller = unboundedController();
  // Gone already (while its body was read): the close event has passed.
  if (res.destroyed || res.socket?.destroyed) controller.abort(new Error('the client went away'));
  const onClose = () => {
    if (!res.writableFinished) controller.abort(new Error('the client went away'));
  };
  // Answered while the work still runs (the gateway's deadline backstop answered it): nobody waits for the work.
  const onFinish = () => controller.abort(new Error('the request was answered without this work'));
  res.once('close', onClose);
  res.once('finish', onFinish);
  return {
    signal: controller.signal,
    dispose: () => {
      res.off('close', onClose);
      res.off('finish', onFinish);
    },
  };
}
