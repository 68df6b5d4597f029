/**
 * A subgraph call answered from part of a repository's data (a cohort counted on the part of its index harvested so
 * far, `Cohort.coverage`) says so in its answer's extensions, whatever the caller selected, so that the gateway does
 * not cache it: a moment later the whole index answers. Set by the SDK's cohort resolver on the call's context, read
 * by the gateway's innermost middleware (local subgraphs) or the subgraph server (remote ones).
 */
export const INCOMPLETE_EXTENSION = 'eucaimIncomplete';

const INCOMPLETE = Symbol('eucaim.incompleteAnswer');

type Marked = { [INCOMPLETE]?: true };

/** Notes on a call's context that its answer covers only part of a repository. */
export function noteIncompleteAnswer(context: object | undefined): void {
  if (context) (context as Marked)[INCOMPLETE] = true;
}

export function isIncompleteAnswer(context: object | undefined): boolean {
  return (context as Marked | undefined)?.[INCOMPLETE] === true;
}
