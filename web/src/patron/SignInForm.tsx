/**
 * Signing in, the way the library allows: library card number and PIN (checked by the
 * library's own system), or a one-time link sent to an allowed e-mail address. Used on its own
 * (the requests page) and inside the request form, which keeps what the patron typed.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { patronApi, problemCode, SESSION_KEY, type PatronLibrary, type PatronSession } from './api';
import { ErrorSummary, noErrors, type FormErrors } from './ErrorSummary';
import { InputField } from './Field';
import { LiveRegion } from './PatronLayout';
import { useWords, type Translate } from './i18n';

interface Props {
  readonly library: PatronLibrary;
  readonly heading: string;
  readonly intro?: string;
  /** A message to show first (signed out, the session ended). */
  readonly notice?: string;
  readonly onSignedIn?: (session: PatronSession) => void;
}

export function SignInForm({ library, heading, intro, notice, onSignedIn }: Props) {
  return (
    <section className="patron-panel" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">{heading}</h2>
      {notice && <p className="patron-notice">{notice}</p>}
      {intro && <p>{intro}</p>}
      {library.signIn === 'ils' && <CardSignIn library={library} onSignedIn={onSignedIn} />}
      {library.signIn === 'email' && <EmailSignIn library={library} />}
    </section>
  );
}

function signInFailure(error: unknown, t: Translate): FormErrors {
  const code = problemCode(error);
  const status = error instanceof ApiError ? error.status : 0;
  if (code === 'wrong_card' || status === 401) return { fields: { barcode: t('errors.wrongCard') }, attempt: Date.now() };
  if (status === 429 || code === 'limit_rate') return { fields: {}, general: t('errors.tooManyTries'), attempt: Date.now() };
  if (code === 'sign_in_unavailable' || status === 503) return { fields: {}, general: t('errors.signInUnavailable'), attempt: Date.now() };
  return { fields: {}, general: t('page.error'), attempt: Date.now() };
}

function CardSignIn({ library, onSignedIn }: { readonly library: PatronLibrary; readonly onSignedIn?: (session: PatronSession) => void }) {
  const { t } = useWords();
  const queryClient = useQueryClient();
  const [barcode, setBarcode] = useState('');
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const signIn = useMutation({
    mutationFn: patronApi.signIn,
    onSuccess: (session) => {
      setErrors(noErrors);
      queryClient.setQueryData(SESSION_KEY, session);
      void queryClient.invalidateQueries({ queryKey: ['patron', 'requests'] });
      onSignedIn?.(session);
    },
    onError: (error) => setErrors(signInFailure(error, t)),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields: Record<string, string> = {};
    if (!barcode.trim()) fields.barcode = t('errors.barcodeMissing');
    if (!pin) fields.pin = t('errors.pinMissing');
    if (Object.keys(fields).length > 0) return setErrors({ fields, attempt: Date.now() });
    signIn.mutate({ library: library.symbol, barcode: barcode.trim(), pin });
  };
  return (
    <form className="patron-form" onSubmit={submit} noValidate>
      <ErrorSummary form="card" errors={errors} />
      <InputField form="card" name="barcode" label={t('signIn.barcode')} hint={t('signIn.barcodeHint')} value={barcode} onChange={setBarcode} error={errors.fields.barcode} autoComplete="username" inputMode="text" autoCapitalize="none" spellCheck={false} />
      <InputField form="card" name="pin" type="password" label={t('signIn.pin')} hint={t('signIn.pinHint')} value={pin} onChange={setPin} error={errors.fields.pin} autoComplete="current-password" />
      <button type="submit" className="patron-primary" disabled={signIn.isPending}>
        {signIn.isPending ? t('signIn.busy') : t('signIn.submit')}
      </button>
    </form>
  );
}

function EmailSignIn({ library }: { readonly library: PatronLibrary }) {
  const { t } = useWords();
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const domains = library.emailDomains.map((d) => `@${d}`).join(', ');
  const send = useMutation({
    mutationFn: patronApi.emailLink,
    onSuccess: () => setErrors(noErrors),
    onError: (error) => {
      const code = problemCode(error);
      if (code === 'not_allowed_domain' || (error instanceof ApiError && error.status === 400)) return setErrors({ fields: { email: t('errors.notAllowedDomain', { domains }) }, attempt: Date.now() });
      if (error instanceof ApiError && error.status === 429) return setErrors({ fields: {}, general: t('errors.tooManyTries'), attempt: Date.now() });
      setErrors({ fields: {}, general: t('page.error'), attempt: Date.now() });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!email.trim()) return setErrors({ fields: { email: t('errors.emailMissing') }, attempt: Date.now() });
    send.mutate({ library: library.symbol, email: email.trim() });
  };
  const sent = send.data;
  const minutes = sent ? Math.max(1, Math.round((new Date(sent.expiresAt).getTime() - Date.now()) / 60_000)) : 0;
  return (
    <form className="patron-form" onSubmit={submit} noValidate>
      <ErrorSummary form="email" errors={errors} />
      <InputField form="email" name="email" type="email" label={t('signIn.email')} hint={t('signIn.emailHint', { domains })} value={email} onChange={setEmail} error={errors.fields.email} autoComplete="email" spellCheck={false} />
      <button type="submit" className="patron-primary" disabled={send.isPending}>
        {send.isPending ? t('signIn.sending') : t('signIn.sendLink')}
      </button>
      <LiveRegion message={sent ? t('signIn.linkSent', { email: sent.sentTo, minutes }) : undefined} />
    </form>
  );
}
