/**
 * Why a catalogue gave no usable answer, once, in words staff read in a routing explanation.
 * Every failure of a lookup is one of these; routing then falls back to the directory.
 */
export type CatalogueErrorKind =
  | 'timeout' // no (complete) answer within the source's timeoutMs
  | 'connection' // refused, reset, host not found, TLS
  | 'http-status' // an HTTP error without an SRU answer in it
  | 'too-large' // longer than the source's maxAnswerBytes
  | 'html' // a web page (a login page, a proxy's error page) instead of SRU
  | 'not-xml' // empty or not well-formed, or with a DTD (refused: no entity expansion)
  | 'not-sru' // XML, but no searchRetrieveResponse
  | 'diagnostic'; // the server's own SRU diagnostic: bad query, unsupported index or schema, …

export interface SruDiagnostic {
  /** As sent: `info:srw/diagnostic/1/16`, or a bare code such as Alma's `200801`. */
  readonly uri: string;
  /** The number at the end of the URI (`16`), or the bare code. */
  readonly code: string;
  readonly message?: string;
  readonly details?: string;
}

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
  constructor(
    readonly kind: CatalogueErrorKind,
    message: string,
    readonly diagnostics: readonly SruDiagnostic[] = [],
  ) {
    super(message);
  }
}

/** A diagnostic as staff read it: `SRU diagnostic 16 (Unsupported index): dc.foo`. */
export function describeDiagnostic(d: SruDiagnostic): string {
  const detail = d.details ? `: ${d.details}` : '';
  return `SRU diagnostic ${d.code}${d.message ? ` (${d.message})` : ''}${detail}`;
}
