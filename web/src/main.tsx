/**
 * One page, two apps: the patron pages (OpenURL form, their requests, status links) and the staff
 * interface. Which one is decided by the path before either is loaded, so each downloads only its
 * own code.
 */
import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';

// Kept here rather than imported from PatronApp, which would load the patron pages for staff.
const PATRON_PATHS = /^\/(openurl|patron|status)(\/|$)/;

async function chooseApp(): Promise<ComponentType> {
  if (PATRON_PATHS.test(window.location.pathname)) return (await import('./patron/PatronApp')).PatronApp;
  return (await import('./App')).App;
}

void chooseApp().then((App) =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
