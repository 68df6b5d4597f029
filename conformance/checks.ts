/**
 * The contract every repository subgraph meets, checked from outside (black box) so a repository owner can run
 * it against their own running subgraph: schema conformance, filter semantics, paging, counts that match the
 * records, honest reporting of criteria not applied, and errors that name the repository.
 */
import { Kind, parse, print, type DefinitionNode } from 'graphql';
import { cancerCaseSdl } from '../schema';
import type { CaseFilter, FilterCriterion } from '../schema/generated/graphql';
import { SubgraphClient, type Answer, type GraphQLErrorJson } from './subgraph-client';

export type Outcome = { status: 'pass' | 'fail' | 'skip'; detail?: string };

export interface Check {
  area: 'schema' | 'cohort' | 'filters' | 'cases' | 'errors';
  name: string;
  run(context: CheckContext): Promise<Outcome>;
}

interface FacetCount { value: string; subjects: number }
type CasesPage = { cases: { totalCount: number | null; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string }> } | null };
interface CohortAnswer {
  subjects: number | null; studies: number | null; series: number | null; images: number | null; exact: boolean;
  filtersApplied: FilterCriterion[]; filtersNotApplied: Array<{ criterion: FilterCriterion; reason: string }>;
  facets: Record<'modality' | 'sex' | 'cancerSite' | 'bodyPart' | 'ageBand' | 'manufacturer', FacetCount[]>;
}

const COHORT_FIELDS = `subjects studies series images exact filtersApplied filtersNotApplied { criterion reason }
  facets { modality { value subjects } sex { value subjects } cancerSite { value subjects } bodyPart { value subjects } ageBand { value subjects } manufacturer { value subjects } }`;

export class CheckContext {
  private readonly cohorts = new Map<string, Promise<CohortAnswer>>();
  listsCases = false;
  collections: string[] = [];

  constructor(readonly client: SubgraphClient) {}

  /** A cohort for a filter, fetched once per run. Throws with the errors when the subgraph answers none. */
  cohort(where: CaseFilter): Promise<CohortAnswer> {
    const key = JSON.stringify(where);
    let pending = this.cohorts.get(key);
    if (!pending) {
      pending = this.client.field<{ cohort: CohortAnswer | null }>(`cohort(where: $where) { ${COHORT_FIELDS} }`, { where }, ', $where: CaseFilter')
        .then((answer) => {
          if (!answer.data?.cohort) throw new Error(`cohort(${key}) answered no data: ${answer.errors.map((e) => e.message).join('; ')}`);
          return answer.data.cohort;
        });
      this.cohorts.set(key, pending);
    }
    return pending;
  }

  /** A filter value for each criterion, taken from what the repository itself reports. */
  async samples(): Promise<Array<{ criterion: FilterCriterion; where: CaseFilter }>> {
    const all = await this.cohort({});
    const first = (facet: FacetCount[], exclude: string[] = []) => facet.find((f) => !exclude.includes(f.value))?.value;
    const samples: Array<{ criterion: FilterCriterion; where: CaseFilter }> = [];
    const site = first(all.facets.cancerSite, ['UNKNOWN', 'OTHER']);
    samples.push({ criterion: 'CANCER_SITES', where: { cancerSites: [(site ?? 'LUNG') as never] } });
    samples.push({ criterion: 'SEX', where: { sex: ['FEMALE'] } });
    samples.push({ criterion: 'AGE_AT_DIAGNOSIS', where: { ageAtDiagnosis: { min: 50, max: 69 } } });
    samples.push({ criterion: 'YEAR_OF_DIAGNOSIS', where: { yearOfDiagnosis: { min: 2010, max: 2018 } } });
    samples.push({ criterion: 'MODALITIES', where: { modalities: [(first(all.facets.modality, ['UNKNOWN']) ?? 'CT') as never] } });
    samples.push({ criterion: 'BODY_PARTS', where: { bodyParts: [(first(all.facets.bodyPart, ['UNKNOWN', 'OTHER']) ?? 'CHEST') as never] } });
    samples.push({ criterion: 'MANUFACTURERS', where: { manufacturers: [first(all.facets.manufacturer, ['UNKNOWN']) ?? 'Siemens'] } });
    samples.push({ criterion: 'COLLECTIONS', where: { collections: [this.collections[0] ?? 'unknown-collection'] } });
    return samples;
  }
}

