/**
 * A catalogue's holder codes as directory symbols. Pure. The table first (local codes such as
 * Alma's `47BIBSYS_UBO`), then the ISIL rule (`DE-705` → `ISIL:DE-705`), after putting the
 * configured prefix before the code (`705` → `DE-705`).
 */
import { canonicalSymbol } from '../domain/symbols';
import type { SymbolMapping } from './settings';

export type SymbolMapper = (code: string) => string | undefined;

export function symbolMapper(mapping: SymbolMapping): SymbolMapper {
  const table = new Map(Object.entries(mapping.table).map(([code, symbol]) => [code.trim().toLowerCase(), canonicalSymbol(symbol)]));
  const isil = mapping.isilPattern === null ? undefined : new RegExp(mapping.isilPattern);
  return (raw) => {
    const code = raw.trim();
    if (code === '') return undefined;
    const fromTable = table.get(code.toLowerCase());
    if (fromTable !== undefined) return fromTable;
    const prefixed = mapping.codePrefix !== '' && !code.toLowerCase().startsWith(mapping.codePrefix.toLowerCase()) ? `${mapping.codePrefix}${code}` : code;
    return isil?.test(prefixed) ? canonicalSymbol(`ISIL:${prefixed}`) : undefined;
  };
}
