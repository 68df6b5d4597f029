/**
 * The gateway process: Apollo Server over @apollo/gateway with the statically composed supergraph (it starts even
 * when repositories are down), GraphiQL from local assets, and health endpoints, on one node:http server.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CACHE_TTL_SECONDS, trustedDocumentsWithEnv, type FederationConfig } from '../config/federation-config';
import type { AdapterKind } from '../subgraphs/sdk/adapter';
import { callerKey, type RequestContext } from '../subgraphs/sdk/context';
import { bindSubgraphCache } from './plugins/cache/context';
import { SubgraphCache, type SubgraphCacheOptions } from './plugins/cache/subgraph-cache';
import type { Federation } from './federation';
import { FederationHost } from './federation-host';
import { createGraphiqlHandler } from './plugins/graphiql';
import { describeFederationSchema } from './plugins/graphiql/schema-description';
import { createExplorer } from './plugins/explorer';
import { createApolloHandler, writeErrorAnswer } from '../subgraphs/sdk/apollo-http';
import { createHealthHandler } from './plugins/http/health';
import { maskInternalErrors } from './plugins/http/mask-internal-errors';
import { createCorsHandler } from './plugins/http/cors';
import { corsFromEnv } from './plugins/http/cors-config';
import { legacyJsonStatus } from './plugins/http/legacy-json-status';
import { bindGatewayExecutor, EUROPE_SUBGRAPH_NAME, executeThroughApollo } from '../subgraphs/europe';
import { DEFAULT_QUERY_LIMITS, queryLimitProtection, type QueryLimits } from './plugins/limits/query-limits';
import { boundedDocumentStore } from './plugins/limits/document-store';
import { withPlansPerOperation } from './plugins/limits/plan-cache-key';
import { loadTrustedDocuments, markGatewayOwnOperation, trustedDocumentsPlugin } from './plugins/limits/trusted-documents';
import { clientAddress, createRateLimiter, rateLimitOptionsFromEnv, type RateLimitOptions } from './plugins/limits/rate-limit';
import { DEADLINE_BACKSTOP_GRACE_MS, DEFAULT_REQUEST_DEADLINE_MS, requestDeadlineFromEnv } from './plugins/limits/request-deadline';
import type { DestinationStream } from 'pino';
import type { AuthConfig } from './plugins/auth/auth-config';
import { refusalBody } from './plugins/auth/authenticate';
import { createAuthSwitch, type AuthSwitch } from './plugins/auth/auth-switch';
import { auditPlugin, auditRecordReads, createAuditLogger, startReleaseTally } from '../subgraphs/sdk/audit-log';
import type { BuiltInIssuer } from './plugins/auth/built-in-issuer';
import { bindGatewayKey } from './plugins/auth/forward-grant';
import { createGatewayKey, GATEWAY_JWKS_PATH } from './plugins/auth/gateway-key';
import { bindRecordReleases } from '../subgraphs/sdk/subgraph';
import { keepVendorTelemetryOff } from './runtime/vendor-telemetry';
import { WarmUp } from './warm-up';
import { withEuropeAnsweredDirectly } from './europe-direct';
import { directEuropeLink } from './europe-link';
import { bindMetrics, GatewayMetrics } from './plugins/observability/metrics';
import { accessLogPlugin, bindAccessRecord, createAccessLogger, markShared, sharedAccessOf, startAccessRecord } from './plugins/observability/access-log';
import { inServerSpan } from './plugins/observability/tracing';
import { inboundSharing } from './plugins/http/inbound-sharing';
import { getRepositoryStatus } from './plugins/resilience/repository-status';
import { createAdmissionGate, type AdmissionGate } from './plugins/http/admission-gate';
import { bindIncomingRequest, refusalMarkerPlugin } from './plugins/http/refused-requests';
import { DEFAULT_ADMISSION, type AdmissionOptions } from './plugins/limits/fair-admission';
import { bindCallerGroup, callerGroup } from './plugins/limits/caller-group';
import { DEFAULT_IDLE_MEMORY_RELEASE, IdleMemoryRelease, type IdleMemoryReleaseOptions } from './runtime/idle-memory-release';

/**
 * The longest a GraphQL request can take from its first byte: its body's arrival, its wait at the admission gate,
 * its deadline and the backstop's grace. What a drain gives requests in flight.
 */
