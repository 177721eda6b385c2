/** Times as every screen shows them: in the session's time zone (format.ts), machine-readable in <time>. */
import { age, formatDate, formatDateTime } from '../format';
import { useSession } from '../session';

export function DateTime({ value }: { readonly value: string | null | undefined }) {
  const { timeZone } = useSession();
  if (!value) return null;
  return <time dateTime={value}>{formatDateTime(value, timeZone)}</time>;
}

export function DateOnly({ value }: { readonly value: string | null | undefined }) {
  const { timeZone } = useSession();
  if (!value) return null;
  return <time dateTime={value}>{formatDate(value, timeZone)}</time>;
}

/** How long ago, with the exact moment as its title. */
export function Age({ since }: { readonly since: string }) {
  const { timeZone } = useSession();
  return (
    <time dateTime={since} title={formatDateTime(since, timeZone)}>
      {age(since)}
    </time>
  );
}
