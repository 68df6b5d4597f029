/**
 * What the simulated GDC holds of a case's images: pathology slides, never radiology (GDC has no place for
 * radiology; the same patients' CT and MR live in other archives). The synthetic cohort describes radiology
 * studies, so the slides are this repository's own data, derived deterministically from the case (the same data
 * always gives the same slides), shaped after TCGA's biospecimen model:
 *
 * - most cases have a formalin-fixed primary-tumour sample "<case>-01Z" with one or two diagnostic slides
 *   ("<case>-01Z-00-DX1", "DX2", experimental_strategy "Diagnostic Slide");
 * - many also have a frozen sample "<case>-01A" whose portion "<case>-01A-01" carries a top tissue slide "TS1" and
 *   sometimes a bottom slide "BS1" (experimental_strategy "Tissue Slide");
 * - about one case in twelve has no slide at all (GDC lists such cases too);
 * - each slide is one SVS file (`data_type: "Slide Image"`, `data_format: "SVS"`, `data_category: "Biospecimen"`),
 *   whose size is file_size in bytes; most are open access, some controlled.
 *
 * Tests read the same slides from `gdcPathology` to know what the repository holds.
 */
import { createHash } from 'node:crypto';
import type { SyntheticCase, SyntheticRepositoryData } from '../synthetic/model';

export interface SimulatedSlide {
  slideId: string;
  /** "<case>-01Z-00-DX1". */
  submitterId: string;
  fileId: string;
  fileName: string;
  experimentalStrategy: 'Diagnostic Slide' | 'Tissue Slide';
  access: 'open' | 'controlled';
  sizeBytes: number;
}

export interface SimulatedSample {
  sampleId: string;
  submitterId: string;
  sampleType: 'Primary Tumor';
  tissueType: 'Tumor';
  isFfpe: boolean;
  portionId: string;
  portionSubmitterId: string;
  slides: SimulatedSlide[];
}

/** A UUID (version 4 layout) derived from a key. */
export function uuidOf(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A small deterministic number in [0, modulo) from a key. */
export function spread(key: string, modulo: number): number {
  return parseInt(createHash('sha1').update(key).digest('hex').slice(0, 8), 16) % modulo;
}

function slide(repositoryId: string, submitterId: string, strategy: SimulatedSlide['experimentalStrategy']): SimulatedSlide {
  const fileId = uuidOf(`slide-file:${repositoryId}:${submitterId}`);
  // TCGA slide file names: the slide barcode, a dot, an upper-case UUID, ".svs".
  const suffix = uuidOf(`slide-name:${repositoryId}:${submitterId}`).toUpperCase();
  return {
    slideId: uuidOf(`slide:${repositoryId}:${submitterId}`),
    submitterId,
    fileId,
    fileName: `${submitterId}.${suffix}.svs`,
    experimentalStrategy: strategy,
    access: spread(`${submitterId}:access`, 10) === 0 ? 'controlled' : 'open',
    // 40 MB to 2.4 GB, as whole-slide images are.
    sizeBytes: 40_000_000 + spread(`${submitterId}:size`, 2_400_000) * 1000,
  };
}

function sample(repositoryId: string, caseId: string, code: '01Z' | '01A', slides: Array<[string, SimulatedSlide['experimentalStrategy']]>): SimulatedSample {
  const submitterId = `${caseId}-${code}`;
  const portionSubmitterId = code === '01Z' ? `${submitterId}-00` : `${submitterId}-01`;
  return {
    sampleId: uuidOf(`sample:${repositoryId}:${submitterId}`),
    submitterId,
    sampleType: 'Primary Tumor',
    tissueType: 'Tumor',
    isFfpe: code === '01Z',
    portionId: uuidOf(`portion:${repositoryId}:${portionSubmitterId}`),
    portionSubmitterId,
    slides: slides.map(([name, strategy]) => slide(repositoryId, `${portionSubmitterId}-${name}`, strategy)),
  };
}

/** The slide samples of one case. */
export function samplesOf(repositoryId: string, c: SyntheticCase): SimulatedSample[] {
  const key = `${repositoryId}:${c.subjectId}`;
  if (spread(`${key}:slides`, 12) === 0) return [];
  const samples = [sample(repositoryId, c.subjectId, '01Z', spread(`${key}:dx2`, 10) < 3
    ? [['DX1', 'Diagnostic Slide'], ['DX2', 'Diagnostic Slide']] : [['DX1', 'Diagnostic Slide']])];
  if (spread(`${key}:frozen`, 10) < 6) {
    samples.push(sample(repositoryId, c.subjectId, '01A', spread(`${key}:bs1`, 10) < 3
      ? [['TS1', 'Tissue Slide'], ['BS1', 'Tissue Slide']] : [['TS1', 'Tissue Slide']]));
  }
  return samples;
}

/** Every case's slide samples, by subject id. */
export function gdcPathology(data: SyntheticRepositoryData): Map<string, SimulatedSample[]> {
  return new Map(data.cases.map((c) => [c.subjectId, samplesOf(data.repositoryId, c)]));
}
