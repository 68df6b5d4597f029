/**
 * The `columns=` the adapter asks XNAT listings for. Shortcut names (XNAT's XMLPathShortcuts: `subject_ID`,
 * `subject_label`, `UID`, `session_type`, `modality`, `gender`) come back under the same key; element paths come back
 * under their lower-cased path (e.g. `xnat:imagescandata/series_description`, as pyxnat, yaxil and DAX read them),
 * which is why rows are read with a case-insensitive key lookup (parse.ts).
 */
import type { ClinicalField } from './native-types';
import type { XnatOptions } from './options';

/** The session data type every imaging session extends; `xsiType=` with it lists all of them. */
export const IMAGE_SESSION_TYPE = 'xnat:imageSessionData';

/** Subject columns besides the custom variables. `gender` is the shortcut of the demographics gender path. */
export const SUBJECT_COLUMNS = { ID: 'ID', label: 'label', project: 'project', gender: 'gender' } as const;

/** The column of a subject custom variable; XNAT keeps custom variable names in lower case. */
export function customFieldColumn(name: string): string {
  return `xnat:subjectData/fields/field[name=${name.toLowerCase()}]/field`;
}

export function subjectColumns(options: Pick<XnatOptions, 'customFields'>): { columns: string[]; fields: Record<ClinicalField, string> } {
  const fields = Object.fromEntries(Object.entries(options.customFields).map(([field, name]) => [field, customFieldColumn(name)])) as Record<ClinicalField, string>;
  return { columns: [...Object.values(SUBJECT_COLUMNS), ...Object.values(fields)], fields };
}

/** Session columns of the experiments listing (shortcuts). */
export const SESSION_COLUMNS = {
  ID: 'ID', label: 'label', project: 'project', xsiType: 'xsiType', date: 'date',
  subjectId: 'subject_ID', subjectLabel: 'subject_label', studyUid: 'UID', sessionType: 'session_type', modality: 'modality',
} as const;

/** Scan columns joined into the experiments listing (element paths of xnat:imageScanData). */
export function scanColumns(bodyPartColumn: string) {
  return {
    id: 'xnat:imageScanData/ID',
    type: 'xnat:imageScanData/type',
    uid: 'xnat:imageScanData/UID',
    modality: 'xnat:imageScanData/modality',
    seriesDescription: 'xnat:imageScanData/series_description',
    frames: 'xnat:imageScanData/frames',
    manufacturer: 'xnat:imageScanData/scanner/manufacturer',
    model: 'xnat:imageScanData/scanner/model',
    bodyPartExamined: bodyPartColumn,
  };
}

export type ScanColumnNames = ReturnType<typeof scanColumns>;

export function sessionScanColumns(bodyPartColumn: string): string[] {
  return [...Object.values(SESSION_COLUMNS), ...Object.values(scanColumns(bodyPartColumn))];
}
