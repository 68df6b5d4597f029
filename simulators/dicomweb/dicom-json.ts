/**
 * The DICOM JSON Model (PS3.18 Annex F): datasets keyed by 8-hex uppercase tags, each attribute a
 * `{"vr": "XX", "Value": [...]}` object. An attribute without `Value` is present but empty (F.2.5), which is how
 * Orthanc sends a Type 2 attribute such as an empty ReferringPhysicianName: `{"vr":"PN"}`.
 */

/** A Person Name value (F.2.2): only the alphabetic group is used here. */
export interface PersonName {
  Alphabetic: string;
}

export type DicomJsonValue = string | number | PersonName;

export interface DicomJsonAttribute {
  vr: string;
  Value?: DicomJsonValue[];
}

/** One dataset: tag (8 hex digits, uppercase) to attribute. */
export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

/** VRs whose values are JSON numbers (F.2.3): Orthanc sends IS and DS as numbers too. */
const NUMBER_VRS = new Set(['IS', 'DS', 'US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV']);

/**
 * An attribute from text values as a DICOM file holds them. Orthanc reads strings back without their trailing
 * spaces (measured: a BodyPartExamined written as "BREAST " is served and matched as "BREAST"), and an empty
 * or missing value gives an attribute without `Value`.
 */
export function attribute(vr: string, ...values: Array<string | number>): DicomJsonAttribute {
  const kept = values.map((value) => (typeof value === 'string' ? value.replace(/ +$/, '') : value));
  if (kept.length === 0 || (kept.length === 1 && kept[0] === '')) return { vr };
  // "Value" before "vr": Orthanc's JSON writer sorts keys, and keeping its byte order makes diffs readable.
  if (vr === 'PN') return { Value: kept.map((value) => ({ Alphabetic: String(value) })), vr };
  if (NUMBER_VRS.has(vr)) return { Value: kept.map((value) => Number(value)), vr };
  return { Value: kept.map((value) => String(value)), vr };
}

/**
 * The attribute's value as one string, the way Orthanc compares it: values joined by backslash (the DICOM
 * value delimiter, PS3.5 6.4), a person name as its alphabetic group, numbers as written.
 */
export function attributeText(attribute: DicomJsonAttribute): string {
  return (attribute.Value ?? []).map((value) => (typeof value === 'object' ? value.Alphabetic : String(value))).join('\\');
}

/** A copy with keys in ascending tag order, as Orthanc writes them (and as PS3.18 F.2 examples show). */
export function sortedDataset(dataset: DicomJsonDataset): DicomJsonDataset {
  const sorted: DicomJsonDataset = {};
  for (const tag of Object.keys(dataset).sort()) sorted[tag] = dataset[tag];
  return sorted;
}
