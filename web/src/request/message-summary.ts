/**
 * A protocol message in a few words: its type, status, reason and note, read from the XML.
 * ISO 18626 and NCIP both nest the interesting elements a few levels down; the first element of
 * each name is the one meant.
 */
export interface MessageSummary {
  readonly type: string | null;
  readonly status: string | null;
  readonly reason: string | null;
  readonly note: string | null;
}

const REASONS = ['reasonUnfilled', 'reasonRetry', 'reasonForMessage', 'action', 'Problem', 'ProblemType', 'ErrorType', 'errorType'];
const STATUSES = ['status', 'messageStatus', 'answer'];

function firstText(doc: Document, names: readonly string[]): string | null {
  for (const name of names) {
    const found = doc.getElementsByTagNameNS('*', name)[0] ?? doc.getElementsByTagName(name)[0];
    const text = found?.textContent?.trim();
    if (text) return text;
  }
  return null;
}

export function summarizeXml(xml: string, messageType: string | null): MessageSummary {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return { type: messageType, status: null, reason: null, note: null };
  const root = doc.documentElement;
  // <ISO18626Message><supplyingAgencyMessage>...: the type is the first child's name.
  const type = messageType ?? root.firstElementChild?.localName ?? root.localName;
  return { type, status: firstText(doc, STATUSES), reason: firstText(doc, REASONS), note: firstText(doc, ['note', 'Note']) };
}
