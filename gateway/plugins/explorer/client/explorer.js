// The cohort explorer's page script (served as is, an ES module; gateway/plugins/explorer/page.ts lays out the page).
// It hands the catalogue and options to Lens, sends each search with Lens's own `querySpot` to the gateway's Spot
// endpoint (gateway/plugins/explorer/spot.ts), and fills Lens's stores and the per-repository table as each repository
// answers. Lens's result table is not used: it lists only sites that answered, shows numbers only, and prints a
// missing (withheld) count as 0, where this page must say "withheld" and show failed repositories with their state.
import {
  clearSiteResults, getAst, markSiteClaimed, querySpot, removeFailedSite, setCatalogue, setOptions, setSiteResult, showToast,
} from './lens.js';

const config = JSON.parse(document.getElementById('explorer-config').textContent);
const repositories = new Map(config.repositories.map((r) => [r.id, r]));
const COUNTS = ['subjects', 'studies', 'series', 'images'];
const TOKEN_KEY = 'eucaim-explorer-token';

const tokenField = document.getElementById('token');
tokenField.value = sessionStorage.getItem(TOKEN_KEY) ?? config.authorization ?? '';
tokenField.addEventListener('change', () => sessionStorage.setItem(TOKEN_KEY, tokenField.value.trim()));
const authorization = () => (tokenField.value.trim() ? { authorization: `Bearer ${tokenField.value.trim()}` } : {});

// querySpot's POST takes no headers of its own: the caller's token is added here, for the Spot endpoint only
// (EventSource, which fetches the stream, can send none: the stream is bound to the task by the cookie its POST set).
const pageFetch = window.fetch.bind(window);
window.fetch = (input, init = {}) => {
  const url = new URL(typeof input === 'string' ? input : input.url, location.href);
  if (url.origin === location.origin && url.pathname === `${config.lensOptions.spotUrl}/beam` && (init.method ?? 'GET') === 'POST') {
    init = { ...init, headers: { ...init.headers, ...authorization() } };
  }
  return pageFetch(input, init);
};

setOptions(config.lensOptions);
setCatalogue(config.catalogue);
document.getElementById('catalogue').toggle = { collapsable: false, open: true };

/** State of the search on screen. */
let search = { controller: new AbortController(), rows: new Map(), translation: null, started: 0, finished: 0 };

function utf8Base64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
function fromUtf8Base64(b64) {
  return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}

function showError(message) {
  const box = document.getElementById('error');
  box.textContent = message;
  box.hidden = !message;
}

window.addEventListener('lens-search-triggered', () => void runSearch());

