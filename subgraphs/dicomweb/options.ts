/** Options of a dicomweb entry in the federation config (`options`). */
export interface DicomWebOptions {
  /** "index" (default): count from a harvested index; "live": query the PACS on every request. */
  mode: 'index' | 'live';
  indexTtlSeconds: number;
  /** QIDO page size (limit). */
  pageSize: number;
  /** Study attribute naming the collection; TCIA puts it in ClinicalTrialProtocolID. */
  collectionAttribute: 'ClinicalTrialProtocolID';
}

export const DEFAULT_OPTIONS: DicomWebOptions = { mode: 'index', indexTtlSeconds: 300, pageSize: 500, collectionAttribute: 'ClinicalTrialProtocolID' };

export function validateDicomWebOptions(options: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (options.mode !== undefined && options.mode !== 'index' && options.mode !== 'live') problems.push('mode: must be "index" or "live"');
  for (const field of ['indexTtlSeconds', 'pageSize'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) problems.push(`${field}: must be a positive integer`);
  }
  if (options.collectionAttribute !== undefined && options.collectionAttribute !== 'ClinicalTrialProtocolID') {
    problems.push('collectionAttribute: only "ClinicalTrialProtocolID" is supported');
  }
  return problems;
}

export function dicomWebOptions(options: Record<string, unknown>): DicomWebOptions {
  return { ...DEFAULT_OPTIONS, ...(options as Partial<DicomWebOptions>) };
}
