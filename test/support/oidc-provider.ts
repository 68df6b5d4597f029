/**
 * Starts the test OpenID provider (test/support/oidc-provider-server.mjs, `oidc-provider` from npm) as a child
 * process on loopback, and asks it for tokens by client credentials (RFC 6749 §4.4) as any client would. Given a
 * `UserFlow`, it also lets people sign in for a browser portal: the authorization-code flow with PKCE (RFC 7636).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface TestOpenIdProvider {
  issuer: string;
  /** The token endpoint's answer: `access_token` on success, `error` (e.g. invalid_scope) otherwise. */
  token(clientId: string, options?: { scope?: string; resource?: string }): Promise<{ status: number; body: Record<string, unknown> }>;
  /** An access token, or a thrown error naming the provider's refusal. */
  accessToken(clientId: string, options?: { scope?: string; resource?: string }): Promise<string>;
  close(): Promise<void>;
}

/** A person with an account at the provider; `grants` is the account's `eucaim_grants` claim. */
export interface TestUser {
  login: string;
  password: string;
  sub: string;
  name: string;
  grants: readonly string[];
}

/** Sign-in for a portal: the public client `portal` (no secret, PKCE required) redirecting to `portalRedirectUri`. */
export interface UserFlow {
  users: readonly TestUser[];
  portalRedirectUri: string;
}

/** `grants`: the researcher's record grants; `wholeGrants`: those of the `whole-repository` client. */
export async function startOpenIdProvider(audience: string, grants: readonly string[], wholeGrants: readonly string[] = [], userFlow?: UserFlow): Promise<TestOpenIdProvider> {
  const args = [join(__dirname, 'oidc-provider-server.mjs'), audience, grants.join(','), wholeGrants.join(','), ...(userFlow ? [JSON.stringify(userFlow)] : [])];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OpenID provider did not start:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => reject(new Error(`the OpenID provider exited with ${code}:\n${output}`)));
  });
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
  const token: TestOpenIdProvider['token'] = async (clientId, options = {}) => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` });
    if (options.scope) form.set('scope', options.scope);
    if (options.resource) form.set('resource', options.resource);
    const response = await fetch(discovery.token_endpoint, { method: 'POST', body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    issuer,
    token,
    async accessToken(clientId, options) {
      const { status, body } = await token(clientId, options);
      if (typeof body.access_token !== 'string') throw new Error(`the provider refused ${clientId} (HTTP ${status}): ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
