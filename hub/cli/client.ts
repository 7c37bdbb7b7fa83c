// The CLI's HTTP client: bearer token, JSON, and API errors turned into CliError with an exit code.
import { openAsBlob } from "node:fs";

/** The largest page the hub serves (hub/http/routes/paging.ts PAGE_SIZE_MAX). */
export const PAGE_SIZE_MAX = 1000;

/** Exit codes of `verge` (documented in `verge --help`). */
export const EXIT = {
  ok: 0,
  failed: 1, // the hub refused or failed the operation (bad request, conflict, internal)
  usage: 2, // bad command line
  unreachable: 3, // the hub could not be reached
  auth: 4, // missing/invalid token, or the token's role is not enough
  notFound: 5, // the named device, release or rollout does not exist
  unmet: 6, // rollout validate: a stage criterion is not met
  untrusted: 7, // audit verify --checkpoint: the checkpoint is not signed by this hub's key
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface ApiClientOptions {
  hubUrl: string;
  token: string | undefined;
  /** Where the token came from ("config file X"), named when the hub refuses it. */
  tokenSource?: string | undefined;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  private url(path: string): string {
    return `${this.options.hubUrl.replace(/\/+$/, "")}${path}`;
  }

  /** GET with a query string built from the defined values. */
  async get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, String(v));
    const qs = q.toString();
    return this.request<T>("GET", qs ? `${path}?${qs}` : path);
  }

  /**
   * A paged list of the API (`?page=&pageSize=`, answers with `totalPages`), read page after page until `max` items
   * or the last page: what the CLI uses wherever it shows a whole list. `key` names the items in the answer.
   */
  async getAll<T>(path: string, key: string, query: Record<string, string | number | boolean | undefined> = {}, max = Number.POSITIVE_INFINITY): Promise<{ items: T[]; totalCount: number }> {
    const items: T[] = [];
    const pageSize = Math.min(PAGE_SIZE_MAX, Number.isFinite(max) ? Math.max(1, max) : PAGE_SIZE_MAX);
    for (let page = 1; ; page++) {
      const res = await this.get<Record<string, unknown> & { totalPages: number; totalCount: number }>(path, { ...query, page, pageSize });
      const batch = res[key];
      if (!Array.isArray(batch)) throw new CliError(`the hub's answer to ${path} has no "${key}" list`, EXIT.failed);
      items.push(...(batch as T[]).slice(0, max - items.length));
      if (items.length >= max || page >= res.totalPages || batch.length === 0) return { items, totalCount: res.totalCount };
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let payload: RequestInit["body"];
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    return this.send<T>(method, path, headers, payload);
  }

  /** Streams a file from disk as the request body. */
  async upload<T>(path: string, file: string): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let blob: Blob;
    try {
      blob = await openAsBlob(file);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.usage);
    }
    return this.send<T>("PUT", path, headers, blob);
  }

  /** GET of a file (not JSON): the response to stream, or the API's error as a CliError. */
  async download(path: string): Promise<Response> {
    if (!this.options.token) throw new CliError("no API token: pass --token, set VERGE_TOKEN, or put token: in the config file (see verge --help)", EXIT.auth);
    let res: Response;
    try {
      res = await fetch(this.url(path), { headers: { authorization: `Bearer ${this.options.token}` } });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach the hub at ${this.options.hubUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, EXIT.unreachable);
    }
    if (res.ok) return res;
    const text = await res.text();
    let error: { code?: string; message?: string } | undefined;
    try {
      error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    } catch {
      /* not JSON */
    }
    const message = `${error?.message ?? `HTTP ${res.status}`}${error?.code ? ` [${error.code}]` : ""}`;
    throw new CliError(message, res.status === 401 || res.status === 403 ? EXIT.auth : res.status === 404 ? EXIT.notFound : EXIT.failed);
  }

  private async send<T>(method: string, path: string, headers: Record<string, string>, body: RequestInit["body"]): Promise<T> {
    if (!this.options.token) throw new CliError("no API token: pass --token, set VERGE_TOKEN, or put token: in the config file (see verge --help)", EXIT.auth);
    let res: Response;
    try {
      res = await fetch(this.url(path), { method, headers, body });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach the hub at ${this.options.hubUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, EXIT.unreachable);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CliError(`the hub answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`, EXIT.failed);
    }
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } }).error;
      const message = `${error?.message ?? `HTTP ${res.status}`}${error?.code ? ` [${error.code}]` : ""}`;
      const code = res.status === 401 || res.status === 403 ? EXIT.auth : res.status === 404 ? EXIT.notFound : EXIT.failed;
      const source = res.status === 401 && this.options.tokenSource ? ` (token from ${this.options.tokenSource})` : "";
      throw new CliError(message + source, code);
    }
    return json as T;
  }
}
