import { join } from 'node:path';

/** The built-in demo federation's config (its repositories are the demo's simulators), used when FEDERATION_CONFIG is not set. */
export const DEFAULT_CONFIG_PATH = join(__dirname, '..', 'config', 'demo-federation.json');
export const DEFAULT_PORT = 4000;
