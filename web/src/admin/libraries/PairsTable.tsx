/**
 * A small table editor of pairs keyed by a library symbol (loan period per requesting library,
 * ILS account per borrowing library): a row per pair, add and remove, each cell labelled by its
 * column and the row's symbol so a screen reader knows which row it is in.
 */
import { useId } from 'react';
import { t } from '../../i18n/t';

export interface Pair {
  readonly key: string;
  readonly value: string;
}

interface Props {
  readonly caption: string;
  readonly help: string;
  readonly keyLabel: string;
  readonly valueLabel: string;
  readonly rows: readonly Pair[];
  readonly onChange: (rows: Pair[]) => void;
  readonly canEdit: boolean;
  /** The server's message for a row (by its symbol), if any. */
  readonly errorOf: (pair: Pair) => string | undefined;
  readonly numeric?: boolean;
}

export function PairsTable({ caption, help, keyLabel, valueLabel, rows, onChange, canEdit, errorOf, numeric = false }: Props) {
  const id = useId();
  const update = (i: number, change: Partial<Pair>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <div className="admin-pairs">
      <table aria-describedby={`${id}-help`}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" id={`${id}-key`}>
              {keyLabel}
            </th>
            <th scope="col" id={`${id}-value`}>
              {valueLabel}
            </th>
            {canEdit && (
              <th scope="col">
                <span className="visually-hidden">{t('libraries.table.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={canEdit ? 3 : 2} className="muted">
                {t('libraries.table.none')}
              </td>
            </tr>
          )}
          {rows.map((row, i) => {
            const error = errorOf(row);
            const name = row.key || String(i + 1);
            return (
              <tr key={i}>
                <td>
                  <input aria-label={`${keyLabel} ${name}`} value={row.key} spellCheck={false} autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-${i}-error` : undefined} onChange={(e) => update(i, { key: e.target.value })} />
                </td>
                <td>
                  <input aria-label={`${valueLabel} ${name}`} value={row.value} inputMode={numeric ? 'numeric' : undefined} spellCheck={false} autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-${i}-error` : undefined} onChange={(e) => update(i, { value: e.target.value })} />
                  {error && (
                    <p id={`${id}-${i}-error`} className="field-problem">
                      {error}
                    </p>
                  )}
                </td>
                {canEdit && (
                  <td>
                    <button type="button" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                      {row.key ? t('libraries.table.remove', { symbol: row.key }) : t('libraries.table.removeEmpty', { n: i + 1 })}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p id={`${id}-help`} className="admin-help">
        {help}
      </p>
      {canEdit && (
        <button type="button" onClick={() => onChange([...rows, { key: '', value: '' }])}>
          {t('libraries.table.add')}
        </button>
      )}
    </div>
  );
}

/** Rows to the record the server stores; a row without a symbol is left out, the last of a repeated symbol wins. */
export function recordOf<T>(rows: readonly Pair[], value: (text: string) => T): Record<string, T> {
  return Object.fromEntries(rows.filter((r) => r.key.trim() !== '').map((r) => [r.key.trim(), value(r.value)]));
}

export function pairsOf<T>(record: Readonly<Record<string, T>> | undefined, text: (value: T) => string): Pair[] {
  return Object.entries(record ?? {}).map(([key, value]) => ({ key, value: text(value) }));
}
