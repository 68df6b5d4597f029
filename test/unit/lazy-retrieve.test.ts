/**
 * Series with a retrieve reference built when read (subgraphs/sdk/lazy-retrieve.ts): an index keeps no URL per
 * series, yet the reference reads, serialises and resolves in GraphQL as a field the record holds.
 */
import { graphql, buildSchema } from 'graphql';
import { seriesFromDicom } from '../../subgraphs/dicomweb/mapping';
import { Tag } from '../../subgraphs/dicomweb/parse';

const series = seriesFromDicom({
  [Tag.SeriesInstanceUID]: { vr: 'UI', Value: ['1.2.3.4'] },
  [Tag.Modality]: { vr: 'CS', Value: ['MR'] },
}, '9.8.7', { dicomWebRoot: 'https://pacs.example/dicom-web' })!;
const reference = { protocol: 'DICOMWEB_WADO_RS', url: 'https://pacs.example/dicom-web/studies/9.8.7/series/1.2.3.4' };

test('reads, and serialises, as if the record held it', () => {
  expect(series.retrieve).toEqual(reference);
  expect(JSON.parse(JSON.stringify(series)).retrieve).toEqual(reference);
});

test('resolves in GraphQL with the default field resolver', async () => {
  const schema = buildSchema('type Retrieve { protocol: String url: String } type Series { uid: String retrieve: Retrieve } type Query { series: Series }');
  const answer = await graphql({ schema, source: '{ series { uid retrieve { protocol url } } }', rootValue: { series } });
  expect(answer).toEqual({ data: { series: { uid: '1.2.3.4', retrieve: reference } } });
});
