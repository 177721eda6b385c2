/**
 * A 409: someone acted first. Shows what happened since the request was read, the state it is in
 * now, and either redoes the same action on the current version or says it no longer applies.
 */
import { useEffect, useRef } from 'react';
import { actionLabel, formatDateTime, stateLabel } from '../format';
import { t } from '../i18n/t';
import { useSession } from '../session';
import { actorOf, eventsSince } from './changes';
import { describeEvent } from './event-label';
import type { RequestDetail, TimelineEntry } from './types';

export interface Conflict {
  readonly action: string;
  readonly params: Record<string, unknown>;
  /** The timeline as staff saw it when they acted. */
  readonly seen: readonly TimelineEntry[];
  readonly detail: string;
}

interface Props {
  readonly conflict: Conflict;
  /** The request as it is now. */
  readonly request: RequestDetail;
  readonly busy: boolean;
  readonly onRedo: () => void;
  readonly onDismiss: () => void;
}

export function ConflictNotice({ conflict, request, busy, onRedo, onDismiss }: Props) {
  const { timeZone } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const changes = eventsSince(conflict.seen, request.timeline);
  const label = actionLabel(conflict.action);
  const stillPossible = request.actions.includes(conflict.action);
  return (
    <div className="conflict" role="alert">
      <h3 ref={heading} tabIndex={-1}>{t('request.conflict.title')}</h3>
      {changes.length > 0 ? (
        <ul>
          {changes.map((e) => (
            <li key={e.id}>{t('request.conflict.change', { who: actorOf(e), what: describeEvent(request.role, e), at: formatDateTime(e.at, timeZone) })}</li>
          ))}
        </ul>
      ) : (
        <p>{conflict.detail}</p>
      )}
      <p>{t('request.conflict.nowState', { state: stateLabel(request.role, request.state) })}</p>
      {stillPossible ? null : <p>{t('request.conflict.gone', { action: label })}</p>}
      <div className="button-row">
        {stillPossible ? (
          <button type="button" className="primary" disabled={busy} onClick={onRedo}>{t('request.conflict.redo', { action: label })}</button>
        ) : null}
        <button type="button" onClick={onDismiss}>{t('request.conflict.dismiss')}</button>
      </div>
    </div>
  );
}
