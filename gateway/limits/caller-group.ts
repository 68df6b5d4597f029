/**
 * The caller group of a request (gateway/limits/fair-admission.ts callerGroup) on its context, for the waits that
 * follow the gateway's own gate: each repository's fair share (gateway/datasources/use-fair-share.ts). A symbol-keyed,
 * enumerable property, so the shallow copies Apollo Server and the europe subgraph make of the context keep it.
 */
const GROUP = Symbol('eucaim.callerGroup');

export function bindCallerGroup(context: object, group: string): void {
  (context as { [GROUP]?: string })[GROUP] = group;
}

/** The group bound to this context; undefined for work of the gateway's own (health checks, warm-up). */
export function callerGroupOf(context: unknown): string | undefined {
  return context !== null && typeof context === 'object' ? (context as { [GROUP]?: string })[GROUP] : undefined;
}
