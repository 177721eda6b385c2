/** How values read on every screen: times in the library's time zone, states and actions in plain words. */
import { tOr } from './i18n/t';

export type RequestRole = 'requester' | 'supplier' | 'broker';

export function stateLabel(role: RequestRole, state: string): string {
  return tOr(`state.${role}.${state}`, state.replace(/_/g, ' '));
}

export function actionLabel(action: string): string {
  return tOr(`action.${action}`, action.replace(/_/g, ' '));
}

function formatter(timeZone: string | null, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', { ...options, ...(timeZone ? { timeZone } : {}) });
}

/** 1 Dec 2026, 14:05 */
export function formatDateTime(value: string | Date | null | undefined, timeZone: string | null): string {
  if (value === null || value === undefined) return '';
  return formatter(timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

/** 1 Dec 2026 (a date-only value such as 2026-12-24 is that calendar day, whatever the zone). */
export function formatDate(value: string | Date | null | undefined, timeZone: string | null): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatter('UTC', { dateStyle: 'medium' }).format(new Date(`${value}T00:00:00Z`));
  return formatter(timeZone, { dateStyle: 'medium' }).format(new Date(value));
}

/** "3 days" since a moment: a request's age in a queue. */
export function age(value: string | Date, now: Date = new Date()): string {
  const hours = Math.max(0, (now.getTime() - new Date(value).getTime()) / 3_600_000);
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}