export function longestRequestMs(deadlineMs: number): number {
  return REQUEST_RECEIVE_TIMEOUT_MS + DEFAULT_ADMISSION.maxWaitMs + deadlineMs + DEADLINE_BACKSTOP_GRACE_MS;
}

/**
 * With the answer cache on, an answer without errors is also given to identical requests arriving up to this long
 * after it (http/inbound-sharing.ts), unless a repository's cache TTL is shorter.
 */
export const MAX_ANSWER_REUSE_MS = 1_000;

/** The longest a reloaded config waits for its adapters' harvests before it serves. */
export const RELOAD_WARM_UP_MAX_MS = 120_000;

/** Where Prometheus scrapes the gateway's metrics. */
export const METRICS_PATH = '/metrics';

export interface GatewayOptions {
  config: FederationConfig;
  kinds: readonly AdapterKind[];
  /** 0 picks a free port. */
  port: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  /** Harvest adapters' indexes in the background right after start (npm start does). */
  warmUp?: boolean;
  /** Reload the federation when this config file changes (npm start watches its config). */
  watchConfigPath?: string;
  /** Turns a reloaded config into the one to serve (the demo starts simulators for simulated entries). */
  prepareConfig?: (config: FederationConfig) => Promise<FederationConfig>;
  /**
   * Cache repository answers (per repository `cacheTtlSeconds`): in memory, or in Redis with `redisUrl`.
   * npm start and the production start turn it on (gateway/launch.ts, REDIS_URL); absent, every query asks the repositories.
   */
  cache?: SubgraphCacheOptions;
  /**
   * Builds each request's context instead of the gateway's authentication. For tests only: who a caller is and
   * what it may read must come from the gateway's own authentication, never from what a caller claims.
   */
  context?: (req: IncomingMessage) => RequestContext | Promise<RequestContext>;
  /**
   * Who may see what (README "Who may see what"): trusted OpenID issuers, and whether anonymous callers get counts.
   * Given here, it is fixed; default: the config's `auth` section, followed across reloads (auth/auth-switch.ts).
   * With neither (and no `builtInIssuer`), nobody is authenticated and every caller may read every repository's
   * records: development and tests only; with `countsOnlyWithoutAuth` (the production start) or NODE_ENV=production
   * every caller then gets counts only.
   */
  auth?: AuthConfig;
  /** Problems that refuse a reloaded config, beside the gateway's own checks (the production start: simulated entries). */
  refuseConfig?: (config: FederationConfig) => string[];
  /** Without an `auth` section, every caller gets counts only, whatever NODE_ENV says (gateway/main.ts). */
  countsOnlyWithoutAuth?: boolean;
  /**
   * A built-in issuer to trust while the config has no `auth` section (npm start's demo issuer, demo/issuer.ts):
   * anonymous counts, records with its tokens. Made with the gateway's origin once it listens. A reload that adds an
   * `auth` section replaces it.
   */
  builtInIssuer?: (originOf: () => string) => Promise<BuiltInIssuer>;
  /** Where the audit log of record releases goes (pino JSON lines). Default: standard output. */
  auditLog?: DestinationStream;
  /** Where the access log goes: a JSON line per GraphQL request (observability/access-log.ts). Absent: no access log. */
  accessLog?: DestinationStream;
  /**
   * Limits on each operation's shape (depth, aliases, tokens, directives, cost, field suggestions). Default
   * DEFAULT_QUERY_LIMITS, with suggestions off in production.
   */
  limits?: Partial<QueryLimits>;
  /**
   * Every request is answered within this many milliseconds, with REPOSITORY_TIMEOUT for the repositories that
   * had not answered by then. Default REQUEST_DEADLINE_MS from the environment, else 30 s.
   */
  requestDeadlineMs?: number;
  /**
   * Fair admission of GraphQL requests (README "Limits no request can pass"): how many run at once follows the CPU,
   * waiting requests are queued per caller group. Default DEFAULT_ADMISSION; `false` turns the gate off.
   */
  admission?: Partial<AdmissionOptions> | false;
  /** Identical GraphQL requests in flight share one execution (http/inbound-sharing.ts); false turns it off. Default: on. */
  inboundDedup?: boolean;
  /** Prometheus metrics on GET /metrics; false turns them off. Default: on, unless METRICS=off. */
  metrics?: boolean;
  /**
   * Memory given back to the system once no request has run for a while after the memory grew
   * (runtime/idle-memory-release.ts); false turns it off. Default: on, unless MEMORY_RELEASE=off.
   */
  memoryRelease?: Partial<IdleMemoryReleaseOptions> | false;
  /** Requests per caller per minute (and where they are counted). Default from RATE_LIMIT_PER_MINUTE / REDIS_URL. */
  rateLimit?: RateLimitOptions;
  /** Introspection and field suggestions for people exploring the schema. Default: on, off when NODE_ENV=production. */
  introspection?: boolean;
  /**
   * Endpoints the entry point serves beside GraphQL (npm start: the demo's fault endpoint, demo/faults.ts), made
   * with the federation config in force. Each answers a request and returns true, or returns false. Asked after
   * the health endpoints and GraphiQL, before GraphQL.
   */
  routes?: (currentConfig: () => FederationConfig) => Array<(req: IncomingMessage, res: ServerResponse) => boolean>;
}

