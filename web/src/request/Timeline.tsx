/**
 * Everything that happened to the request: events (with who did them), notes, patron notices and
 * protocol messages, the last with a readable summary and their raw XML behind a disclosure.
 */
import { useState } from 'react';
import { formatDateTime, stateLabel, type RequestRole } from '../format';
import { t, tOr } from '../i18n/t';
import { useSession } from '../session';
import { actorOf } from './changes';
import { describeEvent } from './event-label';
import { summarizeXml } from './message-summary';
import { NoticePreview } from './NoticePreview';
import type { RequestDetail, TimelineEntry, TimelineMessage } from './types';

export function Timeline({ request }: { request: RequestDetail }) {
  const [newestFirst, setNewestFirst] = useState(true);
  const entries = newestFirst ? [...request.timeline].reverse() : request.timeline;
  return (
    <section aria-labelledby="timeline-heading">
      <div className="section-head">
        <h2 id="timeline-heading">{t('request.section.timeline')}</h2>
        <button type="button" aria-pressed={newestFirst} onClick={() => setNewestFirst((v) => !v)}>
          {t('request.timeline.newestFirst')}
        </button>
      </div>
      {entries.length === 0 ? (
        <p>{t('request.timeline.empty')}</p>
      ) : (
        <ol className="timeline">
          {entries.map((entry) => (
            <li key={`${entry.kind}-${entry.id}`} className={`timeline-${entry.kind}`}>
              <Entry entry={entry} role={request.role} requestId={request.id} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function When({ at }: { at: string }) {
  const { timeZone } = useSession();
  return <time dateTime={at}>{formatDateTime(at, timeZone)}</time>;
}

function Entry({ entry, role, requestId }: { entry: TimelineEntry; role: RequestRole; requestId: string }) {
  const { timeZone } = useSession();
  switch (entry.kind) {
    case 'event': {
      const note = typeof entry.data.note === 'string' ? entry.data.note : undefined;
      const reason = entry.event === 'needs_attention' && typeof entry.data.reason === 'string' ? entry.data.reason : undefined;
      return (
        <>
          <p className="entry-head">
            <When at={entry.at} /> <strong>{describeEvent(role, entry)}</strong> <span className="muted">{t('request.timeline.by', { who: actorOf(entry) })}</span>
          </p>
          {entry.fromState !== null && entry.fromState !== entry.toState ? (
            <p>{t('request.timeline.stateChange', { from: stateLabel(role, entry.fromState), to: stateLabel(role, entry.toState) })}</p>
          ) : null}
          {note ? <p className={entry.event === 'note' ? 'entry-note' : undefined}>{note}</p> : null}
          {reason ? <p>{reason}</p> : null}
        </>
      );
    }
    case 'message':
      return <Message entry={entry} />;
    case 'delivery_failure':
      return (
        <>
          <p className="entry-head">
            <When at={entry.at} />{' '}
            <strong>
              {t('request.timeline.deliveryFailure', {
                type: entry.messageType ?? '',
                peer: entry.peer ?? t('request.timeline.unknownPeer'),
                count: entry.count,
                first: formatDateTime(entry.firstAt, timeZone),
                last: formatDateTime(entry.lastAt, timeZone),
              })}
            </strong>
          </p>
          <p>{t('request.timeline.error', { error: entry.httpStatus ? `HTTP ${entry.httpStatus}: ${entry.error}` : entry.error })}</p>
        </>
      );
    case 'notification':
      return (
        <>
          <p className="entry-head">
            <When at={entry.at} /> <strong>{t('request.timeline.notice', { notice: tOr(`notice.${entry.notice}`, entry.notice.replace(/_/g, ' ')) })}</strong>{' '}
            <span className="muted">{tOr(`request.timeline.noticeStatus.${entry.status}`, entry.status)}</span>
          </p>
          {entry.recipient ? <p>{t('request.timeline.noticeTo', { recipient: entry.recipient })}</p> : null}
          {entry.error ? <p>{t('request.timeline.error', { error: entry.error })}</p> : null}
          <NoticePreview requestId={requestId} notice={entry.notice} />
        </>
      );
  }
}

function Message({ entry }: { entry: TimelineMessage }) {
  const summary = summarizeXml(entry.rawXml, entry.messageType);
  const peer = entry.peer ?? (entry.protocol === 'ncip' ? t('request.timeline.ils') : t('request.timeline.unknownPeer'));
  const type = `${entry.protocol === 'ncip' ? 'NCIP' : 'ISO 18626'} ${summary.type ?? ''}`.trim();
  return (
    <>
      <p className="entry-head">
        <When at={entry.at} /> <strong>{t(entry.direction === 'out' ? 'request.timeline.sent' : 'request.timeline.received', { type, peer })}</strong>
      </p>
      <ul className="message-summary">
        {summary.status ? <li>{t('request.timeline.messageStatus', { status: summary.status })}</li> : null}
        {summary.reason ? <li>{t('request.timeline.messageReason', { reason: summary.reason })}</li> : null}
        {summary.note ? <li>{t('request.timeline.messageNote', { note: summary.note })}</li> : null}
        {entry.direction === 'out' ? (
          <li>
            {entry.httpStatus !== null ? t('request.timeline.deliveryHttp', { status: entry.status, http: entry.httpStatus }) : t('request.timeline.delivery', { status: entry.status })}
            {entry.attempts > 1 ? ` · ${t('request.timeline.attempts', { count: entry.attempts })}` : ''}
          </li>
        ) : null}
        {entry.error ? <li>{t('request.timeline.error', { error: entry.error })}</li> : null}
      </ul>
      <details>
        <summary>{t('request.timeline.rawXml')}</summary>
        <pre className="xml" tabIndex={0}>{entry.rawXml}</pre>
      </details>
      {entry.responseXml ? (
        <details>
          <summary>{t('request.timeline.responseXml')}</summary>
          <pre className="xml" tabIndex={0}>{entry.responseXml}</pre>
        </details>
      ) : null}
    </>
  );
}
