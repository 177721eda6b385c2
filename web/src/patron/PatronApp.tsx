/**
 * The patron side as an app of its own: its routes, its query cache, its layout and its session
 * (the ill_patron cookie), never the staff's. main.tsx loads it for patron paths only, so a patron
 * on a phone downloads the patron pages and nothing of the staff screens.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { retryUnlessRefused } from '../api/client';
import { OpenUrlPage } from './OpenUrlPage';
import { RequestsPage } from './RequestsPage';
import { SignInLinkPage } from './SignInLinkPage';
import { StatusPage } from './StatusPage';


const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: retryUnlessRefused } } });

const router = createBrowserRouter([
  { path: '/openurl', element: <OpenUrlPage /> },
  { path: '/openurl/:library', element: <OpenUrlPage /> },
  { path: '/patron/:library', element: <RequestsPage /> },
  { path: '/patron/:library/sign-in/:token', element: <SignInLinkPage /> },
  { path: '/status/:token', element: <StatusPage /> },
]);

export function PatronApp() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
