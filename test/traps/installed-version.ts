import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The installed version of a package, read from its folder (some packages' exports hide their package.json). */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}
