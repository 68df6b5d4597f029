/**
 * Runs the conformance checks against a subgraph URL and renders a readable report.
 */
import { CHECKS, CheckContext, type Check, type Outcome } from './checks';
import { SubgraphClient } from './subgraph-client';

export interface CheckResult {
  check: Check;
  outcome: Outcome;
}

export async function runConformance(url: string): Promise<CheckResult[]> {
  const context = new CheckContext(new SubgraphClient(url));
  const results: CheckResult[] = [];
  // In order: later checks use what earlier ones learnt (the type name, the collections, whether cases list).
  for (const check of CHECKS) {
    let outcome: Outcome;
    try {
      outcome = await check.run(context);
    } catch (error) {
      outcome = { status: 'fail', detail: (error as Error).message };
    }
    results.push({ check, outcome });
  }
  return results;
}

export function renderReport(url: string, results: readonly CheckResult[]): string {
  const mark = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;
  const lines = [`Conformance of ${url}`, ''];
  for (const { check, outcome } of results) {
    lines.push(`  ${mark[outcome.status]}  ${check.area.padEnd(7)} ${check.name}${outcome.detail ? ` — ${outcome.detail}` : ''}`);
  }
  const count = (status: Outcome['status']) => results.filter((r) => r.outcome.status === status).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return lines.join('\n');
}
