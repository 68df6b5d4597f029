/**
 * SDL generation for subgraphs: one concrete type per repository, its fields copied from the contract's
 * interface so the contract is written once (schema/*.graphql).
 */
import { Kind, parse, print, type DocumentNode, type InterfaceTypeDefinitionNode, type ObjectTypeDefinitionNode, type TypeDefinitionNode } from 'graphql';

/**
 * Generated SDL is parsed without source locations: every repository's subgraph keeps its document, and the
 * locations' tokens were about 9 MB of a 30-repository gateway's heap (scale bench heap snapshot).
 */
const WITHOUT_LOCATIONS = { noLocation: true };

export function interfaceNamed(sdl: string, name: string): InterfaceTypeDefinitionNode {
  const definition = parse(sdl, WITHOUT_LOCATIONS).definitions.find(
    (d): d is InterfaceTypeDefinitionNode => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === name,
  );
  if (!definition) throw new Error(`interface ${name} not found in schema`);
  return definition;
}

export function typeDefinitionNamed(sdl: string, name: string): TypeDefinitionNode {
  const definition = parse(sdl, WITHOUT_LOCATIONS).definitions.find(
    (d): d is TypeDefinitionNode => 'name' in d && d.name?.value === name && d.kind !== Kind.DIRECTIVE_DEFINITION,
  );
  if (!definition) throw new Error(`type ${name} not found in schema`);
  return definition;
}

/** `type <typeName> implements <iface> @key(fields: "id") { ...the interface's fields }` as SDL. */
export function entityImplementing(iface: InterfaceTypeDefinitionNode, typeName: string, description?: string): string {
  const node: ObjectTypeDefinitionNode = {
    kind: Kind.OBJECT_TYPE_DEFINITION,
    name: { kind: Kind.NAME, value: typeName },
    description: description ? { kind: Kind.STRING, value: description, block: false } : undefined,
    interfaces: [{ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: iface.name.value } }],
    directives: [{
      kind: Kind.DIRECTIVE,
      name: { kind: Kind.NAME, value: 'key' },
      arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: 'id' } }],
    }],
    fields: iface.fields,
  };
  return print(node);
}

export function parseSdl(parts: readonly string[]): DocumentNode {
  return parse(parts.join('\n\n'), WITHOUT_LOCATIONS);
}
