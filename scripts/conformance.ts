/**
 * npm run conformance -- <subgraph url>
 * Checks a running repository subgraph against the federation's contract and prints what passes and what not.
 */
import '../gateway/runtime/require-node'; // first: a clear message on a Node older than 24, before any dependency loads
import { renderReport, runConformance } from '../conformance/run';

async function main(): Promise<number> {
  const url = process.argv[2];
  if (!url) {
    console.error('usage: npm run conformance -- <subgraph url>   (e.g. http://127.0.0.1:4101/graphql)');
    return 2;
  }
  const results = await runConformance(url);
  console.log(renderReport(url, results));
  return results.some((r) => r.outcome.status === 'fail') ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(`conformance: ${(error as Error).message}`);
  process.exitCode = 1;
});
