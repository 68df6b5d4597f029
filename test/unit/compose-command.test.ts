/**
 * `npm run compose`, as a repository owner runs it: a good config composes, a bad one names the entry and field.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function compose(...args: string[]) {
  return spawnSync(process.execPath, [TSX, 'scripts/compose.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('npm run compose', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compose-'));

  it('composes the demo federation into a supergraph with one type per repository', () => {
    const out = join(dir, 'supergraph.graphql');
    const run = compose('config/demo-federation.json', '--out', out);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/composed 11 repositories in 10 countries/);
    const supergraph = readFileSync(out, 'utf8');
    expect(supergraph).toContain('interface Repository');
    expect(supergraph).toContain('type DeHeidelbergPacsRepository implements Repository');
    expect(supergraph).toMatch(/join__graph\(name: "es-valencia-chaimeleon"/);
  }, 30_000);

  it('exits non-zero naming the entry and field of a bad config', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ repositories: [
      { id: 'de-a', name: 'A', country: 'DE', institution: 'X', apiKind: 'dicomweb', endpoint: 'http://127.0.0.1:1/dicom-web' },
      { id: 'de-a', name: 'B', country: 'Germany', institution: 'Y', apiKind: 'pacs', endpoint: 'http://127.0.0.1:2' },
    ] }));
    const run = compose(bad);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('repositories[1] ("de-a").country: "Germany" is not an ISO 3166-1 alpha-2 code');
    expect(run.stderr).toContain('repositories[1] ("de-a").apiKind: unknown apiKind "pacs"');
    expect(run.stderr).toContain('repositories[1] ("de-a").id: duplicate id "de-a"');
  }, 30_000);

  it('says which file it cannot read', () => {
    const run = compose(join(dir, 'missing.json'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('missing.json');
    expect(run.stderr).toContain('cannot read the file: ENOENT');
  }, 30_000);
});
