/**
 * The request form: what the citation gave (editable), loan or copy, where to collect it, a
 * need-before date and a note. Signing in happens here, below the details, without losing them;
 * a blocked patron, or one at the library's limit, is told so before sending.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { patronApi, problemCode, SESSION_KEY, type NewPatronRequest, type PatronLibrary, type PatronSession } from './api';
import { ErrorSummary, noErrors, type FormErrors } from './ErrorSummary';
import { InputField, SelectField, TextAreaField } from './Field';
import { useWords, type Translate } from './i18n';
import { checkValues, fieldOfPath, initialValues, isRequired, labelKey, NOTE_MAX, requestBody, shownFields, todayIn, type BibliographicField, type FormValues, type Kind } from './request-form';
import { SignInForm } from './SignInForm';

const FORM = 'request';

interface Props {
  readonly library: PatronLibrary;
  readonly session: PatronSession | null;
  /** What GET /patron/citation made of the link, when there was one. */
  readonly citation?: Partial<NewPatronRequest>;
}

function sendFailure(error: unknown, t: Translate): FormErrors & { readonly signedOut?: boolean } {
  const attempt = Date.now();
  const code = problemCode(error);
  const status = error instanceof ApiError ? error.status : 0;
  if (code === 'blocked' || status === 403) return { fields: {}, general: t('errors.blocked'), attempt };
  if (code === 'limit_open') return { fields: {}, general: t('errors.limitOpen'), attempt };
  if (code === 'limit_rate' || status === 429) return { fields: {}, general: t('errors.limitRate'), attempt };
  if (status === 401) return { fields: {}, general: t('errors.sessionEnded'), attempt, signedOut: true };
  if (status === 400 && error instanceof ApiError && error.problem.errors?.length) {
    const fields = Object.fromEntries(error.problem.errors.map((e) => [fieldOfPath(e.path), t('errors.fieldRefused')]));
    return { fields, attempt };
  }
  if (status === 400) return { fields: { pickupLocation: t('errors.fieldRefused') }, attempt };
  return { fields: {}, general: t('page.error'), attempt };
}

export function RequestForm({ library, session, citation }: Props) {
  const { t } = useWords();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const pickupCodes = library.pickupLocations.map((p) => p.code);
  const [values, setValues] = useState<FormValues>(() => initialValues(citation, pickupCodes));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [sessionEnded, setSessionEnded] = useState(false);
  const send = useMutation({
    mutationFn: patronApi.createRequest,
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['patron'] });
      void navigate(`/patron/${encodeURIComponent(library.symbol)}`, { state: { sent: created.requestNumber } });
    },
    onError: (error) => {
      const failure = sendFailure(error, t);
      setErrors(failure);
      if (failure.signedOut) {
        setSessionEnded(true);
        queryClient.setQueryData(SESSION_KEY, null);
      }
    },
  });

  const setBibliographic = (name: BibliographicField) => (value: string) => setValues((v) => ({ ...v, bibliographic: { ...v.bibliographic, [name]: value } }));
  const setKind = (kind: Kind) => setValues((v) => ({ ...v, kind }));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!session || session.blocked) return;
    const problems = checkValues(values, { pickupCodes, today: todayIn() });
    const fields = Object.fromEntries(Object.entries(problems).map(([name, key]) => [name, t(key!)]));
    if (Object.keys(fields).length > 0) return setErrors({ fields, attempt: Date.now() });
    setErrors(noErrors);
    send.mutate(requestBody(values));
  };
  const atLimit = session !== null && session.openRequests >= session.maxOpenRequests;
  const fromCitation = citation !== undefined && Object.values(citation).some((v) => typeof v === 'string' && v.trim() !== '' && v !== 'loan' && v !== 'copy');

  return (
    <>
      <form id={FORM} className="patron-form" onSubmit={submit} noValidate aria-labelledby="request-heading">
        <ErrorSummary form={FORM} errors={errors} />
        {fromCitation && <p>{t('form.fromCitation')}</p>}
        <fieldset className="patron-choices">
          <legend>{t('form.kind')}</legend>
          {(['loan', 'copy'] as const).map((kind) => (
            <label key={kind} className="patron-choice">
              <input type="radio" name="kind" value={kind} checked={values.kind === kind} onChange={() => setKind(kind)} />
              <span>{t(`form.kind.${kind}`)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="patron-group">
          <legend>{t('form.details')}</legend>
          {shownFields(values).map((name) => (
            <InputField
              key={name}
              form={FORM}
              name={name}
              label={t(labelKey(values.kind, name))}
              required={isRequired(values.kind, name)}
              value={values.bibliographic[name]}
              onChange={setBibliographic(name)}
              error={errors.fields[name]}
              {...(name === 'publicationDate' || name === 'volume' || name === 'issue' ? { inputMode: 'numeric' as const } : {})}
            />
          ))}
        </fieldset>
        <fieldset className="patron-group">
          <legend>{t('form.yourChoices')}</legend>
          {library.pickupLocations.length > 0 && (
            <SelectField
              form={FORM}
              name="pickupLocation"
              label={t('form.pickupLocation')}
              required
              value={values.pickupLocation}
              onChange={(pickupLocation) => setValues((v) => ({ ...v, pickupLocation }))}
              error={errors.fields.pickupLocation}
              hint={library.pickupLocations.find((p) => p.code === values.pickupLocation)?.address}
              options={[{ value: '', label: t('form.pickupChoose') }, ...library.pickupLocations.map((p) => ({ value: p.code, label: p.name }))]}
            />
          )}
          <InputField form={FORM} name="neededBy" type="date" min={todayIn()} label={t('form.neededBy')} hint={t('form.neededByHint')} required={false} value={values.neededBy} onChange={(neededBy) => setValues((v) => ({ ...v, neededBy }))} error={errors.fields.neededBy} />
          <TextAreaField form={FORM} name="note" label={t('form.note')} hint={t('form.noteHint', { left: Math.max(0, NOTE_MAX - values.note.length) })} required={false} maxLength={NOTE_MAX} value={values.note} onChange={(note) => setValues((v) => ({ ...v, note }))} error={errors.fields.note} />
        </fieldset>
      </form>
      {!session && (
        <SignInForm
          library={library}
          heading={t('form.signInFirst')}
          intro={t('form.signInFirstHint')}
          {...(sessionEnded ? { notice: t('errors.sessionEnded') } : {})}
          onSignedIn={() => {
            setSessionEnded(false);
            setErrors(noErrors);
          }}
        />
      )}
      {session?.blocked && <BlockedNotice session={session} />}
      {session && !session.blocked && atLimit && (
        <p className="patron-notice" role="status">
          {t('form.limitReached', { open: session.openRequests, max: session.maxOpenRequests })}
        </p>
      )}
      {session && !session.blocked && !atLimit && (
        <div className="patron-actions">
          <button type="submit" form={FORM} className="patron-primary" disabled={send.isPending}>
            {send.isPending ? t('form.sending') : t('form.submit')}
          </button>
        </div>
      )}
    </>
  );
}

/** Why a blocked patron cannot send requests, in the ILS's own words where it gave reasons. */
export function BlockedNotice({ session }: { readonly session: PatronSession }) {
  const { t } = useWords();
  return (
    <div className="patron-notice" role="status">
      <p>
        <strong>{t('signIn.blocked')}</strong>
      </p>
      {session.blockReasons.length > 0 && (
        <ul>
          {session.blockReasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
      <p>{t('signIn.blockedHelp')}</p>
    </div>
  );
}
