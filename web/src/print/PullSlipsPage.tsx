/**
 * Pull slips (/print/pull-slips?queue=lending.to-pull or ?ids=a,b): one slip per lending request,
 * three to a page, sorted by shelving location then call number, each with our request id as a
 * Code 128 barcode and a QR code for the scan box.
 */
import { useMemo } from 'react';
import { formatDate } from '../format';
import { t } from '../i18n/t';
import { useSession } from '../session';
import { code128Svg, qrSvg } from './barcodes';
import { PrintFrame, type PrintState } from './PrintFrame';
import { type PullSlip, pullSlipOf, sheets, sortPullSlips } from './slips';
import { usePrintRequests } from './usePrintRequests';

export const SLIPS_PER_SHEET = 3;

function Field({ label, value, name }: { readonly label: string; readonly value: string | undefined; readonly name?: string }) {
  if (!value) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd className={name}>{value}</dd>
    </>
  );
}

function Slip({ slip, timeZone }: { readonly slip: PullSlip; readonly timeZone: string | null }) {
  // Drawn once per slip: the strings are what the DOM holds.
  const codes = useMemo(() => ({ bar: code128Svg(slip.ourRequestId, 28), qr: qrSvg(slip.ourRequestId) }), [slip.ourRequestId]);
  return (
    <article className="slip pull-slip" data-request={slip.id}>
      <div className="slip-text">
        <h2 className="slip-title">{slip.title ?? t('print.untitled')}</h2>
        <dl>
          <Field label={t('print.slip.author')} value={slip.author} />
          <Field label={t('print.slip.location')} value={slip.location} name="slip-location" />
          <Field label={t('print.slip.callNumber')} value={slip.callNumber} name="slip-call-number" />
          <Field label={t('print.slip.requester')} value={`${slip.requester} (${slip.requesterSymbol})`} />
          <Field label={t('print.slip.needBefore')} value={slip.needBefore ? formatDate(slip.needBefore, timeZone) : undefined} />
          <Field label={t('print.slip.service')} value={[slip.serviceType, slip.serviceLevel].filter(Boolean).join(', ')} />
          <Field label={t('print.slip.number')} value={slip.requestNumber} name="slip-number" />
          <Field label={t('print.slip.ourId')} value={slip.ourRequestId} />
          <Field label={t('print.slip.theirId')} value={slip.theirRequestId} />
          <Field label={t('print.slip.note')} value={slip.note} />
        </dl>
      </div>
      <div className="slip-codes">
        <div className="barcode" role="img" aria-label={t('print.slip.barcode', { id: slip.ourRequestId })} dangerouslySetInnerHTML={{ __html: codes.bar }} />
        <div className="qrcode" role="img" aria-label={t('print.slip.qr', { id: slip.ourRequestId })} dangerouslySetInnerHTML={{ __html: codes.qr }} />
      </div>
    </article>
  );
}

export function PullSlipsPage() {
  const { timeZone } = useSession();
  const { source, query } = usePrintRequests();
  const slips = useMemo(() => sortPullSlips((query.data ?? []).filter((r) => r.role === 'supplier').map(pullSlipOf)), [query.data]);
  const pages = useMemo(() => sheets(slips, SLIPS_PER_SHEET), [slips]);
  const state: PrintState = !source
    ? { kind: 'nothing', message: t('print.noSource') }
    : query.isError
      ? { kind: 'failed', error: query.error, retry: () => void query.refetch() }
      : !query.data
        ? { kind: 'loading' }
        : slips.length === 0
          ? { kind: 'nothing', message: t('print.empty') }
          : { kind: 'ready', summary: slips.length === 1 ? t('print.pullSlips.readyOne') : t('print.pullSlips.ready', { count: slips.length, pages: pages.length }) };
  return (
    <PrintFrame title={t('print.pullSlips.title')} state={state}>
      {pages.map((sheet) => (
        <section className="sheet" key={sheet[0]!.id}>
          {sheet.map((slip) => (
            <Slip key={slip.id} slip={slip} timeZone={timeZone} />
          ))}
        </section>
      ))}
    </PrintFrame>
  );
}
