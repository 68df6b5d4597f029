/**
 * Laplace noise on the counts of callers without a record grant (sdk/privacy/noise.ts): fixed per repository, query
 * and count, so repeats cannot average it away; of scale 1/epsilon; never below k; true counts for a granted
 * caller. On hand-built cohorts, then through the real gateway with a Europe-wide total.
 */
import type { IncomingMessage } from 'node:http';
import { createSecretKey } from 'node:crypto';
import { request } from 'undici';
import { ConfigError, parseFederationConfig, type FederationConfig } from '../../config/federation-config';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import type { CaseFilter } from '../../schema/generated/graphql';
import { demoDataFor } from '../../simulators/demo-data';
import { toUnifiedCases } from '../support/ground-truth';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import type { RequestContext } from '../../subgraphs/sdk/context';
import type { SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { emptyFacets, FACET_NAMES } from '../../subgraphs/sdk/facets';
import { normaliseFilter, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import { countPrivacyPolicy, discloseCohort, type CountPrivacyPolicy, type PrivacySettings } from '../../subgraphs/sdk/privacy';
import { laplaceDraw } from '../../subgraphs/sdk/privacy/noise';
import type { CohortRecord } from '../../subgraphs/sdk/records';
import { testConfig } from '../support/federation';

const ENV = { PRIVACY_NOISE_KEY: 'a test key of at least thirty-two characters' };
const ANONYMOUS: RequestContext = { accessLevel: 'anonymous', recordGrants: [] };
const noisy = (epsilon: number, extra: PrivacySettings = {}): PrivacySettings => ({ ...extra, noise: { mechanism: 'laplace', epsilon } });
const policyOf = (privacy: PrivacySettings, env: NodeJS.ProcessEnv = ENV, id = 'r'): CountPrivacyPolicy => countPrivacyPolicy({ id, privacy }, env);

function cohort(overrides: Partial<CohortRecord> = {}): CohortRecord {
  return { subjects: 500, studies: 800, series: 4000, images: 90000, exact: true, facets: emptyFacets(), filtersApplied: [], filtersNotApplied: [], ...overrides };
}
/** Distinct queries: one manufacturer each (a filter is a query as far as the noise goes). */
const queries = (n: number): NormalizedFilter[] => Array.from({ length: n }, (_, i) => ({ manufacturers: [`scanner-${i}`] }));
const subjectsShown = (policy: CountPrivacyPolicy, filter: NormalizedFilter, record = cohort(), repositoryId = 'r') =>
  discloseCohort(record, repositoryId, policy, ANONYMOUS, filter).subjects!;

describe('noise fixed per query', () => {
  const policy = policyOf(noisy(0.2)); // scale 5

  it('gives the same noisy answer to a query however often it is asked, so the mean of repeats is that answer, not the truth', () => {
    const offsets = queries(50).map((filter) => {
      const answers = Array.from({ length: 200 }, () => subjectsShown(policy, filter));
      expect(new Set(answers).size).toBe(1);
      return answers.reduce((a, b) => a + b, 0) / answers.length - 500;
    });
    // Averaging 200 repeats leaves each query's noise whole: most are off, by the noise's scale on average.
    expect(offsets.filter((o) => o !== 0).length).toBeGreaterThan(40);
    expect(offsets.reduce((sum, o) => sum + Math.abs(o), 0) / offsets.length).toBeGreaterThan(2.5);
  });

  it('gives the same noise to the same filter however it is written', () => {
    const answer = (where: CaseFilter, record = cohort()) => discloseCohort(record, 'r', policy, ANONYMOUS, normaliseFilter(where, 'r'));
    const same = (writings: CaseFilter[], record?: CohortRecord) => expect(new Set(writings.map((w) => JSON.stringify(answer(w, record)))).size).toBe(1);
    same([{ modalities: ['MR', 'CT'] }, { modalities: ['CT', 'MR'] }, { modalities: ['CT', 'MR', 'CT'] }]);
    same([{ manufacturers: ['Siemens', 'GE'] }, { manufacturers: [' ge', 'SIEMENS '] }]);
    same([{ ageAtDiagnosis: { min: 40 } }, { ageAtDiagnosis: { min: 40, max: null } }]);
    same([{}, { modalities: [] }, { sex: null }]);
    same([{ sex: ['FEMALE'], modalities: ['MR'] }, { modalities: ['MR'], sex: ['FEMALE'] }]);
    // A criterion the repository could not apply does not change its count, so it does not change the noise either:
    // otherwise any value there would draw fresh noise on the same count.
    const ignoring = cohort({ filtersNotApplied: [{ criterion: 'MANUFACTURERS', reason: 'not recorded' }] });
    same([{ sex: ['MALE'] }, { sex: ['MALE'], manufacturers: ['a'] }, { sex: ['MALE'], manufacturers: ['b'] }], ignoring);
  });

  it('draws other noise for other queries, repositories, counts and keys', () => {
    const filters = queries(200);
    const here = filters.map((f) => subjectsShown(policy, f));
    expect(new Set(here).size).toBeGreaterThan(15);
    const elsewhere = filters.map((f) => subjectsShown(policy, f, cohort(), 'other-repository'));
    expect(here.filter((v, i) => v !== elsewhere[i]).length).toBeGreaterThan(150);
    const otherKey = policyOf(noisy(0.2), { PRIVACY_NOISE_KEY: 'another key, also thirty-two characters or more' });
    expect(here.filter((v, i) => v !== subjectsShown(otherKey, filters[i])).length).toBeGreaterThan(150);
    // Equal true counts in different cells get their own noise.
    const equal = cohort({ subjects: 500, studies: 500, series: 500, images: 500 });
    const cells = filters.map((f) => discloseCohort(equal, 'r', policy, ANONYMOUS, f));
    expect(cells.filter((c) => new Set([c.subjects, c.studies, c.series, c.images]).size > 1).length).toBeGreaterThan(150);
  });

  it('draws afresh when the true count changes, so watching a query does not show each change exactly', () => {
    const filter = { modalities: ['MR' as const] };
    const shown = Array.from({ length: 200 }, (_, i) => subjectsShown(policy, filter, cohort({ subjects: 500 + i })) - (500 + i));
    expect(new Set(shown).size).toBeGreaterThan(15);
  });

  it('agrees across replicas that share PRIVACY_NOISE_KEY', () => {
    const replica = policyOf(noisy(0.2), { ...ENV });
    for (const filter of queries(50)) expect(subjectsShown(replica, filter)).toBe(subjectsShown(policy, filter));
  });
});

describe('the distribution of the noise', () => {
  // Fixed tolerances, several standard errors wide: a wrong scale (e.g. epsilon instead of 1/epsilon, or a
  // sensitivity other than 1) fails them; the fixed key makes each run the same.
  const N = 20_000;

  it('draws Laplace(0, 1) from the HMAC: |draw| is Exponential(1) by a Kolmogorov-Smirnov test, and the sign is fair', () => {
    const key = createSecretKey(Buffer.from(ENV.PRIVACY_NOISE_KEY));
    const draws = Array.from({ length: N }, (_, i) => laplaceDraw(key, ['r', 'filter', 'subjects', i]));
    const magnitudes = draws.map(Math.abs).sort((a, b) => a - b);
    const d = magnitudes.reduce((max, x, i) => Math.max(max, Math.abs(1 - Math.exp(-x) - (i + 0.5) / N)), 0);
    expect(d).toBeLessThan(1.95 / Math.sqrt(N)); // the KS critical value at the 0.1% level
    expect(Math.abs(draws.filter((x) => x > 0).length / N - 0.5)).toBeLessThan(0.015);
  });

  it.each([[1], [0.25]])('shows counts off by Laplace noise of scale 1/epsilon, rounded to whole numbers (epsilon %p)', (epsilon) => {
    const b = 1 / epsilon;
    const policy = policyOf(noisy(epsilon));
    const offsets = queries(N).map((f) => subjectsShown(policy, f, cohort({ subjects: 10_000 })) - 10_000);
    // For X ~ Laplace(0, b): P(|round(X)| >= j) = P(|X| >= j - 1/2) = exp(-(j - 1/2)/b), and E|round(X)| is their sum.
    const meanAbsolute = offsets.reduce((sum, o) => sum + Math.abs(o), 0) / N;
    const expected = Math.exp(-1 / (2 * b)) / (1 - Math.exp(-1 / b));
    expect(Math.abs(meanAbsolute / expected - 1)).toBeLessThan(0.04);
    expect(Math.abs(offsets.reduce((a, o) => a + o, 0) / N)).toBeLessThan(0.05 * b);
    for (const j of [1, Math.round(b), Math.round(2 * b), Math.round(3 * b)]) {
      const share = offsets.filter((o) => Math.abs(o) >= j).length / N;
      expect({ j, difference: Math.abs(share - Math.exp(-(j - 0.5) / b)) < 0.015 }).toEqual({ j, difference: true });
    }
  });
});

describe('what is shown with noise', () => {
  const policy = policyOf(noisy(0.05)); // scale 20: far more noise than the counts near k

  it('never shows a count below k, nor a negative one, and calls every noisy count inexact', () => {
    const facets = { ...emptyFacets(), sex: [{ value: 'FEMALE', subjects: 5 }, { value: 'MALE', subjects: 6 }] };
    const answers = queries(500).map((f) => discloseCohort(cohort({ subjects: 11, studies: 5, series: 5, images: 5, facets }), 'r', policy, ANONYMOUS, f));
    for (const answer of answers) {
      expect(answer).toMatchObject({ exact: false, noiseScale: 20, minCellSize: 5, suppressed: false, exists: true });
      for (const count of [answer.subjects, answer.studies, answer.series, answer.images, ...answer.facets.sex.map((b) => b.subjects)]) {
        expect(count).toBeGreaterThanOrEqual(5);
      }
    }
    // Clamped at k about half the time (noise below 0), above it otherwise.
    const atK = answers.filter((a) => a.studies === 5).length;
    expect(atK).toBeGreaterThan(200);
    expect(atK).toBeLessThan(300);
  });

  it('withholds small cells by their true counts, whatever the noise', () => {
    for (const filter of queries(200)) {
      expect(discloseCohort(cohort({ subjects: 4, studies: 40 }), 'r', policy, ANONYMOUS, filter))
        .toMatchObject({ subjects: null, studies: null, series: null, images: null, exists: null, suppressed: true });
      const answer = discloseCohort(cohort({ subjects: 5, studies: 4, facets: { ...emptyFacets(), sex: [{ value: 'FEMALE', subjects: 3 }, { value: 'MALE', subjects: 2 }] } }), 'r', policy, ANONYMOUS, filter);
      expect(answer).toMatchObject({ studies: null, suppressed: true });
      expect(answer.subjects).toBeGreaterThanOrEqual(5);
      expect(answer.facets.sex).toEqual([{ value: 'FEMALE', subjects: null }, { value: 'MALE', subjects: null }]);
    }
  });

  it('orders facet buckets by the counts shown, not the true ones', () => {
    const buckets = [{ value: 'A', subjects: 100 }, { value: 'B', subjects: 101 }, { value: 'C', subjects: 102 }];
    const orders = new Set(queries(100).map((f) => {
      const sex = discloseCohort(cohort({ facets: { ...emptyFacets(), sex: buckets } }), 'r', policy, ANONYMOUS, f).facets.sex;
      expect(sex.map((b) => b.subjects)).toEqual([...sex.map((b) => b.subjects!)].sort((x, y) => y - x));
      return sex.map((b) => b.value).join();
    }));
    expect(orders.size).toBeGreaterThan(3);
  });

  it('rounds after the noise when the repository does both', () => {
    const both = policyOf(noisy(0.2, { roundTo: 10 }));
    for (const filter of queries(100)) {
      const answer = discloseCohort(cohort(), 'r', both, ANONYMOUS, filter);
      expect(answer).toMatchObject({ exact: false, roundedTo: 10, noiseScale: 5 });
      for (const count of [answer.subjects!, answer.studies!, answer.series!, answer.images!]) expect(count % 10).toBe(0);
    }
  });

  it('gives a caller with a record grant the true counts, without noise', () => {
    const record = cohort({ subjects: 7, facets: { ...emptyFacets(), sex: [{ value: 'MALE', subjects: 7 }] } });
    const answer = discloseCohort(record, 'r', policy, { accessLevel: 'researcher', recordGrants: [{ repositoryId: 'r' }] }, {});
    expect(answer).toMatchObject({ subjects: 7, studies: 800, series: 4000, images: 90000, exact: true, noiseScale: null, minCellSize: null });
    expect(answer.facets.sex).toEqual([{ value: 'MALE', subjects: 7 }]);
  });
});

describe('the noise key', () => {
  it('is PRIVACY_NOISE_KEY, of at least 32 characters, never repeated in a message', () => {
    expect(() => policyOf(noisy(1), { PRIVACY_NOISE_KEY: 'short-secret' })).toThrow(/^PRIVACY_NOISE_KEY must be at least 32 characters/);
    expect(() => policyOf(noisy(1), { PRIVACY_NOISE_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('is refused when missing in production, where replicas and restarts would each draw other noise', () => {
    expect(() => policyOf(noisy(1), { NODE_ENV: 'production' }, 'de-pacs')).toThrow(/^repository "de-pacs": privacy\.noise needs PRIVACY_NOISE_KEY when NODE_ENV=production/);
    expect(policyOf({ minCellSize: 10 }, { NODE_ENV: 'production' }).noise).toBeNull();
  });

  it('is one random key per process in development, with a warning: a restart draws the noise afresh', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const first = policyOf(noisy(0.2), {});
      const second = policyOf(noisy(0.2), {}, 'r');
      for (const filter of queries(20)) expect(subjectsShown(second, filter)).toBe(subjectsShown(first, filter));
      const configured = policyOf(noisy(0.2));
      expect(queries(100).filter((f) => subjectsShown(configured, f) !== subjectsShown(first, f)).length).toBeGreaterThan(50);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/PRIVACY_NOISE_KEY is not set.*afresh at every start/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('privacy settings in the federation config', () => {
  const valid = {
    id: 'de-heidelberg-pacs', name: 'Heidelberg PACS', country: 'DE', institution: 'UKHD', apiKind: 'dicomweb',
    endpoint: 'http://127.0.0.1:8042/dicom-web', collections: [{ id: 'LUNG1', name: 'Lung', cancerSite: 'LUNG' }],
  };
  const problemsOf = (privacy: unknown): string[] => {
    try {
      parseFederationConfig({ repositories: [{ ...valid, privacy }] }, 'test.json', ADAPTER_KINDS);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };
  const at = 'repositories[0] ("de-heidelberg-pacs").privacy';

  it('carries valid settings into the entry', () => {
    const privacy = { minCellSize: 10, roundTo: 5, noise: { mechanism: 'laplace', epsilon: 0.5 } };
    expect(parseFederationConfig({ repositories: [{ ...valid, privacy }] }, 'test.json', ADAPTER_KINDS).repositories[0].privacy).toEqual(privacy);
    expect(parseFederationConfig({ repositories: [valid] }, 'test.json', ADAPTER_KINDS).repositories[0]).not.toHaveProperty('privacy');
  });

  it('names the repository and the setting at fault', () => {
    expect(problemsOf({ noise: { mechanism: 'gaussian', epsilon: 1 } })).toEqual([`${at}.noise.mechanism: unknown mechanism "gaussian"; known: laplace`]);
    expect(problemsOf({ noise: { epsilon: 1 } })).toEqual([`${at}.noise.mechanism: missing; known: laplace`]);
    expect(problemsOf({ noise: { mechanism: 'laplace' } })).toEqual([
      `${at}.noise.epsilon: missing; give a number between 0.01 and 10 (the noise's scale is 1/epsilon: smaller is noisier)`,
    ]);
    for (const epsilon of [0, -1, 0.001, 11, '1', null]) {
      expect(problemsOf({ noise: { mechanism: 'laplace', epsilon } })).toEqual([
        `${at}.noise.epsilon: must be a number between 0.01 and 10 (the noise's scale is 1/epsilon: smaller is noisier)`,
      ]);
    }
    expect(problemsOf({ noise: { mechanism: 'laplace', epsilon: 1, scale: 2 } })).toEqual([`${at}.noise.scale: unknown setting; noise has mechanism, epsilon`]);
    expect(problemsOf({ noise: 'laplace' })).toEqual([`${at}.noise: must be an object like { "mechanism": "laplace", "epsilon": 1 }`]);
    // A misspelt protection is refused, not silently off.
    expect(problemsOf({ minCellsize: 10 })).toEqual([`${at}.minCellsize: unknown setting; privacy has minCellSize, roundTo, noise`]);
    expect(problemsOf({ minCellSize: 0, roundTo: 1.5 })).toEqual([
      `${at}.minCellSize: must be an integer between 1 and 1000`, `${at}.roundTo: must be an integer between 2 and 1000`,
    ]);
    expect(problemsOf([5])).toEqual([`${at}: must be an object like { "minCellSize": 5 }`]);
  });
});

describe('through the gateway, with a Europe-wide total', () => {
  const REPOSITORIES = [
    { id: 'de-pacs', country: 'DE', apiKind: 'dicomweb', cases: 120, seed: 17 },
    { id: 'fr-xnat', country: 'FR', apiKind: 'xnat', cases: 120, seed: 1017 },
  ];
  const IDS = REPOSITORIES.map((r) => r.id);
  const GRANTED: RequestContext = { accessLevel: 'researcher', subject: 'test-researcher', recordGrants: IDS.map((repositoryId) => ({ repositoryId })) };
  const callerOf = (req: IncomingMessage): RequestContext => (req.headers['x-test-caller'] === 'granted' ? GRANTED : ANONYMOUS);
  const FACETS = `facets { ${FACET_NAMES.map((f) => `${f} { value subjects }`).join(' ')} }`;
  const COHORT = `subjects studies series images exact suppressed minCellSize roundedTo noiseScale ${FACETS}`;
  const EUROPE = `query E($where: CaseFilter) { cohort(where: $where) { total { ${COHORT} } repositories { repositoryId cohort { ${COHORT} } } } }`;
  type Counts = { subjects: number | null; studies: number | null; series: number | null; images: number | null; exact: boolean; noiseScale: number | null; facets: Record<string, Array<{ value: string; subjects: number | null }>> };
  type Europe = { total: Counts; repositories: Array<{ repositoryId: string; cohort: Counts }> };

  let demo: RunningDemo;
  let gateway: RunningGateway;
  let config: FederationConfig;
  const previousKey = process.env.PRIVACY_NOISE_KEY;

  beforeAll(async () => {
    process.env.PRIVACY_NOISE_KEY = ENV.PRIVACY_NOISE_KEY;
    const plain = testConfig(REPOSITORIES);
    demo = await startDemoSimulators({ ...plain, repositories: plain.repositories.map((entry) => ({ ...entry, privacy: noisy(0.5) })) });
    config = demo.config;
    gateway = await startGateway({ config, kinds: ADAPTER_KINDS, port: 0, context: callerOf });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await demo?.close();
    if (previousKey === undefined) delete process.env.PRIVACY_NOISE_KEY;
    else process.env.PRIVACY_NOISE_KEY = previousKey;
  });

  async function europe(caller: 'granted' | 'anonymous', where: CaseFilter): Promise<Europe> {
    const response = await request(gateway.url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-test-caller': caller }, body: JSON.stringify({ query: EUROPE, variables: { where } }),
    });
    const body = (await response.body.json()) as { data?: { cohort: Europe }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data!.cohort;
  }
  const truth = (id: string, where: CaseFilter) => cohortOf(
    toUnifiedCases(demoDataFor(config.repositories.find((e) => e.id === id) as SimulatedRepositoryEntry)), normaliseFilter(where, id), { applied: [], notApplied: [] });
  const countsOf = (c: Counts) => [c.subjects, c.studies, c.series, c.images];

  it('shows each repository\'s counts with its noise, the same for the same question asked again or written differently', async () => {
    const first = await europe('anonymous', { modalities: ['MR', 'CT'] });
    expect(await europe('anonymous', { modalities: ['MR', 'CT'] })).toEqual(first);
    expect(await europe('anonymous', { modalities: ['CT', 'MR', 'MR'] })).toEqual(first);
    const off: number[] = [];
    for (const { repositoryId, cohort: shown } of first.repositories) {
      expect(shown).toMatchObject({ exact: false, noiseScale: 2, minCellSize: 5 });
      const expected = truth(repositoryId, { modalities: ['MR', 'CT'] });
      countsOf(shown).forEach((count, i) => {
        expect(count).toBeGreaterThanOrEqual(5);
        off.push(count! - [expected.subjects, expected.studies, expected.series, expected.images][i]!);
      });
    }
    expect(off.some((o) => o !== 0)).toBe(true);
  });

  it('adds up the noisy counts as shown: the total minus its parts is 0, and the total is not exact', async () => {
    const answer = await europe('anonymous', { sex: ['FEMALE'] });
    expect(answer.total).toMatchObject({ exact: false, noiseScale: 2 });
    const parts = answer.repositories.map((r) => r.cohort);
    for (const count of ['subjects', 'studies', 'series', 'images'] as const) {
      expect([count, answer.total[count]]).toEqual([count, parts.reduce((sum, p) => sum + (p[count] ?? 0), 0)]);
    }
    for (const bucket of answer.total.facets.modality) {
      const shown = parts.flatMap((p) => p.facets.modality).filter((b) => b.value === bucket.value && b.subjects !== null).map((b) => b.subjects!);
      expect(bucket.subjects).toBe(shown.length === 0 ? null : shown.reduce((a, b) => a + b, 0));
    }
  });

  it('gives a caller with a record grant the true counts', async () => {
    const answer = await europe('granted', { modalities: ['MR', 'CT'] });
    for (const { repositoryId, cohort: shown } of answer.repositories) {
      const expected = truth(repositoryId, { modalities: ['MR', 'CT'] });
      expect(countsOf(shown)).toEqual([expected.subjects, expected.studies, expected.series, expected.images]);
      expect(shown.noiseScale).toBeNull();
    }
    expect(answer.total).toMatchObject({ noiseScale: null, subjects: IDS.reduce((sum, id) => sum + truth(id, { modalities: ['MR', 'CT'] }).subjects!, 0) });
  });
});
