/** Who is signed in, and signing out (the session ends on the server; every cached answer is dropped). */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { t } from '../i18n/t';
import { useSession } from '../session';

export function UserMenu() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/session')),
    onSettled: () => {
      // Whatever the answer, this tab forgets the person (an ended session answers 401 anyway).
      queryClient.clear();
      void navigate('/sign-in', { state: { signedOut: true } });
    },
  });
  return (
    <div className="user-menu">
      <span className="user-name">{t('shell.signedInAs', { name: session.user.displayName })}</span>
      <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        {signOut.isPending ? t('shell.signingOut') : t('shell.signOut')}
      </button>
    </div>
  );
}
