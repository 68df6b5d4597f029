/**
 * The DICOMweb adapter's contract, run against any QIDO-RS server holding a known synthetic dataset: the QIDO
 * simulator (which the demo uses) and a real Orthanc. Passing both keeps the simulator faithful.
 */
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import type { CaseFilter } from '../../schema/generated/graphql';
import type { RepositoryAdapter } from '../../subgraphs/sdk/adapter';
import { RepositoryError } from '../../subgraphs/sdk/errors';
import { splitFilter } from '../../subgraphs/sdk/report';
import { dicomwebKind } from '../../subgraphs/dicomweb';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';

export interface QidoServer {
  dicomWebRoot: string;
  credentials: string;
  stop(): Promise<void>;
}

/** Small enough to seed a real PACS in seconds: 2 instances per series. */
export const CONTRACT_DATA: SyntheticRepositoryData = generateRepositoryData({
  repositoryId: 'contract-pacs', seed: 31, cases: 24, subjectPrefix: 'CP', language: 'es', maxInstancesPerSeries: 2,
  collections: [{ id: 'CP-LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'CP-PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' }],
});

const FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['one modality', { modalities: ['MR'] }],
  ['modalities OR', { modalities: ['CT', 'PT'] }],
  ['sex', { sex: ['FEMALE'] }],
  ['age range', { ageAtDiagnosis: { min: 60, max: 70 } }],
  ['cancer site', { cancerSites: ['PROSTATE'] }],
  ['collection', { collections: ['CP-LUNG'] }],
  ['body part (normalised from dirty values)', { bodyParts: ['CHEST', 'LUNG'] }],
  ['manufacturer', { manufacturers: ['siemens'] }],
  ['combination', { modalities: ['CT'], sex: ['MALE'], ageAtDiagnosis: { min: 50 } }],
  ['modality with sex push-down', { modalities: ['MR'], sex: ['MALE'] }],
  ['nothing matches', { cancerSites: ['BREAST'] }],
];

function entry(server: QidoServer, options: Record<string, unknown>): RepositoryEntry {
  return {
    id: 'contract-pacs', name: 'Contract PACS', country: 'DE', institution: 'Test', apiKind: 'dicomweb',
    endpoint: server.dicomWebRoot, subgraph: 'local', timeoutMs: 5000, options,
    collections: CONTRACT_DATA.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite })),
  };
}

export function describeDicomWebContract(serverName: string, start: () => Promise<QidoServer>): void {
  describe(`DICOMweb adapter against ${serverName}`, () => {
    let server: QidoServer;
    const adapters: RepositoryAdapter[] = [];
    const truth = toUnifiedCases(CONTRACT_DATA);
    const adapter = (options: Record<string, unknown>, credentials = server.credentials) => {
      const created = dicomwebKind.create(entry(server, options), { credentials });
      adapters.push(created);
      return created;
    };

    beforeAll(async () => {
      server = await start();
    }, 120_000);

    afterAll(async () => {
      await Promise.all(adapters.map((a) => a.close?.()));
      await server?.stop();
    });

    describe.each([
      ['index mode', { mode: 'index' }],
      // A page size of 3 makes the harvest and the push-down walk many pages, including Orthanc's
      // ModalitiesInStudy paging bug.
      ['live mode with push-down', { mode: 'live', pageSize: 3 }],
    ])('%s', (_mode, options) => {
      it.each(FILTERS)('counts like the ground truth: %s', async (_label, where) => {
        const filter = normaliseFilter(where, 'contract-pacs');
        const { evaluable, report } = splitFilter(filter, dicomwebKind.criteria, () => '');
        const expected = cohortOf(truth, evaluable, report);
        const cohort = await adapter(options).cohort(filter, {}, { facets: true });
        expect(cohort).toEqual(expected);
      });

      it('lists every matching case exactly once across pages', async () => {
        const subject = adapter(options);
        const filter = normaliseFilter({ modalities: ['CT'] }, 'contract-pacs');
        const seen: string[] = [];
        let after: string | null = null;
        for (let pages = 0; pages < 20; pages++) {
          const page = await subject.cases!(filter, { first: 4, after }, {});
          seen.push(...page.edges.map((e) => e.node.subjectId));
          if (!page.hasNextPage) break;
          after = page.edges.at(-1)!.cursor;
        }
        const expected = truth.filter((c) => c.studies.some((s) => s.series.some((x) => x.modality === 'CT'))).map((c) => c.subjectId);
        expect(seen).toEqual(expected);
      });
    });

    it('loads the studies and series of a page of cases as the PACS holds them', async () => {
      const subject = adapter({ mode: 'index' });
      const page = await subject.cases!(normaliseFilter({}, 'contract-pacs'), { first: 10, after: null }, {});
      const studies = await subject.loadStudies!(page.edges.map((e) => e.node), {});
      page.edges.forEach((edge, i) => {
        const expected = truth.find((c) => c.subjectId === edge.node.subjectId)!;
        expect(studies[i].map((s) => s.uid).sort()).toEqual(expected.studies.map((s) => s.uid).sort());
        for (const study of studies[i]) {
          const truthStudy = expected.studies.find((s) => s.uid === study.uid)!;
          expect(study.series.map((s) => [s.uid, s.modality, s.bodyPartRaw, s.instanceCount]).sort())
            .toEqual(truthStudy.series.map((s) => [s.uid, s.modality, s.bodyPartRaw, s.instanceCount]).sort());
          expect(study.series.every((s) => s.retrieve?.url?.startsWith(`${server.dicomWebRoot}/studies/${study.uid}/series/`))).toBe(true);
        }
      });
    });

    it('reports year of diagnosis as not applied: DICOM carries no diagnosis date', async () => {
      const cohort = await adapter({ mode: 'index' }).cohort(normaliseFilter({ yearOfDiagnosis: { min: 2015 }, sex: ['MALE'] }, 'contract-pacs'), {}, { facets: false });
      expect(cohort.exact).toBe(false);
      expect(cohort.filtersApplied).toEqual(['SEX']);
      expect(cohort.filtersNotApplied).toEqual([{ criterion: 'YEAR_OF_DIAGNOSIS', reason: 'DICOM carries no diagnosis date' }]);
      expect(cohort.subjects).toBe(truth.filter((c) => c.sex === 'MALE').length);
    });

    it('refuses to list cases for a criterion it cannot evaluate', async () => {
      await expect(adapter({ mode: 'index' }).cases!(normaliseFilter({ yearOfDiagnosis: { min: 2015 } }, 'contract-pacs'), { first: 5, after: null }, {}))
        .rejects.toMatchObject({ extensions: { code: 'REPOSITORY_NOT_SUPPORTED', repositoryId: 'contract-pacs' } });
    });

    it('names the repository when the PACS refuses the credentials', async () => {
      const error = await adapter({ mode: 'index' }, 'demo:wrong-password').cohort({}, {}, { facets: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RepositoryError);
      expect((error as RepositoryError).extensions).toMatchObject({ code: 'REPOSITORY_HTTP_ERROR', repositoryId: 'contract-pacs', httpStatus: 401 });
    });
  });
}
