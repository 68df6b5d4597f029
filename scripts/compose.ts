/**
 * npm run compose -- [config.json] [--out supergraph.graphql]
 * Validates a federation config and composes its supergraph; prints what it composed, or every problem found.
 */
import '../gateway/runtime/require-node'; // first: a clear message on a Node older than 24, before any dependency loads
import { writeFileSync } from 'node:fs';
import { ConfigError, loadFederationConfig } from '../config/federation-config';
import { composeSupergraph } from '../gateway/supergraph';
import { ADAPTER_KINDS } from '../subgraphs/kinds';
import { DEFAULT_CONFIG_PATH } from '../gateway/defaults';

function main(argv: string[]): number {
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  const path = argv.find((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--out') ?? DEFAULT_CONFIG_PATH;
  try {
    const config = loadFederationConfig(path, ADAPTER_KINDS);
    const supergraph = composeSupergraph(config);
    if (out) writeFileSync(out, supergraph);
    const countries = new Set(config.repositories.map((r) => r.country));
    const kinds = new Set(config.repositories.map((r) => r.apiKind));
    console.log(`composed ${config.repositories.length} repositories in ${countries.size} countries (${[...kinds].join(', ')}) from ${path}`);
    if (out) console.log(`supergraph written to ${out}`);
    else process.stdout.write(supergraph);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
