/**
 * What the gateway needs of an issuer it runs itself (npm start's demo issuer, demo/issuer.ts), so that a new user
 * can try record access with no set-up: its discovery document and keys served by the gateway, its tokens verified
 * like a real issuer's (auth-switch.ts trusts it while the config has no `auth` section).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthConfig } from './auth-config';

export interface BuiltInIssuer {
  /** Serves the discovery document and keys; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The issuer URL, known once the gateway listens. */
  issuer(): string;
  authConfig(): AuthConfig;
  /** A token for `subject` with these grants (`repository` or `repository/collection`). */
  mint(subject: string, grants: readonly string[], options?: { scope?: string; lifetime?: string }): Promise<string>;
}
