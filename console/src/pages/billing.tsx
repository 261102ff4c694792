import { useState } from 'preact/hooks';
import { get, request, versionOf } from '../api';
import { sentenceFor } from '../problems';
import type { BillingProfile, Invoice, Page as ListPage } from '../types';
import { Alert, Field, Form, Page, Select, Success, useAction, useLoad } from '../ui';
import { Pager, query, useCursorPages } from './paging';

const PLANS: Array<[string, string]> = [['free', 'Free'], ['team', 'Team'], ['business', 'Business'], ['enterprise', 'Enterprise']];
const BRANDS: Array<[string, string]> = [
  ['', 'No payment method'],
  ...['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'sepa_debit', 'other'].map((brand): [string, string] => [brand, brand]),
];

export function Billing() {
  const loaded = useLoad(async () => {
    const answer = await request<BillingProfile>('GET', '/v1/billing');
    return { profile: answer.body, version: versionOf(answer.etag) ?? answer.body.version };
  }, []);
  const action = useAction();
  const [saved, setSaved] = useState(false);
  if (loaded.error) return <Page title="Billing"><Alert>{sentenceFor(loaded.error)}</Alert></Page>;
  if (!loaded.data) return <Page title="Billing"><p aria-busy="true">Loading…</p></Page>;
  const { profile, version } = loaded.data;
  const address = (profile.address ?? {}) as Record<string, string | undefined>;
  return (
    <Page title="Billing">
      {saved ? <Success>Billing details saved.</Success> : null}
      <Form
        key={version}
        label="Billing details"
        busy={action.busy}
        error={action.error}
        versioned={{
          what: 'the billing details',
          reload: () => {
            action.setError(undefined);
            loaded.reload();
          },
        }}
        submit="Save billing details"
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
        <Select name="plan" label="Plan" value={profile.plan} options={PLANS} />
        <Field name="billingEmail" label="Billing email" type="email" required defaultValue={profile.billingEmail ?? ''} />
        <fieldset>
          <legend>Payment method</legend>
          <p class="hint">Only the card brand and its last four digits are kept; never a full card number.</p>
          <Select name="paymentMethod.brand" label="Brand" value={profile.paymentMethod?.brand ?? ''} options={BRANDS} />
          <Field name="paymentMethod.last4" label="Last four digits" inputMode="numeric" maxLength={4} defaultValue={profile.paymentMethod?.last4 ?? ''} />
          <Field name="paymentMethod.expMonth" label="Expiry month" type="number" min={1} max={12} defaultValue={String(profile.paymentMethod?.expMonth ?? '')} />
          <Field name="paymentMethod.expYear" label="Expiry year" type="number" min={2000} max={2100} defaultValue={String(profile.paymentMethod?.expYear ?? '')} />
        </fieldset>
        <fieldset>
          <legend>Billing address</legend>
          <Field name="address.line1" label="Address line 1" defaultValue={address.line1 ?? ''} autocomplete="address-line1" />
          <Field name="address.line2" label="Address line 2" defaultValue={address.line2 ?? ''} autocomplete="address-line2" />
          <Field name="address.city" label="City" defaultValue={address.city ?? ''} autocomplete="address-level2" />
          <Field name="address.state" label="State or region" defaultValue={address.state ?? ''} autocomplete="address-level1" />
          <Field name="address.postalCode" label="Postal code" defaultValue={address.postalCode ?? ''} autocomplete="postal-code" />
          <Field name="address.country" label="Country code" hint="Two letters, e.g. FR, US." maxLength={2} defaultValue={address.country ?? ''} autocomplete="country" />
        </fieldset>
      </Form>
    </Page>
  );
}

const money = (invoice: Invoice) => {
  try {
    // amountDue is in the currency's minor unit (cents).
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: invoice.currency }).format(invoice.amountDue / 100);
  } catch {
    return `${invoice.amountDue / 100} ${invoice.currency}`;
  }
};

export function Invoices() {
  const pages = useCursorPages([]);
  const list = useLoad(() => get<ListPage<Invoice>>(`/v1/billing/invoices${query({ limit: 25, cursor: pages.cursor })}`), [pages.cursor]);
  return (
    <Page title="Invoices">
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data && !list.data.items.length ? <p>No invoices yet.</p> : null}
      {list.data?.items.length ? (
        <table class="cards">
          <caption class="visually-hidden">Invoices, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Period</th>
              <th scope="col" class="number">Amount due</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((invoice) => (
              <tr key={invoice.id}>
                <td data-label="Number">{invoice.number}</td>
                <td data-label="Period">
                  {invoice.periodStart} – {invoice.periodEnd}
                </td>
                <td data-label="Amount due" class="number">{money(invoice)}</td>
                <td data-label="Status">
                  <span class={`badge ${invoice.status}`}>{invoice.status}</span>
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
