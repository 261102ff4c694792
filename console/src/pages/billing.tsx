import { useState } from 'preact/hooks';
import { get, request, versionOf } from '../api';
import { useT, type ConsoleKey } from '../i18n';
import { sentenceFor } from '../problems';
import type { BillingProfile, Invoice, Page as ListPage } from '../types';
import { Alert, Field, Form, Page, Select, Success, useAction, useLoad } from '../ui';
import { formatDay, formatMoney } from './admin-words';
import { Pager, query, useCursorPages } from './paging';

const PLANS = ['free', 'team', 'business', 'enterprise'] as const;
const PLAN_KEYS: Record<(typeof PLANS)[number], ConsoleKey> = { free: 'billing.plan.free', team: 'billing.plan.team', business: 'billing.plan.business', enterprise: 'billing.plan.enterprise' };
/** Card networks keep their own names in every language; only the two that are not names are words. */
const BRANDS: Array<[string, string]> = [
  ['visa', 'Visa'], ['mastercard', 'Mastercard'], ['amex', 'American Express'], ['discover', 'Discover'], ['jcb', 'JCB'], ['diners', 'Diners Club'], ['unionpay', 'UnionPay'],
];
const INVOICE_STATUS_KEYS: Record<Invoice['status'], ConsoleKey> = {
  draft: 'billing.invoice.status.draft', open: 'billing.invoice.status.open', paid: 'billing.invoice.status.paid', void: 'billing.invoice.status.void', uncollectible: 'billing.invoice.status.uncollectible',
};

export function Billing() {
  const { t } = useT();
  const loaded = useLoad(async () => {
    const answer = await request<BillingProfile>('GET', '/v1/billing');
    return { profile: answer.body, version: versionOf(answer.etag) ?? answer.body.version };
  }, []);
  const action = useAction();
  const [saved, setSaved] = useState(false);
  if (loaded.error) return <Page title={t('billing.title')}><Alert>{sentenceFor(loaded.error)}</Alert></Page>;
  if (!loaded.data) return <Page title={t('billing.title')}><p aria-busy="true">{t('admin.loading')}</p></Page>;
  const { profile, version } = loaded.data;
  const address = (profile.address ?? {}) as Record<string, string | undefined>;
  return (
    <Page title={t('billing.title')}>
      {saved ? <Success>{t('billing.saved')}</Success> : null}
      <Form
        key={version}
        label={t('billing.details')}
        busy={action.busy}
        error={action.error}
        versioned={{
          what: t('billing.versioned'),
          reload: () => {
            action.setError(undefined);
            loaded.reload();
          },
        }}
        submit={t('billing.save')}
        onSubmit={(form) =>
          action.run(async () => {
            setSaved(false);
            const text = (name: string) => String(form.get(name) ?? '').trim();
            const body: Record<string, unknown> = { plan: text('plan'), billingEmail: text('billingEmail') };
            if (text('paymentMethod.brand')) {
              body.paymentMethod = {
                brand: text('paymentMethod.brand'),
                last4: text('paymentMethod.last4'),
                expMonth: Number(text('paymentMethod.expMonth')),
                expYear: Number(text('paymentMethod.expYear')),
              };
            }
            if (['line1', 'city', 'postalCode', 'country'].some((key) => text(`address.${key}`))) {
              body.address = Object.fromEntries(
                ['line1', 'line2', 'city', 'state', 'postalCode', 'country']
                  .map((key) => [key, key === 'country' ? text(`address.${key}`).toUpperCase() : text(`address.${key}`)])
                  .filter(([key, value]) => value || !['line2', 'state'].includes(key!)),
              );
            }
            await request('PUT', '/v1/billing', { body, ifMatch: version });
            loaded.reload();
            setSaved(true);
          })
        }
      >
        <Select name="plan" label={t('billing.plan')} value={profile.plan} options={PLANS.map((plan): [string, string] => [plan, t(PLAN_KEYS[plan])])} />
        <Field name="billingEmail" label={t('billing.email')} type="email" required defaultValue={profile.billingEmail ?? ''} />
        <fieldset>
          <legend>{t('billing.payment')}</legend>
          <p class="hint">{t('billing.payment.hint')}</p>
          <Select
            name="paymentMethod.brand"
            label={t('billing.brand')}
            value={profile.paymentMethod?.brand ?? ''}
            options={[['', t('billing.brand.none')], ...BRANDS, ['sepa_debit', t('billing.brand.sepa')], ['other', t('billing.brand.other')]]}
          />
          <Field name="paymentMethod.last4" label={t('billing.last4')} inputMode="numeric" maxLength={4} defaultValue={profile.paymentMethod?.last4 ?? ''} />
          <Field name="paymentMethod.expMonth" label={t('billing.expMonth')} type="number" min={1} max={12} defaultValue={String(profile.paymentMethod?.expMonth ?? '')} />
          <Field name="paymentMethod.expYear" label={t('billing.expYear')} type="number" min={2000} max={2100} defaultValue={String(profile.paymentMethod?.expYear ?? '')} />
        </fieldset>
        <fieldset>
          <legend>{t('billing.address')}</legend>
          <Field name="address.line1" label={t('billing.address.line1')} defaultValue={address.line1 ?? ''} autocomplete="address-line1" />
          <Field name="address.line2" label={t('billing.address.line2')} defaultValue={address.line2 ?? ''} autocomplete="address-line2" />
          <Field name="address.city" label={t('billing.address.city')} defaultValue={address.city ?? ''} autocomplete="address-level2" />
          <Field name="address.state" label={t('billing.address.state')} defaultValue={address.state ?? ''} autocomplete="address-level1" />
          <Field name="address.postalCode" label={t('billing.address.postalCode')} defaultValue={address.postalCode ?? ''} autocomplete="postal-code" />
          <Field name="address.country" label={t('billing.address.country')} hint={t('billing.address.country.hint')} maxLength={2} defaultValue={address.country ?? ''} autocomplete="country" />
        </fieldset>
      </Form>
    </Page>
  );
}

export function Invoices() {
  const { t, locale } = useT();
  const pages = useCursorPages([]);
  const list = useLoad(() => get<ListPage<Invoice>>(`/v1/billing/invoices${query({ limit: 25, cursor: pages.cursor })}`), [pages.cursor]);
  return (
    <Page title={t('billing.invoices')}>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data && !list.data.items.length ? <p>{t('billing.invoices.none')}</p> : null}
      {list.data?.items.length ? (
        <table class="cards">
          <caption class="visually-hidden">{t('billing.invoices.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('billing.invoice.number')}</th>
              <th scope="col">{t('billing.invoice.period')}</th>
              <th scope="col" class="number">{t('billing.invoice.amount')}</th>
              <th scope="col">{t('admin.status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((invoice) => (
              <tr key={invoice.id}>
                <td data-label={t('billing.invoice.number')}>{invoice.number}</td>
                <td data-label={t('billing.invoice.period')}>
                  {t('billing.invoice.range', { start: formatDay(locale, invoice.periodStart), end: formatDay(locale, invoice.periodEnd) })}
                </td>
                <td data-label={t('billing.invoice.amount')} class="number">{formatMoney(locale, invoice.amountDue, invoice.currency)}</td>
                <td data-label={t('admin.status')}>
                  <span class={`badge ${invoice.status}`}>{t(INVOICE_STATUS_KEYS[invoice.status])}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager page={pages.page} nextCursor={list.data?.nextCursor} onNext={pages.next} onPrevious={pages.previous} />
    </Page>
  );
}
