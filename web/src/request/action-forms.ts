/**
 * The forms of the actions that take parameters (src/services/staff/actions.ts PARAMETERS and
 * HUB_PARAMETERS), as data: which fields, and how their text becomes the action's `params`.
 * Field names are the parameter paths, so a 400's `params.<path>` lands on its field.
 */
import type { RequestRole } from '../format';

export type FieldKind = 'text' | 'date' | 'email' | 'textarea' | 'lines' | 'serviceType' | 'reasonUnfilled' | 'reasonRetry';

export interface FieldSpec {
  /** The parameter path: `dueDate`, `maxCost.monetaryValue`. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Catalogue key of the label (request.field.<label>). */
  readonly label: string;
  readonly hint?: string;
  readonly required?: boolean;
}

const note: FieldSpec = { name: 'note', kind: 'textarea', label: 'note' };
const money = (name: string, label: string): FieldSpec[] => [
  { name: `${name}.monetaryValue`, kind: 'text', label: `${label}Amount` },
  { name: `${name}.currencyCode`, kind: 'text', label: 'currency', hint: 'currency' },
];

const FORMS: Readonly<Record<string, readonly FieldSpec[]>> = {
  ship: [{ name: 'dueDate', kind: 'date', label: 'dueDate', hint: 'dueDateDefault' }, { name: 'itemId', kind: 'text', label: 'itemId' }, note],
  approve_renewal: [{ name: 'dueDate', kind: 'date', label: 'newDueDate', required: true }, note],
  add_conditions: [{ name: 'conditions', kind: 'lines', label: 'conditions', hint: 'onePerLine', required: true }, note],
  cannot_supply: [{ name: 'reason', kind: 'reasonUnfilled', label: 'reasonUnfilled', required: true }, note],
  offer_retry: [
    { name: 'reason', kind: 'reasonRetry', label: 'reasonRetry', required: true },
    { name: 'retryAfter', kind: 'date', label: 'retryAfter' },
    { name: 'retryBefore', kind: 'date', label: 'retryBefore' },
    ...money('offeredCosts', 'offeredCost'),
    { name: 'loanConditions', kind: 'lines', label: 'loanConditions', hint: 'onePerLine' },
    note,
  ],
  accept_retry: [...money('maxCost', 'maxCost'), { name: 'edition', kind: 'text', label: 'edition' }, { name: 'serviceType', kind: 'serviceType', label: 'serviceType' }, { name: 'needBeforeDate', kind: 'date', label: 'needBefore' }, note],
  edit_patron: [{ name: 'patronId', kind: 'text', label: 'patronId' }, { name: 'email', kind: 'email', label: 'email' }, { name: 'pickupLocation', kind: 'text', label: 'pickupLocation' }, note],
  rerequest: [
    { name: 'edition', kind: 'text', label: 'edition' },
    { name: 'serviceType', kind: 'serviceType', label: 'serviceType' },
    ...money('maxCost', 'maxCost'),
    { name: 'needBeforeDate', kind: 'date', label: 'needBefore' },
    { name: 'candidates', kind: 'lines', label: 'lenders', hint: 'lenders' },
    note,
  ],
  send: [{ name: 'rota', kind: 'lines', label: 'rota', hint: 'rota' }, note],
};

const HUB_FORM: readonly FieldSpec[] = [{ name: 'reason', kind: 'textarea', label: 'hubReason', hint: 'hubReason', required: true }];

/** The form an action opens, or undefined when it acts at once. Every hub action asks why. */
export function formOf(role: RequestRole, action: string): readonly FieldSpec[] | undefined {
  return role === 'broker' ? HUB_FORM : FORMS[action];
}

/** Acted on at once, but only after a second press: they end or give up a request. */
export const DESTRUCTIVE = new Set(['cancel', 'close_manually', 'cannot_supply']);

/** ISO 18626 reasonUnfilled (an open list: free text is allowed too). */
export const REASONS_UNFILLED = ['NotHeld', 'NotOnShelf', 'NotAvailableForILL', 'OnLoan', 'InProcess', 'OnOrder', 'Lost', 'NonCirculating', 'PoorCondition', 'Policy', 'NotFoundAsCited'] as const;
/** ISO 18626 reasonRetry (an open list). */
export const REASONS_RETRY = ['CostExceedsMaxCost', 'OnLoan', 'LoanCondition', 'NotFoundAsCited'] as const;

/** Lines or commas: `ISIL:DK-1, ISIL:DK-2` or one a line. */
export function splitList(text: string): string[] {
  return text.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== '');
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) {
    target[head!] = value;
    return;
  }
  const inner = (target[head!] ??= {}) as Record<string, unknown>;
  setPath(inner, rest.join('.'), value);
}

/** The action's params from the form's text: empty fields are left out (the server's default applies). */
export function paramsFrom(fields: readonly FieldSpec[], values: Readonly<Record<string, string>>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    const text = (values[field.name] ?? '').trim();
    if (text === '') continue;
    if (field.kind !== 'lines') setPath(params, field.name, text);
    else if (field.name === 'rota' || field.name === 'candidates') setPath(params, field.name, splitList(text).map((symbol) => ({ symbol })));
    else setPath(params, field.name, text.split('\n').map((s) => s.trim()).filter((s) => s !== ''));
  }
  return params;
}

/** A 400's `params.dueDate` as the field it belongs to (`dueDate`); `params` alone: the form as a whole. */
export function fieldOfPath(path: string, fields: readonly FieldSpec[]): string | undefined {
  const rest = path.replace(/^params\.?/, '');
  const exact = fields.find((f) => f.name === rest);
  if (exact) return exact.name;
  // `rota.0.symbol` belongs to the rota field; `maxCost` (the object) to its amount.
  return fields.find((f) => rest.startsWith(`${f.name}.`) || f.name.startsWith(`${rest}.`))?.name;
}
