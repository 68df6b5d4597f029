/**
 * The instance level the synthetic data only counts (SyntheticSeries.instanceCount). The QIDO simulator and the
 * test seeder (test/support/dicom-seed.ts) both derive instances from here, so a simulator and a real Orthanc
 * seeded from the same data hold the same SOP Instance UIDs and SOP Classes.
 */
import { createHash } from 'node:crypto';

/** Storage SOP Classes (PS3.4 Annex B.5) per modality; the image is a 4x4 stand-in in every case. */
const SOP_CLASS_BY_MODALITY: Record<string, string> = {
  CT: '1.2.840.10008.5.1.4.1.1.2', // CT Image Storage
  MR: '1.2.840.10008.5.1.4.1.1.4', // MR Image Storage
  PT: '1.2.840.10008.5.1.4.1.1.128', // Positron Emission Tomography Image Storage
  NM: '1.2.840.10008.5.1.4.1.1.20', // Nuclear Medicine Image Storage
  US: '1.2.840.10008.5.1.4.1.1.6.1', // Ultrasound Image Storage
  MG: '1.2.840.10008.5.1.4.1.1.1.2', // Digital Mammography X-Ray Image Storage - For Presentation
  CR: '1.2.840.10008.5.1.4.1.1.1', // Computed Radiography Image Storage
  DX: '1.2.840.10008.5.1.4.1.1.1.1', // Digital X-Ray Image Storage - For Presentation
};

/**
 * Secondary Capture Image Storage. Used for SEG, SR and anything else: a real Segmentation or Structured Report
 * needs content (segment sequences, a content tree) that a 4x4 stand-in image cannot honestly carry, while the
 * series keeps its own Modality, which is what QIDO queries and the adapters look at.
 */
export const SECONDARY_CAPTURE_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.7';

export function sopClassUidFor(modality: string): string {
  return SOP_CLASS_BY_MODALITY[modality] ?? SECONDARY_CAPTURE_SOP_CLASS;
}

/**
 * A deterministic SOP Instance UID for instance `instanceNumber` (1-based) of a series: a name-based UUID
 * (RFC 4122 §4.3, SHA-1, version 5) written under the 2.25 root as one decimal integer (PS3.5 B.2), at most 44
 * characters, so it fits the 64-character UI limit.
 */
export function instanceUid(seriesUid: string, instanceNumber: number): string {
  const bytes = createHash('sha1').update(`${seriesUid}/${instanceNumber}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
}

/** Image Pixel module values of the stand-in image (PS3.3 C.7.6.3): 4x4, 16 bits allocated, 12 stored. */
export const STAND_IN_IMAGE = { rows: 4, columns: 4, bitsAllocated: 16, bitsStored: 12 } as const;
