import { maskInternalErrors } from '../../gateway/plugins/http/mask-internal-errors';

describe('errors that reach clients', () => {
  const lines: string[] = [];
  const mask = maskInternalErrors((line) => lines.push(line));
  beforeEach(() => lines.splice(0));

  it('hide an internal message behind a log id, and log it under that id', () => {
    const masked = mask({ message: 'Maximum call stack size exceeded', path: ['cohort', 'total'], extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'europe' } }, undefined);
    expect(masked.message).toMatch(/^internal error \(log id [0-9a-f]{8}\)$/);
    expect(masked.path).toEqual(['cohort', 'total']);
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', logId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(lines).toEqual([`gateway: internal error ${masked.extensions?.logId} (DOWNSTREAM_SERVICE_ERROR): Maximum call stack size exceeded`]);
  });

  it('hide an error without a code, and keep the repository an adapter defect happened in', () => {
    expect(mask({ message: 'TypeError: x is undefined' }, undefined).message).toMatch(/^internal error/);
    const adapter = mask({ message: 'repository "de-a": the adapter failed unexpectedly', extensions: { code: 'REPOSITORY_ADAPTER_ERROR', repositoryId: 'de-a' } }, undefined);
    expect(adapter.extensions).toMatchObject({ code: 'REPOSITORY_ADAPTER_ERROR', repositoryId: 'de-a' });
    expect(adapter.message).toMatch(/^internal error/);
  });

  it('pass the errors written for clients as they are', () => {
    for (const code of ['REPOSITORY_TIMEOUT', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_CURSOR', 'REPOSITORY_CIRCUIT_OPEN']) {
      const error = { message: `a message for ${code}`, extensions: { code, repositoryId: 'de-a' } };
      expect(mask(error, undefined)).toBe(error);
    }
    expect(lines).toEqual([]);
  });
});
