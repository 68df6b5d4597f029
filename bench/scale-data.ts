/**
 * The scale federation: 30 repositories in 15 countries, every simulated native API kind in turn, 100,000
 * synthetic cases in all, native latencies spread over 50-300 ms, and image counts scaled so the federation holds
 * about 60 million images. Deterministic: the same options give the same federation.
 */
import { DEFAULT_TIMEOUT_MS } from '../config/federation-config';
import type { CancerSite } from '../schema/generated/graphql';
import { SIMULATED_KINDS } from '../simulators/registry';
import type { SyntheticRepositoryData } from '../simulators/synthetic/model';
import { ADAPTER_KINDS } from '../subgraphs/kinds';

export interface ScaleOptions {
  repositories: number;
  countries: number;
  cases: number;
  images: number;
  latencyMs: [number, number];
  /** Every repository's timeoutMs (the product's default is 10 s). */
  timeoutMs: number;
}

export const SCALE_DEFAULTS: ScaleOptions = {
  repositories: 30, countries: 15, cases: 100_000, images: 60_000_000, latencyMs: [50, 300], timeoutMs: DEFAULT_TIMEOUT_MS,
};

const COUNTRIES: ReadonlyArray<[code: string, language: string, city: string]> = [
  ['DE', 'de', 'Berlin'], ['FR', 'fr', 'Paris'], ['IT', 'it', 'Roma'], ['ES', 'es', 'Madrid'], ['PT', 'pt', 'Porto'],
  ['NL', 'en', 'Amsterdam'], ['BE', 'fr', 'Bruxelles'], ['AT', 'de', 'Wien'], ['SE', 'en', 'Stockholm'], ['FI', 'en', 'Helsinki'],
  ['DK', 'en', 'Aarhus'], ['PL', 'en', 'Warszawa'], ['CZ', 'en', 'Praha'], ['GR', 'el', 'Athina'], ['IE', 'en', 'Dublin'],
  ['HU', 'en', 'Budapest'], ['RO', 'en', 'Cluj'], ['SI', 'en', 'Ljubljana'], ['HR', 'en', 'Zagreb'], ['LU', 'fr', 'Luxembourg'],
];

const SITES: readonly CancerSite[] = ['LUNG', 'BREAST', 'PROSTATE', 'COLON', 'RECTUM', 'LIVER', 'BRAIN', 'KIDNEY'];

/** The kinds the scale federation mixes: every simulated native API this checkout also has an adapter for. */
export function scaleKinds(): string[] {
  const adapters = new Set(ADAPTER_KINDS.map((k) => k.apiKind));
  return SIMULATED_KINDS.filter((kind) => adapters.has(kind));
}

export interface ScaleEntry {
  /** The raw config entry (endpoint "simulator"; the simulators child replaces it with its URL). */
  raw: Record<string, unknown>;
  latencyMs: number;
}

export function scaleFederation(options: ScaleOptions, kinds: readonly string[] = scaleKinds()): ScaleEntry[] {
  const n = options.repositories;
  const [low, high] = options.latencyMs;
  const countries = COUNTRIES.slice(0, Math.min(options.countries, COUNTRIES.length));
  const step = 7 % n === 0 ? 1 : 7; // a stride coprime to n spreads latencies over kinds and countries
  return Array.from({ length: n }, (_, i): ScaleEntry => {
    const [country, language, city] = countries[i % countries.length];
    const apiKind = kinds[i % kinds.length];
    const prefix = `R${String(i + 1).padStart(2, '0')}`;
    const id = `${country.toLowerCase()}-${city.toLowerCase().replace(/[^a-z]/g, '')}-${apiKind.replace(/[^a-z]/g, '')}-${i + 1}`;
    const sites = [SITES[i % SITES.length], SITES[(i + 3) % SITES.length], SITES[(i + 5) % SITES.length]].slice(0, 2 + (i % 2));
    const cases = Math.floor(options.cases / n) + (i < options.cases % n ? 1 : 0);
    const rank = (i * step) % n;
    return {
      latencyMs: Math.round(low + ((high - low) * rank) / Math.max(1, n - 1)),
      raw: {
        id, name: `${city} ${apiKind} repository ${i + 1} (bench)`, country, institution: `${city} cancer centre ${i + 1} (synthetic)`,
        apiKind, endpoint: 'simulator', timeoutMs: options.timeoutMs,
        simulate: { seed: 7000 + i, cases, subjectPrefix: prefix, language },
        collections: sites.map((site) => ({ id: `${prefix}-${site}`, name: `${city} ${site.toLowerCase()}`, cancerSite: site })),
      },
    };
  });
}

export interface DataTotals { cases: number; studies: number; series: number; images: number }

export function totalsOf(all: readonly SyntheticRepositoryData[]): DataTotals {
  const totals: DataTotals = { cases: 0, studies: 0, series: 0, images: 0 };
  for (const data of all) {
    totals.cases += data.cases.length;
    for (const c of data.cases) {
      totals.studies += c.studies.length;
      for (const study of c.studies) {
        totals.series += study.series.length;
        for (const series of study.series) totals.images += series.instanceCount;
      }
    }
  }
  return totals;
}

/**
 * Scales every series' instance count (and size) so the federation holds about `images` images in all, keeping
 * the shape of the distribution; a series keeps at least one image. Two passes correct for that floor.
 */
export function scaleImages(all: readonly SyntheticRepositoryData[], images: number): void {
  const series = all.flatMap((data) => data.cases.flatMap((c) => c.studies.flatMap((s) => s.series)));
  const original = series.map((s) => s.instanceCount);
  const bytesPerImage = series.map((s) => s.sizeBytes / Math.max(1, s.instanceCount));
  let factor = images / original.reduce((a, b) => a + b, 0);
  for (let pass = 0; pass < 3; pass++) {
    let total = 0;
    for (let i = 0; i < series.length; i++) {
      series[i].instanceCount = Math.max(1, Math.round(original[i] * factor));
      total += series[i].instanceCount;
    }
    if (Math.abs(total - images) / images < 0.001) break;
    factor *= images / total;
  }
  for (let i = 0; i < series.length; i++) series[i].sizeBytes = Math.round(series[i].instanceCount * bytesPerImage[i]);
}
