/** An audit event in plain words: staff actions by their button's name, partner messages by their status. */
import { actionLabel, stateLabel, type RequestRole } from '../format';
import { t, tOr } from '../i18n/t';
import type { TimelineEvent } from './types';

export function describeEvent(role: RequestRole, e: Pick<TimelineEvent, 'event' | 'fromState' | 'toState'>): string {
  const [kind, rest] = splitOnce(e.event, ':');
  if (kind === 'staff' && rest !== undefined && tOr(`request.event.${e.event}`, '') === '') return t('request.event.staffAction', { action: actionLabel(rest) });
  if (kind === 'supplier_message' && rest !== undefined) return t('request.event.supplierMessage', { what: readable(rest) });
  if (kind === 'requester_message' && rest !== undefined) return t('request.event.requesterMessage', { what: readable(rest) });
  const known = tOr(`request.event.${e.event}`, '');
  if (known !== '') return known;
  // Anything else (an NCIP step, a timer): its name, and where it led.
  return e.fromState !== e.toState ? `${readable(e.event)} (${stateLabel(role, e.toState)})` : readable(e.event);
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** `Notification/Loaned` -> `Notification, Loaned`; `ncip:CheckOutItem` -> `NCIP CheckOutItem`. */
function readable(name: string): string {
  return name.replace(/^ncip:/, 'NCIP ').replace(/\/-$/, '').replace(/\//g, ', ').replace(/_/g, ' ');
}
