/**
 * The gateway runs in front of real repositories: what it loads must not include the demo (its simulators, fault
 * endpoint and issuer live in demo/, wired by npm start's entry point demo/main.ts). Followed from the production
 * entry point through every relative import, as Node would load them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const IMPORT = /(?:from\s+|import\s*\(\s*|require(?:\.resolve)?\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
}

/** Every project file a module loads, itself included, as paths relative to the project. */
function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [resolve(ROOT, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(file, match[1]);
      if (target) pending.push(target);
    }
  }
  return new Set([...seen].map((file) => relative(ROOT, file)));
}

test('the production gateway loads no demo code and no simulator', () => {
  const loaded = loadedBy('gateway/main.ts');
  // The walk reaches the gateway's plugins and the adapters (a walk that found nothing would prove nothing).
  expect(loaded).toContain('gateway/server.ts');
  expect(loaded).toContain('gateway/plugins/datasources/use-cache.ts');
  expect(loaded).toContain('subgraphs/dicomweb/adapter.ts');
  expect([...loaded].filter((file) => file.startsWith('demo/') || file.startsWith('simulators/'))).toEqual([]);
});

test('npm start\'s demo wires its simulators from its own entry point', () => {
  const loaded = loadedBy('demo/main.ts');
  expect(loaded).toContain('gateway/launch.ts');
  expect(loaded).toContain('demo/simulator-thread.ts');
  expect(loaded).toContain('demo/faults.ts');
});
