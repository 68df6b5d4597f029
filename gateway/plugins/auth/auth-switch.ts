/**
 * Who may see what, following config reloads: the gateway asks `current` for each request as it arrives, and a
 * reload that the FederationHost swaps in switches it to the new config's `auth` section (trusted issuers,
 * audiences, claim names, anonymous counts or none). A request already running keeps the authenticator, and so the
 * caller context, it started with. A section that does not validate never gets here: the whole reload is refused
 * (config/federation-config.ts) and the old one stays.
 *
 * Issuer keys (JWKS) are held per issuer URL: an issuer still trusted after a reload keeps its cached keys, a removed
 * one's are dropped with the old authenticator, a new one is discovered at once (a failure is logged and tried again
 * on its first token).
 *
 * Without an `auth` section: the built-in demo issuer when the gateway runs one (npm start; an `auth` section added
 * by a reload replaces it, and removing the section again brings it back), counts only in production, and
 * otherwise nobody is authenticated (development and tests, where every caller reads every record). A reload never
 * switches to that last one: removing the section there is refused, so a config edit cannot open every record.
 */
import type { AuthConfig, IssuerConfig } from './auth-config';
import { createAuthenticator, type Authenticator } from './authenticate';
import type { DemoIssuer } from '../../../demo/issuer';
import { issuerKeys, type IssuerKeys } from './issuer-keys';

export interface AuthSwitchOptions {
  /** Auth given to the gateway in code (startGateway's `auth`): it never follows the config. */
  fixed?: AuthConfig;
  /** The built-in demo issuer: trusted while the config has no `auth` section. */
  demoIssuer?: DemoIssuer;
  /** Without an `auth` section and a demo issuer: counts only in production. */
  production: boolean;
  log?: (line: string) => void;
}

export interface AuthSwitch {
  /** The authenticator for a request arriving now; undefined when nobody is authenticated. */
  readonly current: Authenticator | undefined;
  /** Whether the demo issuer is the one trusted now. */
  readonly demoInForce: boolean;
  /** Why a config's `auth` section may not replace the one in force; empty when it may. */
  refuse(auth: AuthConfig | undefined): string[];
  /** Switches new requests to a config's `auth` section. */
  apply(auth: AuthConfig | undefined): void;
  /** The issuers whose keys are held now. */
  heldIssuers(): string[];
}

const COUNTS_ONLY: AuthConfig = { anonymous: 'counts', issuers: [] };

export function createAuthSwitch(options: AuthSwitchOptions): AuthSwitch {
  const log = options.log ?? console.log;
  let keys = new Map<string, IssuerKeys>();
  let current: Authenticator | undefined;
  let demoInForce = false;
  let described: string | undefined;
  const inForce = (auth: AuthConfig | undefined): AuthConfig | undefined =>
    options.fixed ?? auth ?? options.demoIssuer?.authConfig() ?? (options.production ? COUNTS_ONLY : undefined);
  return {
    get current() {
      return current;
    },
    get demoInForce() {
      return demoInForce;
    },
    refuse(auth) {
      if (current === undefined || inForce(auth) !== undefined) return [];
      return ['auth: a reload cannot remove the "auth" section here (without it every caller could read every record); restart the gateway to run without authentication'];
    },
    apply(auth) {
      if (options.fixed && described !== undefined) return;
      const config = inForce(auth);
      const first = described === undefined;
      demoInForce = config !== undefined && !options.fixed && !auth && options.demoIssuer !== undefined;
      const previous = keys;
      keys = new Map((config?.issuers ?? []).map((issuer): [string, IssuerKeys] => [issuer.issuer, previous.get(issuer.issuer) ?? issuerKeys(issuer)]));
      const held = keys;
      current = config && createAuthenticator(config, (issuer: IssuerConfig) => held.get(issuer.issuer)!);
      const description = !config ? 'nobody is authenticated'
        : `${demoInForce ? 'the built-in demo issuer' : config.issuers.length === 0 ? 'no issuer' : `issuers ${config.issuers.map((i) => i.issuer).join(', ')}`}, anonymous callers: ${config.anonymous}`;
      if (!first && description !== described) {
        log(`auth: now trusting ${description}`);
        // New issuers are discovered now: the first token does not wait, and an issuer that cannot be read is named here.
        for (const [issuer, discover] of held) {
          if (previous.has(issuer)) continue;
          discover().catch((error: unknown) => log(`auth: ${(error as Error).message}; tried again on its first token`));
        }
      }
      described = description;
    },
    heldIssuers: () => [...keys.keys()],
  };
}
