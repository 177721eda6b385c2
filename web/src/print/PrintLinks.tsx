/** Where staff start printing: a queue's "print them all" link, and one request's own slip or band. */
import { Link } from 'react-router';
import type { Schemas } from '../api/client';
import { t } from '../i18n/t';

/** The queues whose requests staff print: what to pull, and what to band for the patron. */
const QUEUE_PRINTS: Readonly<Record<string, { readonly path: string; readonly label: 'print.link.pullSlips' | 'print.link.bookBands' }>> = {
  'lending.to-pull': { path: '/print/pull-slips', label: 'print.link.pullSlips' },
  'borrowing.to-patron': { path: '/print/book-bands', label: 'print.link.bookBands' },
};

export function QueuePrintLink({ queueId }: { readonly queueId: string }) {
  const print = QUEUE_PRINTS[queueId];
  if (!print) return null;
  return (
    <p className="print-link">
      <Link className="button-link" to={`${print.path}?queue=${encodeURIComponent(queueId)}`}>
        {t(print.label)}
      </Link>
    </p>
  );
}

/** A lending request can be pulled while it is on our shelves; a borrowing request banded once it is here. */
const PULLABLE = new Set(['validated', 'will_supply', 'awaiting_shipping']);
const BANDABLE = new Set(['received', 'checked_out', 'overdue', 'recalled']);

export function RequestPrintLink({ request }: { readonly request: Pick<Schemas['Request'], 'id' | 'role' | 'state'> }) {
  const ids = `?ids=${encodeURIComponent(request.id)}`;
  if (request.role === 'supplier' && PULLABLE.has(request.state)) {
    return (
      <p className="print-link">
        <Link className="button-link" to={`/print/pull-slips${ids}`}>{t('print.link.pullSlip')}</Link>
      </p>
    );
  }
  if (request.role === 'requester' && BANDABLE.has(request.state)) {
    return (
      <p className="print-link">
        <Link className="button-link" to={`/print/book-bands${ids}`}>{t('print.link.bookBand')}</Link>
      </p>
    );
  }
  return null;
}

/**
 * For the bulk bar: print the selected rows that can be printed, pull slips for lending requests
 * still on our shelves and book bands for borrowing requests that are here.
 */
export function SelectedPrintLinks({ rows }: { readonly rows: readonly Pick<Schemas['Request'], 'id' | 'role' | 'state'>[] }) {
  const slips = rows.filter((r) => r.role === 'supplier' && PULLABLE.has(r.state)).map((r) => r.id);
  const bands = rows.filter((r) => r.role === 'requester' && BANDABLE.has(r.state)).map((r) => r.id);
  const ids = (list: string[]) => `?ids=${list.map(encodeURIComponent).join(',')}`;
  return (
    <>
      {slips.length > 0 && (
        <Link className="button-link" to={`/print/pull-slips${ids(slips)}`}>
          {t('print.link.selectedPullSlips', { count: slips.length })}
        </Link>
      )}
      {bands.length > 0 && (
        <Link className="button-link" to={`/print/book-bands${ids(bands)}`}>
          {t('print.link.selectedBookBands', { count: bands.length })}
        </Link>
      )}
    </>
  );
}