async function runSearch() {
  search.controller.abort();
  search = { controller: new AbortController(), rows: new Map(), translation: null, started: performance.now(), finished: 0 };
  const mine = search;
  clearSiteResults();
  showError('');
  document.body.dataset.state = 'searching';
  render();
  const ast = getAst();
  // The GraphQL that states the same question: for GraphiQL and the manifest.
  const translated = await pageFetch('/explorer/translate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ast }) });
  const translation = await translated.json();
  if (mine !== search) return;
  if (!translated.ok) {
    showError(translation.error);
    document.body.dataset.state = 'error';
    return;
  }
  search.translation = translation;
  const graphiql = new URLSearchParams({ query: translation.cohort.query, variables: JSON.stringify(translation.cohort.variables, null, 2) });
  document.getElementById('open-graphiql').href = `${config.graphqlPath}?${graphiql}`;
  const query = utf8Base64(JSON.stringify({ lang: 'ast', payload: utf8Base64(JSON.stringify({ ast, id: crypto.randomUUID() })) }));
  try {
    await querySpot(query, mine.controller.signal, (result) => onResult(mine, result));
  } catch (error) {
    showError(error.message);
    showToast(error.message, 'error');
    document.body.dataset.state = 'error';
  }
}

function onResult(mine, result) {
  if (mine !== search) return;
  const site = result.from.split('.')[1];
  if (result.status === 'claimed') {
    markSiteClaimed(site);
    search.rows.set(site, { pending: true });
  } else {
    const body = JSON.parse(fromUtf8Base64(result.body));
    if (result.status === 'succeeded') setSiteResult(site, body);
    else removeFailedSite(site);
    search.rows.set(site, { pending: false, report: body.eucaim, arrivedMs: Math.round(performance.now() - search.started) });
  }
  render();
}

const number = new Intl.NumberFormat('en');

function countCell(count, report) {
  const cell = document.createElement('td');
  cell.className = `count ${count.kind}`;
  cell.dataset.kind = count.kind;
  if (count.value !== null) cell.dataset.value = String(count.value);
  const shown = count.value === null ? '' : number.format(count.value);
  switch (count.kind) {
    case 'exact': cell.textContent = shown; break;
    case 'upper': cell.textContent = `≤ ${shown}`; cell.title = `Upper bound: ${report.notes.join(' ')}`; break;
    case 'lower': cell.textContent = `≥ ${shown}`; cell.title = `Lower bound: ${report.notes.join(' ')}`; break;
    case 'approximate': cell.textContent = `≈ ${shown}`; cell.title = 'Noisy or rounded by the repository (privacy)'; break;
    case 'withheld': cell.textContent = report.minCellSize ? `withheld (< ${report.minCellSize})` : 'withheld'; cell.title = 'Small count withheld from you: it is not 0, and not in the totals'; break;
    default: cell.textContent = '—'; cell.title = 'The repository cannot count this';
  }
  return cell;
}

function render() {
  const body = document.querySelector('#repositories tbody');
  body.replaceChildren();
  let pending = 0;
  let withheld = 0;
  let upper = 0;
  let lower = 0;
  let failed = 0;
  for (const [id, row] of search.rows) {
    const repository = repositories.get(id) ?? { id, name: id, country: '', institution: '', apiKind: '' };
    const tr = document.createElement('tr');
    tr.dataset.repository = id;
    const cell = (text) => { const td = document.createElement('td'); td.textContent = text; tr.append(td); return td; };
    cell(repository.name);
    cell(repository.country);
    cell(repository.institution);
    cell(repository.apiKind);
    if (row.pending) {
      pending++;
      tr.dataset.state = 'PENDING';
      cell('pending…').className = 'state pending';
      for (let i = 0; i < COUNTS.length; i++) cell('…').className = 'count pending';
      cell('');
    } else {
      const report = row.report;
      const state = report.status.state;
      tr.dataset.state = state;
      tr.dataset.arrivedMs = String(row.arrivedMs);
      if (!['OK', 'PARTIAL', 'INCOMPLETE'].includes(state)) failed++;
      if (COUNTS.some((c) => report.counts[c].kind === 'lower')) lower++;
      if (report.suppressed) withheld++;
      if (COUNTS.some((c) => report.counts[c].kind === 'upper')) upper++;
      const stateCell = cell(state === 'PARTIAL' ? `PARTIAL: ${report.status.filtersNotApplied.map((f) => f.criterion).join(', ')} not applied` : state);
      stateCell.className = `state ${state.toLowerCase()}`;
      if (report.suppressed) stateCell.append(Object.assign(document.createElement('span'), { className: 'flag', textContent: ' · suppressed' }));
      stateCell.title = report.status.message ?? `answered in ${report.status.latencyMs} ms`;
      for (const name of COUNTS) tr.append(countCell(report.counts[name], report));
      cell(report.notes.join(' ')).className = 'why';
    }
    body.append(tr);
  }
  const total = search.rows.size;
  const answered = total - pending;
  const progress = document.getElementById('progress');
  if (total === 0) {
    progress.textContent = document.body.dataset.state === 'searching' ? 'Asking the repositories…' : 'Pick criteria and press Search.';
  } else {
    progress.textContent = `${answered} of ${total} repositories answered${failed ? `, ${failed} without counts` : ''}${pending ? `; ${pending} pending` : ` in ${Math.round(performance.now() - search.started)} ms`}.`;
  }
  const notes = [];
  if (withheld) notes.push(`${withheld} ${withheld === 1 ? 'repository' : 'repositories'} withheld small counts from you: the sums above leave them out and are lower bounds.`);
  if (upper) notes.push(`${upper} ${upper === 1 ? 'repository' : 'repositories'} counted with criteria not applied or groups added up: their counts are upper bounds (≤).`);
  if (lower) {
    const [noun, its] = lower === 1 ? ['repository', 'its'] : ['repositories', 'their'];
    notes.push(`${lower} ${noun} counted only part of ${its} cases (${its} index still being harvested): ${its} counts are lower bounds (≥).`);
  }
  if (failed) notes.push(`${failed} did not answer: not in the sums.`);
  document.getElementById('totals-note').textContent = notes.join(' ');
  const done = total > 0 && pending === 0;
  document.getElementById('download-table').disabled = !done;
  document.getElementById('download-manifest').disabled = !done || !search.translation;
  if (done && document.body.dataset.state === 'searching') {
    search.finished = Math.round(performance.now() - search.started);
    document.body.dataset.state = 'done';
    document.body.dataset.filledMs = String(search.finished);
  }
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

document.getElementById('download-table').addEventListener('click', () => {
  const header = ['repository_id', 'name', 'country', 'institution', 'api_kind', 'state', ...COUNTS.flatMap((c) => [c, `${c}_kind`]), 'filters_not_applied', 'notes'];
  const lines = [header.join(',')];
  for (const [id, row] of search.rows) {
    const repository = repositories.get(id);
    const report = row.report;
    lines.push([
      id, repository?.name, repository?.country, repository?.institution, repository?.apiKind, report ? report.status.state : 'PENDING',
      ...COUNTS.flatMap((c) => (report ? [report.counts[c].value, report.counts[c].kind] : ['', 'pending'])),
      report ? report.status.filtersNotApplied.map((f) => f.criterion).join(' ') : '', report ? report.notes.join(' ') : '',
    ].map(csvField).join(','));
  }
  download(`eucaim-cohort-${new Date().toISOString().slice(0, 10)}.csv`, 'text/csv', `${lines.join('\r\n')}\r\n`);
});

document.getElementById('download-manifest').addEventListener('click', async () => {
  const note = document.getElementById('download-note');
  const format = document.getElementById('manifest-format').value;
  const operation = search.translation.manifest;
  note.textContent = 'Preparing the manifest…';
  const response = await pageFetch(config.graphqlPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...authorization() },
    body: JSON.stringify({ query: operation.query, variables: { ...operation.variables, format } }),
  });
  const answer = await response.json();
  const manifests = Object.values(answer.data ?? {}).filter(Boolean);
  // A union's groups each give their manifest: files of one name are merged, each line once (URLs, .tcia series
  // lines and CSV rows are whole lines; the header lines are identical across groups).
  const files = new Map();
  for (const manifest of manifests) {
    for (const file of manifest.files) {
      const merged = files.get(file.name) ?? { mediaType: file.mediaType, lines: new Set() };
      for (const line of file.content.split(/\r?\n/)) if (line !== '') merged.lines.add(line);
      files.set(file.name, merged);
    }
  }
  const errors = (answer.errors ?? []).map((e) => e.message);
  if (files.size === 0) {
    note.textContent = `No manifest: ${errors[0] ?? 'no series of these cases can be listed for you (count-only repositories, or no record grant)'}`;
    return;
  }
  for (const [name, file] of files) download(name, file.mediaType, `${[...file.lines].join('\n')}\n`);
  const series = manifests.reduce((sum, m) => sum + m.seriesCount, 0);
  note.textContent = `Downloaded ${[...files.keys()].join(', ')} (${series} series${manifests.some((m) => m.truncated) ? ', truncated' : ''})${errors.length ? `; not listed: ${errors.length} repositories (${errors[0]})` : ''}.`;
});

document.body.dataset.state = 'ready';
