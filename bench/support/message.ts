/**
 * The message every inbound benchmark sends: a typical request from partner ISIL:DK-A to our
 * library ISIL:DK-B1, and the directory a full server needs to accept it. Each POST gets its own
 * requestingAgencyRequestId, so every message is new work (inserts), not a dedupe hit.
 */
import { randomUUID } from 'node:crypto';
import { buildIso18626, confirmationFor, parseIso18626, type Request } from '../../protocols/iso18626';

export const OUR_LIBRARY = 'ISIL:DK-B1';
export const PARTNER = 'ISIL:DK-A';

const ID_SLOT = 'BENCH-ID-SLOT';
const agency = (symbol: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: symbol.replace(/^ISIL:/, '') });
const template: Request = {
  kind: 'request',
  header: { supplyingAgencyId: agency(OUR_LIBRARY), requestingAgencyId: agency(PARTNER), timestamp: '2026-11-26T10:00:00Z', requestingAgencyRequestId: ID_SLOT },
  bibliographicInfo: {
    title: 'The Lord of the Rings',
    author: 'J. R. R. Tolkien',
    bibliographicItemId: [{ bibliographicItemIdentifier: '9780261102385', bibliographicItemIdentifierCode: { value: 'ISBN' } }],
  },
  serviceInfo: { requestType: 'New', serviceType: 'Loan', needBeforeDate: '2026-12-24T00:00:00Z', note: 'Benchmark request' },
};
const templateXml = buildIso18626(template);

export const messageWithId = (id: string): string => templateXml.replace(ID_SLOT, id);

/** The confirmation a server answers an accepted request with (what the floors send back). */
export const okConfirmation = (): string => buildIso18626(confirmationFor(parseIso18626(messageWithId('x')).message as Request, new Date()));

/** A source of new messages, numbered within this run (ids never repeat across runs). */
export function freshMessages(): () => string {
  const run = randomUUID().slice(0, 8);
  let sequence = 0;
  return () => messageWithId(`bench-${run}-${++sequence}`);
}

/** The same message every time: after the first, each POST is a duplicate delivery. */
export function repeatedMessage(): () => string {
  const xml = messageWithId(`bench-${randomUUID().slice(0, 8)}-duplicate`);
  return () => xml;
}

/**
 * DIRECTORY_FILE of a full server that takes the message: our library and the partner, without
 * an ISO 18626 address, so accepting a request only validates it and nothing is sent back.
 */
export const inboundDirectory = {
  libraries: [{ symbol: OUR_LIBRARY, name: 'Benchmark library' }],
  partners: [{ symbol: PARTNER, name: 'Benchmark partner' }],
};
