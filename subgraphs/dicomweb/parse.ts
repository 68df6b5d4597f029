/**
 * Reading the DICOM JSON model (PS3.18 Annex F) that QIDO-RS answers: objects keyed by 8-hex tags, each
 * {"vr", "Value": [...]}. IS/DS may arrive as numbers or strings, PN as {"Alphabetic": ...}, and an empty attribute
 * has no Value. An attribute the server did not return is absent altogether, which is not the same as empty: a
 * server answers the attributes it was asked for with `includefield` (PS3.18 8.3.4.3) when it supports them.
 */
import { ResponseReader } from '../sdk/parse';

export type DicomDataset = Record<string, { vr?: string; Value?: unknown[] }>;

export const Tag = {
  SpecificCharacterSet: '00080005',
  StudyDate: '00080020',
  AccessionNumber: '00080050',
  ModalitiesInStudy: '00080061',
  Modality: '00080060',
  Manufacturer: '00080070',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  RetrieveURL: '00081190',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  PatientSex: '00100040',
  PatientAge: '00101010',
  ClinicalTrialProtocolID: '00120020',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
} as const;

export type TagName = keyof typeof Tag;

/** Parses a QIDO-RS response body (a JSON array of datasets; an empty body means no match). */
export function datasets(body: unknown, reader: ResponseReader): DicomDataset[] {
  if (body === null) return [];
  return reader.array(body).map((item, i) => {
    const dataset = reader.object(item, `[${i}]`);
    for (const [tag, attribute] of Object.entries(dataset)) {
      const value = reader.object(attribute, `[${i}].${tag}`);
      if (value.Value !== undefined) reader.array(value.Value, `[${i}].${tag}.Value`);
    }
    return dataset as DicomDataset;
  });
}

/** The first value of an attribute as a string; PN values give their Alphabetic form. Null when empty. */
export function text(dataset: DicomDataset, tag: string): string | null {
  const value = dataset[tag]?.Value?.[0];
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') {
    const alphabetic = (value as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic : null;
  }
  return String(value);
}

/** All values of a multi-valued attribute (e.g. ModalitiesInStudy) as strings. */
export function texts(dataset: DicomDataset, tag: string): string[] {
  return (dataset[tag]?.Value ?? []).filter((v) => v !== null && v !== undefined).map(String);
}

/** An IS/US value as a number; null when empty or not a number. */
export function integer(dataset: DicomDataset, tag: string): number | null {
  const raw = text(dataset, tag);
  if (raw === null || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** DICOM DA "YYYYMMDD" to ISO "YYYY-MM-DD"; null when not a date. */
export function isoDate(da: string | null): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(da?.trim() ?? '');
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

/**
 * DICOM AS "nnnD|W|M|Y" (PS3.5 6.2) to whole years; null when absent or malformed. The value is not checked for
 * plausibility here ("999Y" gives 999): mapping.ts refuses ages outside 0-130 years as bad native data.
 */
export function ageInYears(as: string | null): number | null {
  const match = /^(\d{3})([DWMY])$/.exec(as?.trim() ?? '');
  if (!match) return null;
  const n = Number(match[1]);
  const years = { D: n / 365.25, W: (n * 7) / 365.25, M: n / 12, Y: n }[match[2] as 'D' | 'W' | 'M' | 'Y'];
  return Math.floor(years);
}

/** The tags among `asked` that at least one dataset carries (present, even if empty). */
export function carriedTags(results: readonly DicomDataset[], asked: readonly string[]): Set<string> {
  const carried = new Set<string>();
  for (const dataset of results) {
    for (const tag of asked) if (Object.hasOwn(dataset, tag)) carried.add(tag);
    if (carried.size === asked.length) break;
  }
  return carried;
}
