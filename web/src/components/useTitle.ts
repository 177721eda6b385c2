/** The browser tab's title names the screen (history, tabs and screen readers read it). */
import { useEffect } from 'react';
import { t } from '../i18n/t';

export function useTitle(screen: string | undefined): void {
  useEffect(() => {
    document.title = screen ? t('shell.documentTitle', { screen }) : t('app.title');
  }, [screen]);
}
