/**
 * The runtime: Node 24 LTS from the npm registry (package.json's `node` dependency), installed by `npm ci` and used
 * by every npm script, whatever Node the machine has (Node 20, end-of-life, on this project's machines). npm judges
 * `engines` against the Node it runs on itself during the install, so .npmrc silences its warnings; this test does
 * the check for real, against the Node the scripts run on.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { unsupportedNodeReason } from '../../gateway/runtime/require-node';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string>;
};

interface InstalledPackage { name: string; version: string; engines?: { node?: string }; where: string }

/** Every package under node_modules, nested ones included (a package may keep its own copy of a dependency). */
function installedPackages(dir: string, found: InstalledPackage[] = []): InstalledPackage[] {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const scoped of readdirSync(join(dir, name))) visit(join(dir, name, scoped), found);
    } else {
      visit(join(dir, name), found);
    }
  }
  return found;
}

function visit(packageDir: string, found: InstalledPackage[]): void {
  const file = join(packageDir, 'package.json');
  if (!existsSync(file)) return;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string; engines?: { node?: string } };
  if (pkg.name && pkg.version) found.push({ name: pkg.name, version: pkg.version, engines: pkg.engines, where: packageDir.slice(ROOT.length + 1) });
  installedPackages(join(packageDir, 'node_modules'), found);
}

describe('the runtime', () => {
  it('is the Node 24 LTS release that package.json pins, which npm ci installed', () => {
    const pinned = manifest.dependencies.node;
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    expect(process.version).toBe(`v${pinned}`);
    expect(process.release.lts).toBeTruthy();
  });

  it('is the one package.json\'s engines asks for', () => {
    expect(manifest.engines.node).toBe('>=24');
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
  });

  it('satisfies the engines of every installed package', () => {
    const packages = installedPackages(join(ROOT, 'node_modules'));
    expect(packages.length).toBeGreaterThan(300);
    const unsatisfied = packages
      .filter((p) => p.engines?.node && semver.validRange(p.engines.node) && !semver.satisfies(process.version, p.engines.node, { includePrerelease: true }))
      .map((p) => `${p.where}@${p.version} wants node ${p.engines!.node}`);
    expect(unsatisfied).toEqual([]);
    // The majors that Node 20 held back are the ones installed.
    const version = (name: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
    expect(semver.major(version('undici'))).toBeGreaterThanOrEqual(8);
    expect(semver.major(version('keyv'))).toBeGreaterThanOrEqual(6);
    expect(semver.gte(version('@apollo/subgraph'), '2.15.0')).toBe(true);
    expect(semver.major(version('graphql'))).toBe(16);
  });
});

describe('an older Node', () => {
  it('is refused with what to do instead of an obscure failure inside a dependency', () => {
    const reason = unsupportedNodeReason('v20.20.2');
    expect(reason).toContain('needs Node 24 or newer; it was started on Node v20.20.2');
    expect(reason).toContain('npm start');
    expect(unsupportedNodeReason('v22.19.0')).toContain('needs Node 24');
  });

  it('is not what a current Node gets', () => {
    expect(unsupportedNodeReason('v24.21.0')).toBeUndefined();
    expect(unsupportedNodeReason('v26.10.0')).toBeUndefined();
  });
});
