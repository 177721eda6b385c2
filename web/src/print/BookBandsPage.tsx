/**
 * Book bands (/print/book-bands?ids=a,b or ?queue=borrowing.to-patron): one band per borrowing
 * request received for a patron, three to a page side by side, each with the ILS's temporary
 * barcode as Code 128 (what the circulation desk scans), the due date in the library's time zone,
 * where the patron picks it up and where it goes back.
 */
import { type ReactNode, useMemo } from 'react';
import { t } from '../i18n/t';
import { useLibraries } from '../new-request/libraries';
import { useSession } from '../session';
import { code128Svg } from './barcodes';
import { PrintFrame, type PrintState } from './PrintFrame';
import { type BookBand, bookBandOf, sheets } from './slips';
import { usePrintRequests } from './usePrintRequests';

export const BANDS_PER_SHEET = 3;

function Line({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="band-line">
      <span className="band-label">{label}</span>
      <span className="band-value">{children}</span>
    </div>
  );
}

function Band({ band }: { readonly band: BookBand }) {
  const bar = useMemo(() => (band.temporaryBarcode ? code128Svg(band.temporaryBarcode) : undefined), [band.temporaryBarcode]);
  const patron = [band.patronName, band.patronId ? `(${band.patronId})` : undefined].filter(Boolean).join(' ');
  return (
    <article className="slip book-band" data-request={band.id}>
      <h2 className="band-patron">
        <span className="band-label">{t('print.band.patron')}</span> {patron}
      </h2>
      {band.dueDate && <Line label={t('print.band.due')}>{band.dueDate}</Line>}
      {band.pickupLocation && <Line label={t('print.band.pickup')}>{band.pickupLocation}</Line>}
      <Line label={t('print.band.number')}>{band.requestNumber}</Line>
      <p className="slip-title">{band.title ?? t('print.untitled')}</p>
      {bar ? (
        <div className="barcode" role="img" aria-label={t('print.band.barcode', { barcode: band.temporaryBarcode! })} dangerouslySetInnerHTML={{ __html: bar }} />
      ) : (
        <p className="band-missing">{t('print.band.noTemporaryBarcode')}</p>
      )}
      {band.returnTo.length > 0 && (
        <Line label={t('print.band.returnTo')}>
          {band.returnTo.map((line) => (
            <span key={line} className="address-line">
              {line}
            </span>
          ))}
        </Line>
      )}
      {band.lenderRequestId && <Line label={t('print.band.lenderId')}>{band.lender ? `${band.lenderRequestId} (${band.lender})` : band.lenderRequestId}</Line>}
      <Line label={t('print.band.ourId')}>{band.ourRequestId}</Line>
    </article>
  );
}

export function BookBandsPage() {
  const { timeZone } = useSession();
  const { source, query } = usePrintRequests();
  const libraries = useLibraries();
  const bands = useMemo(() => {
    const pickup = (symbol: string | null) => libraries.data?.find((l) => l.symbol === symbol)?.pickupLocations ?? [];
    return (query.data ?? []).filter((r) => r.role === 'requester').map((r) => bookBandOf(r, pickup(r.library), timeZone));
  }, [query.data, libraries.data, timeZone]);
  const pages = useMemo(() => sheets(bands, BANDS_PER_SHEET), [bands]);
  const state: PrintState = !source
    ? { kind: 'nothing', message: t('print.noSource') }
    : query.isError
      ? { kind: 'failed', error: query.error, retry: () => void query.refetch() }
      : // Pickup names come from the library's settings: wait for them (a failure leaves the codes).
        !query.data || libraries.isPending
        ? { kind: 'loading' }
        : bands.length === 0
          ? { kind: 'nothing', message: t('print.empty') }
          : { kind: 'ready', summary: bands.length === 1 ? t('print.bookBands.readyOne') : t('print.bookBands.ready', { count: bands.length, pages: pages.length }) };
  return (
    <PrintFrame title={t('print.bookBands.title')} state={state}>
      {pages.map((sheet) => (
        <section className="sheet bands" key={sheet[0]!.id}>
          {sheet.map((band) => (
            <Band key={band.id} band={band} />
          ))}
        </section>
      ))}
    </PrintFrame>
  );
}
