/**
 * The gateway's cache of parsed operations counts each operation's source text, which the parsed document keeps
 * referencing: operations padded with comments cannot make it hold megabytes each beyond its bound.
 */
import { parse } from 'graphql';
import { boundedDocumentStore, documentBytes } from '../../gateway/plugins/limits/document-store';

const MB = 1024 * 1024;

function padded(i: number) {
  return parse(`# ${'x'.repeat(MB)}\n{ repositories { id${i}: id } }`);
}

describe('the parsed-operation cache', () => {
  it('counts the source text a document keeps', () => {
    const document = padded(0);
    expect(documentBytes(document)).toBeGreaterThan(2 * MB);
    expect(JSON.stringify(document).length).toBeLessThan(2_000); // what Apollo's default store counts
  });

  it('keeps documents whose sources add up to its bound, not one per request', async () => {
    const store = boundedDocumentStore(16 * MB);
    for (let i = 0; i < 40; i++) await store.set(`op${i}`, padded(i));
    expect(store.keys().length).toBeLessThanOrEqual(8);
    expect(await store.get('op39')).toBeDefined();
    expect(await store.get('op0')).toBeUndefined();
  });
});
