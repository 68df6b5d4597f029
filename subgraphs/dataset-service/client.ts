/**
 * The dataset-service REST API over NativeHttp: the dataset list, page by page (`GET /datasets?limit=&skip=`).
 * Nothing else; parse.ts reads the pages.
 */
import type { NativeHttp } from '../sdk/native-http';
import { parseDatasetPage, type NativeDataset } from './parse';

const PAGE_SIZE = 100;

export class DatasetServiceClient {
  constructor(private readonly http: NativeHttp) {}

  async datasets(): Promise<NativeDataset[]> {
    const all: NativeDataset[] = [];
    for (let skip = 0; ; skip += PAGE_SIZE) {
      const page = parseDatasetPage(await this.http.getJson('/datasets', { limit: PAGE_SIZE, skip }), this.http.repositoryId);
      all.push(...page);
      if (page.length < PAGE_SIZE) return all;
    }
  }
}
