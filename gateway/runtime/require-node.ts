/**
 * The gateway runs on Node 24 LTS (Node 20 is end-of-life since 2026-04-30, and undici 8, keyv 6 and
 * @apollo/subgraph 2.15 need Node >= 22.19). `npm ci` installs Node 24 from the npm registry (the `node`
 * package) and npm scripts run on it; started another way on an older Node, the first import of undici would fail
 * with an obscure TypeError. Imported first by every entry point, so the user reads what to do instead.
 */
export const REQUIRED_NODE_MAJOR = 24;

/** Why this Node cannot run the gateway, or undefined when it can. */
export function unsupportedNodeReason(version: string = process.version): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isInteger(major) && major >= REQUIRED_NODE_MAJOR) return undefined;
  return [
    `This gateway needs Node ${REQUIRED_NODE_MAJOR} or newer; it was started on Node ${version}.`,
    `\`npm ci\` installs Node ${REQUIRED_NODE_MAJOR} into node_modules: start it with \`npm start\` (npm scripts run on that Node),`,
    'or with node_modules/.bin/node.',
  ].join('\n');
}

const reason = unsupportedNodeReason();
if (reason) {
  console.error(reason);
  process.exit(1);
}
