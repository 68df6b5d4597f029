import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadFederationConfig, parseFederationConfig } from '../../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';

const valid = {
  id: 'de-heidelberg-pacs', name: 'Heidelberg PACS', country: 'DE', institution: 'UKHD', apiKind: 'dicomweb',
  endpoint: 'http://127.0.0.1:8042/dicom-web', collections: [{ id: 'LUNG1', name: 'Lung', cancerSite: 'LUNG' }],
};

function problemsOf(repositories: unknown[]): string[] {
  try {
    parseFederationConfig({ repositories }, 'test.json', ADAPTER_KINDS);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('federation config validation', () => {
  it('accepts a valid entry and fills defaults', () => {
    const config = parseFederationConfig({ repositories: [valid] }, 'test.json', ADAPTER_KINDS);
    expect(config.repositories[0]).toMatchObject({ id: 'de-heidelberg-pacs', subgraph: 'local', timeoutMs: 10000, options: {} });
  });

  it('names the entry and the field of an unknown apiKind, listing the known ones', () => {
    expect(problemsOf([{ ...valid, apiKind: 'pacs9000' }])).toEqual([
      expect.stringMatching(/^repositories\[0\] \("de-heidelberg-pacs"\)\.apiKind: unknown apiKind "pacs9000"; known: .*dicomweb/),
    ]);
  });

  it('reports a duplicate id with both positions', () => {
    expect(problemsOf([valid, { ...valid, country: 'AT' }])).toEqual([
      'repositories[1] ("de-heidelberg-pacs").id: duplicate id "de-heidelberg-pacs", already used by repositories[0]',
    ]);
  });

  it('rejects country codes that are not ISO 3166-1 alpha-2', () => {
    expect(problemsOf([{ ...valid, country: 'GER' }])[0]).toMatch(/\.country: "GER" is not an ISO 3166-1 alpha-2 code/);
    expect(problemsOf([{ ...valid, country: 'XX' }])[0]).toMatch(/\.country: "XX"/);
  });

  it('collects every problem of every entry at once', () => {
    const problems = problemsOf([{ ...valid, id: 'Bad Id', timeoutMs: -1, endpoint: 'ftp://x' }, { name: 'no id' }]);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('repositories[0] ("Bad Id").id: "Bad Id" must be lower-case letters'),
      expect.stringContaining('.timeoutMs: must be an integer'),
      expect.stringContaining('.endpoint: "ftp://x" is not an http(s) URL'),
      'repositories[1].id: missing',
    ]));
  });

  it('keeps the names of the federation\'s own subgraphs for itself', () => {
    expect(problemsOf([{ ...valid, id: 'europe' }])).toEqual([expect.stringContaining('.id: "europe" is the name of one of the federation\'s own subgraphs')]);
  });

  it('refuses a secret where an environment variable name belongs', () => {
    expect(problemsOf([{ ...valid, credentialsEnv: 'admin:hunter2' }])[0]).toMatch(/credentialsEnv: .* must name an environment variable/);
  });

  it('validates collection cancer sites and adapter options', () => {
    expect(problemsOf([{ ...valid, collections: [{ id: 'x', name: 'x', cancerSite: 'LUNGS' }] }])[0])
      .toMatch(/collections\[0\]\.cancerSite: "LUNGS" is not a CancerSite/);
    expect(problemsOf([{ ...valid, options: { mode: 'sometimes' } }])[0]).toMatch(/options\.mode: must be "index" or "live"/);
  });

  it('says which file cannot be read or parsed', () => {
    expect(() => loadFederationConfig('/nonexistent/federation.json', ADAPTER_KINDS)).toThrow(/\/nonexistent\/federation.json:\n {2}- cannot read the file: ENOENT/);
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    writeFileSync(join(dir, 'broken.json'), '{"repositories": [');
    expect(() => loadFederationConfig(join(dir, 'broken.json'), ADAPTER_KINDS)).toThrow(/broken.json:\n {2}- not valid JSON/);
  });

  it('loads the built-in demo federation: at least 10 repositories, 8 countries, every API kind', () => {
    const config = loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS);
    expect(config.repositories.length).toBeGreaterThanOrEqual(10);
    expect(new Set(config.repositories.map((r) => r.country)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(config.repositories.map((r) => r.apiKind))).toEqual(new Set(ADAPTER_KINDS.map((k) => k.apiKind)));
  });
});