export interface RunningGateway {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  origin: string;
  port: number;
  /** The federation being served; replaced on reload. */
  readonly federation: Federation;
  /** Settles when the adapters' background warm-up (option warmUp) is done, with the failures it logged. */
  warmedUp: Promise<string[]>;
  /** That warm-up's progress per repository (option warmUp). */
  warmUp?: WarmUp;
  host: FederationHost;
  /** The answer cache, when one is configured. */
  cache?: SubgraphCache;
  /** The fair admission gate, unless turned off: its limit and counters. */
  admission?: AdmissionGate;
  /** Idle memory release, unless turned off: how often it gave memory back. */
  memoryRelease?: IdleMemoryRelease;
  /** Who may see what now: follows the config's `auth` section across reloads. */
  auth: AuthSwitch;
  /** The built-in issuer (option builtInIssuer), trusted while the config has no `auth` section: mints tokens for trying records. */
  builtInIssuer?: BuiltInIssuer;
  /**
   * Its token (12 h) with grants for every repository that lists cases, when it is trusted at start; GraphiQL's
   * record tabs carry it while it is trusted.
   */
  demoToken?: string;
  /** The repositories that token may read. */
  demoTokenGrants: readonly string[];
  /**
   * Stops: unready at once, no new connections, and requests in flight get up to `drainMs` (default 0) to be
   * answered before the remaining connections are closed.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';
/** Time for a request's headers and body to arrive (Node's default is 300 s; a body is at most 256 KiB). */
export const REQUEST_RECEIVE_TIMEOUT_MS = 10_000;

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const production = env.NODE_ENV === 'production';
  let origin = '';
  // Made at start even when the config has an "auth" section: a reload that removes the section brings it in.
  const builtInIssuer = options.builtInIssuer && !options.auth ? await options.builtInIssuer(() => origin) : undefined;
  // Who may see what follows the config's "auth" section across reloads; in production a config without one gets
  // anonymous counts and no records at all. Switched on once the gateway listens (the demo issuer's URL is known
  // then; no request arrives before).
  const auth = createAuthSwitch({ fixed: options.auth, builtInIssuer, production: production || options.countsOnlyWithoutAuth === true });
  const gatewayKey = await createGatewayKey(env);
  const auditLogger = createAuditLogger(options.auditLog);
  const accessLogger = options.accessLog && createAccessLogger(options.accessLog);
  const accessRecords = new WeakMap<IncomingMessage, ReturnType<typeof startAccessRecord>>();
  const host = new FederationHost(options.config, options.kinds, env, options.prepareConfig);
  host.followReloads({ refuse: (config) => auth.refuse(config.auth), follow: (config) => auth.apply(config.auth) });
  if (options.refuseConfig) host.followReloads({ refuse: options.refuseConfig, follow: () => undefined });
  const federation = host.current;
  keepVendorTelemetryOff();
  const gateway = new ApolloGateway({
    supergraphSdl: host.supergraphHook,
    buildService: (definition) => host.dataSourceFor(definition),
  });
  // GraphiQL's documentation explorer opens on the federation's description (graphiql/schema-description.ts).
  describeFederationSchema(gateway);
  const introspection = options.introspection ?? !production;
  const limits = queryLimitProtection({ ...DEFAULT_QUERY_LIMITS, fieldSuggestions: introspection, ...options.limits });
  // The allow-list of operations (config `trustedDocuments`, env TRUSTED_DOCUMENTS_*), checked at start; first of
  // the plugins, so a refused operation is never parsed.
  const trustedDocumentsConfig = trustedDocumentsWithEnv(options.config.trustedDocuments, env);
  const trustedDocuments = trustedDocumentsConfig && trustedDocumentsPlugin<RequestContext>(loadTrustedDocuments(trustedDocumentsConfig));
  const apollo = new ApolloServer<RequestContext>({
    // Query plans kept per operation, not per source text: a new comment does not cost a new plan.
    // What the europe subgraph alone answers (Europe-wide questions) is run there without the planner (europe-direct.ts).
    gateway: withEuropeAnsweredDirectly(withPlansPerOperation(gateway), () => {
      const { dataSources, europeSchema } = host.current;
      const dataSource = dataSources.get(EUROPE_SUBGRAPH_NAME);
      return dataSource && { name: EUROPE_SUBGRAPH_NAME, schema: europeSchema, dataSource };
    }),
    introspection,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    documentStore: boundedDocumentStore(),
    // Apollo's landing page loads Sandbox from a CDN; GraphiQL is served from local files instead.
    plugins: [...(trustedDocuments ? [trustedDocuments] : []), ApolloServerPluginLandingPageDisabled(), ...limits.plugins, auditPlugin(auditLogger), refusalMarkerPlugin(), ...(accessLogger ? [accessLogPlugin()] : [])],
    includeStacktraceInErrorResponses: false,
    formatError: maskInternalErrors(),
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  let ready = true;
  // The demo issuer's token for the example tabs that ask for records (minted once the gateway listens, below).
  let demoToken: string | undefined;
  let demoTokenGrants: string[] = [];
  const graphiql = createGraphiqlHandler({ endpoint: GRAPHQL_PATH, authorization: () => (demoToken && auth.builtInInForce ? `Bearer ${demoToken}` : undefined) });
  // The cohort explorer (Lens components) and its Spot endpoint, whose submissions are admitted as GraphQL requests are.
  const explorer = createExplorer({
    config: () => host.current.config, graphqlPath: GRAPHQL_PATH, authorization: () => (demoToken && auth.builtInInForce ? `Bearer ${demoToken}` : undefined),
    auditReads: (context, reads) => auditRecordReads(auditLogger, context, reads, 'explorer: a union of filter groups counted from their case lists'),
  });
  // Set once the gateway listens, when it warms up (below).
  let warmUpNow: WarmUp | undefined;
  const health = createHealthHandler(() => host.current.config, () => ready, undefined, (id) => warmUpNow?.of(id));
  const routes = options.routes?.(() => host.current.config) ?? [];
  const cache = options.cache ? new SubgraphCache(options.cache) : undefined;
  // Made once the admission gate exists (below); bound to each request's context for the call middleware.
  let metrics: GatewayMetrics | undefined;
  // The context object also keys per-request DataLoaders (a fresh one per request) and carries the answer cache,
  // the gateway's signing key and the audit tally to the subgraphs and their middlewares.
  const throughApollo = executeThroughApollo(apollo);
  // Europe-wide answers ask each repository straight through its data source and middlewares (europe-link.ts);
  // anything else they ask goes through Apollo Server.
  const europeLink = directEuropeLink({
    dataSources: () => host.current.dataSources,
    fallback: (operation, context) => {
      // The gateway's own questions, not the caller's document: the trusted documents list does not hold them.
      markGatewayOwnOperation(context);
      return throughApollo(operation, context);
    },
    formatError: maskInternalErrors(),
  });
  // Inner Europe-wide requests release records to the europe subgraph, not to the client: it tallies them itself.
  const europeExecutor: typeof throughApollo = (operation, context) => {
    const inner = { ...context };
    bindRecordReleases(inner, undefined);
    return europeLink(operation, inner);
  };
  const callers = new WeakMap<IncomingMessage, RequestContext>();
  const groups = new WeakMap<IncomingMessage, string>();
  // No authentication configured (development, tests): every caller may read every repository's records.
  const unauthenticated = (): RequestContext => ({ accessLevel: 'anonymous', recordGrants: host.current.config.repositories.map((r) => ({ repositoryId: r.id })) });
  // A test's own context is taken as it is: without recordGrants it reads no records (subgraphs/sdk/context.ts).
  const contextFor = options.context ?? ((req: IncomingMessage): RequestContext => callers.get(req) ?? unauthenticated());
  const deadlineMs = options.requestDeadlineMs ?? requestDeadlineFromEnv(env) ?? DEFAULT_REQUEST_DEADLINE_MS;
  const answerPastDeadline = (res: ServerResponse) => {
    if (res.headersSent) return;
    writeErrorAnswer(res, 503, `the gateway could not answer within its request deadline of ${deadlineMs} ms`, { code: 'GATEWAY_DEADLINE_EXCEEDED' });
  };
  const rateLimitOptions = options.rateLimit ?? rateLimitOptionsFromEnv(env);
  const requestContext = async (req: IncomingMessage): Promise<RequestContext> => {
    const context: RequestContext = { ...(await contextFor(req)), deadline: Date.now() + deadlineMs };
    // Refusals of what it asks are noted for the admission gate (http/refused-requests.ts).
    bindIncomingRequest(context, req);
    // Its turn at each repository is taken in the caller group it waited in at the gate (datasources/use-fair-share.ts).
    const group = groups.get(req);
    if (group) bindCallerGroup(context, group);
    if (cache) bindSubgraphCache(context, cache);
    if (metrics) bindMetrics(context, metrics);
    const accessRecord = accessRecords.get(req);
    if (accessRecord) bindAccessRecord(context, accessRecord);
    // Europe-wide answers ask the repositories through this gateway, with (a copy of) this context.
    bindGatewayExecutor(context, europeExecutor);
    bindGatewayKey(context, gatewayKey);
    startReleaseTally(context);
    return context;
  };
  const apolloHandler = createApolloHandler(apollo, requestContext, {
    adjustResponse: legacyJsonStatus,
    sharing: options.inboundDedup === false ? undefined : inboundSharing({ firstOf: sharedAccessOf, onShared: markShared }, () => (cache
      ? Math.min(MAX_ANSWER_REUSE_MS, ...host.current.config.repositories.map((entry) => (entry.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS) * 1000))
      : 0)),
    // A request takes its turn at the gate only when it executes: one sharing an execution in flight costs nothing.
    admit: async (req, res) => {
      const release = admission ? await admission.admit(req, res, groups.get(req) ?? 'unknown') : () => undefined;
      if (!release) return undefined;
      // Its deadline starts now (its context is made now). Work the deadline cannot cut (planning, a resolver stuck
      // in process) still gets an answer past it and the grace, and that answer cancels the work (apollo-http.ts).
      const backstop = setTimeout(() => answerPastDeadline(res), deadlineMs + DEADLINE_BACKSTOP_GRACE_MS);
      return (answered) => {
        clearTimeout(backstop);
        release(answered);
      };
    },
  });
  // CORS_ALLOWED_ORIGINS replaces the config's allow-list; otherwise the list follows config reloads.
  const corsOverride = corsFromEnv(env);
  const cors = createCorsHandler(() => corsOverride ?? host.current.config.cors);
  const rateLimiter = createRateLimiter(rateLimitOptions);
  // Fair admission: how many requests run at once follows the CPU, and a caller group that keeps the gateway busy
  // waits while others go first (limits/fair-admission.ts).
  const admissionOff = options.admission === false || (options.admission === undefined && env.ADMISSION === 'off');
  const admission = admissionOff ? undefined : createAdmissionGate(options.admission || {});
  const admissionWaitMs = admission ? { ...DEFAULT_ADMISSION, ...(options.admission || {}) }.maxWaitMs : 0;
  const memoryReleaseOff = options.memoryRelease === false || (options.memoryRelease === undefined && env.MEMORY_RELEASE === 'off');
  const memoryRelease = memoryReleaseOff ? undefined : new IdleMemoryRelease({ ...DEFAULT_IDLE_MEMORY_RELEASE, ...(options.memoryRelease || {}) });
  // Prometheus metrics on GET /metrics (METRICS=off turns them off).
  metrics = options.metrics === false || (options.metrics === undefined && env.METRICS === 'off') ? undefined : new GatewayMetrics({
    repositoryIds: () => host.current.config.repositories.map((r) => r.id), statusOf: getRepositoryStatus,
    cache, admission: admission && (() => admission.stats), memoryRelease: memoryRelease && (() => memoryRelease.stats),
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (metrics && req.method === 'GET' && req.url?.split('?')[0] === METRICS_PATH) {
      void metrics.render().then(({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(body);
      }, (error: unknown) => writeErrorAnswer(res, 500, `metrics unavailable: ${(error as Error).message}`, { code: 'INTERNAL_SERVER_ERROR' }));
      return;
    }
    if (health(req, res) || graphiql(req, res) || explorer.handle(req, res) || routes.some((route) => route(req, res)) || (auth.builtInInForce && builtInIssuer?.handle(req, res))) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path === GATEWAY_JWKS_PATH) {
      // The key remote repository subgraphs verify the gateway's grants with (gateway/plugins/auth/forward-grant.ts).
      res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify(gatewayKey.jwks));
      return;
    }
    if (path !== GRAPHQL_PATH && !explorer.spot.isSubmission(req)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `not found: the GraphQL endpoint is ${GRAPHQL_PATH}` }));
      return;
    }
    // Preflights are answered before limits and authentication (browsers send them without the token).
    if (cors(req, res)) return;
    if (accessLogger) accessRecords.set(req, startAccessRecord(req, res, accessLogger));
    // Rate limits count a caller by its token's subject once it is authenticated, else by its address (a flood of
    // bad tokens is counted against the address it comes from).
    const limited = async (subject?: string): Promise<boolean> => {
      const verdict = rateLimiter && await rateLimiter.check(req, subject);
      if (!verdict || verdict.allowed) return false;
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      writeErrorAnswer(res, 429, `too many requests from this caller: try again in ${seconds} s`,
        { code: 'RATE_LIMITED', retryAfterMs: verdict.retryAfterMs }, { 'retry-after': String(seconds) });
      return true;
    };
    // Taken as the request arrives: a config reload while it runs does not change who its caller is.
    const authenticate = auth.current;
    const authenticated = Boolean(authenticate && !options.context && req.headers.authorization);
    if (!authenticated && await limited()) return;
    if (authenticate && !options.context) {
      const caller = await authenticate(req).catch((error: unknown) => {
        console.error(`gateway: authentication failed: ${(error as Error).message}`);
        return undefined;
      });
      if (!caller || !caller.ok) {
        if (authenticated && await limited()) return;
        const refusal = caller ?? { ok: false as const, status: 503 as const, error: 'invalid_request' as const, message: 'the caller could not be authenticated' };
        const { headers, body } = refusalBody(refusal);
        res.writeHead(refusal.status, headers);
        res.end(body);
        return;
      }
      // Issuer and subject together: two issuers' "alice" are two callers.
      if (authenticated && await limited(callerKey(caller.context))) return;
      callers.set(req, caller.context);
    }
    // Its caller group, once: the gate queues it there, and each repository's fair share after it.
    const group = callerGroup(clientAddress(req, rateLimitOptions.trustProxy ?? false), callerKey(callers.get(req)));
    groups.set(req, group);
    if (explorer.spot.isSubmission(req)) {
      // A Spot submission (the explorer's query) takes its turn at the gate as a GraphQL request does; its fan-out's
      // repository calls are bounded by the request deadline of its context (no HTTP backstop: the POST is answered
      // at once, the results go to the stream).
      const release = admission ? await admission.admit(req, res, group) : () => undefined;
      if (!release) return;
      try {
        await explorer.spot.submit(req, res, await requestContext(req));
      } finally {
        release(res);
      }
      return;
    }
    // Backstop of a request that shares another's execution (an executing one has its own from its admission): the
    // longest the one it waits for may take, from its body's arrival on.
    const backstop = setTimeout(() => answerPastDeadline(res), REQUEST_RECEIVE_TIMEOUT_MS + admissionWaitMs + deadlineMs + DEADLINE_BACKSTOP_GRACE_MS);
    // It waits for its turn at the gate inside (option admit), unless it shares an execution in flight; the slot is
    // held until the work has ended: a client that hung up, or the backstop, does not end it.
    try {
      await apolloHandler(req, res);
    } finally {
      clearTimeout(backstop);
    }
  };
  // GraphQL requests in flight, for the drain (close below); while draining, answers close their connection.
  let inFlight = 0;
  let draining = false;
  // GraphQL requests each in a trace span (observability/tracing.ts; no-ops unless tracing is configured).
  // Whatever a request makes a handler throw (GraphQL, Spot submissions, every other route) is its own failure,
  // answered 500 and logged: never the process's.
  const handleSafely = (req: IncomingMessage, res: ServerResponse): Promise<void> => handle(req, res).catch((error: unknown) => {
    console.error(`gateway: request failed: ${(error as Error).message}`);
    if (!res.writableEnded) writeErrorAnswer(res, 500, 'internal gateway error', { code: 'INTERNAL_SERVER_ERROR' });
  });
  const server: Server = createServer((req, res) => {
    // No idle memory release while any request runs (a health probe's included): its collection pauses the process.
    memoryRelease?.begin();
    res.once('close', () => memoryRelease?.end());
    const graphql = req.url?.split('?')[0] === GRAPHQL_PATH && req.method !== 'OPTIONS';
    if (!graphql) {
      void handleSafely(req, res);
      return;
    }
    inFlight++;
    res.once('close', () => inFlight--);
    if (draining) res.setHeader('connection', 'close');
    void inServerSpan(req, res, () => handleSafely(req, res));
  });
  // A client sending its body slowly holds its admission slot: the whole request must arrive within this time.
  server.requestTimeout = REQUEST_RECEIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Adapters harvest their indexes in the background once the gateway listens (/readyz says which are warming).
  const warmUp = options.warmUp ? new WarmUp(federation) : undefined;
  warmUpNow = warmUp;
  if (options.warmUp) {
    // A reloaded federation is warmed before it serves, at most RELOAD_WARM_UP_MAX_MS (then it serves, its slow
    // harvests going on); /readyz shows its warm-up once it serves.
    host.warmBeforeSwap = async (next) => {
      const warming = new WarmUp(next);
      let timer: NodeJS.Timeout | undefined;
      const warmed = await Promise.race([warming.done.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), RELOAD_WARM_UP_MAX_MS)))]);
      clearTimeout(timer);
      // A reload never makes a serving gateway unready: a warm-up past its limit goes on, and /readyz keeps the
      // start's account until a reload's warm-up has ended.
      if (warmed) warmUpNow = warming;
    };
  }
  const warmedUp = warmUp ? warmUp.done : Promise.resolve([]);
  // The harvests made most of the garbage a start makes: given back once the gateway is quiet.
  void warmedUp.then(() => memoryRelease?.schedule());
  if (options.watchConfigPath) host.watchConfig(options.watchConfigPath);
  origin = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`;
  auth.apply(host.current.config.auth);
  if (builtInIssuer) {
    // Grants for every repository that lists cases: what a new user needs to try record access.
    demoTokenGrants = options.config.repositories
      .filter((entry) => options.kinds.find((kind) => kind.apiKind === entry.apiKind)?.granularity === 'RECORD').map((entry) => entry.id);
    demoToken = await builtInIssuer.mint('demo-researcher', demoTokenGrants);
  }
  return {
    url: `${origin}${GRAPHQL_PATH}`,
    origin,
    port,
    get federation() {
      return host.current;
    },
    host,
    warmedUp,
    warmUp,
    cache,
    admission,
    memoryRelease,
    auth,
    builtInIssuer,
    demoToken: auth.builtInInForce ? demoToken : undefined,
    demoTokenGrants,
    async close(closeOptions: { drainMs?: number } = {}) {
      // Unready first (/readyz 503), no new connections; requests in flight get up to drainMs to finish.
      ready = false;
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const drainUntil = Date.now() + (closeOptions.drainMs ?? 0);
      let drained = false;
      void closed.then(() => (drained = true));
      while (!drained && inFlight > 0 && Date.now() < drainUntil) {
        // Keep-alive connections go as soon as their request has been answered.
        server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      server.closeAllConnections();
      await closed;
      await apollo.stop();
      await host.close();
      await cache?.close();
      await rateLimiter?.close();
      admission?.close();
      memoryRelease?.close();
    },
  };
}
