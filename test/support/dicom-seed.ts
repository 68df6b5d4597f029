/**
 * Seeds a real DICOMweb server (Orthanc in tests) with synthetic data: real DICOM Part-10 instances built in
 * Node with dcmjs (4x4 pixels, about 1 KB each) and stored by STOW-RS (PS3.18 §10.5), about 900 instances/s.
 *
 * What goes into each instance is what the QIDO simulator (simulators/dicomweb) serves for the same data, so
 * the two can be compared attribute by attribute.
 */
import { randomBytes } from 'node:crypto';
import type { SyntheticCase, SyntheticRepositoryData, SyntheticSeries, SyntheticStudy } from '../../simulators/synthetic/model';
import { STAND_IN_IMAGE } from '../../simulators/dicomweb/instances';
import { storedInstance, type StoredElement } from '../../simulators/dicomweb/dataset';
import { basicAuthorization, type OrthancAuth } from './orthanc';

/** One DICOM JSON attribute (PS3.18 Annex F) as dcmjs writes it. */
interface DcmjsElement {
  vr: string;
  Value?: ReadonlyArray<string | number | ArrayBuffer | { Alphabetic: string }>;
}
type DcmjsDataset = Record<string, DcmjsElement>;

/** The small part of dcmjs (which ships no types) used here. */
interface Dcmjs {
  data: {
    DicomDict: new (meta: DcmjsDataset) => { dict: DcmjsDataset; write(): ArrayBuffer };
  };
}
const dcmjs = require('dcmjs') as Dcmjs;

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Identifies the writer of the files (PS3.7 D.3.3.2); a fixed UUID-derived UID. */
const IMPLEMENTATION_CLASS_UID = '2.25.137038125948464847900039011591283709926';
const BINARY_NUMBER_VRS = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD']);
const STOW_BATCH = 50;

export interface SeedResult {
  instances: number;
}

/**
 * Stores every instance of `data` at `root` (e.g. http://127.0.0.1:PORT/dicom-web), in data order, one STOW-RS
 * request per 50 instances. The order matters: Orthanc lists instances in ingestion order and reads study
 * attributes from the first and last series ingested, which the QIDO simulator reproduces from the data order.
 */
export async function seedDicomWeb(root: string, auth: OrthancAuth, data: SyntheticRepositoryData): Promise<SeedResult> {
  let batch: Uint8Array[] = [];
  let instances = 0;
  for (const subject of data.cases) {
    for (const study of subject.studies) {
      for (const series of study.series) {
        for (let n = 1; n <= series.instanceCount; n++) {
          batch.push(buildInstance(subject, study, series, n));
          instances++;
          if (batch.length === STOW_BATCH) {
            await storeInstances(root, auth, batch);
            batch = [];
          }
        }
      }
    }
  }
  if (batch.length > 0) await storeInstances(root, auth, batch);
  return { instances };
}

/**
 * A DICOM Part-10 file (PS3.10 §7), Explicit VR Little Endian, holding `storedInstance` (the simulator's view of
 * the same instance) plus a 4x4 pixel matrix.
 */
export function buildInstance(subject: SyntheticCase, study: SyntheticStudy, series: SyntheticSeries, instanceNumber: number): Uint8Array {
  const stored = storedInstance(subject, study, series, instanceNumber);
  const sopClassUid = stored['00080016'].values[0];
  const sopInstanceUid = stored['00080018'].values[0];
  const meta: DcmjsDataset = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': { vr: 'UI', Value: [sopClassUid] },
    '00020003': { vr: 'UI', Value: [sopInstanceUid] },
    '00020010': { vr: 'UI', Value: [EXPLICIT_VR_LITTLE_ENDIAN] },
    '00020012': { vr: 'UI', Value: [IMPLEMENTATION_CLASS_UID] },
    '00020013': { vr: 'SH', Value: ['EUCAIM_SEED'] },
  };
  const dataset: DcmjsDataset = {};
  for (const [tag, element] of Object.entries(stored)) dataset[tag] = toDcmjs(element);
  const { rows, columns, bitsStored } = STAND_IN_IMAGE;
  // A different ramp per instance, so no two files are identical.
  const pixels = new Uint16Array(rows * columns).map((_, i) => (i * 97 + instanceNumber * 13) % (1 << bitsStored));
  dataset['7FE00010'] = { vr: 'OW', Value: [pixels.buffer] };
  const file = new dcmjs.data.DicomDict(meta);
  file.dict = dataset;
  return new Uint8Array(file.write());
}

/** dcmjs writes binary VRs from numbers, person names from {Alphabetic}, everything else from strings. */
function toDcmjs(element: StoredElement): DcmjsElement {
  if (element.vr === 'PN') return { vr: 'PN', Value: element.values.map((value) => ({ Alphabetic: value })) };
  if (BINARY_NUMBER_VRS.has(element.vr)) return { vr: element.vr, Value: element.values.map(Number) };
  return { vr: element.vr, Value: element.values };
}

/** STOW-RS (PS3.18 §10.5): one multipart/related request; fails when the server reports any failed instance. */
export async function storeInstances(root: string, auth: OrthancAuth, instances: readonly Uint8Array[]): Promise<void> {
  const boundary = `seed-${randomBytes(12).toString('hex')}`;
  const parts: Uint8Array[] = [];
  for (const instance of instances) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), instance, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const response = await fetch(`${root}/studies`, {
    method: 'POST',
    headers: {
      Authorization: basicAuthorization(auth),
      Accept: 'application/dicom+json',
      'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
    },
    body: Buffer.concat(parts),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`STOW-RS to ${root} failed with HTTP ${response.status}: ${text.slice(0, 500)}`);
  const failed = failedInstances(text);
  if (failed > 0) throw new Error(`STOW-RS to ${root}: ${failed} of ${instances.length} instances failed: ${text.slice(0, 1000)}`);
}

/**
 * Counts FailedSOPSequence (0008,1198) items in a STOW-RS response (PS3.18 Table 10.5.3-1). Orthanc always
 * sends the attribute; empty it is {"vr":"SQ"} with no Value.
 */
function failedInstances(body: string): number {
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`STOW-RS response is not a DICOM JSON object: ${body.slice(0, 200)}`);
  const failed = (parsed as Record<string, { Value?: unknown }>)['00081198'];
  return Array.isArray(failed?.Value) ? failed.Value.length : 0;
}
