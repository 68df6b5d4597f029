/**
 * The explorer's HTML page: Lens's web components laid out, the per-repository table and the download buttons,
 * and a JSON data block with the catalogue and options the page's script (client/explorer.js) hands to Lens.
 * Everything it loads comes from the gateway itself.
 */
import type { ExplorerRepository } from './repository-answer';
import { EXPLORER_CHARTS } from './catalogue';

export interface ExplorerPageConfig {
  assetsPath: string;
  graphqlPath: string;
  catalogue: unknown;
  lensOptions: Record<string, unknown>;
  repositories: Array<Omit<ExplorerRepository, 'caseListing' | 'granularity'>>;
  /** A bearer token to start with (the demo issuer's), shown in the token field. */
  authorization?: string;
}

/**
 * Lens validates its options and catalogue with ajv, which compiles its validators with `new Function`: hence
 * 'unsafe-eval', and only for scripts from this origin (no inline script runs). Svelte sets inline styles.
 * `connect-src 'self'` makes the browser itself refuse any request leaving the gateway's origin.
 */
export const EXPLORER_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function renderExplorerPage(config: ExplorerPageConfig): string {
  const asset = (file: string) => escapeHtml(`${config.assetsPath}/${file}`);
  const charts = EXPLORER_CHARTS.map((c) => `<lens-chart title="${escapeHtml(c.title)}" datakey="${c.dataKey}" charttype="${c.chartType}" ${c.chartType === 'pie' ? 'displaylegends="true" ' : ''}data-chart="${c.dataKey}"></lens-chart>`).join('\n      ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>EUCAIM federation · cohort explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('lens.css')}">
<link rel="stylesheet" href="${asset('explorer.css')}">
</head>
<body data-state="loading">
<header>
  <h1>Cohort explorer <small>Europe's cancer-imaging repositories</small></h1>
  <nav>
    <a id="open-graphiql" href="${escapeHtml(config.graphqlPath)}" target="_blank" rel="noopener">Open in GraphiQL</a>
    <label>Bearer token (for records) <input id="token" type="password" autocomplete="off" placeholder="none: counts only"></label>
  </nav>
</header>
<main>
  <aside><lens-catalogue id="catalogue"></lens-catalogue></aside>
  <section id="results">
    <div class="search"><lens-search-bar-multiple placeholdertext="Type to filter criteria (3 letters), or pick them in the catalogue"></lens-search-bar-multiple><lens-search-button title="Search"></lens-search-button></div>
    <p id="error" role="alert" hidden></p>
    <lens-result-summary></lens-result-summary>
    <p id="progress" aria-live="polite">Pick criteria and press Search.</p>
    <p id="totals-note"></p>
    <table id="repositories">
      <caption>Each repository's answer, as it arrives. <span class="legend"><span class="count exact">exact</span> <span class="count upper">≤ upper bound</span> <span class="count approximate">≈ noisy or rounded</span> <span class="count withheld">withheld</span></span></caption>
      <thead><tr><th>Repository</th><th>Country</th><th>Institution</th><th>API</th><th>State</th><th>Subjects</th><th>Studies</th><th>Series</th><th>Images</th><th>Why</th></tr></thead>
      <tbody></tbody>
    </table>
    <div class="downloads">
      <button id="download-table" type="button" disabled>Download table (CSV)</button>
      <label>Manifest <select id="manifest-format"><option value="URL_LIST">URL list</option><option value="TCIA">.tcia (NBIA Data Retriever)</option><option value="CSV">CSV</option></select></label>
      <button id="download-manifest" type="button" disabled>Download manifest</button>
      <span id="download-note"></span>
    </div>
    <div class="charts">
      ${charts}
    </div>
  </section>
</main>
<lens-toast></lens-toast>
<script type="application/json" id="explorer-config">${jsonForScript(config)}</script>
<script type="module" src="${asset('explorer.js')}"></script>
</body>
</html>
`;
}

/** As gateway/plugins/graphiql/page.ts: "<" escaped so the JSON cannot end its script element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
