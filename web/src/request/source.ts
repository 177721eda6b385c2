/** Where a borrowing request came from, in words for the request page; nothing when staff typed it. */
import { t } from '../i18n/t';
import type { RequestData } from './types';

export function placedBy(source: RequestData['source']): string | undefined {
  if (source?.channel === 'ncip') return t('request.source.ncip');
  if (source?.channel !== 'patron') return undefined;
  // Link resolvers name themselves as an OpenURL "info:sid/" URI (rfr_id) or a bare sid.
  const referrer = source.referrer?.replace(/^info:sid\//, '');
  return referrer ? t('request.source.patronFrom', { referrer }) : t('request.source.patron');
}
