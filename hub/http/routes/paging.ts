// Paging of every list answer of /api, one scheme for all (the seeds' REST shape): `?page=N&pageSize=M`, pages
// numbered from 1, and the answer carries `page`, `pageSize`, `totalCount` and `totalPages` beside its items. A page
// size outside 1..PAGE_SIZE_MAX, or a page that is not a whole number >= 1, is answered 400 naming the bounds.
import { badRequest } from "../../errors.js";

/** The page size when the request names none. */
export const PAGE_SIZE_DEFAULT = 50;
/** The largest page size a request may ask for. */
export const PAGE_SIZE_MAX = 1000;

export interface PageRequest {
  page: number;
  pageSize: number;
  /** SQL LIMIT/OFFSET of this page. */
  limit: number;
  offset: number;
}

export interface PageInfo {
  page: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
}

function wholeNumber(name: string, text: unknown, min: number, max: number): number {
  const n = typeof text === "string" && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badRequest(`${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got "${String(text)}"`);
  }
  return n;
}

/** Reads `page` and `pageSize` from a query string (other keys are left to the route). */
export function pageRequest(query: unknown, defaultSize = PAGE_SIZE_DEFAULT): PageRequest {
  const q = (query ?? {}) as { page?: unknown; pageSize?: unknown };
  const page = q.page === undefined ? 1 : wholeNumber("page", q.page, 1, Number.MAX_SAFE_INTEGER);
  const pageSize = q.pageSize === undefined ? defaultSize : wholeNumber("pageSize", q.pageSize, 1, PAGE_SIZE_MAX);
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

export function pageInfo(req: Pick<PageRequest, "page" | "pageSize">, totalCount: number): PageInfo {
  return { page: req.page, pageSize: req.pageSize, totalCount, totalPages: Math.max(1, Math.ceil(totalCount / req.pageSize)) };
}

/** A page of a list that is already in memory (short lists bounded by configuration: webhooks, bundles kept). */
export function pageOf<T>(items: readonly T[], req: PageRequest): { items: T[]; info: PageInfo } {
  return { items: items.slice(req.offset, req.offset + req.limit), info: pageInfo(req, items.length) };
}
