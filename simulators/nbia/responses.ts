/**
 * The few response shapes the NBIA v4 server produces, quirks included (README §2a, §7.3):
 * JSON arrays as "application/json"; "no result" as HTTP 200 with an empty body (getData.formatResponse answers
 * `Response.ok().build()`); rejected parameters as HTTP 400 with a plain-text message; uncaught exceptions (missing
 * getSimpleSearch form fields, `subList` out of range) as Tomcat's HTML error page with HTTP 500.
 */
import type { SimulatorResponse } from '../http-server';

export const JSON_TYPE = 'application/json';

/** A JSON body; an empty list becomes the empty body NBIA sends for "no result". */
export function jsonRows(rows: readonly object[]): SimulatorResponse {
  if (rows.length === 0) return { status: 200 };
  return json(rows);
}

export function json(body: unknown): SimulatorResponse {
  return { status: 200, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(body) };
}

export function plainText(status: number, message: string): SimulatorResponse {
  return { status, headers: { 'Content-Type': 'text/plain' }, body: message };
}

/** What Tomcat shows for an exception the resource did not catch. */
export function tomcatError(status: number, exception: string): SimulatorResponse {
  const title = status === 500 ? 'Internal Server Error' : status === 404 ? 'Not Found' : status === 405 ? 'Method Not Allowed' : 'Error';
  return {
    status,
    headers: { 'Content-Type': 'text/html;charset=utf-8' },
    body: `<!doctype html><html lang="en"><head><title>HTTP Status ${status} – ${title}</title></head>`
      + `<body><h1>HTTP Status ${status} – ${title}</h1><hr class="line" /><p><b>Type</b> Exception Report</p>`
      + `<p><b>Description</b> The server encountered an unexpected condition that prevented it from fulfilling the request.</p>`
      + `<p><b>Exception</b></p><pre>${escapeHtml(exception)}</pre><hr class="line" /><h3>Apache Tomcat (NBIA simulator)</h3></body></html>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
