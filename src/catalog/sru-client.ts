/**
 * searchRetrieve over HTTP GET: the URL built from the source's settings, one bounded exchange
 * (src/http-client.ts: a hard timeout for connecting and reading, the answer read up to
 * maxAnswerBytes), the answer read by sru-response.ts. Every failure is a CatalogueError.
 */
import { getText } from '../http-client';
import { CatalogueError } from './errors';
import type { CatalogueSource } from './settings';
import { readSruAnswer, type SruAnswer } from './sru-response';

export type SruSource = Pick<CatalogueSource, 'url' | 'version' | 'recordSchema' | 'recordPacking' | 'maximumRecords' | 'timeoutMs' | 'maxAnswerBytes' | 'parameters'>;

export interface SruClientOptions {
  readonly fetch?: typeof fetch;
}

export async function searchRetrieve(source: SruSource, cql: string, options: SruClientOptions = {}): Promise<SruAnswer> {
  const url = searchRetrieveUrl(source, cql);
  const result = await getText(url, {
    headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' },
    timeoutMs: source.timeoutMs,
    // One byte more than allowed, so that an answer of exactly the limit is not taken for a longer one.
    maxAnswerBytes: source.maxAnswerBytes + 1,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (!result.ok) throw new CatalogueError(result.failure.kind, result.failure.plain);
  const { answer } = result;
  if (answer.truncated) throw new CatalogueError('too-large', `the answer is longer than ${source.maxAnswerBytes} bytes`);
  try {
    return readSruAnswer(answer.body, { maxBytes: source.maxAnswerBytes, contentType: answer.contentType });
  } catch (err) {
    // An HTTP error with an SRU diagnostic in it (SRU 2.0 allows 4xx/5xx) says more than the status.
    if (answer.status >= 400 && !(err instanceof CatalogueError && err.kind === 'diagnostic')) {
      throw new CatalogueError('http-status', `the catalogue answered HTTP ${answer.status}`);
    }
    throw err;
  }
}

/** The GET URL; the base URL's own query parameters are kept. */
export function searchRetrieveUrl(source: SruSource, cql: string): string {
  const url = new URL(source.url);
  const params: Record<string, string> = {
    ...source.parameters,
    operation: 'searchRetrieve',
    version: source.version,
    query: cql,
    maximumRecords: String(source.maximumRecords),
    recordSchema: source.recordSchema,
  };
  // SRU 2.0 renamed recordPacking (xml|string) to recordXMLEscaping; its recordPacking means packed/unpacked.
  params[source.version === '2.0' ? 'recordXMLEscaping' : 'recordPacking'] = source.recordPacking;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
