/**
 * The dataset-service REST API over NativeHttp: the dataset list, page by page. Nothing else.
 */
import type { NativeHttp } from '../sdk/native-http';
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
  /** Raw value and subjects having it, per facet (the node's parallel `x` / `xCount` arrays). */
  facets: Record<FacetName, Array<[raw: string, subjects: number]>>;
}

const PAGE_SIZE = 100;

export class DatasetServiceClient {
  constructor(private readonly http: NativeHttp) {}

  async datasets(): Promise<NativeDataset[]> {
    const all: NativeDataset[] = [];
    for (let skip = 0; ; skip += PAGE_SIZE) {
      const reader = new ResponseReader(this.http.repositoryId, 'dataset-service datasets');
      const page = reader.array(reader.object(await this.http.getJson('/datasets', { limit: PAGE_SIZE, skip })).list, 'list');
      all.push(...page.map((item, i) => parseDataset(reader, item, `list[${i}]`)));
      if (page.length < PAGE_SIZE) return all;
    }
  }
}

function parseDataset(reader: ResponseReader, item: unknown, path: string): NativeDataset {
  const d = reader.object(item, path);
  const pairs = (facet: FacetName): Array<[string, number]> => {
    const values = d[facet] === undefined ? [] : reader.array(d[facet], `${path}.${facet}`);
    const counts = d[`${facet}Count`] === undefined ? [] : reader.array(d[`${facet}Count`], `${path}.${facet}Count`);
    if (values.length !== counts.length) reader.fail(`${path}.${facet}Count`, `as many counts as ${facet} values`, counts);
    return values.map((v, i) => [reader.string(v, `${path}.${facet}[${i}]`), reader.number(counts[i], `${path}.${facet}Count[${i}]`)]);
  };
  const licence = d.license && typeof d.license === 'object' ? (d.license as { title?: unknown }).title : d.license;
  const doi = d.pids && typeof d.pids === 'object' ? (d.pids as { preferred?: unknown }).preferred : undefined;
  return {
    id: reader.string(d.id, `${path}.id`),
    name: reader.string(d.name, `${path}.name`),
    description: reader.optionalString(d.description, `${path}.description`),
    licence: typeof licence === 'string' ? licence : null,
    doi: typeof doi === 'string' ? doi : null,
    subjectsCount: reader.number(d.subjectsCount, `${path}.subjectsCount`),
    studiesCount: reader.number(d.studiesCount, `${path}.studiesCount`),
    facets: { sex: pairs('sex'), modality: pairs('modality'), bodyPart: pairs('bodyPart'), manufacturer: pairs('manufacturer') },
  };
}
