/**
 * The GraphiQL HTML page. Everything it loads comes from the gateway itself (hospitals run offline, and
 * Apollo's landing page pulls its UI from a CDN): react, react-dom and graphiql from `assetsPath`, the
 * schema through introspection against `endpoint`.
 */
import { createHash } from 'node:crypto';
import { GRAPHIQL_ASSET_FILES } from './assets';
import type { ExampleOperation } from './examples';

export interface GraphiqlPageOptions {
  /** URL GraphiQL posts operations (and its introspection query) to; same origin in practice, e.g. "/graphql". */
  endpoint: string;
  /** URL prefix of the asset files, e.g. "/graphiql-assets/3.8.3-18.3.1-18.3.1". */
  assetsPath: string;
  title: string;
  /** Opened as tabs, first one active. */
  examples: ExampleOperation[];
  /** An Authorization header value for the tabs that ask for records (the demo's token), shown in their headers editor. */
  authorization?: string;
}

/**
 * The boot script never changes: the per-page data (endpoint, tabs) sits in a JSON data block it reads.
 * That keeps the script's hash constant, so the Content-Security-Policy can allow exactly this inline script
 * and nothing else, and no user-controlled text ever lands in executable JavaScript.
 */
const BOOT_SCRIPT = `
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  // Opened with ?query=...&variables=... (the cohort explorer's "Open in GraphiQL"): that operation comes first.
  var params = new URLSearchParams(location.search);
  var query = params.get('query') || undefined;
  var variables = params.get('variables') || undefined;
  var tabs = query ? [{ query: query, variables: variables }].concat(config.tabs) : config.tabs;
  var first = tabs[0];
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
      defaultTabs: tabs,
      query: query,
      variables: variables,
      // Open the variables pane only when the first example has variables; an empty pane is noise.
      defaultEditorToolsVisibility: first && first.variables ? 'variables' : false,
      // Introspection asks for the schema's description: the documentation explorer opens on it.
      schemaDescription: true
    })
  );
})();
`;

/**
 * Sent with the page by the handler, whose endpoint is always a path on the gateway. Besides blocking script
 * injection, `connect-src 'self'` and the absence of any other origin make the browser itself refuse a request
 * leaving the gateway's origin, should a future GraphiQL version try to fetch something from the internet.
 * Styles need 'unsafe-inline': GraphiQL and its CodeMirror editors set inline styles. Fonts and icons are data:
 * URLs inside graphiql.min.css.
 */
export const GRAPHIQL_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${createHash('sha256').update(BOOT_SCRIPT).digest('base64')}'`,
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function renderGraphiqlPage(options: GraphiqlPageOptions): string {
  const assets = options.assetsPath.replace(/\/+$/, '');
  const asset = (file: string): string => escapeHtml(`${assets}/${file}`);
  const config = {
    endpoint: options.endpoint,
    tabs: options.examples.map((example) => ({
      query: example.query,
      // GraphiQL's variables editor holds text; pretty-print so it reads like hand-written JSON.
      variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined,
      headers: example.records && options.authorization ? JSON.stringify({ Authorization: options.authorization }, null, 2) : undefined,
    })),
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset(GRAPHIQL_ASSET_FILES.graphiqlCss)}">
<style>html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL&hellip;</div>
<script type="application/json" id="graphiql-config">${jsonForScript(config)}</script>
<script src="${asset(GRAPHIQL_ASSET_FILES.react)}"></script>
<script src="${asset(GRAPHIQL_ASSET_FILES.reactDom)}"></script>
<script src="${asset(GRAPHIQL_ASSET_FILES.graphiql)}"></script>
<script>${BOOT_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * JSON inside a <script> element ends at the first "</script", and "<!--" changes how the parser reads it;
 * escaping every "<" (plus ">" and "&" for good measure) as a JSON unicode escape rules both out while
 * JSON.parse still yields the original strings.
 */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
