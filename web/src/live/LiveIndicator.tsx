/** Says whether the screen updates by itself: "Live", or "Reconnecting…" while the event stream is down. */
import { t } from '../i18n/t';
import type { LiveStatus } from './useLiveEvents';

const WORDS = { connecting: 'live.connecting', live: 'live.live', reconnecting: 'live.reconnecting' } as const;

export function LiveIndicator({ status }: { readonly status: LiveStatus }) {
  return (
    <p className={`live-indicator live-${status}`} role="status" aria-live="polite" aria-label={t('live.label')}>
      <span className="live-dot" aria-hidden="true" />
      {t(WORDS[status])}
    </p>
  );
}
