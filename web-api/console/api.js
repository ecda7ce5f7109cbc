// Calls the Portrait API with the stored key and turns every failure into an ApiError that
// carries the API's error body ({"error":{"code","message","field","line","column"}}).
import { apiKey } from './state.js';

export class ApiError extends Error {
  constructor(status, body, method, path) {
    const error = body?.error ?? {};
    super(error.message ?? (status ? `HTTP ${status}` : 'no answer'));
    this.status = status;
    this.body = body;
    this.code = error.code ?? (status ? `http_${status}` : 'network');
    this.field = error.field ?? null;
    this.line = error.line ?? null;
    this.column = error.column ?? null;
    this.request = `${method} ${path}`;
  }
}

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (failure) {
    throw new ApiError(0, { error: { code: 'network', message: `the server did not answer (${failure.message})` } }, method, path);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: { code: `http_${response.status}`, message: text.slice(0, 300) } }; }
  if (!response.ok) throw new ApiError(response.status, data, method, path);
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body ?? {});
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

/** `/v1/profiles/a%2Fb`: each argument percent-encoded as one path segment. */
export function path(strings, ...values) {
  return strings.reduce((out, part, index) => out + part + (index < values.length ? encodeURIComponent(values[index]) : ''), '');
}

/** The server has no such route yet (an older server than this console). */
export function isMissingRoute(error) {
  return error instanceof ApiError
    && ((error.status === 404 && error.message === 'no such route') || error.status === 405);
}
