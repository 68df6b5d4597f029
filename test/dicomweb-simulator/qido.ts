/**
 * A tiny QIDO-RS client for the simulator tests: raw URLs (no URLSearchParams, which would percent-encode
 * characters Orthanc does not decode) and DICOM JSON parsed into typed datasets.
 */
import type { DicomJsonAttribute, DicomJsonDataset, DicomJsonValue } from '../../simulators/dicomweb';

export interface Credentials {
  username: string;
  password: string;
}

export interface QidoAnswer {
  status: number;
  contentType: string | null;
  headers: Headers;
  /** The parsed body when it is a JSON array of datasets, else undefined. */
  results?: DicomJsonDataset[];
  text: string;
}

/** GET `${root}${pathAndQuery}` with basic auth; `pathAndQuery` is sent exactly as written. */
export async function qido(root: string, pathAndQuery: string, auth: Credentials): Promise<QidoAnswer> {
  const response = await fetch(`${root}${pathAndQuery}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`, Accept: 'application/dicom+json' },
  });
  const text = await response.text();
  const answer: QidoAnswer = { status: response.status, contentType: response.headers.get('content-type'), headers: response.headers, text };
  if (response.ok) answer.results = parseDatasets(text, root);
  return answer;
}

/** Parses a QIDO-RS response body (PS3.18 F.2: an array of datasets) and checks its shape. */
export function parseDatasets(text: string, origin: string): DicomJsonDataset[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`${origin}: QIDO-RS answered something other than a JSON array: ${text.slice(0, 200)}`);
  return parsed.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null) throw new Error(`${origin}: result ${index} is not an object`);
    const dataset: DicomJsonDataset = {};
    for (const [tag, value] of Object.entries(item)) {
      if (!/^[0-9A-F]{8}$/.test(tag)) throw new Error(`${origin}: result ${index} has a key that is no tag: ${tag}`);
      dataset[tag] = asAttribute(value, `${origin}: result ${index} ${tag}`);
    }
    return dataset;
  });
}

function asAttribute(value: unknown, where: string): DicomJsonAttribute {
  if (typeof value !== 'object' || value === null) throw new Error(`${where} is not an attribute object`);
  const { vr, Value } = value as { vr?: unknown; Value?: unknown };
  if (typeof vr !== 'string') throw new Error(`${where} has no vr`);
  if (Value === undefined) return { vr };
  if (!Array.isArray(Value)) throw new Error(`${where} has a Value that is not an array`);
  return { Value: Value.map((item: unknown) => asValue(item, where)), vr };
}

/** PS3.18 F.2.3: strings, numbers, or for PN an object with the name groups. */
function asValue(item: unknown, where: string): DicomJsonValue {
  if (typeof item === 'string' || typeof item === 'number') return item;
  if (typeof item === 'object' && item !== null && typeof (item as { Alphabetic?: unknown }).Alphabetic === 'string') {
    return { Alphabetic: (item as { Alphabetic: string }).Alphabetic };
  }
  throw new Error(`${where} has a value that is no string, number or person name: ${JSON.stringify(item)}`);
}

/** The first value of an attribute as text (a person name as its alphabetic group). */
export function text(dataset: DicomJsonDataset, tag: string): string | undefined {
  const value = dataset[tag]?.Value?.[0];
  if (value === undefined) return undefined;
  return typeof value === 'object' ? value.Alphabetic : String(value);
}

/**
 * One result made comparable across servers: tag -> "VR value(s)", with RetrieveURL reduced to its path below
 * the DICOMweb root (the two servers listen on different ports).
 */
export function normalise(dataset: DicomJsonDataset, root: string): Record<string, string> {
  const normalised: Record<string, string> = {};
  for (const [tag, attribute] of Object.entries(dataset)) {
    let value = JSON.stringify(attribute.Value ?? null);
    if (tag === '00081190') value = value.split(root).join('<root>');
    normalised[tag] = `${attribute.vr} ${value}`;
  }
  return normalised;
}
