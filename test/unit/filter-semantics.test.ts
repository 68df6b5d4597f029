import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { cohortOf, matchCase } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { RepositoryError } from '../../subgraphs/sdk/errors';
import { splitFilter } from '../../subgraphs/sdk/report';

function series(uid: string, modality: 'CT' | 'MR' | 'PT', bodyPart: 'CHEST' | 'PELVIS', manufacturer: string, instances: number) {
  return { uid, modality, modalityRaw: modality, bodyPart, bodyPartRaw: bodyPart, manufacturer, description: null, instanceCount: instances, sizeBytes: null, retrieve: null };
}

function patient(subjectId: string, sex: 'FEMALE' | 'MALE', age: number, studies: FullCaseRecord['studies']): FullCaseRecord {
  return {
    id: `r/${subjectId}`, repositoryId: 'r', subjectId, collection: 'C1', sex, ageAtDiagnosis: age,
    diagnosis: { cancerSite: 'LUNG', icd10: 'C34.1', icdO3Topography: 'C34.1', icdO3Morphology: '8140/3', description: null, yearOfDiagnosis: 2020, stage: null },
    studies,
  };
}

function study(uid: string, ...s: ReturnType<typeof series>[]) {
  return { uid, date: null, description: null, modalities: [...new Set(s.map((x) => x.modality))], bodyParts: [], seriesCount: s.length, instanceCount: null, series: s };
}

// A: CT chest by Siemens and MR pelvis by Philips; B: CT chest by Philips only.
const A = patient('A', 'FEMALE', 64, [study('a1', series('a1s1', 'CT', 'CHEST', 'SIEMENS', 100)), study('a2', series('a2s1', 'MR', 'PELVIS', 'Philips', 30))]);
const B = patient('B', 'MALE', 71, [study('b1', series('b1s1', 'CT', 'CHEST', 'Philips Medical Systems', 200))]);
const report = { applied: [], notApplied: [] };

describe('filter semantics', () => {
  it('ORs values within a criterion and ANDs criteria', () => {
    const cohort = cohortOf([A, B], normaliseFilter({ modalities: ['MR', 'PT'], sex: ['FEMALE', 'MALE'] }, 'r'), report);
    expect(cohort.subjects).toBe(1);
    expect(cohort.studies).toBe(1);
    expect(cohort.images).toBe(30);
  });

  it('evaluates image criteria on one series: CT and Philips selects only B', () => {
    const cohort = cohortOf([A, B], normaliseFilter({ modalities: ['CT'], manufacturers: ['Philips'] }, 'r'), report);
    expect(cohort.subjects).toBe(1);
    expect(matchCase(A, normaliseFilter({ modalities: ['CT'], manufacturers: ['philips'] }, 'r'))).toBeNull();
  });

  it('counts all studies and series of matching cases when no image criterion is set', () => {
    const cohort = cohortOf([A, B], normaliseFilter({ ageAtDiagnosis: { min: 60, max: 70 } }, 'r'), report);
    expect(cohort).toMatchObject({ subjects: 1, studies: 2, series: 2, images: 130, exact: true });
    expect(cohort.facets.modality).toEqual([{ value: 'CT', subjects: 1 }, { value: 'MR', subjects: 1 }]);
    expect(cohort.facets.ageBand).toEqual([{ value: '60-69', subjects: 1 }]);
  });

  it('treats an empty list as an unset criterion', () => {
    expect(normaliseFilter({ modalities: [], sex: ['MALE'] }, 'r')).toEqual({ sex: ['MALE'] });
  });

  it('rejects an inverted range, naming the repository and the filter', () => {
    expect(() => normaliseFilter({ ageAtDiagnosis: { min: 80, max: 20 } }, 'de-x')).toThrow(RepositoryError);
    try {
      normaliseFilter({ ageAtDiagnosis: { min: 80, max: 20 } }, 'de-x');
    } catch (error) {
      expect((error as RepositoryError).message).toContain('repository "de-x"');
      expect((error as RepositoryError).message).toContain('where.ageAtDiagnosis');
      expect((error as RepositoryError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', repositoryId: 'de-x', argument: 'where.ageAtDiagnosis' });
    }
  });

  it('rejects out-of-range years and empty manufacturer names', () => {
    expect(() => normaliseFilter({ yearOfDiagnosis: { min: 1200 } }, 'r')).toThrow(/yearOfDiagnosis.min is 1200/);
    expect(() => normaliseFilter({ manufacturers: [' '] }, 'r')).toThrow(/manufacturers contains an empty string/);
  });

  it('reports what a repository cannot evaluate and marks the count inexact', () => {
    const { evaluable, report: split } = splitFilter(normaliseFilter({ sex: ['MALE'], yearOfDiagnosis: { min: 2020 } }, 'r'),
      ['SEX'], () => 'no diagnosis dates');
    expect(split.notApplied).toEqual([{ criterion: 'YEAR_OF_DIAGNOSIS', reason: 'no diagnosis dates' }]);
    const cohort = cohortOf([A, B], evaluable, split);
    expect(cohort).toMatchObject({ subjects: 1, exact: false, filtersApplied: ['SEX'] });
  });
});
