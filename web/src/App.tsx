/**
 * The staff app's one route table. Everything but setup and sign-in needs a signed-in member of
 * staff (SignedIn redirects to /sign-in otherwise and provides the session to the pages). The
 * patron pages are an app of their own (patron/PatronApp.tsx); main.tsx picks one by the path.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AdminIndex } from './admin/AdminIndex';
import { ApiKeysPage } from './admin/access/ApiKeysPage';
import { StaffUsersPage } from './admin/access/StaffUsers';
import { DirectoryFilePage } from './admin/directory/DirectoryFilePage';
import { PartnerPage } from './admin/directory/PartnerPage';
import { PartnersPage } from './admin/directory/PartnersPage';
import { LibrariesPage } from './admin/libraries/LibrariesPage';
import { LibraryPage } from './admin/libraries/LibraryPage';
import { retryUnlessRefused } from './api/client';
import { AccountPage } from './pages/AccountPage';
import { NewRequestPage } from './pages/NewRequestPage';
import { QueueListPage } from './pages/QueueListPage';
import { QueuesPage } from './pages/QueuesPage';
import { RequestPage } from './pages/RequestPage';
import { SearchPage } from './pages/SearchPage';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { SignedIn } from './shell/SignedIn';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events (server-sent) invalidate what changed; no polling needed.
      staleTime: 30_000,
      retry: retryUnlessRefused,
    },
  },
});

const router = createBrowserRouter([
  { path: '/setup', element: <SetupPage /> },
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: <SignedIn />,
    children: [
      { index: true, element: <QueuesPage /> },
      { path: 'queues/:queueId', element: <QueueListPage /> },
      { path: 'requests/new', element: <NewRequestPage /> },
      { path: 'requests/:id', element: <RequestPage /> },
      { path: 'search', element: <SearchPage /> },
      { path: 'account', element: <AccountPage /> },
      // Loaded when opened: the charting library is the bulk of it.
      { path: 'statistics', lazy: async () => ({ Component: (await import('./statistics/StatisticsPage')).StatisticsPage }) },
      // Loaded when opened: the barcode library is most of their weight, and only printing needs it.
      { path: 'print/pull-slips', lazy: async () => ({ Component: (await import('./print/PullSlipsPage')).PullSlipsPage }) },
      { path: 'print/book-bands', lazy: async () => ({ Component: (await import('./print/BookBandsPage')).BookBandsPage }) },
      { path: 'admin', element: <AdminIndex /> },
      { path: 'admin/partners', element: <PartnersPage /> },
      { path: 'admin/partners/:symbol', element: <PartnerPage /> },
      { path: 'admin/directory-file', element: <DirectoryFilePage /> },
      { path: 'admin/users', element: <StaffUsersPage /> },
      { path: 'admin/api-keys', element: <ApiKeysPage /> },
      { path: 'admin/libraries', element: <LibrariesPage /> },
      { path: 'admin/libraries/:symbol', element: <LibraryPage /> },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
