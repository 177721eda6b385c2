/**
 * The request form's data, apart from how it looks: which fields each kind asks for, the values
 * from a citation, the checks made before sending, and the body sent. Pure, so the rules read
 * in one place.
 */
import type { NewPatronRequest } from './api';
import type { PatronMessageKey } from './messages/en';

export type Kind = NewPatronRequest['kind'];

export const BIBLIOGRAPHIC = ['articleTitle', 'articleAuthor', 'title', 'author', 'edition', 'publisher', 'placeOfPublication', 'publicationDate', 'volume', 'issue', 'pages', 'isbn', 'issn', 'oclcNumber', 'doi', 'pmid'] as const;
export type BibliographicField = (typeof BIBLIOGRAPHIC)[number];

/** What each kind asks for, in the order shown; any other field the citation filled is shown too. */
const ASKED: Readonly<Record<Kind, readonly BibliographicField[]>> = {
  loan: ['title', 'author', 'edition', 'publisher', 'placeOfPublication', 'publicationDate', 'isbn'],
  copy: ['articleTitle', 'articleAuthor', 'title', 'volume', 'issue', 'pages', 'publicationDate', 'issn', 'doi'],
};

export interface FormValues {
  readonly kind: Kind;
  readonly bibliographic: Readonly<Record<BibliographicField, string>>;
  readonly pickupLocation: string;
  readonly neededBy: string;
  readonly note: string;
  /** Where the citation came from (rfr_id/sid): sent along, not shown. */
  readonly referrer?: string;
}

export const NOTE_MAX = 500;

export function initialValues(form: Partial<NewPatronRequest> | undefined, pickupCodes: readonly string[]): FormValues {
  const bibliographic = Object.fromEntries(BIBLIOGRAPHIC.map((name) => [name, String(form?.[name] ?? '')])) as Record<BibliographicField, string>;
  const pickup = form?.pickupLocation && pickupCodes.includes(form.pickupLocation) ? form.pickupLocation : pickupCodes.length === 1 ? pickupCodes[0]! : '';
  return {
    kind: form?.kind === 'copy' ? 'copy' : 'loan',
    bibliographic,
    pickupLocation: pickup,
    neededBy: form?.neededBy ?? '',
    note: form?.note ?? '',
    ...(form?.referrer ? { referrer: form.referrer } : {}),
  };
}

export function shownFields(values: FormValues): BibliographicField[] {
  const asked = ASKED[values.kind];
  return [...asked, ...BIBLIOGRAPHIC.filter((name) => !asked.includes(name) && values.bibliographic[name].trim() !== '')];
}

export function labelKey(kind: Kind, field: BibliographicField): PatronMessageKey {
  if (field === 'title') return kind === 'copy' ? 'form.titleCopy' : 'form.titleLoan';
  return `form.${field}`;
}

export function isRequired(kind: Kind, field: BibliographicField): boolean {
  return field === 'title' || (kind === 'copy' && field === 'articleTitle');
}

/** The problems that stop sending, by field name; `today` is YYYY-MM-DD in the patron's zone. */
export function checkValues(values: FormValues, options: { readonly pickupCodes: readonly string[]; readonly today: string }): Partial<Record<string, PatronMessageKey>> {
  const problems: Partial<Record<string, PatronMessageKey>> = {};
  if (values.kind === 'copy' && !values.bibliographic.articleTitle.trim()) problems.articleTitle = 'errors.articleTitleMissing';
  if (!values.bibliographic.title.trim()) problems.title = 'errors.titleMissing';
  if (options.pickupCodes.length > 0 && !options.pickupCodes.includes(values.pickupLocation)) problems.pickupLocation = 'errors.pickupMissing';
  if (values.neededBy) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.neededBy) || Number.isNaN(Date.parse(values.neededBy))) problems.neededBy = 'errors.neededByInvalid';
    else if (values.neededBy <= options.today) problems.neededBy = 'errors.neededByPast';
  }
  if (values.note.length > NOTE_MAX) problems.note = 'errors.noteTooLong';
  return problems;
}

/** The body of POST /patron/requests: the fields shown for the kind (and those the citation filled), trimmed, empty ones left out. */
export function requestBody(values: FormValues): NewPatronRequest {
  const body: Record<string, string> = {};
  for (const name of shownFields(values)) {
    const value = values.bibliographic[name].trim();
    if (value) body[name] = value;
  }
  if (values.pickupLocation) body.pickupLocation = values.pickupLocation;
  if (values.neededBy) body.neededBy = values.neededBy;
  if (values.note.trim()) body.note = values.note.trim();
  if (values.referrer) body.referrer = values.referrer;
  return { ...body, kind: values.kind, title: values.bibliographic.title.trim() };
}

/** The form field a server's 400 names (`errors[].path` such as `/title` or `body.title`). */
export function fieldOfPath(path: string): string {
  return path.replace(/^\/+/, '').replace(/^body[./]/, '').split(/[./]/)[0] ?? path;
}

export function todayIn(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
