/**
 * The XNAT REST calls the adapter makes (README §2g), over NativeHttp (timeouts, HTTP errors, HTML pages and
 * malformed JSON become RepositoryErrors naming the repository), with typed results. Nothing else: no mapping, no
 * caching.
 *
 * Every listing is asked with `limit=*` and `format=json`, the format last (ePAD's XNAT client notes that "XNAT
 * appears to require that the format=json parameter is at the end"). XNAT's REST listings answer whole (README
 * §2g), and the XNAT API docs say newer versions may page them by default unless `limit=*` is sent ("add this
 * parameter to ensure it"); parse.ts refuses a listing whose row count differs from its `totalRecords`.
 *
 * No value from a user's filter is ever put into a query: the adapter harvests whole listings and evaluates
 * filters locally. What does go in: fixed column names, custom variable names and a column path from the checked
 * options (options.ts), and project ids from the options, percent-encoded as path segments.
 */
import { NativeHttp } from '../sdk/native-http';
import { IMAGE_SESSION_TYPE, scanColumns, sessionScanColumns, subjectColumns } from './columns';
import type { ClinicalField, ProjectRow, SessionScanRow, SubjectRow } from './native-types';
import type { XnatOptions } from './options';
import { parseProjects, parseSessionScanListing, parseSubjectListing, type Listing } from './parse';

export interface XnatClientOptions {
  repositoryId: string;
  /** The XNAT base URL (the part before `/data`), e.g. https://xnat.example.org or https://host/xnat */
  baseUrl: string;
  timeoutMs: number;
  /** "user:password" for basic auth. */
  credentials?: string;
}

export class XnatClient {
  private readonly http: NativeHttp;
  readonly repositoryId: string;
  private readonly subjectQuery: { columns: string[]; fields: Record<ClinicalField, string> };
  private readonly scanColumnNames: ReturnType<typeof scanColumns>;
  private readonly sessionColumns: string[];

  constructor(options: XnatClientOptions, xnatOptions: Pick<XnatOptions, 'customFields' | 'bodyPartColumn'>) {
    this.repositoryId = options.repositoryId;
    this.http = new NativeHttp({ ...options, connections: 4 });
    this.subjectQuery = subjectColumns(xnatOptions);
    this.scanColumnNames = scanColumns(xnatOptions.bodyPartColumn);
    this.sessionColumns = sessionScanColumns(xnatOptions.bodyPartColumn);
  }

  /** Native answers received so far (NativeHttp.answered). */
  get answered(): number {
    return this.http.answered;
  }

  /** `GET /data/projects`: the projects the account can see, with their default columns. */
  async projects(): Promise<ProjectRow[]> {
    return parseProjects(await this.http.getJson('/data/projects', { limit: '*', format: 'json' }), this.repositoryId);
  }

  /** Subjects with gender and the clinical custom variables: of one project, or of the whole XNAT. */
  async subjects(project?: string): Promise<Listing<SubjectRow>> {
    const path = project === undefined ? '/data/subjects' : `/data/projects/${encodeURIComponent(project)}/subjects`;
    const body = await this.http.getJson(path, { columns: this.subjectQuery.columns.join(','), limit: '*', format: 'json' });
    return parseSubjectListing(body, this.repositoryId, this.subjectQuery.fields, this.subjectQuery.columns,
      `GET ${project === undefined ? path : '/data/projects/{project}/subjects'}`);
  }

  /**
   * Every imaging session with its scans in one listing: `xsiType=xnat:imageSessionData` selects all session
   * types, and scan columns make XNAT join the scans, one row per scan (the query pyxnat's `array.scans`, yaxil's
   * `scans` and DAX's scan listing make).
   */
  async sessionScans(project?: string): Promise<Listing<SessionScanRow>> {
    const path = project === undefined ? '/data/experiments' : `/data/projects/${encodeURIComponent(project)}/experiments`;
    const body = await this.http.getJson(path, {
      xsiType: IMAGE_SESSION_TYPE, columns: this.sessionColumns.join(','), limit: '*', format: 'json',
    });
    return parseSessionScanListing(body, this.repositoryId, this.scanColumnNames, this.sessionColumns,
      `GET ${project === undefined ? path : '/data/projects/{project}/experiments'}`);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
