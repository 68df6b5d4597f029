/**
 * A typed reading of the dataset-service's dataset pages (native-apis README part 2h): `{list: [...]}`, each dataset
 * with counts and parallel per-facet arrays (`sex`/`sexCount`, `modality`/`modalityCount`, `bodyPart`/
 * `bodyPartCount`, `manufacturer`/`manufacturerCount`) of raw values as the scanners wrote them, and the lowest and
 * highest age (`ageLow`, `ageHigh` in `ageUnit`). An age in years outside 0-130 is refused as bad native data (the
 * EUCAIM nodes' answers hold such values: CHAIMELEON's `age_range.max: 965`), like any count that is not a count.
 */
import { checkedAgeYears } from '../sdk/age';
import { ResponseReader } from '../sdk/parse';

export type FacetName = 'sex' | 'modality' | 'bodyPart' | 'manufacturer';

export interface NativeDataset {
  id: string;
  name: string;
  description: string | null;
  licence: string | null;
  doi: string | null;
  subjectsCount: number;
  studiesCount: number;
  /** Lowest and highest age at diagnosis in years, when the node gives them in years. */
  ageRange: { low: number | null; high: number | null } | null;
  /** Raw value and subjects having it, per facet (the node's parallel `x` / `xCount` arrays). */
  facets: Record<FacetName, Array<[raw: string, subjects: number]>>;
}

export function parseDatasetPage(body: unknown, repositoryId: string): NativeDataset[] {
  const reader = new ResponseReader(repositoryId, 'dataset-service datasets');
  return reader.array(reader.object(body).list, 'list').map((item, i) => parseDataset(reader, item, `list[${i}]`, repositoryId));
}

function count(reader: ResponseReader, value: unknown, path: string): number {
  const n = reader.number(value, path);
  return Number.isInteger(n) && n >= 0 ? n : reader.fail(path, 'a non-negative integer', value);
}

function parseDataset(reader: ResponseReader, item: unknown, path: string, repositoryId: string): NativeDataset {
  const d = reader.object(item, path);
  const pairs = (facet: FacetName): Array<[string, number]> => {
    const values = d[facet] === undefined ? [] : reader.array(d[facet], `${path}.${facet}`);
    const counts = d[`${facet}Count`] === undefined ? [] : reader.array(d[`${facet}Count`], `${path}.${facet}Count`);
    if (values.length !== counts.length) reader.fail(`${path}.${facet}Count`, `as many counts as ${facet} values`, counts);
    return values.map((v, i) => [reader.string(v, `${path}.${facet}[${i}]`), count(reader, counts[i], `${path}.${facet}Count[${i}]`)]);
  };
  const licence = d.license && typeof d.license === 'object' ? (d.license as { title?: unknown }).title : d.license;
  const doi = d.pids && typeof d.pids === 'object' ? (d.pids as { preferred?: unknown }).preferred : undefined;
  return {
    id: reader.string(d.id, `${path}.id`),
    name: reader.string(d.name, `${path}.name`),
    description: reader.optionalString(d.description, `${path}.description`),
    licence: typeof licence === 'string' ? licence : null,
    doi: typeof doi === 'string' ? doi : null,
    subjectsCount: count(reader, d.subjectsCount, `${path}.subjectsCount`),
    studiesCount: count(reader, d.studiesCount, `${path}.studiesCount`),
    ageRange: ageRange(reader, d, path, repositoryId),
    facets: { sex: pairs('sex'), modality: pairs('modality'), bodyPart: pairs('bodyPart'), manufacturer: pairs('manufacturer') },
  };
}

/** `ageLow` / `ageHigh` when `ageUnit` says years (or says nothing); ages in other units are not read. */
function ageRange(reader: ResponseReader, d: Record<string, unknown>, path: string, repositoryId: string): NativeDataset['ageRange'] {
  const unit = d.ageUnit === undefined || d.ageUnit === null ? [] : reader.array(d.ageUnit, `${path}.ageUnit`);
  if (unit.some((u) => u !== 'Y')) return null;
  const age = (key: 'ageLow' | 'ageHigh'): number | null => {
    const years = reader.optionalNumber(d[key], `${path}.${key}`);
    return years === null ? null : checkedAgeYears(years, repositoryId, `${path}.${key}`);
  };
  return { low: age('ageLow'), high: age('ageHigh') };
}
