/**
 * "Fill in from the catalogue": with an ISBN, ISSN or OCLC number typed, asks the library's
 * catalogues (POST /catalogue/lookup) and fills the item's empty fields from the first record.
 */
import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { t } from '../i18n/t';
import { filledFrom, lookupIdentifiers, type NewRequestValues } from './form';

interface Props {
  readonly values: NewRequestValues;
  readonly onFill: (fields: Record<string, string>) => void;
}

export function CatalogueLookup({ values, onFill }: Props) {
  const ids = lookupIdentifiers(values);
  const lookup = useMutation({
    mutationFn: async () => unwrap(await api.POST('/catalogue/lookup', { body: { ...(values.library ? { library: values.library } : {}), ...ids } })),
    onSuccess: (found) => {
      if (found.records[0]) onFill(filledFrom(values.fields, found.records[0]));
    },
  });
  const found = lookup.data;
  return (
    <div className="catalogue-lookup">
      <button type="button" onClick={() => lookup.mutate()} disabled={!ids || lookup.isPending}>
        {lookup.isPending ? t('newRequest.lookup.pending') : t('newRequest.lookup')}
      </button>
      <p aria-live="polite" className="hint">
        {!ids && t('newRequest.lookup.needs')}
        {lookup.isError && t('common.error', { detail: lookup.error.message })}
        {found && (found.records[0] ? t('newRequest.lookup.filled', { source: found.source ?? '', title: found.records[0].title ?? '' }) : t('newRequest.lookup.none', { reason: found.reason ?? '' }))}
      </p>
    </div>
  );
}
