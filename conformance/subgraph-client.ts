/**
 * Talks to one repository subgraph over HTTP the way the gateway does: `_service { sdl }` for its schema and
 * `_entities` for the repository's data fields.
 */
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { request } from 'undici';

export interface GraphQLErrorJson {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export interface Answer<T> {
  data: T | null;
  errors: GraphQLErrorJson[];
}

export class SubgraphClient {
  /** The repository's concrete type, found in the SDL. */
  typeName = '';

  constructor(readonly url: string) {}

  async post<T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
    const response = await request(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const body = (await response.body.json()) as { data?: T | null; errors?: GraphQLErrorJson[] };
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }

  async sdl(): Promise<string> {
    const answer = await this.post<{ _service: { sdl: string } }>('{ _service { sdl } }');
    if (!answer.data) throw new Error(`no SDL from ${this.url}: ${answer.errors.map((e) => e.message).join('; ')}`);
    return answer.data._service.sdl;
  }

  /** The object types of the SDL that carry @key and implement Repository. */
  static repositoryTypes(sdl: string): ObjectTypeDefinitionNode[] {
    return parse(sdl).definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION
      && (d.interfaces ?? []).some((i) => i.name.value === 'Repository')
      && (d.directives ?? []).some((dir) => dir.name.value === 'key'));
  }

  /** One data field of the repository, through `_entities` as the gateway asks for it. */
  async field<T>(selection: string, variables: Record<string, unknown> = {}, variableDefinitions = ''): Promise<Answer<T>> {
    const query = `query($representations: [_Any!]!${variableDefinitions}) { _entities(representations: $representations) { ... on ${this.typeName} { ${selection} } } }`;
    const answer = await this.post<{ _entities: T[] }>(query, { representations: [{ __typename: this.typeName, id: 'conformance' }], ...variables });
    return { data: answer.data?._entities?.[0] ?? null, errors: answer.errors };
  }
}
