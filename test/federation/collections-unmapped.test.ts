/**
 * Collections list the modality values their repository names that map to no DICOM modality, as written, rather
 * than dropping them; every adapter kind answers the field.
 */
import { SIMULATED_KINDS } from '../../simulators/registry';
import { startTestFederation, type TestFederation } from '../support/federation';

describe('collections and their unmapped modality values', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation(SIMULATED_KINDS.map((apiKind, i) => ({ id: `col-${apiKind}`, country: 'DE', apiKind, cases: 20, seed: 70 + i })));
  });

  afterAll(async () => {
    await federation?.close();
  });

  it('is a list for every repository of every kind', async () => {
    const { body } = await federation.query('{ repositories { id collections { id modalities unmappedModalities } } }');
    expect(body.errors).toBeUndefined();
    const repositories = body.data?.repositories as Array<{ id: string; collections: Array<{ unmappedModalities: string[] }> | null }>;
    expect(repositories).toHaveLength(SIMULATED_KINDS.length);
    for (const repository of repositories) for (const collection of repository.collections ?? []) expect(Array.isArray(collection.unmappedModalities)).toBe(true);
  });
});
