/** A patron notice as the library's template renders it for the request now, fetched when opened. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { t } from '../i18n/t';
import { isPatronNotice as isNotice, type PatronNotice as Notice } from '../notices';


export function NoticePreview({ requestId, notice }: { requestId: string; notice: string }) {
  const [open, setOpen] = useState(false);
  const preview = useQuery({
    queryKey: ['notice-preview', requestId, notice],
    queryFn: async () => unwrap(await api.GET('/requests/{id}/notices/{event}/preview', { params: { path: { id: requestId, event: notice as Notice } } })),
    enabled: open && isNotice(notice),
  });
  if (!isNotice(notice)) return null;
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('request.notice.preview')}</summary>
      {preview.isPending ? (
        <p>{t('common.loading')}</p>
      ) : preview.isError ? (
        <p>{t('common.error', { detail: preview.error.message })}</p>
      ) : (
        <div className="notice-preview">
          <p>{t('request.notice.subject', { subject: preview.data.subject })}</p>
          {preview.data.notSent ? <p>{t('request.notice.notSent', { why: preview.data.notSent })}</p> : null}
          <pre className="xml" tabIndex={0}>{preview.data.text}</pre>
        </div>
      )}
    </details>
  );
}