const pass = (detail?: string): Outcome => ({ status: 'pass', detail });
const fail = (detail: string): Outcome => ({ status: 'fail', detail });
const skip = (detail: string): Outcome => ({ status: 'skip', detail });

function namesRepository(error: GraphQLErrorJson | undefined): boolean {
  return Boolean(error && typeof error.extensions?.repositoryId === 'string' && /repository "/.test(error.message));
}

/** Definitions by name, printed without descriptions (those may differ; shapes may not). */
function shapes(sdl: string): Map<string, string> {
  const byName = new Map<string, string>();
  for (const definition of parse(sdl).definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    byName.set(definition.name.value, print(stripDescriptions(definition)));
  }
  return byName;
}

function stripDescriptions(node: DefinitionNode): DefinitionNode {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === 'description' || key === 'loc' ? undefined : value)));
}

export const CHECKS: Check[] = [
  {
    area: 'schema', name: 'declares one repository type implementing Repository with @key(fields: "id")',
    async run({ client }) {
      const types = SubgraphClient.repositoryTypes(await client.sdl());
      if (types.length !== 1) return fail(`found ${types.length} such types`);
      client.typeName = types[0].name.value;
      const fields = (types[0].fields ?? []).map((f) => f.name.value);
      const missing = ['id', 'cohort', 'cases', 'collections'].filter((f) => !fields.includes(f));
      return missing.length === 0 ? pass(client.typeName) : fail(`missing fields: ${missing.join(', ')}`);
    },
  },
  {
    area: 'schema', name: 'shared value types are identical to the unified schema',
    async run({ client }) {
      const theirs = shapes(await client.sdl());
      const different = [...shapes(cancerCaseSdl)].filter(([name, shape]) => theirs.get(name) !== shape).map(([name]) => name);
      return different.length === 0 ? pass() : fail(`differ or missing: ${different.join(', ')}`);
    },
  },
  {
    area: 'schema', name: 'data fields are nullable so a failure leaves the others intact',
    async run({ client }) {
      const [type] = SubgraphClient.repositoryTypes(await client.sdl());
      const nonNull = (type?.fields ?? []).filter((f) => ['cohort', 'cases', 'collections'].includes(f.name.value) && f.type.kind === Kind.NON_NULL_TYPE);
      return nonNull.length === 0 ? pass() : fail(`non-null: ${nonNull.map((f) => f.name.value).join(', ')}`);
    },
  },
  {
    area: 'cohort', name: 'collections answer with ids and names',
    async run(context) {
      const answer = await context.client.field<{ collections: Array<{ id: string; name: string }> | null }>('collections { id name subjects }');
      if (!answer.data?.collections) return fail(answer.errors.map((e) => e.message).join('; ') || 'null');
      context.collections = answer.data.collections.map((c) => c.id);
      return answer.data.collections.every((c) => c.id && c.name) ? pass(`${context.collections.length} collections`) : fail('a collection lacks id or name');
    },
  },
  {
    area: 'cohort', name: 'an unfiltered cohort is exact and its single-valued facets add up',
    async run(context) {
      const all = await context.cohort({});
      if (!all.exact || all.filtersNotApplied.length > 0) return fail('no filter, yet not exact');
      if (all.subjects === null) return pass('the repository does not count subjects');
      for (const facet of ['sex', 'cancerSite', 'ageBand'] as const) {
        const sum = all.facets[facet].reduce((s, f) => s + f.subjects, 0);
        if (all.facets[facet].length > 0 && sum !== all.subjects) return fail(`facet ${facet} adds up to ${sum}, subjects is ${all.subjects}`);
      }
      return pass(`${all.subjects} subjects`);
    },
  },
  {
    area: 'filters', name: 'every requested criterion is reported applied or not applied, with a reason',
    async run(context) {
      const problems: string[] = [];
      for (const { criterion, where } of await context.samples()) {
        const cohort = await context.cohort(where);
        const applied = cohort.filtersApplied.includes(criterion);
        const notApplied = cohort.filtersNotApplied.find((n) => n.criterion === criterion);
        if (applied === Boolean(notApplied)) problems.push(`${criterion}: reported ${applied ? 'both ways' : 'neither way'}`);
        if (notApplied && !notApplied.reason.trim()) problems.push(`${criterion}: no reason`);
        if (cohort.exact && notApplied) problems.push(`${criterion}: not applied yet exact`);
      }
      return problems.length === 0 ? pass() : fail(problems.join('; '));
    },
  },
  {
    area: 'filters', name: 'one value never counts more than no filter; a criterion not applied leaves the count an upper bound',
    async run(context) {
      const all = await context.cohort({});
      const problems: string[] = [];
      for (const { criterion, where } of await context.samples()) {
        const cohort = await context.cohort(where);
        if (all.subjects !== null && cohort.subjects !== null && cohort.subjects > all.subjects) problems.push(`${criterion}: ${cohort.subjects} > ${all.subjects}`);
      }
      return problems.length === 0 ? pass() : fail(problems.join('; '));
    },
  },
  {
    area: 'filters', name: 'values within a criterion OR together (sex: FEMALE or MALE = FEMALE + MALE)',
    async run(context) {
      const [female, male, both] = await Promise.all([context.cohort({ sex: ['FEMALE'] }), context.cohort({ sex: ['MALE'] }), context.cohort({ sex: ['FEMALE', 'MALE'] })]);
      if (!both.filtersApplied.includes('SEX')) return skip('SEX with several values is reported not applied');
      if (female.subjects === null || male.subjects === null) return skip('no subject counts');
      return both.subjects === female.subjects + male.subjects ? pass(`${female.subjects} + ${male.subjects}`) : fail(`${both.subjects} != ${female.subjects} + ${male.subjects}`);
    },
  },
  {
    area: 'filters', name: 'criteria AND together (never more than either alone)',
    async run(context) {
      const samples = (await context.samples()).filter((s) => ['SEX', 'MODALITIES', 'AGE_AT_DIAGNOSIS'].includes(s.criterion));
      const combined = await context.cohort(Object.assign({}, ...samples.map((s) => s.where)));
      const problems: string[] = [];
      for (const s of samples) {
        const alone = await context.cohort(s.where);
        if (combined.subjects !== null && alone.subjects !== null && combined.filtersApplied.includes(s.criterion) && combined.subjects > alone.subjects) {
          problems.push(`combined ${combined.subjects} > ${s.criterion} alone ${alone.subjects}`);
        }
      }
      return problems.length === 0 ? pass(`${combined.subjects ?? 'null'} subjects`) : fail(problems.join('; '));
    },
  },
  {
    area: 'filters', name: 'adjacent ranges partition (age 0-59 + 60-150 = 0-150)',
    async run(context) {
      const [low, high, whole] = await Promise.all([
        context.cohort({ ageAtDiagnosis: { min: 0, max: 59 } }), context.cohort({ ageAtDiagnosis: { min: 60, max: 150 } }), context.cohort({ ageAtDiagnosis: { min: 0, max: 150 } })]);
      if (!whole.filtersApplied.includes('AGE_AT_DIAGNOSIS')) return skip('age at diagnosis is not evaluated here');
      if (low.subjects === null || high.subjects === null || whole.subjects === null) return skip('no subject counts');
      return low.subjects + high.subjects === whole.subjects ? pass(`${low.subjects} + ${high.subjects}`) : fail(`${low.subjects} + ${high.subjects} != ${whole.subjects}`);
    },
  },
  {
    area: 'filters', name: 'a filter that matches nothing counts zero',
    async run(context) {
      const cohort = await context.cohort({ collections: ['conformance-no-such-collection'] });
      if (!cohort.filtersApplied.includes('COLLECTIONS')) return skip('collections are not evaluated here');
      return cohort.subjects === 0 || cohort.subjects === null ? pass() : fail(`${cohort.subjects} subjects`);
    },
  },
  {
    area: 'cases', name: 'paging walks every matching case exactly once, and their number is the cohort count',
    async run(context) {
      const where = (await context.samples()).find((s) => s.criterion === 'MODALITIES')!.where;
      const seen: string[] = [];
      let after: string | null = null;
      let total: number | null = null;
      for (let page = 0; page < 400; page++) {
        const answer: Answer<CasesPage> = await context.client.field<CasesPage>(
          'cases(where: $where, first: 25, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } }', { where, after }, ', $where: CaseFilter, $after: String');
        if (page === 0 && answer.errors[0]?.extensions?.code === 'REPOSITORY_NOT_SUPPORTED') return skip('COUNT granularity: no case lists');
        if (!answer.data?.cases) return fail(answer.errors.map((e) => e.message).join('; ') || 'null');
        context.listsCases = true;
        total = answer.data.cases.totalCount;
        seen.push(...answer.data.cases.nodes.map((n) => n.id));
        if (!answer.data.cases.pageInfo.hasNextPage) break;
        after = answer.data.cases.pageInfo.endCursor;
      }
      const unique = new Set(seen).size;
      if (unique !== seen.length) return fail(`${seen.length - unique} duplicates`);
      const cohort = await context.cohort(where);
      if (cohort.exact && cohort.subjects !== seen.length) return fail(`walked ${seen.length} cases, cohort counts ${cohort.subjects}`);
      if (total !== null && total !== seen.length) return fail(`walked ${seen.length} cases, totalCount says ${total}`);
      return pass(`${seen.length} cases`);
    },
  },
  {
    area: 'cases', name: 'cases carry their studies and series',
    async run(context) {
      if (!context.listsCases) return skip('no case lists');
      const answer = await context.client.field<{ cases: { nodes: Array<{ id: string; studies: Array<{ uid: string; series: Array<{ uid: string }> }> }> } | null }>(
        'cases(first: 5) { nodes { id studies { uid series { uid modality bodyPart } } } }');
      const nodes = answer.data?.cases?.nodes ?? [];
      if (nodes.length === 0) return fail(answer.errors.map((e) => e.message).join('; ') || 'no cases');
      return nodes.every((n) => n.studies.length > 0 && n.studies.every((s) => s.series.length > 0)) ? pass() : fail('a case without studies or a study without series');
    },
  },
  {
    area: 'errors', name: 'an invalid filter is refused with BAD_USER_INPUT naming the repository',
    async run({ client }) {
      const answer = await client.field('cohort(where: {ageAtDiagnosis: {min: 90, max: 10}}) { subjects }');
      const [error] = answer.errors;
      return error?.extensions?.code === 'BAD_USER_INPUT' && namesRepository(error) ? pass() : fail(JSON.stringify(error ?? 'no error'));
    },
  },
  {
    area: 'errors', name: 'a foreign cursor is refused with BAD_CURSOR naming the repository',
    async run(context) {
      if (!context.listsCases) return skip('no case lists');
      const answer = await context.client.field('cases(first: 2, after: "Zm9yZWlnbg") { totalCount }');
      const [error] = answer.errors;
      return error?.extensions?.code === 'BAD_CURSOR' && namesRepository(error) ? pass() : fail(JSON.stringify(error ?? 'no error'));
    },
  },
];
