/**
 * A new borrowing request (/requests/new): a book to borrow or a copy of an article or chapter,
 * the patron, pickup, dates and optional lenders, with a live routing preview beside the form.
 * A 400 puts each error next to its field and focuses the first.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { t, tOr } from '../i18n/t';
import { BIB_FIELDS, dryRunQuery, fieldOfError, fieldOrder, PATRON_FIELDS, previewable, REQUEST_FIELDS, requestBody, type FieldDef, type Kind, type NewRequestValues, type ServiceType } from '../new-request/form';
import { useLibraries } from '../new-request/libraries';
import { CatalogueLookup } from '../new-request/CatalogueLookup';
import { RoutingPreview } from '../new-request/RoutingPreview';
import { useDebounced } from '../new-request/use-debounced';
import { canAct, useSession } from '../session';
import '../request/request.css';

const fieldId = (name: string) => `nr-${name.replace(/\./g, '-')}`;

export function NewRequestPage() {
  const session = useSession();
  const navigate = useNavigate();
  const libraries = useLibraries();
  const [kind, setKind] = useState<Kind>('book');
  const [serviceType, setServiceType] = useState<ServiceType>('Loan');
  const [library, setLibrary] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState('');
  const summaryRef = useRef<HTMLParagraphElement>(null);

  const list = libraries.data ?? [];
  const chooseLibrary = list.length > 1;
  const chosen = list.find((l) => l.symbol === library) ?? (list.length === 1 ? list[0] : undefined);
  useEffect(() => {
    if (library === '' && list.length > 1) setLibrary(list.find((l) => l.symbol === session.user.library)?.symbol ?? list[0]!.symbol);
  }, [list, library, session.user.library]);

  useEffect(() => {
    document.title = `${t('newRequest.title')} · ${t('app.title')}`;
  }, []);

  const values: NewRequestValues = useMemo(() => ({ kind, serviceType, library: chooseLibrary ? library : '', fields }), [kind, serviceType, library, chooseLibrary, fields]);
  const query = useMemo(() => (previewable(values) ? dryRunQuery(values) : undefined), [values]);
  const settledQuery = useDebounced(query, 400);

  const set = (name: string, value: string) => setFields((f) => ({ ...f, [name]: value }));
  const pickKind = (next: Kind) => {
    setKind(next);
    setServiceType(next === 'copy' ? 'Copy' : 'Loan');
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setSummary('');
    try {
      const created = unwrap(await api.POST('/requests', { body: requestBody(values) }));
      navigate(`/requests/${created.id}`);
    } catch (err) {
      const next: Record<string, string> = {};
      if (err instanceof ApiError && err.status === 400 && err.problem.errors?.length) {
        for (const { path, message } of err.problem.errors) {
          const field = fieldOfError(path, kind);
          next[field] = next[field] ? `${next[field]}; ${message}` : message;
        }
      } else {
        next[''] = t('common.error', { detail: err instanceof Error ? err.message : String(err) });
      }
      setErrors(next);
      const first = fieldOrder(kind).find((name) => next[name] !== undefined);
      if (first) {
        setSummary(t('newRequest.errors', { count: Object.keys(next).filter((k) => k !== '').length }));
        queueMicrotask(() => document.getElementById(fieldId(first))?.focus());
      } else {
        queueMicrotask(() => summaryRef.current?.focus());
      }
    } finally {
      setBusy(false);
    }
  }

  const label = (name: string) => (name === 'bibliographic.title' && kind === 'copy' ? t('newRequest.field.bibliographic.title.copy') : tOr(`newRequest.field.${name}`, name));
  const input = (f: FieldDef) => {
    const id = fieldId(f.name);
    const hint = tOr(`newRequest.hint.${f.name}`, '');
    const error = errors[f.name];
    const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    const props = {
      id,
      value: fields[f.name] ?? '',
      'aria-describedby': described,
      'aria-invalid': error ? true : undefined,
      onChange: (e: { target: { value: string } }) => set(f.name, e.target.value),
    };
    return (
      <div className="field" key={f.name}>
        <label htmlFor={id}>{label(f.name)}</label>
        {f.kind === 'textarea' ? <textarea rows={3} {...props} /> : <input type={f.kind === 'date' ? 'date' : f.kind === 'email' ? 'email' : 'text'} {...props} />}
        {hint ? <span id={`${id}-hint`} className="hint">{hint}</span> : null}
        {error ? <span id={`${id}-error`} className="field-error">{error}</span> : null}
      </div>
    );
  };

  if (!canAct(session)) {
    return (
      <main className="new-request-page">
        <h1>{t('newRequest.title')}</h1>
        <p>{t('newRequest.readOnly')}</p>
      </main>
    );
  }
  const pickupError = errors.pickupLocation;
  const pickups = chosen?.pickupLocations ?? [];
  return (
    <main className="new-request-page">
      <h1>{t('newRequest.title')}</h1>
      <p>{t('newRequest.intro')}</p>
      <div className="new-request-layout">
        <form onSubmit={(e) => void submit(e)} noValidate className="new-request-form">
          <p ref={summaryRef} tabIndex={-1} role="alert" className={errors[''] || summary ? 'field-error' : undefined}>
            {errors[''] ?? summary}
          </p>
          {chooseLibrary ? (
            <div className="field">
              <label htmlFor={fieldId('library')}>{t('newRequest.library')}</label>
              <select id={fieldId('library')} value={library} aria-invalid={errors.library ? true : undefined} aria-describedby={errors.library ? `${fieldId('library')}-error` : undefined} onChange={(e) => setLibrary(e.target.value)}>
                {list.map((l) => (
                  <option key={l.symbol} value={l.symbol}>{`${l.name} (${l.symbol})`}</option>
                ))}
              </select>
              {errors.library ? <span id={`${fieldId('library')}-error`} className="field-error">{errors.library}</span> : null}
            </div>
          ) : null}
          <fieldset>
            <legend>{t('newRequest.kind')}</legend>
            {(['book', 'copy'] as const).map((k) => (
              <label key={k} className="choice">
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => pickKind(k)} /> {t(`newRequest.kind.${k}`)}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('newRequest.section.item')}</legend>
            {BIB_FIELDS.filter((f) => kind === 'copy' || !f.copyOnly).map(input)}
            <CatalogueLookup values={values} onFill={setFields} />
          </fieldset>
          <fieldset>
            <legend>{t('newRequest.section.patron')}</legend>
            {PATRON_FIELDS.map(input)}
            <div className="field">
              <label htmlFor={fieldId('pickupLocation')}>{t('newRequest.field.pickupLocation')}</label>
              {pickups.length > 0 ? (
                <select id={fieldId('pickupLocation')} value={fields.pickupLocation ?? ''} aria-invalid={pickupError ? true : undefined} aria-describedby={pickupError ? `${fieldId('pickupLocation')}-error` : undefined} onChange={(e) => set('pickupLocation', e.target.value)}>
                  <option value="">{t('newRequest.pickup.choose')}</option>
                  {pickups.map((p) => (
                    <option key={p.code} value={p.code}>{p.name}</option>
                  ))}
                </select>
              ) : (
                <input id={fieldId('pickupLocation')} type="text" value={fields.pickupLocation ?? ''} aria-invalid={pickupError ? true : undefined} aria-describedby={`${fieldId('pickupLocation')}-hint${pickupError ? ` ${fieldId('pickupLocation')}-error` : ''}`} onChange={(e) => set('pickupLocation', e.target.value)} />
              )}
              {pickups.length === 0 ? <span id={`${fieldId('pickupLocation')}-hint`} className="hint">{t('newRequest.hint.pickupLocation')}</span> : null}
              {pickupError ? <span id={`${fieldId('pickupLocation')}-error`} className="field-error">{pickupError}</span> : null}
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('newRequest.section.request')}</legend>
            <div className="field">
              <label htmlFor={fieldId('serviceType')}>{t('newRequest.field.serviceType')}</label>
              <select id={fieldId('serviceType')} value={serviceType} onChange={(e) => setServiceType(e.target.value as ServiceType)}>
                {(['Loan', 'Copy', 'CopyOrLoan'] as const).map((s) => (
                  <option key={s} value={s}>{t(`serviceType.${s}`)}</option>
                ))}
              </select>
              {errors.serviceType ? <span className="field-error">{errors.serviceType}</span> : null}
            </div>
            {REQUEST_FIELDS.map(input)}
          </fieldset>
          <button type="submit" className="primary" disabled={busy}>{busy ? t('newRequest.submitting') : t('newRequest.submit')}</button>
        </form>
        <RoutingPreview query={settledQuery} />
      </div>
    </main>
  );
}
