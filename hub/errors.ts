// Unexpected or refused operations are HubErrors with a string code, translated once at the edge (HTTP status, CLI
// exit code). Expected outcomes (a verdict, a rejected telemetry message) are values, not errors.

export type HubErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "insufficient_storage"
  | "internal";

const HTTP_STATUS: Record<HubErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  insufficient_storage: 507,
  internal: 500,
};

export class HubError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "HubError";
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export const notFound = (what: string) => new HubError("not_found", `${what} not found`);
export const conflict = (message: string) => new HubError("conflict", message);
export const badRequest = (message: string) => new HubError("bad_request", message);
