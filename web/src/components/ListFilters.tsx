/**
 * A list's filter form. Its fields start from the URL and write back to it on submit (one history
 * entry per search, so back returns to the previous one).
 */
import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { stateLabel } from '../format';
import type { MessageKey } from '../i18n/en';
import { states } from '../i18n/en/states';
import { t } from '../i18n/t';
import { type FilterName, type Filters, ROLES, SERVICE_TYPES } from './listQuery';

interface Option {
  readonly value: string;
  readonly label: string;
}

interface Field {
  readonly name: FilterName;
  readonly label: MessageKey;
  readonly hint?: MessageKey;
  readonly type?: 'text' | 'date' | 'search';
  readonly options?: readonly Option[];
  readonly anyLabel?: MessageKey;
}

/**
 * The states GET /requests filters on (borrowing and lending machines), from the catalogue's
 * state words; a name both machines have reads as both.
 */
function stateOptions(): Option[] {
  const seen = new Map<string, string[]>();
  for (const key of Object.keys(states)) {
    const [, role, state] = key.split('.') as [string, 'requester' | 'supplier' | 'broker', string];
    if (role === 'broker') continue;
    seen.set(state, [...(seen.get(state) ?? []), `${t(`queues.group.${role}`)}: ${stateLabel(role, state)}`]);
  }
  return [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([value, labels]) => ({ value, label: labels.join(' · ') }));
}

export const FIELD = {
  q: { name: 'q', label: 'search.q', hint: 'search.qHint', type: 'search' },
  role: { name: 'role', label: 'search.role', anyLabel: 'search.role.any', options: ROLES.map((r) => ({ value: r, label: t(`queues.group.${r}`) })) },
  partner: { name: 'partner', label: 'list.partner', hint: 'list.partnerHint' },
  patron: { name: 'patron', label: 'search.patron' },
  barcode: { name: 'barcode', label: 'search.barcode' },
  state: { name: 'state', label: 'search.state', anyLabel: 'search.state.any', options: stateOptions() },
  createdFrom: { name: 'createdFrom', label: 'search.createdFrom', type: 'date' },
  createdBefore: { name: 'createdBefore', label: 'search.createdBefore', type: 'date' },
  needsAttention: {
    name: 'needsAttention',
    label: 'search.needsAttention',
    anyLabel: 'search.needsAttention.any',
    options: [
      { value: 'true', label: t('search.needsAttention.true') },
      { value: 'false', label: t('search.needsAttention.false') },
    ],
  },
  serviceType: { name: 'serviceType', label: 'list.serviceType', anyLabel: 'list.serviceType.any', options: SERVICE_TYPES.map((s) => ({ value: s, label: t(`serviceType.${s}`) })) },
  needBeforeFrom: { name: 'needBeforeFrom', label: 'list.needBeforeFrom', type: 'date' },
  needBeforeTo: { name: 'needBeforeTo', label: 'list.needBeforeTo', type: 'date' },
} as const satisfies Record<string, Field>;

interface Props {
  readonly fields: readonly Field[];
  readonly filters: Filters;
  readonly onApply: (filters: Filters) => void;
  readonly submitLabel?: MessageKey;
  readonly children?: ReactNode;
}

export function ListFilters({ fields, filters, onApply, submitLabel = 'list.apply', children }: Props) {
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Filters = {};
    for (const field of fields) {
      const value = String(form.get(field.name) ?? '').trim();
      if (value) next[field.name] = value;
    }
    onApply(next);
  };
  const clear = () => onApply({});
  // When the URL changes (back button, a shared link) the fields show what is listed; focus stays where it is.
  const form = useRef<HTMLFormElement>(null);
  const shown = JSON.stringify(filters);
  useEffect(() => {
    const current = JSON.parse(shown) as Filters;
    for (const field of fields) {
      const element = form.current?.elements.namedItem(field.name);
      if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) element.value = current[field.name] ?? '';
    }
  }, [shown, fields]);
  return (
    <form ref={form} className="filters" onSubmit={submit} role="search" aria-label={t('list.filters')}>
      <div className="filter-fields">
        {fields.map((field) => {
          const fieldId = `${id}-${field.name}`;
          const hintId = field.hint ? `${fieldId}-hint` : undefined;
          return (
            <div className="field" key={field.name}>
              <label htmlFor={fieldId}>{t(field.label)}</label>
              {'options' in field && field.options ? (
                <select id={fieldId} name={field.name} defaultValue={filters[field.name] ?? ''}>
                  <option value="">{field.anyLabel ? t(field.anyLabel) : ''}</option>
                  {field.options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={fieldId} name={field.name} type={field.type ?? 'text'} defaultValue={filters[field.name] ?? ''} aria-describedby={hintId} />
              )}
              {hintId && field.hint && (
                <span id={hintId} className="hint">
                  {t(field.hint)}
                </span>
              )}
            </div>
          );
        })}
        {children}
      </div>
      <div className="filter-buttons">
        <button type="submit">{t(submitLabel)}</button>
        {Object.keys(filters).length > 0 && (
          <button type="button" onClick={clear}>
            {t('list.clear')}
          </button>
        )}
      </div>
    </form>
  );
}
