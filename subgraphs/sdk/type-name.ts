/** "de-heidelberg-pacs" -> "DeHeidelbergPacsRepository": the GraphQL type of one repository. */
export function repositoryTypeName(repositoryId: string): string {
  const pascal = repositoryId.split(/[-_]/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('');
  return `${pascal}Repository`;
}

/** Repository ids: lower-case letters, digits and dashes, starting with a letter (they become type names). */
export const REPOSITORY_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
